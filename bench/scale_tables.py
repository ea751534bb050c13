"""bench_scale.py's tables: the issue #14 targets beside each number, as Markdown for RESULTS.md."""

CHAPTER_ACTORS = ("typical", "largest", "cell")

OFFICER_PAGES = {  # issue #14 targets for an officer's page: p95 in ms
    "dashboard": 250,
    "register": 250,
    "board": 250,
    "search": 150,
    "reports today": 500,
    "reports 2 years ago": 1500,
    "unit page": 250,
}

CHAPTER_P95, MAX_KB, EXPORT_ROWS_S, EXPORT_MB = 25, 300, 10_000, 300


def describe(actor: dict) -> str:
    label = {
        "typical": "secretary, typical chapter",
        "largest": "secretary, largest chapter",
        "cell": "cell leader",
        "top": "officer, top of the tree",
        "middle": "officer, middle level",
    }[actor["name"]]
    return f"{label} ({actor['on_roll']:,})"


def target(actor: dict, label: str) -> int | None:
    """The issue's p95 target for the page, in ms (None: the issue sets none)."""
    if label in ("bare ListView", "register export .xlsx"):
        return None
    if actor["name"] in CHAPTER_ACTORS:  # every chapter page, the member's own included
        return CHAPTER_P95
    return OFFICER_PAGES.get(label)


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def page_table(results: list[tuple[dict, str, dict]]) -> None:
    print(
        "| as (members on the roll) | page | p50 ms | p95 ms | app CPU p50 ms | runs | queries "
        "| slowest query ms | HTML KB | target p95 | met |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for actor, label, r in results:
        who = describe(actor)
        if r["status"] != 200:
            status = f"HTTP {r['status']}" if isinstance(r["status"], int) else r["status"]
            print(f"| {who} | {label} | — | — | — | — | — | — | — | — | skipped ({status}) |")
            continue
        goal = target(actor, label)
        html = label != "register export .xlsx"
        ok = (goal is None or r["p95"] <= goal) and (not html or r["kb"] <= MAX_KB)
        size_note = "" if not html or r["kb"] <= MAX_KB else f" (> {MAX_KB} KB)"
        slow = float(r["slowest"]["time"]) * 1000 if r["slowest"] else 0
        cpu = f"{r['cpu']:.0f}" if r["cpu"] is not None else "—"
        print(
            f"| {who} | {label} | {r['p50']:.0f} | {r['p95']:.0f} | {cpu} | {r['runs']} "
            f"| {r['queries']} "
            f"| {slow:.0f} | {r['kb']:.0f}{' (xlsx)' if not html else ''} "
            f"| {goal if goal else '—'} | "
            f"{verdict(ok) + size_note if goal or html else '—'} |"
        )


def comparison_table(compare: list[dict]) -> None:
    print(
        "| as | register p50 / p95 ms | bare ListView p50 / p95 | admin changelist p50 / p95 "
        "| main query alone ms | register / bare (p50) | register / admin (p50) | target |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for row in compare:
        reg, bare, admin = row["register"], row["bare"], row["admin"]
        if not reg or reg["status"] != 200:
            continue
        cells = [f"{reg['p50']:.0f} / {reg['p95']:.0f}"]
        for other in (bare, admin):
            ok = other and other["status"] == 200
            cells.append(f"{other['p50']:.0f} / {other['p95']:.0f}" if ok else "—")
        cells.append(f"{row['raw']:.1f}" if "raw" in row else "—")
        to_bare = reg["p50"] / bare["p50"] if bare and bare["status"] == 200 else None
        to_admin = reg["p50"] / admin["p50"] if admin and admin["status"] == 200 else None
        cells.append(f"{to_bare:.2f}x" if to_bare else "—")
        cells.append(f"{to_admin:.2f}x" if to_admin else "—")
        if row["actor"]["name"] in CHAPTER_ACTORS:
            goal = f"≤ 1.5x bare: {verdict(to_bare <= 1.5)}" if to_bare else "≤ 1.5x bare"
        else:
            goal = f"≤ 0.5x admin: {verdict(to_admin <= 0.5)}" if to_admin else "≤ 0.5x admin"
        print(f"| {describe(row['actor'])} | " + " | ".join(cells) + f" | {goal} |")


def background_table(export: dict | None, imported: dict | None, top: dict | None) -> None:
    print("| work | result | target | met |")
    print("|---|---|---|---|")
    if export:
        rate = export["rows"] / export["seconds"] if export["seconds"] else 0
        print(
            f"| register export, whole scope of {describe(top)} (the background "
            f"task's writer, in a subprocess) | {export['rows']:,} rows in "
            f"{export['seconds']:.0f} s = {rate:,.0f} rows/s ({export['cpu_seconds']:.0f} s of "
            f"the process's CPU); peak RSS {export['rss_mb']:.0f} MB "
            f"({export['rss_before_mb']:.0f} MB before); file {export['file_mb']:.0f} MB "
            f"| ≥ {EXPORT_ROWS_S:,} rows/s, < {EXPORT_MB} MB "
            f"| {verdict(rate >= EXPORT_ROWS_S and export['rss_mb'] < EXPORT_MB)} |"
        )
    if imported:
        per_row = imported["queries"] / imported["rows"]
        print(
            f"| import of {imported['rows']:,} rows (bench_import.py, plan + write) "
            f"| {imported['seconds']:.1f} s, {imported['queries']:,} queries "
            f"({per_row:.1f} a row) | ≤ 8 s, ≤ 2 queries a row "
            f"| {verdict(imported['seconds'] <= 8 and per_row <= 2)} |"
        )
