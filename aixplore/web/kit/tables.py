"""Tables that become one card per row on phones, from one list of columns.

On screens up to 640 px wide the ``stack-table`` styles (assets/styles.css) hide the header and
stack each row's cells; every cell but the first carries its column's name in ``data-label``,
which the card shows above the value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import reflex as rx


@dataclass(frozen=True)
class Column:
    """One column: its header and how a row's cell is drawn.

    Attributes:
        header: The column's name (the header cell, and the label on a phone's card).
        cell: Draws the cell from the row (an object var); a var or a component.
        label_on_phone: Show ``header`` above the value on phones (off for the row's name).
        nowrap: Keep the value on one line (dates, times, amounts).
        min_width: A floor for the column's width, so long text wraps instead of squeezing.
    """

    header: str
    cell: Callable[[Any], Any]
    label_on_phone: bool = True
    nowrap: bool = False
    min_width: str | None = None


def column(
    header: str,
    key_or_cell: str | Callable[[Any], Any],
    *,
    label_on_phone: bool = True,
    nowrap: bool = False,
    min_width: str | None = None,
) -> Column:
    """A column that shows ``row[key]``, or what a function draws from the row."""
    cell = key_or_cell if callable(key_or_cell) else (lambda row, key=key_or_cell: row[key])
    return Column(header, cell, label_on_phone, nowrap, min_width)


def _cell(col: Column, row: Any) -> rx.Component:
    props: dict[str, Any] = {}
    if col.label_on_phone:
        props["custom_attrs"] = {"data-label": col.header}
    if col.nowrap:
        props["white_space"] = "nowrap"
    if col.min_width:
        props["min_width"] = col.min_width
    return rx.table.cell(col.cell(row), **props)


def data_table(rows: Any, columns: Sequence[Column], **props: Any) -> rx.Component:
    """A table of ``rows`` (a list var of dicts), one card per row on phones.

    Args:
        rows: The state var holding the rows.
        columns: The columns, left to right; the first names the row.
        **props: Anything else rx.table.root takes (variant, size...).
    """
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(c.header) for c in columns])),
        rx.table.body(
            rx.foreach(rows, lambda row: rx.table.row(*[_cell(c, row) for c in columns]))
        ),
        width="100%",
        class_name="stack-table",
        **props,
    )


def name_and_email(name: Any, email: Any) -> rx.Component:
    """A person in a table's first column: the name, with the email under it."""
    return rx.vstack(
        rx.text(name, weight="medium"),
        rx.text(email, size="1", color=rx.color("gray", 11), overflow_wrap="anywhere"),
        spacing="0",
        align="start",
    )
