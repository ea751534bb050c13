"""Run axe-core (bundled by axe-playwright-python) on a Playwright page and describe what it
finds: rule, impact, the element's selector, a short message and, for contrast, the colours.

WCAG 2.0 and 2.1, levels A and AA: the level the README promises (issue 16)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

from axe_playwright_python.sync_playwright import Axe

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
_axe = Axe()


@dataclass
class Finding:
    page: str
    role: str
    size: str
    language: str
    rule: str
    impact: str
    target: str
    message: str
    colours: str = ""

    def line(self) -> str:
        colours = f" [{self.colours}]" if self.colours else ""
        return (
            f"{self.page} · {self.role} · {self.size} · {self.language}: {self.rule} "
            f"({self.impact}) {self.target} — {self.message}{colours}"
        )


def _message(node: dict) -> str:
    for key in ("any", "all", "none"):
        for check in node.get(key) or []:
            if check.get("message"):
                return check["message"]
    return (node.get("failureSummary") or "").replace("\n", " ")


def _colours(node: dict) -> str:
    for check in node.get("any") or []:
        data = check.get("data")
        if isinstance(data, dict) and data.get("fgColor"):
            return (
                f"{data.get('fgColor')} on {data.get('bgColor')} "
                f"{data.get('contrastRatio')}:1, needs {data.get('expectedContrastRatio')}"
            )
    return ""


def check(
    page, *, name: str, role: str, size: str, language: str, keep: bool = True
) -> list[Finding]:
    """Every violation on the page as it stands, one Finding per element (``keep``: also in
    AXE_RESULTS)."""
    results = _axe.run(page, options=OPTIONS).response
    found = []
    for rule in results["violations"]:
        for node in rule["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            found.append(
                Finding(
                    page=name,
                    role=role,
                    size=size,
                    language=language,
                    rule=rule["id"],
                    impact=node.get("impact") or rule.get("impact") or "",
                    target=target,
                    message=_message(node)[:200],
                    colours=_colours(node),
                )
            )
    if keep:
        record(found)
    return found


def record(found: list[Finding]) -> None:
    """With AXE_RESULTS=path, append the findings as JSON lines (for the written report)."""
    path = os.environ.get("AXE_RESULTS")
    if path and found:
        with open(path, "a", encoding="utf-8") as out:
            for finding in found:
                out.write(json.dumps(asdict(finding), ensure_ascii=False) + "\n")


def report(found: list[Finding]) -> str:
    return f"{len(found)} accessibility violation(s):\n" + "\n".join(f.line() for f in found)
