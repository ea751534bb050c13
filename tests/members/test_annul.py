"""Annulling a member's latest movement: the ledger keeps both entries, and status, cell, flags,
key dates and every as-of figure become what they would be without the mistaken one.

Each movement is recorded through its service on a member, then annulled; the member must then
equal, field by field and in every reading of the ledger, what it was before the movement.
"""

import datetime
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from members import services
from members.models import Member, MemberEvent
from members.services import Document
from reports import queries
from tests.members.factories import CellFactory, UserFactory, register_member

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2025-06-30")]

Status = Member.Status
Kind = MemberEvent.Kind
d = datetime.date
DAY = d(2025, 6, 2)  # the mistaken movements are dated here
CEREMONY = d(2024, 3, 1)  # a probationary member's ceremony; official date 01/03/2025
LETTER = Document(kind="TRANSFER_LETTER", number="12-GGT/ĐUK", date=DAY, issuing_body="ĐUK")
DECISION = Document(kind="DECISION", number="88-QĐ/ĐUK", date=DAY, issuing_body="ĐUK")
# Days on which the as-of figures are compared: before, on and after the movement.
DAYS = (d(2024, 12, 31), DAY, d(2025, 6, 30))


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def actor(db):
    return UserFactory(username="ghichep")


def state(member: Member) -> dict:
    """Everything an annulment must put back: the row, the as-of readings, the period figures."""
    member.refresh_from_db()
    row = {
        name: getattr(member, name)
        for name in (
            "status",
            "cell_id",
            "is_exempted",
            "is_temporarily_out",
            *services.KEY_DATE_FIELDS,
            "confirmation_decision_number",
        )
    }
    scope = Member.objects.filter(pk=member.pk)
    as_of = [
        scope.as_of(day)
        .values("status_on", "cell_on_id", "temporary_kind_on", "exemption_kind_on")
        .get()
        for day in DAYS
    ]
    period = queries.in_period(scope, d(2025, 1, 1), d(2025, 6, 30)).counts
    return {"row": row, "as_of": as_of, "period": period}


def probationary(cell, actor) -> Member:
    """On the register without an admission case (received earlier, say)."""
    return register_member(
        cell=cell,
        actor=actor,
        status=Status.PROBATIONARY,
        ceremony_date=CEREMONY,
        effective_date=d(2024, 6, 1),
    )


def official(cell, actor) -> Member:
    return register_member(cell=cell, actor=actor)


def temporarily_out(cell, actor) -> Member:
    member = official(cell, actor)
    services.member_temporary_out(
        member_id=member.pk, actor=actor, effective_date=d(2025, 1, 10), to_organisation="Sở Y tế"
    )
    return member


def exempted(cell, actor) -> Member:
    member = official(cell, actor)
    services.member_exempt(
        member_id=member.pk, actor=actor, effective_date=d(2025, 1, 10), reason="Tuổi cao"
    )
    return member


def transferred_out(cell, actor) -> Member:
    member = official(cell, actor)
    services.member_transfer_out(
        member_id=member.pk,
        actor=actor,
        effective_date=d(2025, 1, 10),
        to_organisation="Chi bộ Sở Y tế",
        letter=LETTER,
    )
    return member


# (name, build the member, record the mistaken movement)
MOVEMENTS: list[tuple[str, Callable, Callable]] = [
    (
        "transfer out",
        temporarily_out,  # leaving lowers the flag: annulled, it is up again
        lambda m, a, c: services.member_transfer_out(
            member_id=m.pk, actor=a, effective_date=DAY, to_organisation="Sở Y tế", letter=LETTER
        ),
    ),
    (
        "remove",
        exempted,
        lambda m, a, c: services.member_remove(
            member_id=m.pk, actor=a, effective_date=DAY, decision=DECISION, reason="Bỏ họp"
        ),
    ),
    (
        "expel",
        official,
        lambda m, a, c: services.member_expel(
            member_id=m.pk, actor=a, effective_date=DAY, decision=DECISION, reason="Kỷ luật"
        ),
    ),
    (
        "leave",
        official,
        lambda m, a, c: services.member_leave(
            member_id=m.pk, actor=a, effective_date=DAY, decision=DECISION, reason="Xin ra"
        ),
    ),
    (
        "death",
        official,
        lambda m, a, c: services.member_record_death(member_id=m.pk, actor=a, effective_date=DAY),
    ),
    (
        "temporary out",
        official,
        lambda m, a, c: services.member_temporary_out(
            member_id=m.pk, actor=a, effective_date=DAY, to_organisation="Sở Y tế"
        ),
    ),
    (
        "temporary return",
        temporarily_out,
        lambda m, a, c: services.member_temporary_return(
            member_id=m.pk, actor=a, effective_date=DAY
        ),
    ),
    (
        "move cell",
        official,
        lambda m, a, c: services.member_move_cell(
            member_id=m.pk, actor=a, cell=c, effective_date=DAY
        ),
    ),
    (
        "exempt",
        official,
        lambda m, a, c: services.member_exempt(
            member_id=m.pk, actor=a, effective_date=DAY, reason="Ốm dài ngày"
        ),
    ),
    (
        "end exemption",
        exempted,
        lambda m, a, c: services.member_end_exemption(member_id=m.pk, actor=a, effective_date=DAY),
    ),
    (
        "confirm",
        probationary,
        lambda m, a, c: services.member_confirm_official(
            member_id=m.pk, actor=a, decision=DECISION
        ),
    ),
    (
        "remove from the probationary list",
        probationary,
        lambda m, a, c: services.member_remove_from_probationary_list(
            member_id=m.pk, actor=a, decision=DECISION, reason="Không đủ tư cách"
        ),
    ),
    (
        "transfer back in",
        transferred_out,
        lambda m, a, c: services.member_transfer_in(
            chapter=m.chapter,
            actor=a,
            effective_date=DAY,
            status=Status.OFFICIAL,
            from_organisation="Chi bộ Sở Y tế",
            letter=LETTER,
            cell=c,
            member_id=m.pk,
        ),
    ),
    (
        "correct a key date",
        official,
        lambda m, a, c: services.member_correct_key_date(
            member_id=m.pk,
            actor=a,
            field_name="ceremony_date",
            value=m.ceremony_date - datetime.timedelta(days=3),
            reason="Sai ngày trên quyết định",
        ),
    ),
]


@pytest.mark.parametrize(("name", "build", "move"), MOVEMENTS, ids=[m[0] for m in MOVEMENTS])
def test_annulling_a_movement_gives_back_the_member_as_before(cell, actor, name, build, move):
    member = build(cell, actor)
    member.refresh_from_db()
    before = state(member)
    move(member, actor, CellFactory(chapter=cell.chapter, name="Tổ mới"))
    assert state(member) != before
    mistaken = member.events.latest("id")

    annulment = services.member_annul_latest(
        member_id=member.pk, actor=actor, event_id=mistaken.pk, reason="Ghi nhầm người"
    )

    assert state(member) == before
    assert (annulment.kind, annulment.annuls, annulment.note) == (
        Kind.ANNULLED,
        mistaken,
        "Ghi nhầm người",
    )
    assert annulment.actor == actor and annulment.effective_date == d(2025, 6, 30)
    # Both stay in the ledger; neither counts any more.
    assert set(member.events.all()) >= {mistaken, annulment}
    assert mistaken not in member.events.standing() and annulment not in member.events.standing()
    latest = member.history.first()
    assert latest.history_user == actor and "Ghi nhầm người" in latest.history_change_reason


def test_annul_again_to_go_further_back(cell, actor):
    member = temporarily_out(cell, actor)
    before = state(member)
    services.member_exempt(member_id=member.pk, actor=actor, effective_date=DAY, reason="Ốm")
    services.member_temporary_return(member_id=member.pk, actor=actor, effective_date=DAY)
    for _ in range(2):
        latest = services.latest_entry(member)
        services.member_annul_latest(
            member_id=member.pk, actor=actor, event_id=latest.pk, reason="Nhầm hồ sơ"
        )
    assert state(member) == before
    assert services.latest_entry(member).kind == Kind.TEMPORARY_OUT


def test_a_movement_dated_before_an_annulled_one_is_accepted_again(cell, actor):
    member = official(cell, actor)
    services.member_transfer_out(
        member_id=member.pk, actor=actor, effective_date=DAY, to_organisation="X", letter=LETTER
    )
    mistaken = member.events.latest("id")
    services.member_annul_latest(
        member_id=member.pk, actor=actor, event_id=mistaken.pk, reason="Nhầm ngày"
    )
    services.member_move_cell(
        member_id=member.pk,
        actor=actor,
        cell=CellFactory(chapter=cell.chapter),
        effective_date=DAY - datetime.timedelta(days=10),
    )


def test_annulling_the_entry_that_registered_the_record(cell, actor):
    member = official(cell, actor)
    services.member_annul_latest(
        member_id=member.pk,
        actor=actor,
        event_id=member.events.get().pk,
        reason="Nhập trùng người",
    )
    member.refresh_from_db()
    assert member.status == Status.ANNULLED and not member.is_active
    assert Member.objects.filter(pk=member.pk).on_roll_as_of(DAY).count() == 0
    assert not Member.objects.active().filter(pk=member.pk).exists()
    assert services.latest_entry(member) is None


def test_a_record_in_use_cannot_be_annulled_as_a_whole(cell, actor):
    member = official(cell, actor)
    services.cell_save(chapter=cell.chapter, cell=cell, name=cell.name, actor=actor, leader=member)
    entry = member.events.get()
    with pytest.raises(ValidationError) as refused:
        services.member_annul_latest(
            member_id=member.pk, actor=actor, event_id=entry.pk, reason="Nhập trùng"
        )
    assert refused.value.code == "in_use" and "leads a cell" in refused.value.messages[0]
    assert not MemberEvent.objects.filter(kind=Kind.ANNULLED).exists()


def test_a_confirmed_member_with_a_party_card_is_refused_back_to_probation(cell, actor):
    member = probationary(cell, actor)
    services.member_confirm_official(member_id=member.pk, actor=actor, decision=DECISION)
    services.member_update_details(
        member_id=member.pk, actor=actor, changes={"card_number": "01234567"}
    )
    before = state(member)
    with pytest.raises(ValidationError) as refused:
        services.member_annul_latest(
            member_id=member.pk,
            actor=actor,
            event_id=services.latest_entry(member).pk,
            reason="Nhầm",
        )
    assert "card_number" in refused.value.error_dict
    assert state(member) == before


# Refusals: nothing written ----------------------------------------------------------------


def ledger(member):
    member.refresh_from_db()
    return member.status, member.events.count(), member.history.count()


@pytest.fixture
def moved(cell, actor):
    member = official(cell, actor)
    services.member_exempt(member_id=member.pk, actor=actor, effective_date=DAY, reason="Ốm")
    return member


def test_only_the_latest_entry_can_be_annulled(moved, actor):
    first = moved.events.earliest("id")
    before = ledger(moved)
    with pytest.raises(ValidationError) as refused:
        services.member_annul_latest(
            member_id=moved.pk, actor=actor, event_id=first.pk, reason="Nhầm"
        )
    assert refused.value.code == "not_latest"
    assert "annul it first" in refused.value.messages[0]
    assert ledger(moved) == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(moved, actor, reason):
    before = ledger(moved)
    with pytest.raises(ValidationError) as refused:
        services.member_annul_latest(
            member_id=moved.pk,
            actor=actor,
            event_id=moved.events.latest("id").pk,
            reason=reason,
        )
    assert "reason" in refused.value.error_dict
    assert ledger(moved) == before


def test_an_annulment_is_never_annulled(moved, actor):
    annulment = services.member_annul_latest(
        member_id=moved.pk, actor=actor, event_id=moved.events.latest("id").pk, reason="Nhầm"
    )
    before = ledger(moved)
    with pytest.raises(ValidationError) as refused:
        services.member_annul_latest(
            member_id=moved.pk, actor=actor, event_id=annulment.pk, reason="Nhầm lần nữa"
        )
    assert refused.value.code == "annulment"
    with pytest.raises(ValidationError) as again:
        services.member_annul_latest(
            member_id=moved.pk, actor=actor, event_id=annulment.annuls_id, reason="Lần nữa"
        )
    assert again.value.code == "annulled"
    assert ledger(moved) == before


def test_an_entry_of_another_member_is_not_found(moved, other_member, actor):
    before = ledger(moved)
    with pytest.raises(ValidationError) as refused:
        services.member_annul_latest(
            member_id=moved.pk,
            actor=actor,
            event_id=other_member.events.get().pk,
            reason="Nhầm",
        )
    assert refused.value.code == "not_found"
    assert ledger(moved) == before


def test_the_ledger_refuses_an_annulment_without_its_entry(moved):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MemberEvent.objects.create(member=moved, kind=Kind.ANNULLED, effective_date=DAY)


# The pages --------------------------------------------------------------------------------


@pytest.fixture
def login(client, request):
    def login_as(name):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if name is not None:
            client.force_login(request.getfixturevalue(name))
        return client

    return login_as


def annul_url(member) -> str:
    return reverse("members:member-annul", args=[member.public_id])


@pytest.fixture
def exempted_member(member, secretary):
    services.member_exempt(member_id=member.pk, actor=secretary, effective_date=DAY, reason="Ốm")
    return member


def test_the_secretary_annuls_from_the_timeline(login, exempted_member, secretary):
    client = login("secretary")
    page = client.get(exempted_member.get_absolute_url())
    assert page.context["annullable"] == exempted_member.events.latest("id")
    assert annul_url(exempted_member) in page.content.decode()

    form = client.get(annul_url(exempted_member))
    assert form.status_code == 200
    entry = form.context["form"]["entry"].value()
    response = client.post(annul_url(exempted_member), {"entry": entry, "reason": "Ghi nhầm"})

    assert response.status_code == 302 and response.url == exempted_member.get_absolute_url()
    exempted_member.refresh_from_db()
    assert not exempted_member.is_exempted
    page = client.get(exempted_member.get_absolute_url())
    body = page.content.decode()
    assert f'data-annulled="{entry}"' in body and f'data-annulment="{entry}"' in body
    assert "Ghi nhầm" in body and "text-decoration-line-through" in body
    # The registering entry is now the latest: the button moved to it.
    assert page.context["annullable"] == exempted_member.events.earliest("id")
    assert "is annulled" in " ".join(str(m) for m in page.context["messages"])


def test_the_page_refuses_without_a_reason_and_writes_nothing(login, exempted_member):
    client = login("secretary")
    entry = exempted_member.events.latest("id").pk
    before = ledger(exempted_member)
    response = client.post(annul_url(exempted_member), {"entry": entry, "reason": " "})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert ledger(exempted_member) == before


def test_the_page_refuses_an_entry_that_is_no_longer_the_latest(login, exempted_member):
    client = login("secretary")
    stale = exempted_member.events.earliest("id").pk
    before = ledger(exempted_member)
    response = client.post(annul_url(exempted_member), {"entry": stale, "reason": "Nhầm"})
    assert response.status_code == 200
    assert "Only the latest entry" in " ".join(response.context["form"].non_field_errors())
    assert ledger(exempted_member) == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("cell_leader", 403),  # reads the member, does not record movements
        ("other_cell_leader", 404),
        ("outsider", 404),
        ("committee_officer", 403),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_who_may_not_annul(login, exempted_member, who, status, method):
    client = login(who)
    before = ledger(exempted_member)
    entry = exempted_member.events.latest("id").pk
    response = getattr(client, method)(
        annul_url(exempted_member), {"entry": entry, "reason": "Nhầm"}
    )
    assert response.status_code == status
    assert ledger(exempted_member) == before


def test_anonymous_goes_to_the_login_page(login, exempted_member):
    response = login(None).get(annul_url(exempted_member))
    assert response.status_code == 302 and "login" in response.url


def test_the_administrator_annuls_too(login, exempted_member):
    client = login("admin_user")
    entry = exempted_member.events.latest("id").pk
    response = client.post(annul_url(exempted_member), {"entry": entry, "reason": "Nhầm"})
    assert response.status_code == 302
    assert exempted_member.events.filter(kind=Kind.ANNULLED).count() == 1


def test_a_cell_leader_sees_no_annul_button(login, exempted_member):
    page = login("cell_leader").get(exempted_member.get_absolute_url())
    assert page.context["annullable"] is None
    assert annul_url(exempted_member) not in page.content.decode()


# The admin ------------------------------------------------------------------------------------


def test_the_admin_annuls_the_latest_movement_with_a_reason(login, exempted_member, member):
    client = login("admin_user")
    url = reverse("admin:members_member_changelist")
    chosen = {"action": "annul_latest", "_selected_action": [exempted_member.pk]}
    page = client.post(url, chosen)
    assert page.status_code == 200 and "reason" in page.context["form"].fields
    missing = client.post(url, {**chosen, "apply": "1", "reason": ""})
    assert missing.status_code == 200 and missing.context["form"].errors["reason"]
    assert not exempted_member.events.filter(kind=Kind.ANNULLED).exists()

    done = client.post(url, {**chosen, "apply": "1", "reason": "Nhập nhầm"})

    assert done.status_code == 302
    annulment = exempted_member.events.get(kind=Kind.ANNULLED)
    assert annulment.annuls.kind == Kind.EXEMPTED and annulment.note == "Nhập nhầm"
    exempted_member.refresh_from_db()
    assert not exempted_member.is_exempted


def test_a_staff_member_out_of_the_chapter_cannot_annul_in_the_admin(
    client, exempted_member, outsider
):
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    url = reverse("admin:members_member_changelist")
    client.post(
        url,
        {
            "action": "annul_latest",
            "_selected_action": [exempted_member.pk],
            "apply": "1",
            "reason": "x",
        },
    )
    assert not exempted_member.events.filter(kind=Kind.ANNULLED).exists()
