"""Members and their twenty years of movements for ``seed_scale`` (demo/scale.py).

Each member row is drawn with its ledger (``MemberEvent``) as the services would have written
it: joining (on the roll when the chapter's register began, received by transfer, or admitted
here and confirmed a year later), then cell moves, temporary transfers, exemptions and an exit,
each in date order, and the row's status, cell and flags are what the last entries left, so the
ledger's as-of answer for today equals the stored state. A member who transfers to another
chapter of the province arrives there as a new row (the services' way) with the same identity.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate

from chapter.collation import name_sort_key
from chapter.dates import add_months
from chapter.text import fold
from demo.story import FEMALE_MIDDLE, MALE_MIDDLE

YEARS = 20
# Family names with roughly their share in Vietnam; given names as in demo.story's Faker locale.
FAMILY = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4),
    ("Vũ", 4), ("Võ", 4), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2),
    ("Dương", 1), ("Lý", 1), ("Đinh", 1), ("Trương", 1),
]  # fmt: skip
MALE = [
    "An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hiếu", "Hùng", "Huy", "Khang", "Khoa", "Long",
    "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Thành", "Trung",
    "Tuấn", "Việt", "Vinh",
]  # fmt: skip
FEMALE = [
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hồng", "Hương", "Lan", "Linh",
    "Loan", "Mai", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Trang", "Vân",
    "Yến",
]  # fmt: skip
PROVINCES = ["Hà Nội", "Nghệ An", "Thanh Hóa", "Thái Bình", "Nam Định", "Huế", "Quảng Nam"]
OCCUPATIONS = ["Chuyên viên", "Giáo viên", "Bác sĩ", "Kế toán", "Kỹ sư", "Công nhân", "Nông dân"]
QUALIFICATIONS = ["Cử nhân Kinh tế", "Cử nhân Luật", "Kỹ sư Xây dựng", "Bác sĩ", "Cử nhân Sư phạm"]
ETHNICITIES = [("Kinh", 90), ("Tày", 3), ("Thái", 2), ("Mường", 2), ("Khmer", 2), ("Hoa", 1)]
RELIGIONS = [("Không", 88), ("Phật giáo", 7), ("Công giáo", 4), ("Tin Lành", 1)]
THEORY = [("", 25), ("ELEMENTARY", 40), ("INTERMEDIATE", 30), ("ADVANCED", 5)]
EDUCATION = [("12/12", 85), ("10/10", 10), ("9/12", 5)]
# How a row joined its chapter: on the roll when the register began, by transfer, admitted here.
JOINS = [("FOUNDER", 45), ("TRANSFER", 17), ("ADMITTED", 38)]
EXITS = [("TRANSFERRED_OUT", 50), ("DECEASED", 25), ("REMOVED", 10), ("LEFT", 8), ("EXPELLED", 7)]
EXIT_SHARE, TEMPORARY_SHARE, EXEMPT_SHARE = 0.13, 0.04, 0.04
INTERNAL_SHARE = 0.5  # of transfers out, to another chapter of the province
OUTSIDE = "Chi bộ ngoài tỉnh"


@lru_cache(maxsize=200_000)
def keys(full_name: str) -> tuple[str, str]:
    """(search_key, sort_key) as ``chapter.models.SearchKeyMixin`` stores them."""
    return fold(f"{full_name} "), name_sort_key(full_name)


@dataclass
class Unit:
    """What a chapter's members need to know about it."""

    pk: int
    name: str
    start: date  # the day its register began (founders are on the roll from then)
    cells: list[int]
    founded: date


@dataclass
class Outcome:
    """One member row as written, for the cases and roles that follow."""

    pk: int
    status: str
    cell: int | None
    values: dict
    exempted: bool = False
    out: bool = False
    confirmed_on: date | None = None


@dataclass
class Arrival:
    """A member on the way from one chapter of the province to another."""

    person: dict
    day: date
    source: str
    letter: tuple[str, date]


@dataclass
class People:
    rng: random.Random
    today: date
    sequence: int = 0

    def name(self, gender: str) -> str:
        rng = self.rng
        family = _weighted(rng, FAMILY)
        if gender == "M":
            return f"{family} {_pick(rng, MALE_MIDDLE)} {_pick(rng, MALE)}"
        return f"{family} {_pick(rng, FEMALE_MIDDLE)} {_pick(rng, FEMALE)}"

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=_int(self.rng, 0, max(0, (last - first).days)))

    # One member --------------------------------------------------------------------------

    def person(self, unit: Unit, ceremony: date) -> dict:
        """Identity and key dates of a new person admitted on ``ceremony``."""
        rng = self.rng
        self.sequence += 1
        number = self.sequence
        gender = "M" if rng.random() < 0.55 else "F"
        name = self.name(gender)
        search_key, sort_key = keys(name)
        decided = ceremony - timedelta(days=_int(rng, 10, 40))
        return {
            "full_name": name,
            "search_key": search_key,
            "sort_key": sort_key,
            "gender": gender,
            "date_of_birth": decided - timedelta(days=_int(rng, 19 * 366, 45 * 365)),
            "ethnicity": _weighted(rng, ETHNICITIES),
            "religion": _weighted(rng, RELIGIONS),
            "hometown": _pick(rng, PROVINCES),
            "citizen_id": f"0{_int(rng, 1, 96):02d}{number % 10**9:09d}",
            "phone": f"09{_int(rng, 10000000, 99999999)}",
            "general_education": _weighted(rng, EDUCATION),
            "qualification": _pick(rng, QUALIFICATIONS),
            "political_theory": _weighted(rng, THEORY),
            "occupation": _pick(rng, OCCUPATIONS),
            "card_number": f"{900000000 + number}",
            "dossier_number": f"TN.{number}",
            "admission_decision_date": decided,
            "admission_decision_number": f"{_int(rng, 10, 999)}-QĐ/ĐU",
            "ceremony_date": ceremony,
            "official_date": add_months(ceremony, 12),
        }

    def member(self, unit: Unit, arrival: Arrival | None = None):
        """(row values, ledger entries, exit day of a transfer out or None)."""
        rng, today = self.rng, self.today
        events: list[dict] = []
        cell = _pick(rng, unit.cells) if unit.cells else None
        join = "ARRIVAL" if arrival else _weighted(rng, JOINS)
        if join == "TRANSFER" and (today - unit.start).days < 120:
            join = "FOUNDER"
        if join == "ADMITTED" and (today - unit.start).days < 90:
            join = "FOUNDER"
        status, confirmed = "OFFICIAL", None
        if arrival:
            person, joined = dict(arrival.person), arrival.day
            number, letter_day = arrival.letter
            letter = {
                "document_kind": "TRANSFER_LETTER",
                "document_number": number,
                "document_date": letter_day,
                "counterpart": arrival.source,
            }
            events.append(_event("TRANSFERRED_IN", joined, "", "OFFICIAL", cell, **letter))
        elif join == "FOUNDER":
            joined = unit.start
            person = self.person(unit, joined - timedelta(days=_int(rng, 400, 9000)))
            events.append(_event("REGISTERED", joined, "", "OFFICIAL", cell))
        elif join == "TRANSFER":
            joined = self.day(unit.start + timedelta(days=30), today - timedelta(days=60))
            person = self.person(unit, joined - timedelta(days=_int(rng, 400, 9000)))
            letter = {
                "document_kind": "TRANSFER_LETTER",
                "document_number": f"{_int(rng, 1, 999)}-GGT",
                "document_date": joined - timedelta(days=_int(rng, 3, 25)),
                "counterpart": OUTSIDE,
            }
            events.append(_event("TRANSFERRED_IN", joined, "", "OFFICIAL", cell, **letter))
        else:
            # A quarter of the admissions in the last three years: probationary members and
            # their cases for the board and the deadlines.
            earliest = unit.start + timedelta(days=60)
            if rng.random() < 0.25:
                earliest = max(earliest, today - timedelta(days=3 * 365))
            joined = self.day(earliest, today - timedelta(days=10))
            person = self.person(unit, joined)
            decision = {
                "document_kind": "DECISION",
                "document_number": person["admission_decision_number"],
                "document_date": person["admission_decision_date"],
            }
            events.append(_event("ADMITTED", joined, "", "PROBATIONARY", cell, **decision))
            status = "PROBATIONARY"
            official = person["official_date"]
            late = (today - official).days
            # Confirmed (or removed) within 90 days of the official date, often late.
            if late >= 0 and (late > 90 or rng.random() < 0.3):
                if late > 90 and rng.random() < 0.015:
                    day = official + timedelta(days=_int(rng, 0, 30))
                    status = "REMOVED_FROM_PROBATIONARY_LIST"
                    events.append(_event(status, day, "PROBATIONARY", status, None))
                else:
                    confirmed = min(official + timedelta(days=_int(rng, 5, 40)), today)
                    person["confirmation_decision_date"] = confirmed
                    person["confirmation_decision_number"] = f"{_int(rng, 10, 999)}-QĐ/ĐU"
                    decision = {
                        "document_kind": "DECISION",
                        "document_number": person["confirmation_decision_number"],
                        "document_date": confirmed,
                    }
                    events.append(
                        _event("CONFIRMED", official, "PROBATIONARY", "OFFICIAL", None, **decision)
                    )
                    status = "OFFICIAL"
        person["workplace"] = unit.name.removeprefix("Chi bộ ")
        outcome = self.life(events, status, cell, unit)
        values = {
            **person,
            "chapter_id": unit.pk,
            "cell_id": outcome[1],
            "status": outcome[0],
            "is_exempted": outcome[2],
            "is_temporarily_out": outcome[3],
        }
        if values["status"] in ("PROBATIONARY", "REMOVED_FROM_PROBATIONARY_LIST"):
            values["card_number"] = ""  # a card only once official
        return values, events, outcome[4], confirmed

    def life(self, events, status, cell, unit: Unit):
        """Moves, flags and an exit after joining, in date order; returns the final (status,
        cell, exempted, temporarily out, exit day of a transfer out)."""
        rng, today = self.rng, self.today
        first = joined = events[-1]["effective_date"]
        end, exit_kind = today, None
        plan: list[tuple[date, int, str]] = []
        if status not in ("OFFICIAL", "PROBATIONARY"):
            return status, cell, False, False, None
        if status == "OFFICIAL" and rng.random() < EXIT_SHARE and (today - joined).days > 40:
            end = self.day(joined + timedelta(days=30), today - timedelta(days=1))
            exit_kind = _weighted(rng, EXITS)
        span = (end - first).days
        if len(unit.cells) > 1 and span > 4:
            for _ in range(rng.choices((0, 1, 2), (82, 14, 4))[0]):
                plan.append((first + timedelta(days=_int(rng, 1, span - 1)), 0, "MOVED_CELL"))
        if status == "OFFICIAL" and (end - joined).days > 4:
            room = (end - joined).days
            if rng.random() < TEMPORARY_SHARE:
                out = joined + timedelta(days=_int(rng, 1, room - 1))
                plan.append((out, 1, "TEMPORARY_OUT"))
                back = out + timedelta(days=_int(rng, 90, 330))
                if back < end:
                    plan.append((back, 2, "TEMPORARY_RETURN"))
            if rng.random() < EXEMPT_SHARE:
                start = joined + timedelta(days=_int(rng, 1, room - 1))
                plan.append((start, 3, "EXEMPTED"))
                stop = start + timedelta(days=_int(rng, 60, 700))
                if rng.random() < 0.25 and stop < end:
                    plan.append((stop, 4, "EXEMPTION_ENDED"))
        plan.sort()
        out = exempted = False
        for day, _order, kind in plan:
            if kind == "MOVED_CELL":
                cell = _pick(rng, [c for c in unit.cells if c != cell])
                events.append(_event(kind, day, status, None, cell))
                continue
            if kind == "TEMPORARY_OUT":
                out = True
                until = {"until": (day + timedelta(days=300)).isoformat()}
                events.append(
                    _event(kind, day, status, None, None, counterpart=OUTSIDE, data=until)
                )
            elif kind == "TEMPORARY_RETURN":
                out = False
                events.append(_event(kind, day, status, None, None))
            elif kind == "EXEMPTED":
                exempted = True
                events.append(_event(kind, day, status, None, None, note="Tuổi cao, sức khỏe yếu"))
            else:
                exempted = False
                events.append(_event(kind, day, status, None, None))
        transfer = None
        if exit_kind:
            extra = {}
            if exit_kind == "TRANSFERRED_OUT":
                extra = {
                    "counterpart": OUTSIDE,
                    "document_kind": "TRANSFER_LETTER",
                    "document_number": f"{_int(rng, 1, 999)}-GGT",
                    "document_date": end,
                }
                transfer = end
            events.append(_event(exit_kind, end, status, exit_kind, None, **extra))
            status, out, exempted = exit_kind, False, False
        return status, cell, exempted, out, transfer


def _event(kind, day, from_status, status, cell, **extra) -> dict:
    return {
        "kind": kind,
        "effective_date": day,
        "from_status": from_status,
        "status": status,
        "cell_id": cell,
        **extra,
    }


_TABLES: dict[int, tuple[tuple, list]] = {}


def _weighted(rng: random.Random, choices) -> str:
    """A value of ``choices`` ((value, weight) pairs) drawn by weight."""
    table = _TABLES.get(id(choices))
    if table is None:
        values, weights = zip(*choices, strict=True)
        table = _TABLES[id(choices)] = (values, list(accumulate(weights)))
    return table[0][bisect(table[1], rng.random() * table[1][-1])]


def _int(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint(low, high)``, faster (one draw, the benchmark needs no more)."""
    return low + int(rng.random() * (high - low + 1))


def _pick(rng: random.Random, values):
    return values[int(rng.random() * len(values))]
