"""Reads for the ledger pages: the list of ledgers with their row counts, and a paged preview
of one ledger's rows (50 a page, read lazily: page 1 reads only the first chunk)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core.paginator import Page, Paginator

from anju.core.actors import Viewer
from anju.ledgers.registry import INT, LEDGERS, MONEY, Ledger
from anju.ledgers.services import DIRECT_LIMIT, PDF_MAX_ROWS, Drawn, ledger_drawn
from anju.ledgers.writers import totals_label
from anju.regions.models import Region

PREVIEW_PAGE = 50
# Up to this many rows the preview also shows the totals row (it reads every row for it).
PREVIEW_TOTALS_MAX = 500


@dataclass(frozen=True)
class LedgerEntry:
    """One ledger in the list: what it is, how many rows it has for the filters, and whether
    each format downloads at once or runs as a job."""

    ledger: Ledger
    rows: int

    @property
    def xlsx_job(self) -> bool:
        return self.rows > DIRECT_LIMIT["xlsx"]

    @property
    def pdf_job(self) -> bool:
        return self.rows > DIRECT_LIMIT["pdf"]

    @property
    def pdf_refused(self) -> bool:
        return self.rows > PDF_MAX_ROWS


def ledger_entries(*, user: Viewer, year: int, region: Region | None) -> list[LedgerEntry]:
    """Every ledger with its row count (one count query each)."""
    entries = []
    for key in LEDGERS:
        drawn = ledger_drawn(user=user, key=key, year=year, region=region)
        entries.append(LedgerEntry(drawn.ledger, drawn.ledger.count(drawn.scope)))
    return entries


class LazyRows:
    """A ledger's rows as the paginator sees them: counted by the ledger's count query and
    sliced by reading the stream only up to the page asked for."""

    def __init__(self, drawn: Drawn) -> None:
        self.drawn = drawn
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.drawn.ledger.count(self.drawn.scope)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[tuple[Any, ...]]:
        return list(islice(self.drawn.ledger.rows(self.drawn.scope), index.start, index.stop))


@dataclass(frozen=True)
class Preview:
    drawn: Drawn
    page: Page[Any]
    totals: list[Any] | None


def ledger_preview(*, user: Viewer, key: str, year: int, region: Region | None, page: Any) -> Preview:
    """One page (50 rows) of a ledger as it would be exported, and for short ledgers the totals."""
    drawn = ledger_drawn(user=user, key=key, year=year, region=region)
    rows = LazyRows(drawn)
    current: Page[Any] = Paginator(rows, PREVIEW_PAGE).get_page(page)  # type: ignore[arg-type]  # django-stubs: Paginator wants a Sequence; LazyRows has the len() and slicing it uses
    totals: list[Any] | None = None
    if rows.count() <= PREVIEW_TOTALS_MAX:
        columns = drawn.ledger.columns
        summed = [i for i, c in enumerate(columns) if c.total and c.kind in (MONEY, INT)]
        totals = [None] * len(columns)
        sums = dict.fromkeys(summed, 0.0)
        for row in drawn.ledger.rows(drawn.scope):
            for i in summed:
                sums[i] += row[i] or 0
        totals[0] = totals_label(drawn.ledger, rows.count())
        for i in summed:
            totals[i] = round(sums[i], 2)
    return Preview(drawn, current, totals)
