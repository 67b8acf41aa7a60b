"""Queries whose SQL is written once per database instead of on every call.

Peewee writes a query's SQL from its tree on every execution, which costs more than running the query (a secret
with its owner is some forty columns to quote). For the few queries a program's every request runs, the SQL is
written once, with stand-in values where the caller's arguments go, and then run with the actual values; a
select's rows come back through the same query object, so they are the same model instances it would give.
On PostgreSQL the statement is also prepared on each connection (store/prepared.py), so that the server does not
parse and plan it again either.
"""
from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Callable
from typing import Any

from peewee import Query, SelectQuery

from .models import db
from .prepared import Prepared, enabled

Value = int | str | dt.datetime
KINDS = (int, str, dt.datetime)  # of the values a compiled query takes (exactly: a bool is no int here)


class Compiled:
    """`build(*values)` is a query (a select is read for its first row) whose parameters include each of
    `values` (ints, strs or datetimes, never None) once."""

    def __init__(self, build: Callable[..., Query]) -> None:
        self.build = build
        self._written: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # database -> {types: statement}
        self._lock = threading.Lock()

    def first(self, *values: Value) -> Any:
        """The first row (as the query's model instance), or None."""
        query, statement = self._bound(values)
        cursor = statement.run()
        return next(iter(query._get_cursor_wrapper(cursor)), None)  # pylint: disable=protected-access

    def statement(self, *values: Value) -> Statement:
        """The statement to run with `values` (a write, for runtime.write_together)."""
        return self._bound(values)[1]

    def _bound(self, values: tuple) -> tuple[Query, Statement]:
        """The query written with stand-ins, and the statement to run with `values`."""
        kinds = tuple(type(value) for value in values)
        written = self._written.get(db.obj, {}).get(kinds)
        if written is None:
            with self._lock:
                written = self._write(kinds)
                self._written.setdefault(db.obj, {})[kinds] = written
        query, sql, slots, params, prepared = written
        params = list(params)
        for slot, value in zip(slots, values):
            params[slot] = value
        return query, Statement(sql, params, prepared)

    def _write(self, kinds: tuple[type, ...]) -> tuple[Query, str, list[int], list, Prepared | None]:
        stand_ins = [_stand_in(kind, n) for n, kind in enumerate(kinds)]
        query = self.build(*stand_ins)
        if isinstance(query, SelectQuery):
            query = query.limit(1)
        sql, params = query.sql()
        if any(params.count(stand_in) != 1 for stand_in in stand_ins):
            raise ValueError('Each value must be a parameter of the query exactly once')
        prepared = Prepared(sql, len(params)) if enabled(db.obj) else None
        return query, sql, [params.index(stand_in) for stand_in in stand_ins], params, prepared


class Statement:
    """SQL and its parameters, run like a peewee write query (`execute`, `sql`)."""

    def __init__(self, sql: str, params: list, prepared: Prepared | None = None) -> None:
        self._sql, self._params, self._prepared = sql, params, prepared

    def sql(self) -> tuple[str, list]:
        """The SQL to send on this thread's connection (EXECUTE of the prepared statement), and its values."""
        return (self._prepared.sql(db) if self._prepared else self._sql), self._params

    def execute(self) -> None:
        self.run()

    def run(self):
        """The cursor that ran it."""
        return db.execute_sql(*self.sql())


def compilable(values: tuple) -> bool:
    """Whether `values` can all go where stand-ins were (None cannot: `= NULL` is not `IS NULL`)."""
    return all(type(value) in KINDS for value in values)


def _stand_in(kind: type, n: int) -> Value:
    if kind is int:
        return -987_654_321 - n  # no id, count or flag is negative
    if kind is str:
        return f'\x00stand-in {n}\x00'  # no stored text holds a NUL
    if kind is dt.datetime:
        return dt.datetime(1, 1, 1, microsecond=n)  # nothing happened in year 1
    raise TypeError(f'Compiled queries take ints, strs and datetimes, not {kind.__name__}')
