"""Admission cases for ``seed_scale`` (demo/scale.py): each with its trail of pipeline steps
(``CandidateEvent``) and the papers, votes, decisions and mentor its stage needs, as the
services file them.

Per chapter: open cases at every stage of the board, about one per fifteen members (a few
rejected or withdrawn); the case behind each probationary member (admitted, or with the
chapter's confirmation vote once the official date has passed), behind each member confirmed in
the last two years (official) and each removed from the probationary list (not confirmed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from admissions.deadlines import next_deadline
from admissions.models import (
    CLOSED_STAGES,
    Candidate,
    CandidateDocument,
    CandidateEvent,
    Decision,
    Form,
    MentorAssignment,
    Resolution,
)
from demo.scale_people import OCCUPATIONS, _int, _pick, _weighted, keys

try:
    from admissions.due import stored_values
except ImportError:  # before the stored due dates
    stored_values = None

St = Candidate.Stage
MEMBERS_PER_CASE = 15
OPEN_STAGES = [
    (St.POOL, 25), (St.SYMPATHISER, 10), (St.COURSE_DONE, 15), (St.DOSSIER_OPEN, 15),
    (St.BACKGROUND_VERIFIED, 10), (St.INTRODUCED, 8), (St.CHAPTER_APPROVED, 7),
    (St.GRASSROOTS_APPROVED, 6), (St.ADMISSION_DECIDED, 5), (St.REJECTED, 2), (St.WITHDRAWN, 3),
]  # fmt: skip
PATH = [
    St.POOL, St.COURSE_DONE, St.DOSSIER_OPEN, St.BACKGROUND_VERIFIED, St.INTRODUCED,
    St.CHAPTER_APPROVED, St.GRASSROOTS_APPROVED, St.ADMISSION_DECIDED, St.ADMITTED,
    St.CONFIRMATION_VOTED, St.OFFICIAL,
]  # fmt: skip
# The form each step files on its pipeline entry, and the papers it adds to the dossier.
STEP_FORM = {
    St.COURSE_DONE: Form.AWARENESS,
    St.DOSSIER_OPEN: Form.BACKGROUND,
    St.INTRODUCED: Form.OPINIONS,
    St.CHAPTER_APPROVED: Form.CHAPTER_RESOLUTION,
    St.GRASSROOTS_APPROVED: Form.GRASSROOTS_RESOLUTION,
    St.ADMISSION_DECIDED: Form.ADMISSION_DECISION,
    St.CONFIRMATION_VOTED: Form.CONFIRMATION_RESOLUTION,
    St.OFFICIAL: Form.CONFIRMATION_DECISION,
    St.NOT_CONFIRMED: Form.REMOVAL_DECISION,
}
PAPERS = {
    St.COURSE_DONE: [Form.AWARENESS],
    St.DOSSIER_OPEN: [Form.APPLICATION, Form.BACKGROUND],
    St.INTRODUCED: [Form.INTRODUCTION, Form.OPINIONS],
    St.CHAPTER_APPROVED: [Form.CHAPTER_RESOLUTION],
    St.GRASSROOTS_APPROVED: [Form.GRASSROOTS_RESOLUTION],
    St.ADMISSION_DECIDED: [Form.ADMISSION_DECISION],
    St.CONFIRMATION_VOTED: [Form.SELF_REVIEW, Form.MENTOR_ASSESSMENT, Form.CONFIRMATION_RESOLUTION],
    St.OFFICIAL: [Form.CONFIRMATION_DECISION],
    St.NOT_CONFIRMED: [Form.REMOVAL_DECISION],
}


@dataclass
class ChapterCases:
    """What the cases of one chapter draw on."""

    pk: int
    name: str
    cells: list[int]
    size: int
    officials: list[int]
    grassroots: bool  # under a grassroots committee: its resolution (8-KNĐ) comes before
    body: str  # the committee that decides admissions
    members: list[tuple[int, dict, date | None, date | None]] = field(default_factory=list)


class Cases:
    def __init__(self, rng: random.Random, today: date, writer) -> None:
        self.rng, self.today, self.writer = rng, today, writer
        self.count = 0
        self.stages: dict[str, int] = {}

    def chapter(self, unit: ChapterCases) -> None:
        rng, today = self.rng, self.today
        for _ in range(max(1, unit.size // MEMBERS_PER_CASE)):
            stage = _weighted(rng, OPEN_STAGES)
            if stage == St.GRASSROOTS_APPROVED and not unit.grassroots:
                stage = St.CHAPTER_APPROVED
            last = today - timedelta(days=_int(rng, 0, 120))
            self.case(unit, stage, last)
        # (member id, row values, confirmed on, left the probationary list on)
        for pk, values, confirmed, removed in unit.members:
            official = values["official_date"]
            if removed:
                self.case(unit, St.NOT_CONFIRMED, removed, (pk, values))
            elif confirmed and (today - values["ceremony_date"]).days < 2 * 365:
                self.case(unit, St.OFFICIAL, confirmed, (pk, values))
            elif values["status"] == "PROBATIONARY" and official <= today and rng.random() < 0.6:
                vote = official + timedelta(days=_int(rng, 0, min(20, (today - official).days)))
                self.case(unit, St.CONFIRMATION_VOTED, vote, (pk, values))
            elif values["status"] == "PROBATIONARY":
                self.case(unit, St.ADMITTED, values["ceremony_date"], (pk, values))

    def case(self, unit: ChapterCases, stage: str, last: date, member=None) -> None:
        rng = self.rng
        young = rng.random() < 0.6
        if member:
            pk, values = member
            name, gender, born = values["full_name"], values["gender"], values["date_of_birth"]
            cell = values["cell_id"]
        else:
            pk, values = None, None
            gender = "M" if rng.random() < 0.5 else "F"
            name = self.writer.people.name(gender)
            born = last - timedelta(days=_int(rng, 20 * 366, (29 if young else 45) * 365))
            cell = _pick(rng, unit.cells) if unit.cells else None
        trail = self.trail(unit, stage, last, values)
        search_key, sort_key = keys(name)
        case = self.writer.table(Candidate).reserve()
        rows = _Case(stage, values)
        self.steps(unit, case, trail, values, rows)
        self.writer.add(
            Candidate,
            id=case,
            public_id=self.writer.uuid(),
            chapter_id=unit.pk,
            cell_id=cell,
            stage=stage,
            stage_since=trail[-1][1],
            source="YOUTH_UNION" if young else "CHAPTER",
            helper_id=_pick(rng, unit.officials) if unit.officials else None,
            full_name=name,
            search_key=search_key,
            sort_key=sort_key,
            gender=gender,
            date_of_birth=born,
            occupation=_pick(rng, OCCUPATIONS),
            workplace=unit.name.removeprefix("Chi bộ "),
            education="UNIVERSITY",
            is_youth_union_member=young,
            member_id=pk,
            **self.due(rows),
        )
        self.count += 1
        self.stages[stage] = self.stages.get(stage, 0) + 1
        if pk and unit.officials and stage in (St.ADMITTED, St.CONFIRMATION_VOTED, St.OFFICIAL):
            self.writer.add(
                MentorAssignment,
                candidate_id=case,
                mentor_id=_pick(rng, unit.officials),
                start_date=values["ceremony_date"],
                end_date=last if stage == St.OFFICIAL else None,
            )

    def trail(self, unit: ChapterCases, stage: str, last: date, values) -> list[tuple[str, date]]:
        """The stages passed to reach ``stage`` on ``last``, each a few weeks after the one
        before; a member's case keeps the dates on the member's record."""
        rng = self.rng
        path = [s for s in PATH if unit.grassroots or s != St.GRASSROOTS_APPROVED]
        if stage == St.SYMPATHISER:
            stages = [St.POOL, St.SYMPATHISER]
        elif stage == St.REJECTED:
            stages = [*path[: path.index(St.CHAPTER_APPROVED) + 1], stage]
        elif stage == St.WITHDRAWN:
            stages = [*path[: _int(rng, 1, 5)], stage]
        elif stage == St.NOT_CONFIRMED:
            stages = [*path[: path.index(St.ADMITTED) + 1], stage]
        else:
            stages = path[: path.index(stage) + 1]
        known = {}
        if values:
            known[St.ADMITTED] = values["ceremony_date"]
            known[St.ADMISSION_DECIDED] = values["admission_decision_date"]
            if stage == St.OFFICIAL:
                official = values["official_date"]
                known[St.CONFIRMATION_VOTED] = min(last, official + timedelta(_int(rng, 0, 4)))
        days = [last]
        for previous in reversed(stages[:-1]):
            day = known.get(previous) or days[-1] - timedelta(days=_int(rng, 7, 45))
            days.append(min(day, days[-1]))
        return list(zip(stages, reversed(days), strict=True))

    def due(self, rows: _Case) -> dict:
        """The stored next deadline, by the function the services store it with."""
        if stored_values is None or rows.stage in CLOSED_STAGES:
            return {}
        return stored_values(next_deadline(rows))

    def steps(self, unit: ChapterCases, case: int, trail, values, rows: _Case) -> None:
        writer, rng = self.writer, self.rng
        previous = ""
        for stage, day in trail:
            writer.add(
                CandidateEvent,
                candidate_id=case,
                from_stage=previous,
                to_stage=stage,
                date=day,
                form=STEP_FORM.get(stage, ""),
            )
            previous = stage
            for form in PAPERS.get(stage, []):
                pk = writer.add(CandidateDocument, candidate_id=case, form=form, date=day)
                rows.documents.append(_Row(pk=pk, form=form, date=day))
            if stage in (St.CHAPTER_APPROVED, St.CONFIRMATION_VOTED):
                kind = (
                    "ADMISSION_CHAPTER" if stage == St.CHAPTER_APPROVED else "CONFIRMATION_CHAPTER"
                )
                rows.resolutions.append(self.vote(unit, case, kind, day))
            elif stage == St.GRASSROOTS_APPROVED:
                base = _int(rng, 7, 15)
                rows.resolutions.append(self.vote(unit, case, "ADMISSION_GRASSROOTS", day, base))
            elif stage == St.ADMISSION_DECIDED:
                number = values["admission_decision_number"] if values else None
                rows.decisions.append(self.decision(unit, case, "ADMISSION", day, trail, number))
            elif stage == St.OFFICIAL:
                number = values["confirmation_decision_number"]
                rows.decisions.append(self.decision(unit, case, "CONFIRMATION", day, trail, number))
            elif stage in (St.REJECTED, St.NOT_CONFIRMED):
                kind = "REJECTION" if stage == St.REJECTED else "REMOVAL"
                reason = "Không đủ tiêu chuẩn"
                rows.decisions.append(self.decision(unit, case, kind, day, trail, None, reason))

    def vote(self, unit: ChapterCases, case: int, kind: str, day: date, base: int = 0) -> _Row:
        base = base or max(3, len(unit.officials))
        present = base - (base > 3) - (base > 20)
        passed = present * 3 >= 2 * base
        pk = self.writer.add(
            Resolution,
            candidate_id=case,
            kind=kind,
            number=f"{_int(self.rng, 1, 99)}-NQ/CB",
            date=day,
            base=base,
            present=present,
            votes_for=present,
            votes_against=0,
            passed=passed,
        )
        return _Row(pk=pk, kind=kind, date=day, passed=passed)

    def decision(self, unit, case, kind, day, trail, number, reason="") -> _Row:
        later = [d for _stage, d in trail if d > day]
        received = max(day, min([day + timedelta(days=_int(self.rng, 1, 5)), self.today, *later]))
        pk = self.writer.add(
            Decision,
            candidate_id=case,
            kind=kind,
            number=number or f"{_int(self.rng, 10, 999)}-QĐ/ĐU",
            date=day,
            issuing_body=f"Ban Thường vụ {unit.body}",
            received_on=received,
            reason=reason,
        )
        return _Row(pk=pk, kind=kind, date=day, received_on=received)


class _Row(SimpleNamespace):
    """A written row as ``admissions.deadlines.next_deadline`` reads it."""


class _Rows(list):
    def all(self) -> list:
        return self


class _Case:
    """A case as ``next_deadline`` reads it: its stage, member and related rows."""

    def __init__(self, stage: str, values: dict | None) -> None:
        self.stage = stage
        self.member = _Row(official_date=values["official_date"]) if values else None
        self.resolutions, self.decisions = _Rows(), _Rows()
        self.extensions, self.documents = _Rows(), _Rows()
