"""The append-only ledger, once: what a member's movement (``members.MemberEvent``) and a
case's pipeline step (``admissions.CandidateEvent``) share.

An entry is written once and never changed or deleted, one row or in bulk. A mistake is
cancelled by a later entry whose ``annuls`` points at it; readers count the standing entries
only. Each ledger names its own subject, date and kind, and may narrow a shared field (its own
help text, a required field) by declaring it again.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerQuerySet(models.QuerySet):
    """Bulk writes would bypass ``LedgerEntry.save``/``delete``: refused the same way."""

    def update(self, **kwargs):
        raise ValidationError(self.model.unchangeable)

    def delete(self):
        raise ValidationError(self.model.undeletable)


def annuls_field(help_text: str) -> models.OneToOneField:
    """The entry an annulment cancels (a ledger names its entries in the help text)."""
    return models.OneToOneField(
        "self",
        verbose_name=_("annuls"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annulment",
        help_text=help_text,
    )


def recorder_field(*, blank: bool = True) -> models.ForeignKey:
    """Who recorded the entry (kept when the account is deleted, as no one)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class LedgerEntry(models.Model):
    """One entry of an append-only ledger: never changed, never deleted."""

    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    annuls = annuls_field(_("The entry recorded by mistake that this annulment cancels."))
    actor = recorder_field()
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    #: what a refused change or deletion says (each ledger names its entries)
    unchangeable = _("An entry in the ledger cannot be changed.")
    undeletable = _("An entry in the ledger cannot be deleted.")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(self.unchangeable)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(self.undeletable)

    @property
    def is_annulment(self) -> bool:
        return self.annuls_id is not None
