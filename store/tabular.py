"""What the store's tables share: reading a day typed in a filter, and CSV cells a spreadsheet will not run."""
from __future__ import annotations

import datetime as dt


def read_day(text: str, field: str, errors: dict[str, str]) -> dt.date | None:
    """The day typed as YYYY-MM-DD, None when empty; an unreadable day adds a message for `field`."""
    text = (text or '').strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[field] = 'Enter a date as YYYY-MM-DD'
        return None


def safe_cell(value: object) -> object:
    """The value for a CSV cell; text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    # A cell starting with = + - @ (or a tab / carriage return) runs as a formula in spreadsheets.
    if isinstance(value, str) and value[:1] in ('=', '+', '-', '@', '\t', '\r'):
        return "'" + value
    return value
