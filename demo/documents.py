"""The demo chapter's document header and the record of each meeting it voted in, so that every
demo admission and confirmation has its resolution and minutes ready to make (documents app)."""

from __future__ import annotations

from datetime import time

from admissions.models import CandidateDocument, Form, Resolution
from documents.gather import roll_on
from documents.models import DocumentSettings, Meeting, OpinionSummary
from members.models import Chapter, Member, RoleAssignment

PLACE = "Bắc Ninh"
ROOM = "Phòng họp Ban Quản lý An toàn thực phẩm tỉnh"
STRENGTHS = {
    Resolution.Kind.ADMISSION_CHAPTER: (
        "Có lập trường tư tưởng chính trị vững vàng, chấp hành tốt chủ trương của Đảng, chính "
        "sách, pháp luật của Nhà nước.\n"
        "Hoàn thành tốt nhiệm vụ chuyên môn được giao; có đạo đức, lối sống trong sáng, quan hệ "
        "tốt với quần chúng."
    ),
    Resolution.Kind.CONFIRMATION_CHAPTER: (
        "Trong thời gian dự bị luôn giữ vững lập trường tư tưởng, chấp hành nghiêm Điều lệ Đảng "
        "và nghị quyết của chi bộ.\n"
        "Hoàn thành tốt nhiệm vụ được giao; tích cực tham gia sinh hoạt chi bộ."
    ),
}
WEAKNESSES = "Đôi khi còn ngại phát biểu, đóng góp ý kiến trong sinh hoạt chi bộ."
REASONS = ("đi công tác", "nghỉ ốm", "việc gia đình")


def build(chapter: Chapter) -> None:
    DocumentSettings.objects.create(
        chapter=chapter,
        superior_body="Đảng bộ Khối các cơ quan tỉnh",
        issuing_body=chapter.name,
        place=PLACE,
    )
    secretary = (
        RoleAssignment.objects.filter(chapter=chapter, role=RoleAssignment.Role.SECRETARY)
        .select_related("member")
        .first()
    )
    chair = secretary.member.full_name if secretary and secretary.member else ""
    votes = Resolution.objects.filter(
        candidate__chapter=chapter, kind__in=list(STRENGTHS)
    ).order_by("date", "id")
    for n, resolution in enumerate(votes):
        Meeting.objects.create(
            resolution=resolution,
            place=ROOM,
            started_at=time(8 if n % 2 == 0 else 14, 0),
            ended_at=time(10 if n % 2 == 0 else 16, 0),
            chair=chair,
            minute_taker=_minute_taker(chapter, resolution, chair),
            probationary_present=roll_on(chapter, resolution.date)["probationary"],
            absences=_absences(chapter, resolution, chair),
            strengths=STRENGTHS[resolution.kind],
            weaknesses=WEAKNESSES,
        )
    opinions(chapter)


OPINIONS = {
    Form.OPINIONS: OpinionSummary.Kind.ADMISSION,
    Form.MEMBER_OPINIONS: OpinionSummary.Kind.CONFIRMATION,
}


def opinions(chapter: Chapter) -> None:
    """What the chapter committee typed into each summary of opinions (5-KNĐ, 12-KNĐ) the demo
    cases carry, dated as the paper is."""
    papers = CandidateDocument.objects.filter(
        candidate__chapter=chapter, form__in=list(OPINIONS)
    ).order_by("date", "pk")
    for n, paper in enumerate(papers):
        OpinionSummary.objects.get_or_create(
            candidate_id=paper.candidate_id,
            kind=OPINIONS[paper.form],
            defaults={
                "work_body": "Công đoàn cơ sở Ban Quản lý An toàn thực phẩm tỉnh",
                "gathered_on": paper.date,
                "consulted": 12 + n % 5,
                "agreed": 12 + n % 5,
                "disagreed": 0,
                "work_strengths": "Nhiệt tình, trách nhiệm trong công việc; đoàn kết với "
                "đồng nghiệp.",
                "work_weaknesses": "Cần mạnh dạn hơn trong đấu tranh phê bình.",
                "residence_body": "Chi ủy Chi bộ Khu dân cư số 5",
                "residence_opinion": "Gia đình và bản thân chấp hành tốt chủ trương, chính sách "
                "ở nơi cư trú.",
                "conclusion": "Đủ điều kiện để chi bộ xem xét.",
            },
        )


def _officials_on(chapter: Chapter, resolution: Resolution) -> list[str]:
    return list(
        Member.objects.of_chapter_on(chapter, resolution.date)
        .filter(status_on__in=Member.ACTIVE_STATUSES)
        .filter(status_on=Member.Status.OFFICIAL)
        .order_by("pk")
        .values_list("full_name", flat=True)
    )


def _minute_taker(chapter: Chapter, resolution: Resolution, chair: str) -> str:
    return next(name for name in _officials_on(chapter, resolution) if name != chair)


def _absences(chapter: Chapter, resolution: Resolution, chair: str) -> str:
    """The official members not present that day (the vote's base less those present)."""
    officials = [name for name in reversed(_officials_on(chapter, resolution)) if name != chair]
    absent = max(len(officials) + 1 - resolution.present, 0)
    return "\n".join(
        f"{name}: {REASONS[i % len(REASONS)]}" for i, name in enumerate(officials[:absent])
    )
