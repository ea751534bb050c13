"""From a step form's cleaned data to its one service call, and the messages after it.

The step registry (``admissions.steps``) names one of these per step. A step whose rules may
only warn (R7, R8 short of two thirds, R11, R12) passes ``stop_on_warnings`` until the form's
"I have read the warnings" box is ticked: the service then refuses with the warnings as
``checks.RuleViolated`` and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from admissions import checks, services
from admissions.models import Candidate
from chapter.documents import Document

Data = dict[str, Any]


def _paper(data: Data, number: str = "number", day: str = "date") -> Document:
    return Document(
        number=data.get(number) or "", date=data[day], issuing_body=data.get("issuing_body") or ""
    )


def _vote(data: Data) -> checks.Vote:
    return checks.Vote(
        date=data["date"],
        number=data.get("number") or "",
        present=data["present"],
        votes_for=data["votes_for"],
        votes_against=data["votes_against"],
        exempted_present=data.get("exempted_present") or 0,
        note=data.get("note") or "",
    )


def _unconfirmed(data: Data) -> bool:
    return not data.get("acknowledge")


def sympathiser(c: Candidate, actor, d: Data):
    return services.candidate_mark_sympathiser(
        candidate_id=c.pk, actor=actor, day=d["day"], resolution_number=d["number"], note=d["note"]
    )


def course(c: Candidate, actor, d: Data):
    return services.candidate_record_course(
        candidate_id=c.pk, actor=actor, certificate=_paper(d), note=d["note"]
    )


def dossier(c: Candidate, actor, d: Data):
    return services.candidate_open_dossier(
        candidate_id=c.pk,
        actor=actor,
        application_date=d["application_date"],
        background_date=d["background_date"],
        note=d["note"],
    )


def check(c: Candidate, actor, d: Data):
    fields = (
        "relation",
        "person_name",
        "requested_on",
        "replied_on",
        "result",
        "is_party_member",
        "fully_declared",
        "abroad",
        "verifying_body",
        "exempted",
    )
    return services.candidate_save_check(
        candidate_id=c.pk,
        actor=actor,
        exemption_reason=d["exemption_reason"],
        check_id=d["check"].pk if d.get("check") else None,
        **{name: d[name] for name in fields},
    )


def certify(c: Candidate, actor, d: Data):
    return services.candidate_certify_background(
        candidate_id=c.pk, actor=actor, certified_on=d["certified_on"], note=d["note"]
    )


def introduction(c: Candidate, actor, d: Data):
    return services.candidate_add_introduction(
        candidate_id=c.pk,
        actor=actor,
        kind=d["kind"],
        day=d["date"],
        introducer=d.get("introducer"),
        organisation=d["organisation"],
        document_number=d["document_number"],
        together_since=d.get("together_since"),
    )


def replace_introducer(c: Candidate, actor, d: Data):
    return services.candidate_replace_introducer(
        candidate_id=c.pk,
        actor=actor,
        replaced_id=d["replaced"].pk,
        reason=d["reason"],
        disciplined_on=d.get("disciplined_on"),
        resolution=Document(number=d["assignment_number"], date=d["assignment_date"]),
        introducer=d["introducer"],
        day=d["date"],
        document_number=d.get("document_number") or "",
    )


def introduced(c: Candidate, actor, d: Data):
    return services.candidate_complete_introductions(
        candidate_id=c.pk,
        actor=actor,
        opinions=_paper(d),
        note=d["note"],
        stop_on_warnings=_unconfirmed(d),
    )


def vote(c: Candidate, actor, d: Data):
    return services.candidate_chapter_vote(
        candidate_id=c.pk, actor=actor, vote=_vote(d), stop_on_warnings=_unconfirmed(d)
    )


def grassroots(c: Candidate, actor, d: Data):
    appraisal = None
    if d.get("appraisal_date"):
        appraisal = Document(number=d.get("appraisal_number") or "", date=d["appraisal_date"])
    return services.candidate_grassroots_approve(
        candidate_id=c.pk,
        actor=actor,
        resolution=_paper(d),
        committee_members=d["committee_members"],
        present=d["present"],
        votes_for=d["votes_for"],
        votes_against=d["votes_against"],
        appraisal=appraisal,
        note=d["note"],
        stop_on_warnings=_unconfirmed(d),
    )


def supplementary_check(c: Candidate, actor, d: Data):
    return services.candidate_supplementary_check(
        candidate_id=c.pk,
        actor=actor,
        relation=d["relation"],
        person_name=d["person_name"],
        requested_on=d["requested_on"],
        replied_on=d.get("replied_on"),
        result=d["result"],
        check_id=d["check"].pk if d.get("check") else None,
    )


def decide(c: Candidate, actor, d: Data):
    return services.candidate_record_admission_decision(
        candidate_id=c.pk,
        actor=actor,
        decision=_paper(d),
        received_on=d["received_on"],
        note=d["note"],
        stop_on_warnings=_unconfirmed(d),
    )


def extend(c: Candidate, actor, d: Data):
    kind = checks.EXTENSION_BY_STAGE[c.stage]
    return services.candidate_add_extension(
        candidate_id=c.pk, actor=actor, kind=kind, paper=_paper(d)
    )


def reject(c: Candidate, actor, d: Data):
    return services.candidate_reject(
        candidate_id=c.pk, actor=actor, decision=_paper(d), reason=d["reason"]
    )


def withdraw(c: Candidate, actor, d: Data):
    return services.candidate_withdraw(
        candidate_id=c.pk, actor=actor, day=d["day"], reason=d["reason"], stage=d["kind"]
    )


def ceremony(c: Candidate, actor, d: Data):
    return services.candidate_hold_ceremony(
        candidate_id=c.pk,
        actor=actor,
        day=d["day"],
        mentor=d["mentor"],
        mentor_resolution=d["mentor_resolution"],
        note=d["note"],
        stop_on_warnings=_unconfirmed(d),
    )


def document(c: Candidate, actor, d: Data):
    return services.candidate_add_document(
        candidate_id=c.pk,
        actor=actor,
        form=d["form"],
        paper=_paper(d),
        note=d["note"],
        scan=d.get("scan"),
    )


def mentor(c: Candidate, actor, d: Data):
    return services.candidate_reassign_mentor(
        candidate_id=c.pk, actor=actor, mentor=d["mentor"], day=d["day"], resolution=d["resolution"]
    )


def confirmation_vote(c: Candidate, actor, d: Data):
    return services.candidate_confirmation_vote(
        candidate_id=c.pk, actor=actor, vote=_vote(d), stop_on_warnings=_unconfirmed(d)
    )


def confirm(c: Candidate, actor, d: Data):
    return services.candidate_confirm(
        candidate_id=c.pk,
        actor=actor,
        decision=_paper(d),
        note=d["note"],
        stop_on_warnings=_unconfirmed(d),
    )


def not_confirm(c: Candidate, actor, d: Data):
    return services.candidate_not_confirm(
        candidate_id=c.pk, actor=actor, decision=_paper(d), reason=d["reason"]
    )


# Messages after a vote ---------------------------------------------------------------------------


def vote_outcome(result) -> list[tuple[str, str]]:
    """What the secretary reads after a vote: passed, or not passed (and escalated after the
    failed vote R8 counts as the last the chapter may hold)."""
    candidate, resolution = result
    figures = {"yes": resolution.votes_for, "base": resolution.base}
    if resolution.passed:
        message = _("The vote passed: %(yes)d for out of a voting base of %(base)d.") % figures
        return [("success", message)]
    found = [
        (
            "warning",
            _(
                "The vote did not pass: %(yes)d for out of a voting base of %(base)d, two "
                "thirds are needed. It is recorded; the case stays at its stage."
            )
            % figures,
        )
    ]
    failures = len(checks.failed_votes(candidate.resolutions.all(), resolution.kind))
    if checks.escalates(failures, resolution.date):
        found.append(
            (
                "warning",
                _("This is failed vote number %(count)d: the case goes to the superior committee.")
                % {"count": failures},
            )
        )
    return found


def grassroots_outcome(result) -> list[tuple[str, str]]:
    """What the secretary reads after the grassroots committee's vote (R10)."""
    _candidate, resolution = result
    figures = {"yes": resolution.votes_for, "members": resolution.base}
    if resolution.passed:
        message = _("The committee's vote passed: %(yes)d for out of %(members)d members.")
        return [("success", message % figures)]
    message = _(
        "The committee's vote did not pass: %(yes)d for out of %(members)d members, two thirds "
        "of all its members are needed. It is recorded; the case stays at its stage."
    )
    return [("warning", message % figures)]
