"""Queries whose SQL is written once per database instead of on every call.

Peewee writes a query's SQL from its tree on every execution, which costs more than running the query (a secret
with its owner is some forty columns to quote). For the few queries a program's every request runs, the SQL is
written once, with stand-in values where the caller's arguments go, and then run with the actual values; the
rows come back through the same query object, so they are the same model instances as the query would give.
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from peewee import ModelSelect

from .models import db


class Compiled:
    """`build(*values)` is a ModelSelect whose parameters include each of `values` (ints or strs) once."""

    def __init__(self, build: Callable[..., ModelSelect]) -> None:
        self.build = build
        self._written: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # database -> {types: statement}
        self._lock = threading.Lock()

    def first(self, *values: int | str) -> Any:
        """The first row (as the query's model instance), or None."""
        query, sql, slots, params = self._statement(values)
        for slot, value in zip(slots, values):
            params[slot] = value
        cursor = db.execute_sql(sql, params)
        return next(iter(query._get_cursor_wrapper(cursor)), None)  # pylint: disable=protected-access

    def _statement(self, values: tuple) -> tuple[ModelSelect, str, list[int], list]:
        kinds = tuple(type(value) for value in values)
        written = self._written.get(db.obj, {}).get(kinds)
        if written is None:
            with self._lock:
                written = self._write(kinds)
                self._written.setdefault(db.obj, {})[kinds] = written
        query, sql, slots, params = written
        return query, sql, slots, list(params)

    def _write(self, kinds: tuple[type, ...]) -> tuple[ModelSelect, str, list[int], list]:
        stand_ins = [_stand_in(kind, n) for n, kind in enumerate(kinds)]
        query = self.build(*stand_ins).limit(1)
        sql, params = query.sql()
        slots = [params.index(stand_in) for stand_in in stand_ins]
        if any(params.count(stand_in) != 1 for stand_in in stand_ins):
            raise ValueError('Each value must be a parameter of the query exactly once')
        return query, sql, slots, params


def _stand_in(kind: type, n: int) -> int | str:
    if kind is int:
        return -987_654_321 - n  # no id, count or flag is negative
    if kind is str:
        return f'\x00stand-in {n}\x00'  # no stored text holds a NUL
    raise TypeError(f'Compiled queries take ints and strs, not {kind.__name__}')
