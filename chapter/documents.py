"""The paper behind a change: one value type for every app.

A movement's transfer letter or decision, an admission decision, a candidate's paper: each is a
``Document`` (kind, number, date, issuing body). One name for the idea: ``Document`` and
``issuing_body`` (not Paper, issuer or body).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Document:
    """The paper behind a change: kind, number, date and issuing body (all optional; the
    service that receives one decides which parts its rule requires)."""

    kind: str = ""
    number: str = ""
    date: date | None = None
    issuing_body: str = ""
