"""Forms of the chapter's organisation: its cells and who holds which role
(members/organisation_views.py). Like the movement forms, they validate and never write."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from chapter.forms import DateKind, date_field
from members.models import Cell, Chapter, Member, RoleAssignment
from members.movement_forms import ServiceForm

Role = RoleAssignment.Role


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.full_name} ({obj.cell})" if obj.cell_id else obj.full_name


def _active_members(chapter: Chapter):
    return Member.objects.active().filter(chapter=chapter).select_related("cell")


class CellForm(ServiceForm):
    name = forms.CharField(label=_("Name of the cell"), max_length=120)
    leader = MemberChoiceField(
        label=_("Cell leader"), queryset=Member.objects.none(), required=False, empty_label="—"
    )
    deputy_leader = MemberChoiceField(
        label=_("Deputy cell leader"),
        queryset=Member.objects.none(),
        required=False,
        empty_label="—",
    )

    def __init__(self, chapter: Chapter, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("leader", "deputy_leader"):
            self.fields[name].queryset = _active_members(chapter)
            self.fields[name].help_text = _("A member on this chapter's roll.")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full_name = obj.get_full_name()
        return f"{obj.get_username()} — {full_name}" if full_name else obj.get_username()


def accounts_of_chapter(chapter: Chapter):
    """The user accounts tied to the chapter: those of its members on the roll (any role they
    ever held names the member) and those of its current officers. Never the whole system's."""
    today = timezone.localdate()
    current = Q(end_date__isnull=True) | Q(end_date__gte=today)
    tied = RoleAssignment.objects.filter(
        Q(member__chapter=chapter, member__status__in=Member.ACTIVE_STATUSES)
        | (current & (Q(chapter=chapter) | Q(cell__chapter=chapter)))
    )
    users = get_user_model().objects.filter(is_active=True, pk__in=tied.values("user_id"))
    return users.order_by("username")


class RoleForm(ServiceForm):
    """A chapter role: secretary, deputy, or leader of one of its cells. Committee officers are
    appointed by the administrator.

    The account is one tied to the chapter (``accounts_of_chapter``), or a new one made here for
    a member on the chapter's roll (``new_username`` and ``new_password``, then ``member``)."""

    ROLES = (Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.CELL_LEADER)

    role = forms.ChoiceField(label=_("Role"), choices=[(r, capfirst(Role(r).label)) for r in ROLES])
    cell = forms.ModelChoiceField(
        label=_("Cell"),
        queryset=Cell.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("Only for a cell leader."),
    )
    user = UserChoiceField(
        label=_("User account"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("— A new account —"),
        help_text=_(
            "The accounts of this chapter's members and officers. For someone without one, "
            "leave this empty and make a new account below."
        ),
    )
    new_username = forms.CharField(
        label=_("New account: user name"),
        max_length=150,
        required=False,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only, e.g. nguyenvana."),
    )
    new_password = forms.CharField(
        label=_("New account: first password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Give it to the person, who changes it after signing in."),
    )
    member = MemberChoiceField(
        label=_("Party member holding the role"),
        queryset=Member.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("The member on this chapter's roll who holds it (needed for a new account)."),
    )
    start_date = date_field(_("From"))

    def __init__(self, chapter: Chapter, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.chapter = chapter
        self.fields["cell"].queryset = Cell.objects.filter(chapter=chapter)
        self.fields["user"].queryset = accounts_of_chapter(chapter)
        self.fields["member"].queryset = _active_members(chapter)

    def layout(self) -> Layout:
        return Layout(
            Row(Column("role"), Column("cell")),
            "user",
            Row(Column("new_username"), Column("new_password")),
            "member",
            "start_date",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("role") == Role.CELL_LEADER:
            if not data.get("cell"):
                self.add_error("cell", _("Choose the cell this person leads."))
        else:
            data["cell"] = None
        if data.get("user"):
            if data.get("new_username") or data.get("new_password"):
                self.add_error(
                    "new_username",
                    ValidationError(
                        _("Choose an account or make a new one, not both."), code="both"
                    ),
                )
        elif "user" not in self.errors:
            self._clean_new_account(data)
        return data

    def _clean_new_account(self, data: dict[str, Any]) -> None:
        username, password = data.get("new_username"), data.get("new_password")
        if not username:
            self.add_error(
                "user", ValidationError(_("Choose an account or make a new one."), code="required")
            )
            return
        if get_user_model().objects.filter(username__iexact=username).exists():
            self.add_error(
                "new_username",
                ValidationError(_("This user name is already taken."), code="taken"),
            )
        if not data.get("member") and "member" not in self.errors:
            self.add_error(
                "member",
                ValidationError(
                    _("A new account is made for a member of this chapter: choose the member."),
                    code="required",
                ),
            )
        if not password:
            self.add_error(
                "new_password", ValidationError(_("Give a first password."), code="required")
            )
            return
        member = data.get("member")
        # The whole Vietnamese name goes in first_name, so get_full_name() reads in order.
        candidate = get_user_model()(
            username=username, first_name=member.full_name[:150] if member else ""
        )
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as error:
            self.add_error("new_password", error)

    def new_account(self) -> dict[str, str] | None:
        """What the new account is made from, or None when an existing one was chosen."""
        data = self.cleaned_data
        if data.get("user"):
            return None
        return {
            "username": data["new_username"],
            "password": data["new_password"],
            "first_name": data["member"].full_name[:150],
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        is_cell_role = data["role"] == Role.CELL_LEADER
        return {
            "user": data["user"],
            "role": data["role"],
            "start_date": data["start_date"],
            "chapter": None if is_cell_role else self.chapter,
            "cell": data["cell"] if is_cell_role else None,
            "member": data["member"],
        }


class RoleEndForm(ServiceForm):
    end_date = date_field(_("Last day in the role"), kind=DateKind.PLANNED)
