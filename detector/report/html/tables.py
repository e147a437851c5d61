"""Sortable HTML tables (sorted in the browser by the inline script, rows never re-parsed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from detector.report.html.fmt import num
from detector.report.html.markup import Markup, el

__all__ = ["Cell", "Column", "ncell", "table", "tcell"]


@dataclass(frozen=True)
class Column:
    """A table column: heading, whether it sorts as numbers, and a hover explanation."""

    title: str
    numeric: bool = False
    help: str | None = None


@dataclass(frozen=True)
class Cell:
    """One cell: what is shown (escaped unless Markup) and an optional numeric sort key."""

    show: object
    key: str | None = None


def ncell(value: object, formatter: Callable[[object], str]) -> Cell:
    """Numeric cell: shown with ``formatter``, sorted by the raw value."""
    return Cell(formatter(value), num(value))


def tcell(value: object) -> Cell:
    """Text cell (missing shown as a dash)."""
    return Cell("\u2013" if value is None or value == "" else value)


def table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    table_id: str | None = None,
    row_classes: Sequence[str | None] | None = None,
    caption: str | None = None,
    sortable: bool = True,
    extra_class: str | None = None,
) -> Markup:
    """Build a table; with ``sortable`` each heading is a button that sorts the rows."""
    head = el(
        "tr",
        None,
        [
            el(
                "th",
                {
                    "class": "num" if c.numeric else None,
                    "data-type": "num" if c.numeric else "text",
                    "title": c.help,
                    "scope": "col",
                },
                el("button", {"type": "button"}, c.title) if sortable else c.title,
            )
            for c in columns
        ],
    )
    body_rows = []
    for i, row in enumerate(rows):
        cls = row_classes[i] if row_classes else None
        body_rows.append(
            el(
                "tr",
                {"data-i": str(i), "class": cls},
                [
                    el(
                        "td",
                        {"class": "num" if col.numeric else None, "data-v": cell.key},
                        cell.show,
                    )
                    for col, cell in zip(columns, row, strict=True)
                ],
            )
        )
    return el(
        "div",
        {"class": "tablewrap"},
        el(
            "table",
            {
                "id": table_id,
                "class": " ".join(
                    c for c in ("sortable" if sortable else "", extra_class or "") if c
                )
                or None,
            },
            el("caption", {"class": "note"}, caption) if caption else None,
            el("thead", None, head),
            el("tbody", None, body_rows),
        ),
    )
