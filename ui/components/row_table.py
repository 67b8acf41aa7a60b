"""A table whose rows one Vue template draws, patched in place from one update to the next (row_table.js)."""
from __future__ import annotations

from typing import Any

from nicegui import ui


class RowTable(ui.table, component='row_table.js'):
    """ui.table with `row_template` as its body: a `<tr>` template that reads `props` as a QTable body slot's
    (props.row, props.key, props.selected...). Unlike `add_slot('body', ...)`, the rows are not built anew on
    each update: a filter or a sort that brings a page of 30 other secrets changes the text of the rows on screen.
    Unlike ui.table, columns take no `:`-prefixed (JavaScript) properties and the table has no fullscreen mode."""

    def __init__(self, *, row_template: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.props['row-template'] = row_template
