"""A list page's table, its cells written in Python (ADR 0054).

The busiest pages of anju are lists of 25 rows. Written as a template loop, each row cost the
template engine ~170 µs (a dozen variable lookups, a ``{% url %}``, two masking tags, the
``if``s), about a third of a list page's whole cost; the same row written here costs ~15 µs.
An app's ``tables.py`` names its columns (a header and a function from the row to the cell's
HTML); the template places the table with ``{{ table }}``. Every value goes through
``conditional_escape`` (or ``format_html``), as the template engine would escape it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# A key no row has: reversed once per URL name, then cut where the key goes.
_KEY = 987654321


@lru_cache(maxsize=256)
def _url_parts(name: str, prefix: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_KEY]).partition(str(_KEY))
    return head, tail


def object_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a URL whose one argument is an object's key, without
    resolving the URLconf for every row (the URLconf does not change while the process runs)."""
    head, tail = _url_parts(name, get_script_prefix())
    return f"{head}{int(pk)}{tail}"


def text(value: Any, empty: str = "") -> str:
    """A value as the template engine shows it, escaped; ``empty`` for None or ''."""
    if value is None or value == "":
        return empty
    if hasattr(value, "__html__"):  # already safe HTML
        return str(value.__html__())
    return html.escape(str(value))  # what django.utils.html.escape does, without its lazy check


def link(url: str, label: Any) -> str:
    return f'<a href="{html.escape(url)}">{text(label)}</a>'


@dataclass(frozen=True)
class Column:
    """One column: its header and the cell's HTML for a row (already escaped)."""

    header: str
    cell: Callable[[Any], str]
    numeric: bool = False
    nowrap: bool = False
    css: str = ""

    def td_attrs(self, stacked: bool) -> str:
        classes = " ".join(
            c for c in ("text-end" if self.numeric else "", self.css, "text-nowrap" if self.nowrap else "") if c
        )
        attrs = f' class="{classes}"' if classes else ""
        # A stacked table (phones) labels each cell with its header (anju.css, .table-stack).
        return f' data-label="{conditional_escape(self.header)}"{attrs}' if stacked else attrs


class Table:
    """Rows under columns, as one ``<table>``; ``{{ table }}`` in a template places it."""

    def __init__(
        self,
        rows: Iterable[Any],
        columns: Sequence[Column],
        *,
        testid: str,
        empty: str,
        stacked: bool = False,
        classes: str = "table table-sm table-hover align-middle",
    ) -> None:
        self.classes = classes
        self.rows = rows
        self.columns = tuple(columns)
        self.testid = testid
        self.empty = empty
        self.stacked = stacked

    def __html__(self) -> SafeString:
        stack = " table-stack" if self.stacked else ""
        out = [f'<table class="{self.classes}{stack}" data-testid="{self.testid}"><thead><tr>']
        for column in self.columns:
            th = ' class="text-end"' if column.numeric else ""
            out.append(f"<th{th}>{conditional_escape(column.header)}</th>")
        out.append("</tr></thead><tbody>")
        cells = [
            (column.cell, f"<td{column.td_attrs(self.stacked and i > 0)}>") for i, column in enumerate(self.columns)
        ]
        written = 0
        for row in self.rows:
            out.append("<tr>")
            out.extend(f"{opening}{cell(row)}</td>" for cell, opening in cells)
            out.append("</tr>")
            written += 1
        if not written:
            stack_row = ' stack-row"' if self.stacked else '"'
            out.append(
                f'<tr><td colspan="{len(self.columns)}" class="text-muted{stack_row}>{conditional_escape(self.empty)}</td></tr>'
            )
        out.append("</tbody></table>")
        return mark_safe("".join(out))  # every cell and header above is escaped

    def __str__(self) -> str:
        return str(self.__html__())
