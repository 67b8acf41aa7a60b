"""What the store's tables share: reading a day typed in a filter, and writing CSV a spreadsheet will not run,
streamed from one query."""
from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Iterable, Iterator
from typing import TextIO

from peewee import fn
from playhouse.postgres_ext import PostgresqlExtDatabase

from .errors import ValidationError
from .models import db

FETCH_SIZE = 2000  # rows a PostgreSQL server-side cursor hands over at a time
YIELD_EVERY = 100  # rows written between two offers of the interpreter to other threads
# A cell starting with one of these runs as a formula in spreadsheets.
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')
MAX_PAGE = 10**9  # further than any table reaches; keeps OFFSET within every database's integers


def paging(page: object, per_page: object, max_per_page: int) -> tuple[int, int]:
    """The page number and page size a browser asked for, clamped to 1..MAX_PAGE and 1..max_per_page.

    ValidationError at 'page' / 'per_page' for anything that is not a whole number.
    """
    return (max(1, min(_whole_number(page, 'page', 'Page'), MAX_PAGE)),
            max(1, min(_whole_number(per_page, 'per_page', 'Rows per page'), max_per_page)))


def sort_key(sort: object, sorts: dict) -> object:
    """The column a table is sorted by; ValidationError at 'sort' for a name the table does not sort by."""
    if not isinstance(sort, str) or sort not in sorts:
        raise ValidationError({'sort': f'Sort by one of: {", ".join(sorts)}'})
    return sorts[sort]


def _whole_number(value: object, field: str, label: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and len(value) <= 30:
        digits = value.strip()
        if digits.removeprefix('-').isascii() and digits.removeprefix('-').isdigit():
            return int(digits)
    raise ValidationError({field: f'{label} must be a whole number'})


def read_day(text: str, field: str, errors: dict[str, str]) -> dt.date | None:
    """The day typed as YYYY-MM-DD, None when empty; an unreadable day adds a message for `field`."""
    if text is not None and not isinstance(text, str):
        errors[field] = 'Enter a date as YYYY-MM-DD'
        return None
    text = (text or '').strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[field] = 'Enter a date as YYYY-MM-DD'
        return None


def day_range(column, since: tuple[str, str], until: tuple[str, str], errors: dict[str, str]) -> list:
    """Conditions keeping `column` within the typed days (UTC, both inclusive); `since` and `until` are
    (text, field name). Unreadable days, or Until before From, add messages to `errors`."""
    first, last = read_day(since[0], since[1], errors), read_day(until[0], until[1], errors)
    if first and last and first > last:
        errors[until[1]] = 'Until must not be before From'
    conditions = []
    if first:
        conditions.append(column >= dt.datetime.combine(first, dt.time.min))
    if last and last < dt.date.max:
        conditions.append(column < dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    elif last:  # the last day there is: any time at all (the day after it cannot be written)
        conditions.append(column.is_null(False))
    return conditions


def safe_cell(value: object) -> object:
    """The value for a CSV cell; text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def write_csv(out: TextIO, columns: Iterable[str], rows: Iterable[Iterable[object]]) -> int:
    """Write the header and each row to `out` as they come, every cell defused as safe_cell does; returns the
    row count."""
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        # safe_cell, inlined: this runs for every cell of a 200,000-row export.
        writer.writerow(["'" + value if value.__class__ is str and value[:1] in FORMULA_STARTS else value
                         for value in row])
        count += 1
        if count % YIELD_EVERY == 0:
            time.sleep(0)  # let other sessions' worker threads have the interpreter (a switch otherwise waits 5 ms)
    return count


def stream(query) -> Iterator[tuple]:
    """The rows of one ordered query as the driver returns them (no model conversion), read as they come rather
    than all at once: a server-side cursor on PostgreSQL (inside a transaction, as named cursors need), SQLite's
    own stepping otherwise."""
    if isinstance(db.obj, PostgresqlExtDatabase):
        with db.atomic():
            rows = db.obj.execute(query, named_cursor=True, array_size=FETCH_SIZE)
            try:
                yield from rows.row_gen()
            finally:
                rows.close()
    else:
        yield from db.execute(query)


def utc_text(column, pattern: str = 'minutes'):
    """SQL that writes a UTC time column as text, 'YYYY-MM-DD HH:MM UTC' (or with ':SS' for 'seconds');
    NULL stays NULL. Formatting in the database spares a Python call per row of an export."""
    if isinstance(db.obj, PostgresqlExtDatabase):
        text = fn.to_char(column, 'YYYY-MM-DD HH24:MI' + (':SS' if pattern == 'seconds' else ''))
    else:
        text = fn.strftime('%Y-%m-%d %H:%M' + (':%S' if pattern == 'seconds' else ''), column)
    return text.concat(' UTC')
