"""The shape of the synthetic province for ``seed_scale`` (demo/scale.py), drawn before any row
is written: the committee tree and each chapter's place and size.

A provincial committee (Tỉnh ủy) at the root; under it the directly-subordinate committees
(đảng ủy trực thuộc: communes, wards, the provincial party and government blocs, the armed
forces), about one per thousand chapters, 2 to 20; under those the grassroots committees
(đảng ủy cơ sở), 4 to 60 chapters each, the largest of them with sectional committees (đảng ủy
bộ phận) holding part of their chapters. About one chapter in twelve hangs directly under a
directly-subordinate committee (chi bộ cơ sở), and one in five thousand directly under the
Tỉnh ủy.

Chapter sizes have a long tail: log-normal around 30 members (most between 15 and 60, about one
in a hundred over 200), between 10 and 1,000, plus one chapter of 800 to 1,000 members per 200,000
(at least one, at most an eighth of the members, so a small run has a large chapter too).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

from members.models import Committee

PROVINCE = "Tỉnh ủy thử nghiệm (dữ liệu giả)"
MIN_SIZE, MAX_SIZE = 10, 1000
MEDIAN_SIZE, SIZE_SIGMA = 30, 0.84
HUGE_PER = 200_000

SUPERIORS = [
    "Đảng ủy các cơ quan Đảng tỉnh", "Đảng ủy Ủy ban nhân dân tỉnh", "Đảng ủy Quân sự tỉnh",
    "Đảng ủy Công an tỉnh", "Đảng ủy Bộ đội Biên phòng tỉnh",
]  # fmt: skip
PLACES = [
    "An Bình", "Bình Minh", "Tân Phú", "Hòa Thành", "Phú Lộc", "Thạnh Mỹ", "Long Hưng",
    "Đông Hải", "Tây Sơn", "Vĩnh Phúc", "Nam Định", "Hưng Thịnh", "Quảng Lợi", "Thuận An",
    "Hiệp Hòa", "Phước Long", "Xuân Lộc", "Cẩm Phả", "Đức Hòa", "Gia Nghĩa", "Hà Tiên",
]  # fmt: skip
GRASSROOTS = [
    "Bệnh viện Đa khoa", "Trường Đại học", "Công ty Cổ phần Cấp nước", "Sở Tài chính",
    "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Xây dựng", "Kho bạc Nhà nước", "Thuế tỉnh",
    "Trung tâm Y tế", "Ban Quản lý dự án", "Công ty Điện lực", "Cảng", "Khu công nghiệp",
]  # fmt: skip
CHAPTERS = [
    "Thôn", "Khu phố", "Tổ dân phố", "Khoa", "Phòng", "Trường Trung học phổ thông",
    "Trường Tiểu học", "Trường Mầm non", "Phân xưởng", "Đội", "Trạm Y tế", "Văn phòng",
]  # fmt: skip


@dataclass
class Unit:
    """A committee of the plan; ``path`` as treebeard's MP_Node writes it."""

    name: str
    kind: str
    depth: int
    path: str = ""
    short_code: str = ""
    authorised_to_admit: bool = False
    children: list[Unit] = field(default_factory=list)
    chapters: list[ChapterPlan] = field(default_factory=list)
    pk: int = 0
    parent: Unit | None = None

    def add(self, child: Unit) -> Unit:
        child.parent = self
        self.children.append(child)
        return child

    def members(self) -> int:
        return sum(c.size for c in self.chapters) + sum(u.members() for u in self.children)


@dataclass
class ChapterPlan:
    number: int
    size: int
    unit: Unit | None = None
    name: str = ""
    kind: str = "SUBORDINATE"
    pk: int = 0
    start: date | None = None


def sizes(rng: random.Random, members: int, chapters: int | None) -> list[int]:
    """Chapter sizes adding up to ``members``."""
    if chapters:
        drawn = [_draw(rng) for _ in range(chapters)]
        scale = members / sum(drawn)
        result = [max(3, round(size * scale)) for size in drawn]
        result[result.index(max(result))] += members - sum(result)
        if min(result) < 3:
            raise ValueError("Give at least 3 members per chapter (R9).")
        return result
    huge = max(1, round(members / HUGE_PER))
    result = [min(rng.randint(800, MAX_SIZE), max(members // 8, 3)) for _ in range(huge)]
    while sum(result) < members:
        result.append(_draw(rng))
    excess = sum(result) - members
    result[-1] -= excess
    if result[-1] < MIN_SIZE and len(result) > 1:
        result[-2] += result.pop()
    return result


def _draw(rng: random.Random) -> int:
    size = round(math.exp(rng.gauss(math.log(MEDIAN_SIZE), SIZE_SIGMA)))
    return min(MAX_SIZE, max(MIN_SIZE, size))


def province(
    rng: random.Random, chapter_sizes: list[int], short_code: str, *, root_path: str
) -> Unit:
    """The committee tree with every chapter placed (chapters numbered in tree order); the
    root at ``root_path``."""
    root = Unit(PROVINCE, "PROVINCIAL", 1, short_code=short_code)
    plans = [ChapterPlan(0, size) for size in chapter_sizes]
    rng.shuffle(plans)
    count = len(plans)
    top = plans[: max(1, count // 5000)] if count > 3 else []
    rest = plans[len(top) :]
    superiors = [
        root.add(Unit(_superior_name(i), "SUPERIOR", 2))
        for i in range(min(20, max(2, count // 1000 + 1)))
    ]
    direct = rest[: len(rest) // 12]
    rest = rest[len(direct) :]
    root.chapters = top
    for i, plan in enumerate(direct):
        superiors[i % len(superiors)].chapters.append(plan)
    weights = [rng.uniform(0.5, 1.5) for _ in superiors]
    while rest:
        take = min(len(rest), max(4, min(60, round(math.exp(rng.gauss(math.log(15), 0.6))))))
        group, rest = rest[:take], rest[take:]
        superior = rng.choices(superiors, weights)[0]
        number = len(superior.children) + 1
        unit = superior.add(
            Unit(
                f"Đảng ủy {rng.choice(GRASSROOTS)} số {number}",
                "GRASSROOTS",
                3,
                authorised_to_admit=rng.random() < 0.2,
            )
        )
        if len(group) >= 24:
            for part in range(rng.randint(2, 3)):
                sectional = unit.add(Unit(f"Đảng ủy bộ phận số {part + 1}", "SECTIONAL", 4))
                sectional.chapters, group = group[: len(group) // 4], group[len(group) // 4 :]
        unit.chapters = group
    _number(root, root_path, [0])
    return root


def _superior_name(i: int) -> str:
    if i < len(SUPERIORS):
        return SUPERIORS[i]
    place = PLACES[(i - len(SUPERIORS)) % len(PLACES)]
    return f"Đảng ủy {'xã' if i % 3 else 'phường'} {place}"


def _number(unit: Unit, path: str, counter: list[int]) -> None:
    """Paths (treebeard: step 4, base 36, from 1), chapter numbers and names, in tree order."""
    unit.path = path
    unit.depth = len(path) // Committee.steplen
    for plan in unit.chapters:
        counter[0] += 1
        plan.number, plan.unit = counter[0], unit
        plan.kind = "SUBORDINATE" if unit.kind in ("GRASSROOTS", "SECTIONAL") else "GRASSROOTS"
        plan.name = f"Chi bộ {CHAPTERS[counter[0] % len(CHAPTERS)]} số {counter[0]}"
    for i, child in enumerate(unit.children, start=1):
        _number(child, Committee._get_path(path, unit.depth + 1, i), counter)


def walk(unit: Unit):
    """The committees in tree order."""
    yield unit
    for child in unit.children:
        yield from walk(child)
