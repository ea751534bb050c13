"""The admissions pipeline: candidates, their documents, checks, introducers, votes, decisions,
mentors and the stage ledger (DOMAIN.md §4-§6).

``Candidate.stage`` changes only through ``admissions.services``, one function per step; each
step appends a ``CandidateEvent`` with its date and document. The rules live in
``admissions.checks`` and their numbers in ``admissions.rules`` (rule values registered in
``chapter.rules``: configurable, dated).

``candidate`` (the case, its stages, the form codes and the ledger), ``dossier`` (papers,
background checks, introducers), ``decisions`` (votes, decisions, extensions, mentors,
observations), ``rule_values`` (per-chapter choices).
"""

from admissions.models.candidate import (
    BOARD_STAGES,
    CLOSED_STAGES,
    EXITS,
    STAGE_TRANSITIONS,
    Candidate,
    CandidateEvent,
    CandidateEventQuerySet,
    CandidateQuerySet,
    Form,
)
from admissions.models.decisions import (
    Decision,
    Extension,
    MentorAssignment,
    Observation,
    Resolution,
)
from admissions.models.dossier import BackgroundCheck, CandidateDocument, Introduction
from admissions.models.rule_values import ChapterAdmissionSettings

__all__ = [
    "BOARD_STAGES", "CLOSED_STAGES", "EXITS", "STAGE_TRANSITIONS", "BackgroundCheck",
    "Candidate", "CandidateDocument", "CandidateEvent", "CandidateEventQuerySet",
    "CandidateQuerySet", "ChapterAdmissionSettings", "Decision", "Extension", "Form",
    "Introduction", "MentorAssignment", "Observation", "Resolution",
]  # fmt: skip
