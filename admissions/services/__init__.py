"""One function per step of the admissions pipeline (STYLE.md section 2), by phase.

Each locks the candidate, checks the move against ``STAGE_TRANSITIONS`` and the rules of
``admissions.checks`` (a refusal is ``checks.RuleViolated``, carrying every violation as an
object), writes the step's rows, moves the stage and appends one ``CandidateEvent`` — all in one
transaction. The ceremony, the confirmation and the removal call ``members.services`` in the
same transaction, so a member is never created or confirmed without its pipeline step.
Deadlines (R11, R12, R14) only flag: a step that may be late takes ``stop_on_warnings`` so a
page can ask for confirmation first.

``common`` (what every step does), ``pool`` (A, B), ``dossier`` (C-E), ``votes`` (F-H and the
exits before the ceremony), ``ceremony`` (I, J), ``confirmation`` (K), ``annulment``. Callers use
``from admissions import services; services.candidate_x(...)``.
"""

from admissions.checks import RuleViolated, Vote, ceremony_violations
from admissions.services.annulment import (
    MEMBER_ENTRY,
    STEP_DECISIONS,
    STEP_FORMS,
    STEP_RESOLUTIONS,
    candidate_annul_latest,
    latest_step,
)
from admissions.services.ceremony import (
    MEMBER_FIELDS,
    candidate_add_document,
    candidate_add_observation,
    candidate_hold_ceremony,
    candidate_reassign_mentor,
)
from admissions.services.common import CANDIDATE_FIELDS, StepNotAllowed
from admissions.services.confirmation import (
    candidate_confirm,
    candidate_confirmation_vote,
    candidate_not_confirm,
)
from admissions.services.dossier import (
    candidate_add_introduction,
    candidate_certify_background,
    candidate_complete_introductions,
    candidate_open_dossier,
    candidate_replace_introducer,
    candidate_save_check,
)
from admissions.services.pool import (
    candidate_create,
    candidate_mark_sympathiser,
    candidate_record_course,
)
from admissions.services.votes import (
    candidate_add_extension,
    candidate_chapter_vote,
    candidate_grassroots_approve,
    candidate_record_admission_decision,
    candidate_reject,
    candidate_supplementary_check,
    candidate_withdraw,
)
from chapter.documents import Document

__all__ = [
    "CANDIDATE_FIELDS", "MEMBER_ENTRY", "MEMBER_FIELDS", "STEP_DECISIONS", "STEP_FORMS",
    "STEP_RESOLUTIONS", "Document", "RuleViolated", "StepNotAllowed", "Vote",
    "candidate_add_document", "candidate_add_extension", "candidate_add_introduction",
    "candidate_add_observation", "candidate_annul_latest", "candidate_certify_background",
    "candidate_chapter_vote", "candidate_complete_introductions", "candidate_confirm",
    "candidate_confirmation_vote", "candidate_create", "candidate_grassroots_approve",
    "candidate_hold_ceremony", "candidate_mark_sympathiser", "candidate_not_confirm",
    "candidate_open_dossier", "candidate_reassign_mentor", "candidate_record_admission_decision",
    "candidate_record_course", "candidate_reject", "candidate_replace_introducer",
    "candidate_save_check", "candidate_supplementary_check", "candidate_withdraw",
    "ceremony_violations", "latest_step",
]  # fmt: skip
