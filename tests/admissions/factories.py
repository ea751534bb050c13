"""Drive a candidate through the real pipeline services to any stage.

``PipelineStory`` holds the chapter (with enough official members to vote) and the dates of
each step; ``candidate_at(stage)`` runs every step up to that stage, so tests start from a
state the application itself produced.
"""

import datetime
from dataclasses import dataclass, field

from admissions import services
from admissions.models import BackgroundCheck, Candidate, Introduction
from chapter.documents import Document
from members.models import Cell, Chapter, Member
from tests.members.factories import CellFactory, ChapterFactory, register_member

St = Candidate.Stage
D = datetime.date


@dataclass
class PipelineStory:
    chapter: Chapter
    cell: Cell
    officials: list[Member]
    actor: object = None
    start: datetime.date = field(default_factory=lambda: D(2019, 1, 7))
    days: dict = field(default_factory=dict)

    @classmethod
    def build(
        cls, officials: int = 6, actor=None, chapter: Chapter | None = None
    ) -> "PipelineStory":
        chapter = chapter or ChapterFactory()
        cell = CellFactory(chapter=chapter)
        members = [register_member(cell=cell) for _ in range(officials)]
        return cls(chapter=chapter, cell=cell, officials=members, actor=actor)

    def day(self, step: str) -> datetime.date:
        offsets = {
            "pool": 0,
            "course": 30,
            "application": 60,
            "background": 62,
            "checks": 80,
            "certified": 90,
            "introduced": 100,
            "opinions": 105,
            "vote": 110,
            "decision": 130,
            "received": 133,
            "ceremony": 140,
        }
        return self.days.get(step, self.start + datetime.timedelta(days=offsets[step]))

    def candidate_at(self, stage: str, **details) -> Candidate:
        defaults = {
            "full_name": "Lê Thị Mai",
            "gender": "F",
            "date_of_birth": D(1986, 4, 2),  # over youth age (R7) at the story's vote
            "education": Candidate.Education.UNIVERSITY,
            "occupation": "Chuyên viên",
        }
        candidate = services.candidate_create(
            chapter=self.chapter,
            cell=self.cell,
            actor=self.actor,
            day=self.day("pool"),
            details={**defaults, **details},
            helper=self.officials[0],
        )
        steps = [
            (St.COURSE_DONE, self._course),
            (St.DOSSIER_OPEN, self._dossier),
            (St.BACKGROUND_VERIFIED, self._verify),
            (St.INTRODUCED, self._introduce),
            (St.CHAPTER_APPROVED, self._vote),
            (St.ADMISSION_DECIDED, self._decide),
            (St.ADMITTED, self._ceremony),
        ]
        for _stage, run in steps:
            if candidate.stage == stage:
                break
            candidate = run(candidate)
        candidate.refresh_from_db()
        return candidate

    def _course(self, c):
        paper = Document(
            number="CN-123", date=self.day("course"), issuing_body="Trung tâm Chính trị"
        )
        return services.candidate_record_course(
            candidate_id=c.pk, actor=self.actor, certificate=paper
        )

    def _dossier(self, c):
        return services.candidate_open_dossier(
            candidate_id=c.pk,
            actor=self.actor,
            application_date=self.day("application"),
            background_date=self.day("background"),
        )

    def _verify(self, c):
        for relation, name in [
            ("SELF", c.full_name),
            ("FATHER", "Lê Văn Hùng"),
            ("MOTHER", "Trần Thị Lan"),
        ]:
            services.candidate_save_check(
                candidate_id=c.pk,
                actor=self.actor,
                relation=relation,
                person_name=name,
                requested_on=self.day("background"),
                replied_on=self.day("checks"),
                result="Tốt",
            )
        return services.candidate_certify_background(
            candidate_id=c.pk, actor=self.actor, certified_on=self.day("certified")
        )

    def _introduce(self, c):
        for member in self.officials[1:3]:
            services.candidate_add_introduction(
                candidate_id=c.pk,
                actor=self.actor,
                kind=Introduction.Kind.MEMBER,
                introducer=member,
                day=self.day("introduced"),
                together_since=self.day("introduced") - datetime.timedelta(days=400),
            )
        paper = Document(number="5-KNĐ/1", date=self.day("opinions"))
        return services.candidate_complete_introductions(
            candidate_id=c.pk, actor=self.actor, opinions=paper
        )

    def _vote(self, c):
        base = len(self.officials)
        vote = services.Vote(
            date=self.day("vote"), number="01-NQ/CB", present=base, votes_for=base, votes_against=0
        )
        candidate, _ = services.candidate_chapter_vote(
            candidate_id=c.pk, actor=self.actor, vote=vote
        )
        return candidate

    def _decide(self, c):
        paper = Document(
            number="123-QĐ/ĐUK",
            date=self.day("decision"),
            issuing_body="Ban Thường vụ Đảng ủy Khối",
        )
        return services.candidate_record_admission_decision(
            candidate_id=c.pk, actor=self.actor, decision=paper, received_on=self.day("received")
        )

    def _ceremony(self, c):
        return services.candidate_hold_ceremony(
            candidate_id=c.pk,
            actor=self.actor,
            day=self.day("ceremony"),
            mentor=self.officials[3],
            mentor_resolution="02-NQ/CB",
        )


__all__ = ["BackgroundCheck", "PipelineStory"]
