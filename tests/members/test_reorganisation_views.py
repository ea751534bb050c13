"""The reorganisation pages (members/reorganisation_views.py): the list of decisions in reach,
the form, its confirmation page (what will move, nothing written) and the decision's page;
who sees what."""

import datetime

import pytest
from django.urls import reverse

from members.models import Chapter, Member, MemberEvent, Reorganisation
from members.models import RoleAssignment as RA
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    CommitteeFactory,
    UserFactory,
    give_role,
    register_member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2026-03-16")]
D = datetime.date
NEW = reverse("members:reorganisation-new")
LIST = reverse("members:reorganisations")


@pytest.fixture
def world():
    x = CommitteeFactory(name="Đảng ủy xã X")
    e = CommitteeFactory(name="Đảng ủy E")
    a = ChapterFactory(name="Chi bộ A", committee=x)
    t = ChapterFactory(name="Chi bộ T", committee=x)
    e1 = ChapterFactory(name="Chi bộ E1", committee=e)
    a1 = CellFactory(chapter=a, name="Tổ 1")
    a2 = CellFactory(chapter=a, name="Tổ 2")
    for cell in (a1, a1, a2):
        register_member(a, cell=cell)
    register_member(t)
    officer = UserFactory(username="officer_x")
    give_role(officer, RA.Role.COMMITTEE_OFFICER, committee=x)
    secretary_t = UserFactory(username="sec_t")
    give_role(secretary_t, RA.Role.SECRETARY, chapter=t)
    secretary_e = UserFactory(username="sec_e")
    give_role(secretary_e, RA.Role.SECRETARY, chapter=e1)
    return {
        "x": x, "e": e, "a": a, "t": t, "e1": e1, "a1": a1, "a2": a2,
        "officer": officer, "secretary_t": secretary_t, "secretary_e": secretary_e,
    }  # fmt: skip


def decision_fields(w, **extra):
    return {
        "committee": str(w["x"].public_id),
        "decision_number": "15-QĐ/ĐU",
        "decision_date": "02/03/2026",
        "issuing_body": "Đảng ủy xã X",
        "note": "",
        **extra,
    }


def merge_fields(w, **extra):
    fields = {"source_1": str(w["a"].public_id), "target": str(w["t"].public_id), **extra}
    return decision_fields(w, **fields)


def test_an_officer_merges_two_chapters_through_the_form_and_the_confirmation(client, world):
    w = world
    client.force_login(w["officer"])
    chooser = client.get(NEW)
    assert chooser.status_code == 200
    assert b'data-kind="MERGE"' in chooser.content
    assert client.get(f"{NEW}?kind=MERGE").status_code == 200
    confirm = client.post(f"{NEW}?kind=MERGE", merge_fields(w))
    assert confirm.status_code == 200
    assert confirm.templates[0].name == "members/reorganisation_confirm.html"
    assert confirm.context["summary"]["members"] == 3
    assert confirm.context["summary"]["dissolved"] == ["Chi bộ A"]
    assert 'data-figure="members"><strong>3</strong>' in confirm.content.decode()
    assert not Reorganisation.objects.exists()  # nothing written yet
    assert not MemberEvent.objects.filter(kind="MOVED_CHAPTER").exists()
    done = client.post(f"{NEW}?kind=MERGE", {**merge_fields(w), "confirm": "1"})
    record = Reorganisation.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("members:reorganisation-detail", args=[record.public_id])
    assert Member.objects.filter(chapter=w["t"]).count() == 4
    page = client.get(done["Location"])
    assert page.status_code == 200
    assert "15-QĐ/ĐU" in page.content.decode()
    listing = client.get(LIST)
    assert str(record.public_id) in listing.content.decode()
    # The dissolved chapter's page says so, with the decision.
    source = client.get(reverse("members:chapter-detail", args=[w["a"].public_id])).content
    assert 'id="dissolved"' in source.decode() and done["Location"] in source.decode()


def test_bad_input_goes_back_on_the_form_and_writes_nothing(client, world):
    w = world
    client.force_login(w["officer"])
    future = client.post(f"{NEW}?kind=MERGE", merge_fields(w, decision_date="17/03/2026"))
    assert future.templates[0].name == "members/reorganisation_form.html"
    assert future.context["form"].errors["decision_date"]
    # A chapter outside the officer's reach is not a choice.
    outside = client.post(f"{NEW}?kind=MERGE", merge_fields(w, target=str(w["e1"].public_id)))
    assert "target" in outside.context["form"].errors
    same = client.post(f"{NEW}?kind=MERGE", merge_fields(w, target=str(w["a"].public_id)))
    assert "Điều lệ Đảng" in str(same.context["form"].errors)
    confirmed = client.post(
        f"{NEW}?kind=MERGE", {**merge_fields(w, decision_date="17/03/2026"), "confirm": "1"}
    )
    assert confirmed.status_code == 200
    assert not Reorganisation.objects.exists()
    assert Member.objects.filter(chapter=w["a"]).count() == 3


def test_a_split_asks_for_the_cells_once_the_chapter_is_chosen(client, world):
    w = world
    client.force_login(w["officer"])
    fields = decision_fields(w, source=str(w["a"].public_id), part_1="Chi bộ A-2")
    first = client.post(f"{NEW}?kind=SPLIT", fields)
    form = first.context["form"]
    assert f"cell_{w['a2'].public_id}" in form.fields
    assert first.templates[0].name == "members/reorganisation_form.html"
    fields.update({"cells_for": str(w["a"].public_id), f"cell_{w['a2'].public_id}": "1"})
    fields["keep_source"] = "on"
    second = client.post(f"{NEW}?kind=SPLIT", fields)
    assert second.templates[0].name == "members/reorganisation_confirm.html"
    assert second.context["summary"]["members"] == 1
    client.post(f"{NEW}?kind=SPLIT", {**fields, "confirm": "1"})
    new = Chapter.objects.get(name="Chi bộ A-2")
    assert Member.objects.filter(chapter=new).count() == 1


def test_moving_cells_and_chapters_through_the_forms(client, world):
    w = world
    client.force_login(w["officer"])
    y = w["x"].add_child(name="Đảng ủy Y")
    fields = decision_fields(
        w,
        source=str(w["a"].public_id),
        target=str(w["t"].public_id),
        cells_for=str(w["a"].public_id),
        **{f"cell_{w['a1'].public_id}": "move"},
    )
    response = client.post(f"{NEW}?kind=MOVE_CELLS", {**fields, "confirm": "1"})
    assert response.status_code == 302
    assert Member.objects.filter(chapter=w["t"]).count() == 3
    fields = decision_fields(w, chapter_1=str(w["t"].public_id), target_committee=str(y.public_id))
    response = client.post(f"{NEW}?kind=MOVE_CHAPTERS", {**fields, "confirm": "1"})
    assert response.status_code == 302
    w["t"].refresh_from_db()
    assert w["t"].committee_id == y.pk


def test_who_sees_which_decision(client, world, django_assert_max_num_queries):
    w = world
    client.force_login(w["officer"])
    client.post(f"{NEW}?kind=MERGE", {**merge_fields(w), "confirm": "1"})
    record = Reorganisation.objects.get()
    detail = reverse("members:reorganisation-detail", args=[record.public_id])
    # The secretary of the chapter the members moved to reads it, and may not record one.
    client.force_login(w["secretary_t"])
    assert str(record.public_id) in client.get(LIST).content.decode()
    assert client.get(detail).status_code == 200
    assert client.get(NEW).status_code == 403
    assert client.post(f"{NEW}?kind=MERGE", merge_fields(w)).status_code == 403
    # Another committee's secretary sees nothing of it.
    client.force_login(w["secretary_e"])
    assert str(record.public_id) not in client.get(LIST).content.decode()
    assert client.get(detail).status_code == 404
    # The list costs the same whatever the number of decisions.
    client.force_login(w["officer"])
    for n in range(5):
        Reorganisation.objects.create(
            kind="MERGE",
            committee=w["x"],
            decision_number=f"{n}-QĐ",
            decision_date=D(2026, 1, 1),
            issuing_body="X",
            summary={"chapters": ["A"], "target": "T", "chapter_ids": [w["a"].pk]},
        )
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.content.decode().count("data-decision=") == 6


def test_the_committees_units_page_links_the_decisions(client, world):
    client.force_login(world["officer"])
    page = client.get(reverse("reports:units"), follow=True)  # the officer's one committee
    assert page.status_code == 200
    assert f'href="{LIST}"' in page.content.decode()
