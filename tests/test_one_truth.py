"""One path to each truth: an admission case and the member it admitted never disagree.

A case is walked through every pipeline step. After each step, and at every stage from the
ceremony on, every movement the register offers (and every key-date or decision-number edit) is
tried on the member, each alone and rolled back, then the annulment of the member's latest entry
and of the case's latest step. Whatever is accepted or refused, the member's status, dates and
ledger still say what the case says.
"""

import datetime
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from admissions import services as case_services
from admissions.models import Candidate, Decision
from members import services
from members.actions import ACTIONS
from members.models import Member, MemberEvent
from members.services import Document
from tests.admissions.factories import PipelineStory
from tests.admissions.test_services import reach
from tests.members.factories import CellFactory, UserFactory, give_role

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-07-15")]
St = Candidate.Stage
Status = Member.Status
Kind = MemberEvent.Kind
TODAY = datetime.date(2020, 7, 15)
PAPER = Document(kind="DECISION", number="77-QĐ/ĐUK", date=TODAY, issuing_body="ĐUK")
MEMBER_STAGES = {St.ADMITTED, St.CONFIRMATION_VOTED, St.OFFICIAL, St.NOT_CONFIRMED}
PATHS = [
    [St.POOL, St.SYMPATHISER, St.COURSE_DONE],
    [
        St.COURSE_DONE,
        St.DOSSIER_OPEN,
        St.BACKGROUND_VERIFIED,
        St.INTRODUCED,
        St.CHAPTER_APPROVED,
        St.ADMISSION_DECIDED,
        St.ADMITTED,
        St.CONFIRMATION_VOTED,
        St.OFFICIAL,
    ],
    [St.ADMITTED, St.NOT_CONFIRMED],
    [St.CONFIRMATION_VOTED, St.NOT_CONFIRMED],
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def actor():
    return UserFactory(username="bithu")


@pytest.fixture
def story(actor):
    return PipelineStory.build(officials=6, actor=actor)


def agree(candidate: Candidate) -> None:
    """The case and its member say the same: stage and status, dates, numbers, ledgers."""
    candidate.refresh_from_db()
    member = candidate.member
    if candidate.stage not in MEMBER_STAGES:
        assert member is None, candidate.stage
        return
    member.refresh_from_db()
    ceremony = candidate.events.standing().get(
        from_stage=St.ADMISSION_DECIDED, to_stage=St.ADMITTED
    )
    admission = candidate.decisions.get(kind=Decision.Kind.ADMISSION)
    assert (member.ceremony_date, member.admission_decision_date) == (ceremony.date, admission.date)
    assert member.admission_decision_number == admission.number
    assert member.official_date == Member.official_date_for(ceremony.date)
    kinds = set(member.events.standing().values_list("kind", flat=True))
    if candidate.stage == St.OFFICIAL:
        confirmation = candidate.decisions.get(kind=Decision.Kind.CONFIRMATION)
        assert Kind.CONFIRMED in kinds and Kind.REMOVED_FROM_PROBATIONARY_LIST not in kinds
        assert member.confirmation_decision_date == confirmation.date
        assert member.confirmation_decision_number == confirmation.number
        assert member.status != Status.PROBATIONARY
    elif candidate.stage == St.NOT_CONFIRMED:
        assert member.status == Status.REMOVED_FROM_PROBATIONARY_LIST
        assert Kind.REMOVED_FROM_PROBATIONARY_LIST in kinds and Kind.CONFIRMED not in kinds
    else:  # on probation, as far as the case knows
        assert Kind.CONFIRMED not in kinds and Kind.REMOVED_FROM_PROBATIONARY_LIST not in kinds
        assert member.confirmation_decision_date is None
        assert member.status in (Status.PROBATIONARY, Status.TRANSFERRED_OUT, Status.DECEASED)
    # The row says what its ledger says.
    on = Member.objects.filter(pk=member.pk).as_of(datetime.date.max)
    assert on.values_list("status_on", flat=True).get() == member.status


class _Undo(Exception):
    pass


def attempt(candidate: Candidate, change: Callable[[], object]) -> bool:
    """Run one change, check the two still agree, then undo it. True if it was accepted."""
    accepted = False
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    change()
                accepted = True
            except ValidationError:
                pass
            agree(candidate)
            raise _Undo
    except _Undo:
        pass
    return accepted


def register_changes(member: Member, actor, cell) -> dict[str, Callable[[], object]]:
    """Every change the register (and its admin) can make to a member, with plausible papers."""
    pk = member.pk
    move = {
        "transfer-out": lambda: services.member_transfer_out(
            member_id=pk, actor=actor, effective_date=TODAY, to_organisation="X", letter=PAPER
        ),
        "temporary-out": lambda: services.member_temporary_out(
            member_id=pk, actor=actor, effective_date=TODAY, to_organisation="X"
        ),
        "temporary-return": lambda: services.member_temporary_return(
            member_id=pk, actor=actor, effective_date=TODAY
        ),
        "move-cell": lambda: services.member_move_cell(
            member_id=pk, actor=actor, cell=cell, effective_date=TODAY
        ),
        "exempt": lambda: services.member_exempt(
            member_id=pk, actor=actor, effective_date=TODAY, reason="Ốm"
        ),
        "end-exemption": lambda: services.member_end_exemption(
            member_id=pk, actor=actor, effective_date=TODAY
        ),
        "confirm": lambda: services.member_confirm_official(
            member_id=pk, actor=actor, decision=PAPER
        ),
        "remove-from-probationary-list": lambda: services.member_remove_from_probationary_list(
            member_id=pk, actor=actor, decision=PAPER, reason="Không đủ tư cách"
        ),
        "remove": lambda: services.member_remove(
            member_id=pk, actor=actor, effective_date=TODAY, decision=PAPER, reason="x"
        ),
        "expel": lambda: services.member_expel(
            member_id=pk, actor=actor, effective_date=TODAY, decision=PAPER, reason="x"
        ),
        "leave": lambda: services.member_leave(
            member_id=pk, actor=actor, effective_date=TODAY, decision=PAPER, reason="x"
        ),
        "death": lambda: services.member_record_death(
            member_id=pk, actor=actor, effective_date=TODAY
        ),
    }
    assert set(move) == set(ACTIONS)  # a new movement must be walked here too

    def out_and_back(status):
        def change():
            move["transfer-out"]()
            services.member_transfer_in(
                chapter=member.chapter,
                actor=actor,
                effective_date=TODAY,
                status=status,
                from_organisation="X",
                letter=PAPER,
                member_id=pk,
            )

        return change

    edits = {
        f"correct {name}": (
            lambda name=name: services.member_correct_key_date(
                member_id=pk,
                actor=actor,
                field_name=name,
                value=TODAY - datetime.timedelta(days=40),
                reason="Sửa",
            )
        )
        for name in services.KEY_DATE_FIELDS
    }
    for name in ("admission_decision_number", "confirmation_decision_number"):
        edits[f"edit {name}"] = lambda name=name: services.member_update_details(
            member_id=pk, actor=actor, changes={name: "999-QĐ"}
        )
    annul = {
        "annul on the register": lambda: services.member_annul_latest(
            member_id=pk,
            actor=actor,
            event_id=services.latest_entry(member).pk,
            reason="Nhầm",
        ),
    }
    return {
        **move,
        "out and back, official": out_and_back(Status.OFFICIAL),
        "out and back, probationary": out_and_back(Status.PROBATIONARY),
        **edits,
        **annul,
    }


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p[0]}-to-{p[-1]}")
def test_a_case_and_its_member_never_disagree(story, actor, path):
    cell = CellFactory(chapter=story.chapter)
    candidate = reach(story, path[0])
    for stage in path:
        if candidate.stage != stage:
            candidate = reach_from(story, candidate, stage)
        agree(candidate)
        if candidate.member is not None:
            accepted = {
                name
                for name, change in register_changes(candidate.member, actor, cell).items()
                if attempt(candidate, change)
            }
            # Probation ends on the case, whatever the register tries.
            assert not accepted & {"confirm", "remove-from-probationary-list"}
            assert not {n for n in accepted if n.startswith(("correct ", "edit "))}
            if stage in (St.ADMITTED, St.CONFIRMATION_VOTED):
                assert "out and back, official" not in accepted
                # The walk does reach the member: the ordinary movements go through.
                assert {"move-cell", "temporary-out", "transfer-out", "death"} <= accepted
        step = case_services.latest_step(candidate)
        if step is not None and step.from_stage:
            attempt(
                candidate,
                lambda step=step, candidate=candidate: case_services.candidate_annul_latest(
                    candidate_id=candidate.pk, actor=actor, event_id=step.pk, reason="Nhầm"
                ),
            )


def reach_from(story, candidate, stage):
    """Take ``candidate`` one step further to ``stage`` (the steps of tests/admissions)."""
    from tests.admissions import test_services as steps

    runs = {
        St.SYMPATHISER: steps.sympathise,
        St.COURSE_DONE: story._course,
        St.DOSSIER_OPEN: story._dossier,
        St.BACKGROUND_VERIFIED: story._verify,
        St.INTRODUCED: story._introduce,
        St.CHAPTER_APPROVED: story._vote,
        St.ADMISSION_DECIDED: story._decide,
        St.ADMITTED: story._ceremony,
        St.CONFIRMATION_VOTED: steps.vote_confirmation,
        St.OFFICIAL: steps.confirm,
        St.NOT_CONFIRMED: steps.not_confirm,
    }
    run = runs[stage]
    if run in (steps.sympathise, steps.vote_confirmation, steps.confirm, steps.not_confirm):
        run(story, candidate)
    else:
        run(candidate)
    candidate.refresh_from_db()
    assert candidate.stage == stage
    return candidate


# The register's pages lead to the case -----------------------------------------------------


@pytest.fixture
def secretary(story):
    user = UserFactory(username="bithu_chibo")
    give_role(user, "SECRETARY", chapter=story.chapter)
    return user


@pytest.mark.parametrize(
    ("stage", "action", "step"),
    [
        (St.ADMITTED, "confirm", "confirmation-vote"),
        (St.CONFIRMATION_VOTED, "confirm", "confirm"),
        (St.ADMITTED, "remove-from-probationary-list", "not-confirm"),
    ],
)
def test_the_register_buttons_lead_to_the_case_step(client, story, secretary, stage, action, step):
    candidate = reach(story, stage)
    member = candidate.member
    case_step = reverse("admissions:candidate-step", args=[candidate.public_id, step])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(secretary)
    page = client.get(member.get_absolute_url())
    urls = {
        slug: url for slug, *_rest, url in page.context["actions"] + page.context["exit_actions"]
    }
    assert urls[action] == case_step
    assert candidate.get_absolute_url() in page.content.decode()

    events = member.events.count()
    move = reverse("members:member-move", args=[member.public_id, action])
    for response in (client.get(move), client.post(move, {"confirm": "1"})):
        assert response.status_code == 302 and response.url == case_step
    assert member.events.count() == events


def test_members_without_a_case_keep_the_register_movement(client, story, secretary):
    member = story.officials[0]
    client.force_login(secretary)
    page = client.get(member.get_absolute_url())
    urls = {
        slug: url for slug, *_rest, url in page.context["actions"] + page.context["exit_actions"]
    }
    assert urls["transfer-out"] == reverse(
        "members:member-move", args=[member.public_id, "transfer-out"]
    )
