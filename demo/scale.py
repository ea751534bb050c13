"""Generate a large synthetic province for benchmarks (DESIGN.md, public contract "scale").

For speed the rows are written in batches by ``demo.scale_rows`` (COPY on PostgreSQL): the
services are bypassed, so this is for benchmarks only, never for real data. The rows are still
what the services would have written: each member's ledger leads to its status, cell and flags
(``Member.objects.as_of(today)`` agrees with the register); each case has its trail of steps and
the papers, votes, decisions and mentor of its stage; derived columns (``search_key``,
``sort_key``, ``public_id``, the tree's ``path``/``depth``/``numchild``) are filled as the models
fill them; created rows get their history row. One seed gives the same dataset.

The shape (``demo.scale_org``): a Tỉnh ủy, its directly-subordinate committees, grassroots and
sectional committees, chapters of 10 to 1,000 members at every level below the root
(``demo.scale_people`` draws the members and 20 years of movements, ``demo.scale_cases`` the
admission cases). Role users are named ``scale-…`` (``USERS`` below, and a secretary per chapter,
a leader per cell, an officer per committee); ``--reset`` removes all of it.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from admissions.models import (
    Candidate,
    CandidateDocument,
    CandidateEvent,
    Decision,
    MentorAssignment,
    Resolution,
)
from demo import scale_org
from demo.scale_cases import Cases, ChapterCases
from demo.scale_org import PROVINCE, ChapterPlan, Unit
from demo.scale_people import YEARS, Arrival, People, _int, _pick
from demo.scale_people import Unit as Place
from demo.scale_rows import Writer
from members.models import Cell, Chapter, Committee, Member, MemberEvent, RoleAssignment

SYNTHETIC_COMMITTEE = PROVINCE
USER_PREFIX = "scale-"
HISTORY_REASON = "Dữ liệu giả cho đo hiệu năng (seed_scale)"
FLUSH_ROWS = 150_000  # buffered rows (every table) before a batch is written
# The role users a benchmark logs in as (after the prefix).
USERS = {
    "top": "capuy",  # officer of the Tỉnh ủy: the whole province
    "middle": "tructhuoc",  # officer of the largest directly-subordinate committee
    "grassroots": "coso",  # officer of the typical chapter's grassroots committee
    "secretary": "bithu",  # secretary of a typical chapter (median size, with cells)
    "largest": "bithu-lon",  # secretary of the largest chapter
    "cell_leader": "totruong",  # leader of a cell of the typical chapter
}
EXCLUDED = {"chapter_id", "cell_id", "status", "is_exempted", "is_temporarily_out", "workplace"}


@dataclass
class Summary:
    levels: dict[int, int] = field(default_factory=dict)
    chapters: int = 0
    sizes: list[int] = field(default_factory=list)
    cells: int = 0
    members: int = 0
    on_roll: int = 0
    transfers: int = 0
    ledger: int = 0
    cases: dict[str, int] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    user_count: int = 0
    seconds: float = 0.0
    write_seconds: float = 0.0
    rebuild_seconds: float = 0.0

    def lines(self) -> list[str]:
        sizes = sorted(self.sizes)
        over = sum(size > 200 for size in sizes)
        near = sum(size >= 800 for size in sizes)
        per_level = ", ".join(f"depth {depth}: {count}" for depth, count in self.levels.items())
        cases = ", ".join(f"{stage} {count}" for stage, count in sorted(self.cases.items()))
        return [
            f"Time: {self.seconds:.0f} s, of which {self.write_seconds:.0f} s writing rows "
            f"({self.rebuild_seconds:.0f} s making indexes and foreign keys again)",
            f"Committees: {per_level}",
            f"Chapters: {self.chapters}; members per chapter (rows): min {sizes[0]}, "
            f"median {statistics.median(sizes):.0f}, 90th percentile "
            f"{sizes[int(len(sizes) * 0.9)]}, max {sizes[-1]}; {over} over 200, "
            f"{near} of 800 or more",
            f"Cells: {self.cells}",
            f"Members: {self.members} rows, {self.on_roll} on the roll, {self.transfers} "
            f"transfers between chapters",
            f"Ledger: {self.ledger} movements",
            f"Cases: {sum(self.cases.values())} ({cases})",
            f"Users: {self.user_count}; "
            + ", ".join(f"{role} {name}" for role, name in self.users.items()),
        ]


class ProvinceBuilder:
    """Draws every row from one seeded random source and streams them to the database."""

    def __init__(self, *, seed: int, today: date, progress=None) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.horizon = date(today.year - YEARS, today.month, min(today.day, 28))
        self.progress = progress or _Progress(sys.stderr)
        self.writer = Writer(HISTORY_REASON)
        self.writer.people = self.people = People(self.rng, today)
        self.writer.uuid = self.uuid
        self.cases = Cases(self.rng, today, self.writer)
        self.summary = Summary()
        self.pending: dict[int, list[Arrival]] = {}
        self.slots: list[int] = []

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def build(self, members: int, chapters: int | None, *, password: str) -> Summary:
        started = time.monotonic()
        for model in (Committee, Chapter, Cell, Member, MemberEvent, get_user_model()):
            self.writer.table(model)
        for model in (RoleAssignment, Candidate, CandidateEvent, CandidateDocument, Resolution):
            self.writer.table(model)
        self.writer.table(Decision), self.writer.table(MentorAssignment)
        sizes = scale_org.sizes(self.rng, members, chapters)
        root = scale_org.province(self.rng, sizes, "TN", root_path=_root_path())
        units = list(scale_org.walk(root))
        plans = [plan for unit in units for plan in unit.chapters]
        picks = self.picks(units, plans)
        self.secret = make_password(password)  # hashed once: every scale user has it
        self.committees(units, picks)
        self.slots = [plan.size // 5 for plan in plans]
        self.progress.start(members)
        done = 0
        with self.writer.loading():
            for index, plan in enumerate(plans):
                self.chapter(index, plan, plans, picks)
                done += plan.size
                if self.writer.pending() > FLUSH_ROWS:
                    self.writer.flush()
                    self.progress.show(done)
        self.writer.finish()
        self.progress.show(done, final=True)
        self.summary.write_seconds = self.writer.seconds
        self.summary.rebuild_seconds = self.writer.rebuild_seconds
        summary = self.summary
        summary.levels = {
            d: sum(u.depth == d for u in units) for d in sorted({u.depth for u in units})
        }
        summary.chapters, summary.sizes = len(plans), sizes
        summary.cases = dict(self.cases.stages)
        summary.ledger = self.writer.written.get(MemberEvent._meta.db_table, 0)
        summary.seconds = time.monotonic() - started
        return summary

    # The organisation --------------------------------------------------------------------

    def picks(self, units: list[Unit], plans: list[ChapterPlan]) -> dict:
        """The units the named users hold: see ``USERS``."""
        largest = max(plans, key=lambda plan: plan.size)
        median = statistics.median(plan.size for plan in plans)
        typical = [p for p in plans if p.unit.kind == "GRASSROOTS" and p.size >= 25] or plans
        typical = [p for p in typical if p is not largest] or typical
        typical = min(typical, key=lambda plan: (abs(plan.size - median), plan.number))
        superiors = [unit for unit in units if unit.depth == 2] or units
        middle = max(superiors, key=lambda unit: (unit.members(), -units.index(unit)))
        return {
            "top": units[0],
            "middle": middle,
            "grassroots": typical.unit,
            "secretary": typical,
            "largest": largest,
        }

    def committees(self, units: list[Unit], picks: dict) -> None:
        named = {id(unit): role for role, unit in picks.items() if isinstance(unit, Unit)}
        for number, unit in enumerate(units, start=1):
            unit.pk = self.writer.add(
                Committee,
                public_id=self.uuid(),
                name=unit.name,
                short_code=unit.short_code,
                kind=unit.kind,
                authorised_to_admit=unit.authorised_to_admit,
                path=unit.path,
                depth=unit.depth,
                numchild=len(unit.children),
            )
            role = named.get(id(unit))
            username = USERS[role] if role else f"uy-{number:04d}"
            self.user(username, "COMMITTEE_OFFICER", self.horizon, role, committee_id=unit.pk)

    def user(self, username: str, role: str, start: date, named: str | None, **unit) -> None:
        name = f"{USER_PREFIX}{username}"
        user = self.writer.add(
            get_user_model(), username=name, password=self.secret, date_joined=self.writer.now
        )
        self.writer.add(RoleAssignment, user_id=user, role=role, start_date=start, **unit)
        self.summary.user_count += 1
        if named:
            self.summary.users[named] = name

    # One chapter -------------------------------------------------------------------------

    def chapter(self, index: int, plan: ChapterPlan, plans: list[ChapterPlan], picks) -> None:
        rng, writer, today = self.rng, self.writer, self.today
        if rng.random() < 0.75:
            founded = self.horizon - timedelta(days=_int(rng, 0, 3650))
        else:
            founded = self.people.day(self.horizon, today - timedelta(days=2 * 365))
        plan.pk = writer.add(
            Chapter,
            public_id=self.uuid(),
            committee_id=plan.unit.pk,
            name=plan.name,
            kind=plan.kind,
            founded_on=founded,
            founding_decision_number=f"{_int(rng, 10, 999)}-QĐ/ĐU",
            founding_decision_date=founded,
            founding_body=f"Ban Thường vụ {plan.unit.name}",
        )
        count = 0 if plan.size < 25 else min(8, 2 + plan.size // 60)
        cells = [writer.table(Cell).reserve() for _ in range(count)]
        place = Place(plan.pk, plan.name, max(founded, self.horizon), cells, founded)
        plan.start = place.start
        officials: dict[int | None, list[int]] = {}
        cases = []
        arrivals = self.pending.pop(index, [])
        for number in range(plan.size):
            arrival = arrivals[number] if number < len(arrivals) else None
            values, events, transfer, confirmed = self.people.member(place, arrival)
            if transfer:
                self.transfer(index, plan, plans, values, events, transfer)
            pk = writer.add(Member, public_id=self.uuid(), **values)
            for event in events:
                writer.add(MemberEvent, member_id=pk, chapter_id=plan.pk, **event)
            status = values["status"]
            self.summary.members += 1
            self.summary.on_roll += status in Member.ACTIVE_STATUSES
            serving = not (values["is_exempted"] or values["is_temporarily_out"])
            if status == "OFFICIAL" and serving:
                officials.setdefault(values["cell_id"], []).append(pk)
            removed = (
                events[-1]["effective_date"] if status == "REMOVED_FROM_PROBATIONARY_LIST" else None
            )
            if status == "PROBATIONARY" or confirmed or removed:
                cases.append((pk, values, confirmed, removed))
        everyone = [pk for pks in officials.values() for pk in pks]
        leaders = []
        for number, cell in enumerate(cells, start=1):
            leader = _pick(rng, officials[cell]) if officials.get(cell) else None
            leaders.append(leader)
            writer.add(
                Cell,
                id=cell,
                public_id=self.uuid(),
                chapter_id=plan.pk,
                name=f"Tổ đảng số {number}",
                leader_id=leader,
            )
        self.summary.cells += len(cells)
        self.roles(plan, picks, cells, leaders, everyone, place.start)
        grassroots = plan.unit.kind in ("GRASSROOTS", "SECTIONAL")
        body = plan.unit.parent.name if grassroots and plan.unit.parent else plan.unit.name
        unit = ChapterCases(plan.pk, plan.name, cells, plan.size, everyone, grassroots, body, cases)
        self.cases.chapter(unit)

    def roles(self, plan, picks, cells, leaders, officials, start) -> None:
        role = "secretary" if plan is picks["secretary"] else None
        role = "largest" if plan is picks["largest"] else role
        secretary = _pick(self.rng, officials) if officials else None
        name = USERS[role] if role else f"bithu-{plan.number:05d}"
        self.user(name, "SECRETARY", start, role, chapter_id=plan.pk, member_id=secretary)
        for number, (cell, leader) in enumerate(zip(cells, leaders, strict=True), start=1):
            named = "cell_leader" if role == "secretary" and number == 1 and leader else None
            name = USERS[named] if named else f"totruong-{plan.number:05d}-{number}"
            self.user(name, "CELL_LEADER", start, named, cell_id=cell, member_id=leader)

    def transfer(self, index, plan, plans, values, events, day) -> None:
        """A transfer out goes, half the time, to a later chapter of the province founded by
        then: the member arrives there as a new row, with the same identity."""
        rng = self.rng
        if rng.random() >= 0.5 or index + 1 >= len(plans):
            return
        arrive = day + timedelta(days=_int(rng, 3, 40))
        if arrive >= self.today:
            return
        for _ in range(4):
            target = rng.randrange(index + 1, len(plans))
            if self.slots[target] <= 0 or plans[target].size <= len(self.pending.get(target, [])):
                continue
            self.slots[target] -= 1
            events[-1]["counterpart"] = plans[target].name
            person = {name: value for name, value in values.items() if name not in EXCLUDED}
            letter = (events[-1]["document_number"], day)
            self.pending.setdefault(target, []).append(Arrival(person, arrive, plan.name, letter))
            self.summary.transfers += 1
            return


def _root_path() -> str:
    """After the last root already there (treebeard's own numbering)."""
    last = Committee.get_last_root_node()
    step = Committee._str2int(last.path[: Committee.steplen]) + 1 if last else 1
    return Committee._get_path(None, 1, step)


class _Progress:
    """A plain-text progress bar on stderr (a line per tenth when it is not a terminal)."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.terminal = stream.isatty()
        self.total, self.started, self.tenth = 1, time.monotonic(), -1

    def start(self, total: int) -> None:
        self.total, self.started = max(total, 1), time.monotonic()

    def show(self, done: int, final: bool = False) -> None:
        share = done / self.total
        if not self.terminal and int(share * 10) == self.tenth and not final:
            return
        self.tenth = int(share * 10)
        bar = "#" * int(share * 30)
        line = (
            f"[{bar:<30}] {share:4.0%} {done:,}/{self.total:,} members, "
            f"{time.monotonic() - self.started:.0f} s"
        )
        end = "\n" if final or not self.terminal else ""
        self.stream.write(("\r" if self.terminal else "") + line + end)
        self.stream.flush()
