"""The first rows of a list a page shows, and how many there are in all ("N more")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FirstRows:
    """The first ``rows`` of a list and its ``total``: a page shows the rows and "``more``
    more", linking to the whole list."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)
