"""The pipeline's steps: one registry for the views, the templates and the tests.

Each ``Step`` names its form, its service call (``admissions.step_calls``), the stages it
applies at (derived from ``STAGE_TRANSITIONS``: a step that moves a case to stage X applies
where X is an allowed next stage), and whether the superior committee records it
(``access.COMMITTEE_STEPS``). The rules are the services' (``admissions.checks``): a refusal
comes back as violations, and a warning (R7, R8 failed vote, R11, R12) is confirmed on the form
before the step is recorded.

``steps_for(candidate, user)`` is what the candidate page offers: the steps the stage allows and
the user may record, the one "next step" first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from admissions import access, checks, dossier_forms, forms, step_calls, vote_forms
from admissions.checks.freshness import CHECK
from admissions.models import BOARD_STAGES, CLOSED_STAGES, STAGE_TRANSITIONS, Candidate

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
    #: the rules it applies (admissions.checks.SOURCES cites their regulations)
    rules: tuple[str, ...] = ()
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
    def sources(self) -> str:
        """The regulations the step applies, for the page to cite."""
        texts = [checks.SOURCES[r] for r in self.rules if r in checks.SOURCES]
        return "; ".join(dict.fromkeys(part for text in texts for part in text.split("; ")))

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


# Conditions beyond the stage ---------------------------------------------------------------------


def _grassroots(candidate: Candidate) -> bool:
    return checks.has_grassroots_step(candidate.chapter)


def _has_member_introducer(candidate: Candidate) -> bool:
    return any(i.kind == "MEMBER" for i in candidate.introductions.all())


def _stale(candidate: Candidate) -> bool:
    """R29: the dossier waiting for the vote is over twelve months old today."""
    fresh = checks.case_freshness(candidate, timezone.localdate())
    return fresh is not None and fresh.stale


def _decide_available(candidate: Candidate) -> bool:
    return candidate.stage == St.GRASSROOTS_APPROVED or not _grassroots(candidate)


# The registry ------------------------------------------------------------------------------------

# Labels and explanations are lazy: translated when shown, in the reader's language.
STEPS: dict[str, Step] = {
    step.slug: step
    for step in [
        Step(
            "sympathiser",
            _("Sympathiser (chapter resolution)"),
            forms.SympathiserForm,
            step_calls.sympathiser,
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
            step_calls.course,
            COURSE_STAGES,
            "bi-mortarboard",
            _(
                "The awareness-course certificate (CN-NTVĐ) is valid for 60 months and must still"
                " be valid on the day of the chapter vote. Later in the pipeline, a new "
                "certificate recorded here renews an expired one."
            ),
            rules=("R3",),
        ),
        Step(
            "dossier",
            _("Application and background declaration"),
            forms.DossierForm,
            step_calls.dossier,
            _into(St.DOSSIER_OPEN),
            "bi-folder2-open",
            _("The application (1-KNĐ) is dated on or before the background declaration (2-KNĐ)."),
            rules=("R4",),
        ),
        Step(
            "check",
            _("Background check"),
            dossier_forms.CheckForm,
            step_calls.check,
            _into(St.BACKGROUND_VERIFIED),
            "bi-search",
            _(
                "The applicant, the birth parents, whoever raised the applicant, the spouse's "
                "parents, the spouse and adult children are verified; a relative abroad through "
                "the body that can confirm abroad. No verification for a birth parent, full "
                "sibling or child who is a party member and fully declared; none for the "
                "spouse's side when the spouse, or a parent or sibling of the spouse, is a party "
                "member. The reason is recorded."
            ),
            rules=("R5",),
        ),
        Step(
            "certify",
            _("Background certified"),
            forms.CertifyForm,
            step_calls.certify,
            _into(St.BACKGROUND_VERIFIED),
            "bi-patch-check",
            _(
                "The grassroots committee certifies the declaration (2-KNĐ) only after every "
                "required reply is in, or exempted."
            ),
            rules=("R5",),
        ),
        Step(
            "introduction",
            _("Add an introducer"),
            dossier_forms.IntroductionForm,
            step_calls.introduction,
            _into(St.INTRODUCED),
            "bi-person-plus",
            _(
                "Two different official members, or the Youth Union or trade-union executive with"
                " one official member. Probationary members cannot introduce. Each introducer has"
                " worked or lived with the applicant for at least 12 months."
            ),
            rules=("R6",),
        ),
        Step(
            "replace-introducer",
            _("Replace an introducer"),
            dossier_forms.ReplaceIntroducerForm,
            step_calls.replace_introducer,
            frozenset({St.BACKGROUND_VERIFIED, St.INTRODUCED}),
            "bi-arrow-left-right",
            _(
                "When an introducer moves away or is disciplined, the chapter assigns another "
                "official member by resolution (number and date); the 12 months together are not"
                " asked of that member. The replaced introduction stays on file. Every "
                "introducer is checked again on the vote date: still an official member of the "
                "chapter, not disciplined."
            ),
            rules=("R6",),
            available=_has_member_introducer,
            unavailable=_("No member introducer to replace yet."),
        ),
        Step(
            "introduced",
            _("Opinions summarised (5-KNĐ)"),
            forms.IntroducedForm,
            step_calls.introduced,
            _into(St.INTRODUCED),
            "bi-chat-square-text",
            _(
                "The chapter committee summarises the opinions on the applicant. The introducers "
                "are checked again. Where a Youth Union exists, an applicant of youth age must be "
                "a Youth Union member, introduced by the Youth Union grassroots executive and one "
                "official member."
            ),
            rules=("R6", "R7"),
        ),
        Step(
            "vote",
            _("Chapter admission vote (6-KNĐ)"),
            forms.VoteForm,
            step_calls.vote,
            _into(St.CHAPTER_APPROVED),
            "bi-hand-index-thumb",
            _(
                "Passed when for × 3 ≥ 2 × base; the base is the chapter's official members on "  # noqa: RUF001
                "the meeting day, minus those temporarily transferred elsewhere and absent "
                "exempted members. The chapter needs at least 3 official members. Age, education,"
                " the certificate and the introducers are checked on the vote date. After three "
                "failed votes the superior committee decides. Twelve months after the dossier was"
                " complete without a vote, the introductions (3-, 4-KNĐ), the summary of opinions"
                " (5-KNĐ) and a supplementary background check are redone before the vote."
            ),
            rules=("R1", "R2", "R3", "R6", "R7", "R8", "R9", "R29"),
            outcome=step_calls.vote_outcome,
        ),
        Step(
            "supplementary-check",
            _("Supplementary background check"),
            vote_forms.SupplementaryCheckForm,
            step_calls.supplementary_check,
            frozenset({St.INTRODUCED}),
            "bi-search",
            _(
                "Twelve months after the dossier was complete without a chapter vote, the "
                "introductions (3-, 4-KNĐ) and the summary of opinions (5-KNĐ) are redone and "
                "the background verified again: a supplementary check, requested after the last "
                "day the dossier was fresh."
            ),
            rules=("R29",),
            available=_stale,
            unavailable=_(
                "The dossier is less than twelve months old: no supplementary check is needed "
                "before the vote."
            ),
        ),
        Step(
            "grassroots",
            _("Grassroots committee vote (8-KNĐ)"),
            vote_forms.GrassrootsForm,
            step_calls.grassroots,
            _into(St.GRASSROOTS_APPROVED),
            "bi-diagram-3",
            _(
                "The grassroots committee votes on the chapter's resolution, after its appraisal "
                "(7-KNĐ) if any. Passed when for × 3 ≥ 2 × all the committee's members, present "  # noqa: RUF001
                "or not; a vote short of two thirds is recorded and the case stays."
            ),
            rules=("R10",),
            outcome=step_calls.grassroots_outcome,
            available=_grassroots,
            unavailable=_(
                "This chapter's resolutions go straight to the competent committee: there is "
                "no grassroots committee step."
            ),
        ),
        Step(
            "decide",
            _("Admission decision (9-KNĐ)"),
            forms.DecideForm,
            step_calls.decide,
            _into(St.ADMISSION_DECIDED),
            "bi-award",
            _(
                "The competent committee decides within 60 working days of the chapter's "
                "resolution (90 with an extension). The chapter receives the decision on or after"
                " its date; the ceremony's 30 working days count from that day."
            ),
            rules=("R11",),
            available=_decide_available,
            unavailable=_("This chapter's resolutions go to the grassroots committee first."),
        ),
        Step(
            "extend",
            _("Extension or consent to lateness"),
            forms.ExtendForm,
            step_calls.extend,
            frozenset(checks.EXTENSION_BY_STAGE),
            "bi-calendar-plus",
            _(
                "A committee decision may be extended by 30 working days, once. A ceremony held "
                "later than 30 working days needs the superior committee's consent."
            ),
            rules=("R11",),
            available=checks.extension_available,
            unavailable=_("This deadline has already been extended once."),
        ),
        Step(
            "reject",
            _("Refusal to admit"),
            forms.ReasonedDecisionForm,
            step_calls.reject,
            _into(St.REJECTED),
            "bi-x-octagon",
            _("The competent committee refuses to admit; the case ends with its reason."),
            is_exit=True,
        ),
        Step(
            "withdraw",
            _("Withdrawal or expired documents"),
            forms.WithdrawForm,
            step_calls.withdraw,
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
            step_calls.ceremony,
            _into(St.ADMITTED),
            "bi-star",
            _(
                "Within 30 working days of receiving the decision, else with the superior "
                "committee's consent; not before the decision was received, and exactly one "
                "official member assigned as mentor. The ceremony creates the probationary "
                "member; the official date is the ceremony + 12 months."
            ),
            rules=("R12", "R14"),
        ),
        Step(
            "document",
            _("Add a dossier paper"),
            forms.DocumentForm,
            step_calls.document,
            OPEN_STAGES,
            "bi-file-earmark-plus",
            _(
                "A paper of the dossier with its number, date and issuer, and a scan if you have "
                "one. For the confirmation: 10-, 11-, 12-KNĐ and the new-member course "
                "certificate."
            ),
            rules=("R18",),
        ),
        Step(
            "mentor",
            _("Reassign the mentor"),
            forms.MentorForm,
            step_calls.mentor,
            _into(St.NOT_CONFIRMED),
            "bi-person-check",
            _(
                "One mentor at a time, an official member of the chapter, from a chapter "
                "resolution; the current assignment ends on the new one's first day."
            ),
            rules=("R13",),
        ),
        Step(
            "confirmation-vote",
            _("Chapter confirmation vote (13-KNĐ)"),
            forms.VoteForm,
            step_calls.confirmation_vote,
            _into(St.CONFIRMATION_VOTED),
            "bi-hand-index-thumb",
            _(
                "Not before the end of probation (ceremony + 12 months), and within 30 working "
                "days after it. The self-review (10-KNĐ), the mentor's assessment (11-KNĐ), the "
                "opinions (12-KNĐ) and the new-member course certificate are in the dossier. The "
                "vote counts as for the admission vote."
            ),
            rules=("R14", "R18", "R8"),
            outcome=step_calls.vote_outcome,
        ),
        Step(
            "confirm",
            _("Confirmation decision (16-KNĐ)"),
            forms.ConfirmForm,
            step_calls.confirm,
            _into(St.OFFICIAL),
            "bi-patch-check-fill",
            _(
                "Official from the ceremony + 12 months exactly, whatever the decision date; the "
                "decision comes within 30 working days of the chapter's resolution (60 with an "
                "extension)."
            ),
            rules=("R14", "R11"),
        ),
        Step(
            "not-confirm",
            _("Removal from the probationary list"),
            forms.ReasonedDecisionForm,
            step_calls.not_confirm,
            _into(St.NOT_CONFIRMED),
            "bi-person-x",
            _(
                "A member found not qualified is removed from the probationary list by the "
                "competent committee. Probation is never extended."
            ),
            rules=("R14",),
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


def _papers_complete(candidate: Candidate) -> bool:
    return not checks.check_confirmation_dossier(list(candidate.documents.all()), date.max)


def next_slug(candidate: Candidate) -> str | None:
    """The step the case waits for now."""
    stage = candidate.stage
    if stage == St.DOSSIER_OPEN:
        done = checks.verification_complete(list(candidate.checks.all()))
        return "certify" if done else "check"
    if stage == St.BACKGROUND_VERIFIED:
        done = checks.introducers_complete(list(candidate.introductions.all()))
        return "introduced" if done else "introduction"
    if stage == St.CHAPTER_APPROVED:
        return "grassroots" if _grassroots(candidate) else "decide"
    if stage == St.ADMITTED:
        return "confirmation-vote" if _papers_complete(candidate) else "document"
    if stage == St.INTRODUCED:
        fresh = checks.case_freshness(candidate, timezone.localdate())
        if fresh is not None and fresh.stale:
            # R29: the letters and the summary are dossier papers; the check has its step.
            return "supplementary-check" if fresh.missing == (CHECK,) else "document"
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
