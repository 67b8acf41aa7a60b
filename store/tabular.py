"""What the store's tables share: reading a day typed in a filter, and writing CSV a spreadsheet will not run,
streamed from one query."""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

from playhouse.postgres_ext import PostgresqlExtDatabase, ServerSide

from .models import db

FETCH_SIZE = 2000  # rows a PostgreSQL server-side cursor hands over at a time


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
    # A cell starting with = + - @ (or a tab / carriage return) runs as a formula in spreadsheets.
    if isinstance(value, str) and value[:1] in ('=', '+', '-', '@', '\t', '\r'):
        return "'" + value
    return value


def write_csv(out: TextIO, columns: Iterable[str], rows: Iterable[Iterable[object]]) -> int:
    """Write the header and each row to `out` as they come, every cell through safe_cell; returns the row count."""
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    return count


def stream(query, convert: Callable[[tuple], Iterable[object]]) -> Iterator[Iterable[object]]:
    """The rows of one ordered query as tuples, read as they come rather than all at once: a server-side
    cursor on PostgreSQL (inside a transaction, as named cursors need), SQLite's own stepping otherwise."""
    query = query.tuples()
    if isinstance(db.obj, PostgresqlExtDatabase):
        with db.atomic():
            for row in ServerSide(query, array_size=FETCH_SIZE):
                yield convert(row)
    else:
        for row in query.iterator():
            yield convert(row)
