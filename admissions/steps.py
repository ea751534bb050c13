"""The pipeline's steps: one registry for the views, the templates and the tests.

Each ``Step`` names its form, the service it calls, the stages it applies at (derived from
``STAGE_TRANSITIONS``: a step that moves a case to stage X applies where X is an allowed next
stage), whether the superior committee records it (``access.COMMITTEE_STEPS``), and the pure
checks the form runs before anything is saved, so every broken rule is shown with its R-number
and every warning (R7, R8 failed vote, R11, R12) is confirmed before the step is recorded.

``steps_for(candidate, user)`` is what the candidate page offers: the steps the stage allows and
the user may record, the one "next step" first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from admissions import access, checks, deadlines, forms, services
from admissions.checks import Violation
from admissions.models import (
    BOARD_STAGES,
    CLOSED_STAGES,
    STAGE_TRANSITIONS,
    Candidate,
    ChapterAdmissionSettings,
    Decision,
    Extension,
    Introduction,
    Resolution,
)
from admissions.rules import rule

St = Candidate.Stage
Data = dict[str, Any]


@dataclass(frozen=True)
class Step:
    slug: str
    label: Promise
    form_class: type[forms.StepForm]
    #: the service call: (candidate, actor, cleaned_data) -> what the service returns
    run: Callable[[Candidate, Any, Data], Any]
    #: the stages at which the step may be recorded
    stages: frozenset[str]
    icon: str
    explanation: Promise
    #: pure checks run before saving: (candidate, cleaned_data) -> violations
    precheck: Callable[[Candidate, Data], list[Violation]] | None = None
    #: a condition beyond the stage, with the reason shown when it does not hold
    available: Callable[[Candidate], bool] | None = None
    unavailable: Promise | str = ""
    #: ends the case or the probation (shown apart, in red)
    is_exit: bool = False
    #: messages after the service ran: (result) -> [(level, text)], level a messages tag
    outcome: Callable[[Any], list[tuple[str, str]]] | None = None

    @property
    def committee(self) -> bool:
        """Recorded by the superior committee's officer too (access.COMMITTEE_STEPS)."""
        return self.slug in access.COMMITTEE_STEPS

    @property
    def has_warnings(self) -> bool:
        return self.precheck is not None

    def applies_to(self, candidate: Candidate) -> bool:
        return candidate.stage in self.stages and (
            self.available is None or self.available(candidate)
        )

    def why_not(self, candidate: Candidate) -> str:
        """Why the step is not offered for this case now."""
        if candidate.stage in CLOSED_STAGES:
            return _("This case is closed (%(stage)s): no more steps are recorded.") % {
                "stage": candidate.get_stage_display()
            }
        if candidate.stage not in self.stages:
            stages = ", ".join(f"“{St(s).label}”" for s in BOARD_STAGES if s in self.stages)
            return _(
                "“%(step)s” is recorded at these stages: %(stages)s. This case is at “%(stage)s”."
            ) % {"step": self.label, "stages": stages, "stage": candidate.get_stage_display()}
        return str(self.unavailable)


# The stages each step applies at -----------------------------------------------------------------


def _into(*targets: str) -> frozenset[str]:
    """The stages from which the table allows a move to one of ``targets``."""
    return frozenset(
        stage
        for stage, allowed in STAGE_TRANSITIONS.items()
        if stage and any(target in allowed for target in targets)
    )


def _from_to(first: str, last: str) -> frozenset[str]:
    return frozenset(BOARD_STAGES[BOARD_STAGES.index(first) : BOARD_STAGES.index(last) + 1])


OPEN_STAGES = frozenset(BOARD_STAGES)
# The awareness certificate counts at the chapter vote (R3): renewable until then.
COURSE_STAGES = _into(St.COURSE_DONE) | _from_to(St.COURSE_DONE, St.INTRODUCED)


# Service calls -----------------------------------------------------------------------------------


def _paper(data: Data, number: str = "number", day: str = "date", issuer: str = "issuer"):
    return services.Paper(data.get(number) or "", data[day], data.get(issuer) or "")


def _vote(data: Data) -> services.Vote:
    return services.Vote(
        date=data["date"],
        number=data.get("number") or "",
        present=data["present"],
        votes_for=data["votes_for"],
        votes_against=data["votes_against"],
        exempted_present=data.get("exempted_present") or 0,
        note=data.get("note") or "",
    )


def _run_sympathiser(c: Candidate, actor, d: Data):
    return services.candidate_mark_sympathiser(
        candidate_id=c.pk, actor=actor, day=d["day"], resolution_number=d["number"], note=d["note"]
    )


def _run_course(c: Candidate, actor, d: Data):
    return services.candidate_record_course(
        candidate_id=c.pk, actor=actor, certificate=_paper(d), note=d["note"]
    )


def _run_dossier(c: Candidate, actor, d: Data):
    return services.candidate_open_dossier(
        candidate_id=c.pk,
        actor=actor,
        application_date=d["application_date"],
        background_date=d["background_date"],
        note=d["note"],
    )


def _run_check(c: Candidate, actor, d: Data):
    fields = ("relation", "person_name", "requested_on", "replied_on", "result", "exempted")
    return services.candidate_save_check(
        candidate_id=c.pk,
        actor=actor,
        exemption_reason=d["exemption_reason"],
        check_id=d["check"].pk if d.get("check") else None,
        **{name: d[name] for name in fields},
    )


def _run_certify(c: Candidate, actor, d: Data):
    return services.candidate_certify_background(
        candidate_id=c.pk, actor=actor, certified_on=d["certified_on"], note=d["note"]
    )


def _run_introduction(c: Candidate, actor, d: Data):
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


def _run_introduced(c: Candidate, actor, d: Data):
    return services.candidate_complete_introductions(
        candidate_id=c.pk, actor=actor, opinions=_paper(d), note=d["note"]
    )


def _run_vote(c: Candidate, actor, d: Data):
    return services.candidate_chapter_vote(candidate_id=c.pk, actor=actor, vote=_vote(d))


def _run_grassroots(c: Candidate, actor, d: Data):
    appraisal = None
    if d.get("appraisal_date"):
        appraisal = services.Paper(d.get("appraisal_number") or "", d["appraisal_date"])
    return services.candidate_grassroots_approve(
        candidate_id=c.pk, actor=actor, resolution=_paper(d), appraisal=appraisal, note=d["note"]
    )


def _run_decide(c: Candidate, actor, d: Data):
    return services.candidate_record_admission_decision(
        candidate_id=c.pk,
        actor=actor,
        decision=_paper(d),
        received_on=d["received_on"],
        note=d["note"],
    )


def _run_extend(c: Candidate, actor, d: Data):
    kind = forms.EXTENSION_BY_STAGE[c.stage]
    return services.candidate_add_extension(
        candidate_id=c.pk, actor=actor, kind=kind, paper=_paper(d)
    )


def _run_reject(c: Candidate, actor, d: Data):
    return services.candidate_reject(
        candidate_id=c.pk, actor=actor, decision=_paper(d), reason=d["reason"]
    )


def _run_withdraw(c: Candidate, actor, d: Data):
    return services.candidate_withdraw(
        candidate_id=c.pk, actor=actor, day=d["day"], reason=d["reason"], stage=d["kind"]
    )


def _run_ceremony(c: Candidate, actor, d: Data):
    return services.candidate_hold_ceremony(
        candidate_id=c.pk,
        actor=actor,
        day=d["day"],
        mentor=d["mentor"],
        mentor_resolution=d["mentor_resolution"],
        note=d["note"],
    )


def _run_document(c: Candidate, actor, d: Data):
    return services.candidate_add_document(
        candidate_id=c.pk,
        actor=actor,
        form=d["form"],
        paper=_paper(d),
        note=d["note"],
        scan=d.get("scan"),
    )


def _run_mentor(c: Candidate, actor, d: Data):
    return services.candidate_reassign_mentor(
        candidate_id=c.pk, actor=actor, mentor=d["mentor"], day=d["day"], resolution=d["resolution"]
    )


def _run_confirmation_vote(c: Candidate, actor, d: Data):
    return services.candidate_confirmation_vote(candidate_id=c.pk, actor=actor, vote=_vote(d))


def _run_confirm(c: Candidate, actor, d: Data):
    return services.candidate_confirm(
        candidate_id=c.pk, actor=actor, decision=_paper(d), note=d["note"]
    )


def _run_not_confirm(c: Candidate, actor, d: Data):
    return services.candidate_not_confirm(
        candidate_id=c.pk, actor=actor, decision=_paper(d), reason=d["reason"]
    )


# Checks before saving ----------------------------------------------------------------------------


def _fmt(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _passing(base: checks.VoteBase, votes_for: int) -> list[Violation]:
    """R8 as a warning: figures that do not reach two thirds are recorded as a failed vote."""
    if checks.vote_passes(votes_for, base.base):
        return []
    message = _(
        "%(yes)d for out of a voting base of %(base)d: %(yes)d × 3 = %(lhs)d is less than "  # noqa: RUF001
        "2 × %(base)d = %(rhs)d. The vote will be recorded as not passed."  # noqa: RUF001
    ) % {"yes": votes_for, "base": base.base, "lhs": votes_for * 3, "rhs": 2 * base.base}
    return [Violation("R8", message, blocking=False)]


def _check_admission_vote(c: Candidate, d: Data) -> list[Violation]:
    base, found = services.admission_vote_violations(c, _vote(d))
    return found + _passing(base, d["votes_for"])


def _check_confirmation_vote(c: Candidate, d: Data) -> list[Violation]:
    base, found = services.confirmation_vote_violations(c, _vote(d))
    return found + _passing(base, d["votes_for"])


def _check_introduced(c: Candidate, d: Data) -> list[Violation]:
    introductions = list(c.introductions.select_related("introducer"))
    latest = max((i.date for i in introductions), default=d["date"])
    return checks.check_introducers(c, introductions, latest)


def _check_ceremony(c: Candidate, d: Data) -> list[Violation]:
    return services.ceremony_violations(c, d["day"], d["mentor"])


def _late_decision(
    c: Candidate, d: Data, vote_kind: str, extension: str, due_of: Callable
) -> list[Violation]:
    """R11 as a warning: the committee's decision is dated after its deadline."""
    vote = c.resolutions.filter(kind=vote_kind, passed=True).order_by("-date", "-pk").first()
    if vote is None:
        return []
    due = due_of(vote, c.extensions.filter(kind=extension).exists())
    if d["date"] <= due:
        return []
    message = _(
        "The decision was due by %(due)s (from the chapter's resolution of %(vote)s). "
        "If the deadline was extended, record the extension first."
    ) % {"due": _fmt(due), "vote": _fmt(vote.date)}
    return [Violation("R11", message, blocking=False)]


def _check_decide(c: Candidate, d: Data) -> list[Violation]:
    return _late_decision(
        c,
        d,
        Resolution.Kind.ADMISSION_CHAPTER,
        Extension.Kind.ADMISSION_DECISION,
        deadlines.admission_decision_due,
    )


def _check_confirm(c: Candidate, d: Data) -> list[Violation]:
    return _late_decision(
        c,
        d,
        Resolution.Kind.CONFIRMATION_CHAPTER,
        Extension.Kind.CONFIRMATION_DECISION,
        deadlines.confirmation_decision_due,
    )


# Conditions beyond the stage ---------------------------------------------------------------------


def has_grassroots_step(candidate: Candidate) -> bool:
    """Whether this chapter's resolutions go to a grassroots committee first (stage G)."""
    try:
        return candidate.chapter.admission_settings.grassroots_step
    except ChapterAdmissionSettings.DoesNotExist:
        return False


def _decide_available(candidate: Candidate) -> bool:
    return candidate.stage == St.GRASSROOTS_APPROVED or not has_grassroots_step(candidate)


def _extension_available(candidate: Candidate) -> bool:
    kind = forms.EXTENSION_BY_STAGE.get(candidate.stage)
    return kind is not None and all(e.kind != kind for e in candidate.extensions.all())


# Messages after a vote ---------------------------------------------------------------------------


def _vote_outcome(result) -> list[tuple[str, str]]:
    candidate, resolution = result
    figures = {"yes": resolution.votes_for, "base": resolution.base}
    if resolution.passed:
        return [
            (
                "success",
                _("The vote passed: %(yes)d for out of a voting base of %(base)d.") % figures,
            )
        ]
    found = [
        (
            "warning",
            _(
                "The vote did not pass: %(yes)d for out of a voting base of %(base)d, two "
                "thirds are needed (R8). It is recorded; the case stays at its stage."
            )
            % figures,
        )
    ]
    failures = candidate.resolutions.filter(kind=resolution.kind, passed=False).count()
    if failures >= rule("FAILED_VOTES_ESCALATE", resolution.date):
        found.append(
            (
                "warning",
                _("This is failed vote number %(count)d: the case goes to the superior committee.")
                % {"count": failures},
            )
        )
    return found


# The registry ------------------------------------------------------------------------------------

# Labels and explanations are lazy: translated when shown, in the reader's language.
STEPS: dict[str, Step] = {
    step.slug: step
    for step in [
        Step(
            "sympathiser",
            _("Sympathiser (chapter resolution)"),
            forms.SympathiserForm,
            _run_sympathiser,
            _into(St.SYMPATHISER),
            "bi-heart",
            _(
                "The chapter's resolution counts the outstanding non-member as a sympathiser "
                "and sets the tasks of the member who helps."
            ),
        ),
        Step(
            "course",
            _("Awareness-course certificate"),
            forms.CourseForm,
            _run_course,
            COURSE_STAGES,
            "bi-mortarboard",
            _(
                "R3: the awareness-course certificate (CN-NTVĐ) is valid for 60 months and must "
                "still be valid on the day of the chapter vote. Later in the pipeline, a new "
                "certificate recorded here renews an expired one."
            ),
        ),
        Step(
            "dossier",
            _("Application and background declaration"),
            forms.DossierForm,
            _run_dossier,
            _into(St.DOSSIER_OPEN),
            "bi-folder2-open",
            _(
                "R4: the application (1-KNĐ) is dated on or before the background declaration "
                "(2-KNĐ)."
            ),
        ),
        Step(
            "check",
            _("Background check"),
            forms.CheckForm,
            _run_check,
            _into(St.BACKGROUND_VERIFIED),
            "bi-search",
            _(
                "R5: the applicant, the birth parents, whoever raised the applicant, the parents-"
                "in-law, the spouse and adult children are verified. A relative who is a party "
                "member and fully declared may be exempted, with the reason."
            ),
        ),
        Step(
            "certify",
            _("Background certified"),
            forms.CertifyForm,
            _run_certify,
            _into(St.BACKGROUND_VERIFIED),
            "bi-patch-check",
            _(
                "R5: the grassroots committee certifies the declaration (2-KNĐ) only after every "
                "required reply is in, or exempted."
            ),
        ),
        Step(
            "introduction",
            _("Add an introducer"),
            forms.IntroductionForm,
            _run_introduction,
            _into(St.INTRODUCED),
            "bi-person-plus",
            _(
                "R6: two different official members, or the Youth Union or trade-union executive "
                "with one official member. Probationary members cannot introduce. Each "
                "introducer has worked or lived with the applicant for at least 12 months."
            ),
        ),
        Step(
            "introduced",
            _("Opinions summarised (5-KNĐ)"),
            forms.IntroducedForm,
            _run_introduced,
            _into(St.INTRODUCED),
            "bi-chat-square-text",
            _(
                "The chapter committee summarises the opinions on the applicant. R6 and R7 are "
                "checked on the introducers; a young Youth Union member should be introduced by "
                "the Youth Union (R7, a warning)."
            ),
            precheck=_check_introduced,
        ),
        Step(
            "vote",
            _("Chapter admission vote (6-KNĐ)"),
            forms.VoteForm,
            _run_vote,
            _into(St.CHAPTER_APPROVED),
            "bi-hand-index-thumb",
            _(
                "R8: passed when for × 3 ≥ 2 × base; the base is the chapter's official members "  # noqa: RUF001
                "on the meeting day, minus those temporarily transferred elsewhere and absent "
                "exempted members. R9: at least 3 official members. Age (R1), education (R2), "
                "the certificate (R3) and the introducers (R6, R7) are checked on the vote "
                "date. After three failed votes the superior committee decides."
            ),
            precheck=_check_admission_vote,
            outcome=_vote_outcome,
        ),
        Step(
            "grassroots",
            _("Grassroots committee resolution (8-KNĐ)"),
            forms.GrassrootsForm,
            _run_grassroots,
            _into(St.GRASSROOTS_APPROVED),
            "bi-diagram-3",
            _("The grassroots committee's resolution, after its appraisal (7-KNĐ) if any."),
            available=has_grassroots_step,
            unavailable=_(
                "This chapter's resolutions go straight to the competent committee: there is "
                "no grassroots committee step."
            ),
        ),
        Step(
            "decide",
            _("Admission decision (9-KNĐ)"),
            forms.DecideForm,
            _run_decide,
            _into(St.ADMISSION_DECIDED),
            "bi-award",
            _(
                "R11: the competent committee decides within 60 working days of the chapter's "
                "resolution (90 with an extension). R13: the chapter receives the decision on or "
                "after its date; the ceremony's 30 working days count from that day."
            ),
            precheck=_check_decide,
            available=_decide_available,
            unavailable=_("This chapter's resolutions go to the grassroots committee first."),
        ),
        Step(
            "extend",
            _("Extension or consent to lateness"),
            forms.ExtendForm,
            _run_extend,
            frozenset(forms.EXTENSION_BY_STAGE),
            "bi-calendar-plus",
            _(
                "R11: a committee decision may be extended by 30 working days, once. R12: a "
                "ceremony held later than 30 working days needs the superior committee's consent."
            ),
            available=_extension_available,
            unavailable=_("This deadline has already been extended once."),
        ),
        Step(
            "reject",
            _("Refusal to admit"),
            forms.ReasonedDecisionForm,
            _run_reject,
            _into(St.REJECTED),
            "bi-x-octagon",
            _("The competent committee refuses to admit; the case ends with its reason."),
            is_exit=True,
        ),
        Step(
            "withdraw",
            _("Withdrawal or expired documents"),
            forms.WithdrawForm,
            _run_withdraw,
            _into(St.WITHDRAWN, St.DOCUMENTS_EXPIRED),
            "bi-box-arrow-left",
            _(
                "The applicant withdraws, or the chapter closes the case because the documents "
                "expired. The case ends with its reason."
            ),
            is_exit=True,
        ),
        Step(
            "ceremony",
            _("Admission ceremony"),
            forms.CeremonyForm,
            _run_ceremony,
            _into(St.ADMITTED),
            "bi-star",
            _(
                "R12: within 30 working days of receiving the decision, else with the superior "
                "committee's consent. R13: not before the decision was received, and exactly one "
                "official member assigned as mentor. The ceremony creates the probationary "
                "member; the official date is the ceremony + 12 months (R15)."
            ),
            precheck=_check_ceremony,
        ),
        Step(
            "document",
            _("Add a dossier paper"),
            forms.DocumentForm,
            _run_document,
            OPEN_STAGES,
            "bi-file-earmark-plus",
            _(
                "A paper of the dossier with its number, date and issuer, and a scan if you have "
                "one. For the confirmation: 10-, 11-, 12-KNĐ and the new-member course "
                "certificate (R18)."
            ),
        ),
        Step(
            "mentor",
            _("Reassign the mentor"),
            forms.MentorForm,
            _run_mentor,
            _into(St.NOT_CONFIRMED),
            "bi-person-check",
            _(
                "R13: one mentor at a time, an official member of the chapter, from a chapter "
                "resolution; the current assignment ends on the new one's first day."
            ),
        ),
        Step(
            "confirmation-vote",
            _("Chapter confirmation vote (13-KNĐ)"),
            forms.VoteForm,
            _run_confirmation_vote,
            _into(St.CONFIRMATION_VOTED),
            "bi-hand-index-thumb",
            _(
                "R14: not before the end of probation (ceremony + 12 months), and within 30 "
                "working days after it. R18: the self-review (10-KNĐ), the mentor's assessment "
                "(11-KNĐ), the opinions (12-KNĐ) and the new-member course certificate are in "
                "the dossier. R8 and R9 as for the admission vote."
            ),
            precheck=_check_confirmation_vote,
            outcome=_vote_outcome,
        ),
        Step(
            "confirm",
            _("Confirmation decision (16-KNĐ)"),
            forms.ConfirmForm,
            _run_confirm,
            _into(St.OFFICIAL),
            "bi-patch-check-fill",
            _(
                "R15: official from the ceremony + 12 months exactly, whatever the decision "
                "date. R11: within 30 working days of the chapter's resolution (60 with an "
                "extension)."
            ),
            precheck=_check_confirm,
        ),
        Step(
            "not-confirm",
            _("Removal from the probationary list"),
            forms.ReasonedDecisionForm,
            _run_not_confirm,
            _into(St.NOT_CONFIRMED),
            "bi-person-x",
            _(
                "R19: a member found not qualified is removed from the probationary list by the "
                "competent committee. Probation is never extended."
            ),
            is_exit=True,
        ),
    ]
}
# The natural next step at each stage (DOSSIER_OPEN, BACKGROUND_VERIFIED, CHAPTER_APPROVED and
# ADMITTED choose between two, see ``next_slug``).
NEXT_STEP = {
    St.POOL: "sympathiser",
    St.SYMPATHISER: "course",
    St.COURSE_DONE: "dossier",
    St.INTRODUCED: "vote",
    St.GRASSROOTS_APPROVED: "decide",
    St.ADMISSION_DECIDED: "ceremony",
    St.CONFIRMATION_VOTED: "confirm",
}


def checks_complete(candidate: Candidate) -> bool:
    rows = list(candidate.checks.all())
    return any(r.relation == r.Relation.SELF for r in rows) and all(r.is_done for r in rows)


def introducers_complete(candidate: Candidate) -> bool:
    rows = list(candidate.introductions.all())
    members = {r.introducer_id for r in rows if r.kind == Introduction.Kind.MEMBER}
    unions = [r for r in rows if r.kind != Introduction.Kind.MEMBER]
    return len(members) >= 2 or (len(members) >= 1 and len(unions) >= 1)


def confirmation_papers_complete(candidate: Candidate) -> bool:
    present = {d.form for d in candidate.documents.all()}
    return all(form in present for form in checks.CONFIRMATION_FORMS)


def next_slug(candidate: Candidate) -> str | None:
    """The step the case waits for now."""
    stage = candidate.stage
    if stage == St.DOSSIER_OPEN:
        return "certify" if checks_complete(candidate) else "check"
    if stage == St.BACKGROUND_VERIFIED:
        return "introduced" if introducers_complete(candidate) else "introduction"
    if stage == St.CHAPTER_APPROVED:
        return "grassroots" if has_grassroots_step(candidate) else "decide"
    if stage == St.ADMITTED:
        return "confirmation-vote" if confirmation_papers_complete(candidate) else "document"
    return NEXT_STEP.get(stage)


def get_step(slug: str) -> Step | None:
    return STEPS.get(slug)


def steps_for(candidate: Candidate, user) -> list[Step]:
    """The steps offered now: the stage allows them and the user may record them; the next step
    first, then the others in pipeline order, the exits last."""
    offered = [
        step
        for step in STEPS.values()
        if step.applies_to(candidate) and access.can_run_step(user, candidate, step.slug)
    ]
    primary = next_slug(candidate)
    return sorted(offered, key=lambda step: (step.slug != primary, step.is_exit))


# What the step's page shows beside the form ------------------------------------------------------


def facts_for(step: Step, candidate: Candidate, today: date | None = None) -> list[tuple[str, str]]:
    """The dates that matter for this step: (label, value) pairs."""
    today = today or timezone.localdate()
    facts = [
        (_("Stage"), f"{candidate.get_stage_display()} · {_fmt(candidate.stage_since)}"),
    ]
    deadline = deadlines.next_deadline(candidate)
    if deadline is not None:
        left = deadline.working_days_left(today)
        if deadline.due < today:
            when = _("%(date)s, overdue by %(days)d working days")
        else:
            when = _("%(date)s, %(days)d working days left")
        facts.append(
            (
                f"{deadline.rule}: {deadline.label}",
                when % {"date": _fmt(deadline.due), "days": abs(left)},
            )
        )
    if step.slug in ("course", "vote"):
        certificates = [d for d in candidate.documents.all() if d.form == "CN-NTVD"]
        if certificates:
            newest = max(certificates, key=lambda d: (d.date, d.pk))
            facts.append(
                (
                    _("Awareness certificate"),
                    _("issued %(issued)s, valid until %(until)s")
                    % {
                        "issued": _fmt(newest.date),
                        "until": _fmt(checks.awareness_expires(newest)),
                    },
                )
            )
    if step.slug == "ceremony":
        decision = (
            candidate.decisions.filter(kind=Decision.Kind.ADMISSION).order_by("-date").first()
        )
        if decision and decision.received_on:
            facts.append(
                (
                    _("Admission decision"),
                    _("no. %(number)s of %(date)s, received %(received)s")
                    % {
                        "number": decision.number,
                        "date": _fmt(decision.date),
                        "received": _fmt(decision.received_on),
                    },
                )
            )
    if step.slug == "extend" and candidate.stage in forms.EXTENSION_BY_STAGE:
        facts.append((_("What is extended"), forms.EXTENSION_BY_STAGE[candidate.stage].label))
    if candidate.member_id and candidate.member.official_date:
        facts.append((_("End of probation (official date)"), _fmt(candidate.member.official_date)))
    return facts
