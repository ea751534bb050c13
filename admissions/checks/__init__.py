"""Every rule of the admissions pipeline (DOMAIN.md §5), once, cited by R-number.

Each check reads what it needs and returns ``Violation`` objects; nothing here writes. The
services run them under lock before a step is recorded and refuse with ``RuleViolated``; the
step pages show the same violations (blocking ones refused, warnings confirmed first) from that
refusal, and the forms call the same functions where a form alone can tell. Deadline rules
(R11, R12, R14) only flag.

By phase: ``base`` (Violation, RuleViolated), ``applicant`` (R1, R2, R20, the members standing
by the applicant), ``dossier`` (R3-R5, R18), ``introducers`` (R6, R7), ``votes`` (R8, R9, R14,
the escalation, R10), ``freshness`` (R29), ``decisions`` (R11-R13, extensions, the grassroots step).
"""

from admissions.checks.applicant import (
    BARRED_EXITS,
    check_age,
    check_education,
    check_education_category,
    check_official_member,
    check_readmission,
    is_official_member_of,
    is_readmission,
    readmitted_before,
    statuses_on,
    years_months,
)
from admissions.checks.base import (
    BLOCK,
    SOURCES,
    WARN,
    RuleViolated,
    Violation,
    refuse,
    split,
    warning,
)
from admissions.checks.decisions import (
    DECISION_DEADLINES,
    EXTENSION_BY_STAGE,
    admission_decision,
    ceremony_violations,
    check_decision_deadline,
    check_received,
    extension_available,
    extension_stages,
    has_grassroots_step,
)
from admissions.checks.dossier import (
    CONFIRMATION_FORMS,
    EXEMPTIBLE_RELATIONS,
    OWN_SIDE,
    SPOUSE_SIDE,
    awareness_expires,
    check_application,
    check_awareness,
    check_confirmation_dossier,
    check_exemption,
    check_verification,
    exemption_basis,
    latest,
    verification_complete,
)
from admissions.checks.freshness import (
    Freshness,
    case_freshness,
    check_freshness,
    check_renewal_paper,
)
from admissions.checks.introducers import (
    check_introducers,
    check_introduction,
    check_replacement,
    check_replacement_letter,
    check_together,
    check_youth_path,
    introducers_complete,
    is_youth_age,
    standing_introductions,
    statuses_on_days,
    youth_union_exists,
)
from admissions.checks.votes import (
    VOTE_AT_STAGE,
    Vote,
    VoteBase,
    admission_vote_violations,
    check_chapter_size,
    check_committee_figures,
    check_committee_passing,
    check_passing,
    check_probation_served,
    check_vote_counts,
    check_vote_figures,
    committee_base,
    confirmation_vote_violations,
    escalates,
    failed_votes,
    grassroots_vote_violations,
    needs_escalation,
    vote_base,
    vote_passes,
)

__all__ = [
    "BARRED_EXITS", "BLOCK", "CONFIRMATION_FORMS", "DECISION_DEADLINES", "EXEMPTIBLE_RELATIONS",
    "EXTENSION_BY_STAGE", "OWN_SIDE", "SOURCES", "SPOUSE_SIDE", "VOTE_AT_STAGE", "WARN",
    "Freshness", "RuleViolated", "Violation", "Vote", "VoteBase", "admission_decision",
    "admission_vote_violations", "awareness_expires", "case_freshness", "ceremony_violations",
    "check_age", "check_application", "check_awareness", "check_chapter_size",
    "check_committee_figures", "check_committee_passing", "check_confirmation_dossier",
    "check_decision_deadline", "check_education", "check_education_category", "check_exemption",
    "check_freshness", "check_introducers", "check_introduction", "check_official_member",
    "check_passing", "check_probation_served", "check_readmission", "check_received",
    "check_renewal_paper", "check_replacement", "check_replacement_letter", "check_together",
    "check_verification", "check_vote_counts", "check_vote_figures", "check_youth_path",
    "committee_base", "confirmation_vote_violations", "escalates", "exemption_basis",
    "extension_available", "extension_stages", "failed_votes", "grassroots_vote_violations",
    "has_grassroots_step", "introducers_complete", "is_official_member_of", "is_readmission",
    "is_youth_age", "latest", "needs_escalation", "readmitted_before", "refuse", "split",
    "standing_introductions", "statuses_on", "statuses_on_days", "verification_complete",
    "vote_base", "vote_passes", "warning", "years_months", "youth_union_exists",
]  # fmt: skip
