"""The Party's organisation: committees, their chapters and the chapters' cells."""

from __future__ import annotations

import uuid

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from chapter.models import TimeStampedModel


class PublicIdModel(TimeStampedModel):
    """A row with a page: URLs carry the UUID, never the integer key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class Committee(MP_Node, PublicIdModel):
    """A committee in the tree (treebeard's materialized path: ``path`` of 4-character steps,
    ``depth`` 1 at a root, ``numchild``). Create with ``Committee.add_root(...)`` or
    ``parent.add_child(...)``, move with ``move()``; the subtree of ``node`` is
    ``path__startswith=node.path``. Children are ordered by name in queries."""

    class Kind(models.TextChoices):
        SUPERIOR = "SUPERIOR", _("directly superior committee")
        GRASSROOTS = "GRASSROOTS", _("grassroots committee")
        SECTIONAL = "SECTIONAL", _("sectional committee")
        PROVINCIAL = "PROVINCIAL", _("provincial-level committee")

    name = models.CharField(_("name"), max_length=200)
    short_code = models.CharField(
        _("short code"),
        max_length=20,
        blank=True,
        help_text=_('Used in document numbers, e.g. "ĐUK".'),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SUPERIOR)
    authorised_to_admit = models.BooleanField(
        _("authorised to decide admissions"),
        default=False,
        help_text=_(
            "A grassroots committee the superior committee has authorised to decide admissions."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # treebeard 7 moved its tree methods to the manager and warns on the old ones; these keep
    # the short spelling (``Committee.add_root(name=...)``, ``node.add_child(name=...)``).
    @classmethod
    def add_root(cls, instance: Committee | None = None, **fields) -> Committee:
        return cls.objects.add_root(instance=instance or cls(**fields))

    def add_child(self, instance: Committee | None = None, **fields) -> Committee:
        return type(self).objects.add_child(self, instance=instance or type(self)(**fields))

    def move(
        self, target: Committee, pos: str | None = None, *, reason: str | None = None, user=None
    ) -> int:
        """Move this committee with everything under it (treebeard rewrites the paths of the
        whole branch) and write one history row for each committee whose path changed — this
        one and every one under it — with ``reason`` and ``user`` (default: the ones handed to
        this committee's own history, ``_change_reason``/``_history_user``), all in one INSERT
        and in the transaction of the move: a failure leaves neither paths nor rows behind. This
        committee's row is built from the instance, so save its other fields first (with
        ``skip_history_when_saving``). Returns how many rows were written (0: nothing moved).
        """
        model = type(self)
        reason = reason if reason is not None else getattr(self, "_change_reason", None)
        user = user if user is not None else getattr(self, "_history_user", None)
        with transaction.atomic():
            # The tree as it is now (a stale instance would take a no-op for a move).
            self.refresh_from_db(fields=["path", "depth", "numchild"])
            former = self.path
            model.objects.move(self, target, pos)  # refreshes self's tree fields
            if self.path == former:
                return 0
            below = list(model.objects.filter(path__startswith=self.path).exclude(pk=self.pk))
            written = model.history.bulk_history_create(
                [self, *below],
                update=True,
                default_user=user,
                default_change_reason=reason or "",
                default_date=timezone.now(),
            )
        return len(written)

    def get_parent(self, update: bool = False) -> Committee | None:
        return type(self).objects.get_parent(self, update)

    def get_ancestors(self):
        return type(self).objects.get_ancestors(self)

    def get_children(self):
        return type(self).objects.get_children(self)

    def get_descendants(self, include_self: bool = False):
        return type(self).objects.get_descendants(self, include_self=include_self)

    @classmethod
    def get_last_root_node(cls) -> Committee | None:
        return cls.objects.get_last_root_node()


class Chapter(PublicIdModel):
    class Kind(models.TextChoices):
        GRASSROOTS = "GRASSROOTS", _("grassroots chapter")
        SUBORDINATE = "SUBORDINATE", _("subordinate chapter")

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("superior committee"),
        on_delete=models.PROTECT,
        related_name="chapters",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.SUBORDINATE
    )
    founded_on = models.DateField(_("founded on"))
    founding_decision_number = models.CharField(
        _("founding decision number"), max_length=50, blank=True
    )
    founding_decision_date = models.DateField(_("founding decision date"), null=True, blank=True)
    founding_body = models.CharField(_("founding body"), max_length=200, blank=True)
    # Set by a reorganisation decision that merged or split it away (members.reorganisation):
    # its members moved, its roles ended on that day; its ledger and reports stay.
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True, editable=False)
    dissolved_by = models.ForeignKey(
        "members.Reorganisation",
        verbose_name=_("dissolved by decision"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="dissolved_chapters",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:chapter-detail", args=[self.public_id])


class Cell(PublicIdModel):
    chapter = models.ForeignKey(
        Chapter, verbose_name=_("chapter"), on_delete=models.PROTECT, related_name="cells"
    )
    name = models.CharField(_("name"), max_length=120)
    leader = models.ForeignKey(
        "Member",
        verbose_name=_("cell leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deputy_leader = models.ForeignKey(
        "Member",
        verbose_name=_("deputy cell leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A cell whose members a reorganisation moved to another chapter: kept for the reports of
    # the days before, offered for nothing new.
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cell")
        verbose_name_plural = _("cells")
        ordering = ["chapter", "name"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "name"], name="members_cell_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
