"""Load test: gunicorn on loopback, N users logged in, a realistic mix with think time.

Usage (from the repository root), after ``manage.py seed_scale`` on that database::

    export DATABASE_URL=postgres://chapter:chapter@127.0.0.1:5432/bench_x
    .venv/bin/python bench/load.py                  # 50 users, 60 s, 1-3 s think time

It collects the static files (WhiteNoise serves them, as in production), starts gunicorn on
127.0.0.1 with production settings (``DEBUG`` off; ``DJANGO_SECURE_PROXY_SSL`` on and the client
sends ``X-Forwarded-Proto: https``, as behind the TLS proxy of the README), ``--workers`` 2 x
cores + 1, and logs in ``--users`` seeded users through the login page (their password, ``demo``
by default): about half secretaries, a third cell leaders, the rest committee officers (a few at
the top of the tree, more a level below). Each user is a thread with one keep-alive connection
(``http.client``): it picks a page from its role's mix, waits for the answer, thinks 1-3 s, and so
on for ``--duration`` seconds. Printed: requests, errors (anything but 200) and p50/p95/p99 per
page and overall, as Markdown, with the load average. The sessions the run created are deleted
at the end (the users' ``last_login`` keeps the run's time).
"""

import argparse
import http.client
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapter.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DJANGO_DEBUG", "False")

import django  # noqa: E402

django.setup()

from django.contrib.sessions.models import Session  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from chapter.dates import add_months  # noqa: E402
from members import access  # noqa: E402
from members.models import Committee, Member, RoleAssignment  # noqa: E402

Role = RoleAssignment.Role
HOST = "127.0.0.1"
SEARCHES = ["nguyen van", "tran thi", "le", "pham minh", "hoang", "vu thi"]
# (page, weight) by role: mostly a chapter's daily pages, the officer's summaries less often.
MIX = {
    "secretary": [
        ("dashboard", 20), ("register", 25), ("search", 10), ("member page", 20),
        ("board", 15), ("reports today", 10),
    ],
    "cell leader": [("dashboard", 30), ("register", 30), ("search", 15), ("member page", 25)],
    "officer": [
        ("dashboard", 25), ("unit page", 15), ("register", 15), ("search", 15), ("board", 10),
        ("reports today", 12), ("reports 2 years ago", 3), ("member page", 5),
    ],
}  # fmt: skip
SHARES = [("secretary", 0.5), ("cell leader", 0.3)]  # the rest: officers


def pick_users(count: int, rng: random.Random) -> list[dict]:
    """Seeded users by role: secretaries (the largest chapter's among them), cell leaders,
    officers (a tenth at the top of the tree, the others a level below when there is one)."""
    current = RoleAssignment.objects.filter(end_date__isnull=True).select_related("user")
    secretaries = list(current.filter(role=Role.SECRETARY).order_by("pk"))
    leaders = list(current.filter(role=Role.CELL_LEADER).order_by("pk"))
    officers = list(current.filter(role=Role.COMMITTEE_OFFICER).select_related("committee"))
    depth = (lambda r: r.committee.depth) if hasattr(Committee, "depth") else (lambda r: 1)
    top_depth = min(map(depth, officers))
    top = [r for r in officers if depth(r) == top_depth]
    middle = [r for r in officers if depth(r) == top_depth + 1] or top
    n_secretaries = round(count * SHARES[0][1])
    n_leaders = round(count * SHARES[1][1])
    n_officers = count - n_secretaries - n_leaders
    n_top = max(1, n_officers // 10)
    largest = (
        Member.objects.active().values("chapter_id").annotate(n=Count("id")).order_by("-n").first()
    )
    chosen = [r for r in secretaries if r.chapter_id == largest["chapter_id"]][:1]
    chosen += rng.sample(secretaries, n_secretaries - len(chosen))
    chosen += rng.sample(leaders, n_leaders)
    # Officers may share an account (the top of the tree has one or two): each user its own login.
    chosen += [rng.choice(top) for _ in range(n_top)]
    chosen += [rng.choice(middle) for _ in range(n_officers - n_top)]
    users = []
    for role in chosen:
        kind = {Role.SECRETARY: "secretary", Role.CELL_LEADER: "cell leader"}.get(
            role.role, "officer"
        )
        users.append({"username": role.user.username, "kind": kind, "urls": urls_for(role, rng)})
    return users


def urls_for(role: RoleAssignment, rng: random.Random) -> dict[str, list[str]]:
    """Each page of the mix as this user sees it: a few members of their own scope."""
    user = role.user
    members = access.members_visible_to(user).active()
    chapters = list(access.chapters_visible_to(user).order_by("?").values_list("pk", flat=True)[:5])
    sample = list(members.filter(chapter_id__in=chapters).values_list("public_id", flat=True)[:20])
    unit = role.committee if role.committee_id else role.chapter or role.cell.chapter
    two_years_ago = add_months(timezone.localdate(), -24).isoformat()
    return {
        "dashboard": ["/"],
        "register": ["/members/", "/members/?page=2"],
        "search": ["/members/?" + urlencode({"q": term}) for term in SEARCHES],
        "member page": [f"/members/{public_id}/" for public_id in sample],
        "board": ["/admissions/"],
        "reports today": ["/reports/"],
        "reports 2 years ago": [f"/reports/?as_of={two_years_ago}"],
        "unit page": [f"/reports/units/{unit.public_id}/"],
    }


class User:
    """One browser: a keep-alive connection, its cookies, and the results it records."""

    def __init__(self, spec: dict, port: int, password: str, results: list) -> None:
        self.spec, self.port, self.password, self.results = spec, port, password, results
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=120)

    def request(self, method: str, url: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept": "text/html",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if body is not None:
            origin = f"https://{HOST}:{self.port}"
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + url,
            }
        for attempt in (1, 2):  # a keep-alive connection the server closed: open a new one
            try:
                self.connection.request(method, url, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.connection.close()
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content

    def login(self) -> bool:
        status, content = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or not token:
            return False
        form = {
            "username": self.spec["username"],
            "password": self.password,
            "csrfmiddlewaretoken": token[1].decode(),
        }
        status, _ = self.request("POST", "/accounts/login/", urlencode(form))
        return status == 302 and "sessionid" in self.cookies

    def run(self, start: float, stop: float, think: tuple[float, float], rng) -> None:
        time.sleep(max(0.0, start - time.monotonic()))
        pages, weights = zip(*self.available(), strict=True)
        while time.monotonic() < stop:
            page = rng.choices(pages, weights)[0]
            url = rng.choice(self.spec["urls"][page])
            began = time.perf_counter()
            try:
                status, _ = self.request("GET", url)
            except OSError as error:
                status = type(error).__name__
            elapsed = (time.perf_counter() - began) * 1000
            self.results.append((self.spec["kind"], page, status, elapsed))
            time.sleep(rng.uniform(*think))

    def available(self) -> list[tuple[str, int]]:
        mix = MIX[self.spec["kind"]]
        return [(page, weight) for page, weight in mix if self.spec["urls"].get(page)]


def start_server(port: int, workers: int, memory_mb: int) -> subprocess.Popen:
    env = os.environ | {
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_PROXY_SSL": "True",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn), "chapter.wsgi:application", "--bind", f"{HOST}:{port}",
        "--workers", str(workers), "--timeout", "120", "--log-level", "warning",
    ]  # fmt: skip
    limit = memory_mb * 2**20  # per process (each worker): a runaway page fails alone

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    server = subprocess.Popen(command, cwd=ROOT, env=env, preexec_fn=cap)
    for _ in range(120):
        try:
            probe = http.client.HTTPConnection(HOST, port, timeout=2)
            probe.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
            if probe.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer in 60 s")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def report(results: list, duration: float) -> None:
    by_page = defaultdict(list)
    for kind, page, status, ms in results:
        by_page[(kind, page)].append((status, ms))
    print("| role | page | requests | errors | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (kind, page), rows in sorted(by_page.items()):
        print(line(f"{kind} | {page}", rows))
    every = [(status, ms) for _kind, _page, status, ms in results]
    print(line("**all** | **all pages**", every))
    print(f"\n{len(every)} requests in {duration:.0f} s = {len(every) / duration:.1f} requests/s")


def line(label: str, rows: list) -> str:
    times = [ms for _status, ms in rows]
    errors = sum(status != 200 for status, _ms in rows)
    return (
        f"| {label} | {len(rows)} | {errors} | {statistics.median(times):.0f} "
        f"| {percentile(times, 95):.0f} | {percentile(times, 99):.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds (60)")
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--memory-mb", type=int, default=2048, help="address-space limit of each worker (2048)"
    )
    parser.add_argument("--password", default="demo", help="the seeded users' password")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    specs = pick_users(options.users, rng)
    kinds = defaultdict(int)
    for spec in specs:
        kinds[spec["kind"]] += 1
    print("Users: " + ", ".join(f"{n} {kind}" for kind, n in kinds.items()))
    server = start_server(options.port, options.workers, options.memory_mb)
    results: list = []
    users = [User(spec, options.port, options.password, results) for spec in specs]
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=options.workers) as pool:  # hashing is slow
            logged = list(pool.map(User.login, users))
        failed = [user.spec["username"] for user, ok in zip(users, logged, strict=True) if not ok]
        print(f"{len(users) - len(failed)} logged in in {time.perf_counter() - started:.0f} s")
        if failed:
            print(f"Login failed for {', '.join(failed)}")
        users = [user for user in users if user.spec["username"] not in failed]
        unit_pages(users)
        print(f"Load average before: {load_average()}; {options.workers} gunicorn workers")
        begin = time.monotonic() + 1
        stop = begin + options.duration
        threads = [
            threading.Thread(
                target=user.run,
                args=(begin + rng.uniform(0, 3), stop, options.think, random.Random(i)),
            )
            for i, user in enumerate(users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - begin
        print(f"Load average after: {load_average()}\n")
        report(results, duration)
    finally:
        server.terminate()
        server.wait(timeout=30)
        keys = [user.cookies["sessionid"] for user in users if "sessionid" in user.cookies]
        Session.objects.filter(session_key__in=keys).delete()


def unit_pages(users: list[User]) -> None:
    """Drop the unit page from the mix if it is not built (404)."""
    officer = next((user for user in users if user.spec["kind"] == "officer"), None)
    if officer is None:
        return
    status, _ = officer.request("GET", officer.spec["urls"]["unit page"][0])
    if status != 200:
        print(f"Unit page answers {status}: left out of the mix")
        for user in users:
            user.spec["urls"].pop("unit page", None)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
