"""The admin corrects data within the application's limits (issue 10, item 6): the same date
bounds and text lengths as the forms, with the translated message."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import translation

from admissions.models import Decision
from members.admin_base import AnnulLatestForm
from members.models import Member

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-15")]


def formfield(rf, admin_user, model, name):
    request = rf.get("/admin/")
    request.user = admin_user
    model_admin = admin.site._registry[model]
    return model_admin.formfield_for_dbfield(model._meta.get_field(name), request)


@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/1899", "31/12/9999", "16/03/2026"])
def test_a_date_of_birth_outside_its_bounds_is_refused(rf, admin_user, typed):
    field = formfield(rf, admin_user, Member, "date_of_birth")
    with translation.override("vi"):
        with pytest.raises(ValidationError) as refused:
            field.clean(typed)
        assert "ngày sinh" in " ".join(refused.value.messages).lower()


def test_a_date_of_birth_inside_its_bounds_is_kept(rf, admin_user):
    field = formfield(rf, admin_user, Member, "date_of_birth")
    assert field.clean("06/04/2000").isoformat() == "2000-04-06"


@pytest.mark.parametrize("typed", ["02/02/1930", "31/12/9999"])
def test_an_event_date_outside_the_partys_era_is_refused(rf, admin_user, typed):
    field = formfield(rf, admin_user, Decision, "date")
    with pytest.raises(ValidationError):
        field.clean(typed)
    assert field.clean("03/02/1930").isoformat() == "1930-02-03"


def test_long_text_is_limited(rf, admin_user):
    field = formfield(rf, admin_user, Member, "note")
    field.clean("x" * 2000)
    with pytest.raises(ValidationError):
        field.clean("x" * 2001)


def test_the_annulment_reason_is_limited():
    assert not AnnulLatestForm(data={"reason": "x" * 2001}).is_valid()
    assert AnnulLatestForm(data={"reason": "ghi nhầm ngày"}).is_valid()
