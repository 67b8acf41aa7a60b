"""Server-side prepared statements for the compiled queries (store/compiled.py) on PostgreSQL.

PostgreSQL parses and plans every statement it is sent, and for the queries a program's every request runs
(a secret with its owner and share, some forty columns) that costs it more than running them. On a PostgreSQL
database opened with prepared statements (the default), each compiled query is prepared once per connection,
the first time that connection runs it (PREPARE, which outlives the transaction), then run with EXECUTE and
its values. A connection pooler in transaction mode (PgBouncer's `pool_mode = transaction`) gives each
transaction whichever server connection is free, where the statement may never have been prepared: behind one,
set MYSAFE_PREPARED_STATEMENTS=false.
"""
from __future__ import annotations

import itertools
import re
import threading
import weakref

from peewee import Database

_databases: weakref.WeakSet = weakref.WeakSet()  # the databases whose compiled queries are prepared
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # a connection -> names prepared on it
_lock = threading.Lock()
_names = itertools.count(1)
_PLACEHOLDER = re.compile(r'%[s%]')  # psycopg2's: a value, or a literal % written twice


def enable(database: Database) -> None:
    """Prepare the compiled queries on `database`'s connections (a PostgreSQL database)."""
    _databases.add(database)


def enabled(database: Database) -> bool:
    return database in _databases


class Prepared:
    """A statement with psycopg2 placeholders, run as a prepared statement of the connection."""

    def __init__(self, sql: str, count: int) -> None:
        self.name = f'mysafe_{next(_names)}'
        numbers = itertools.count(1)
        body = _PLACEHOLDER.sub(lambda match: f'${next(numbers)}' if match[0] == '%s' else '%%', sql)
        self._prepare = f'PREPARE {self.name} AS {body}'
        self._execute = f'EXECUTE {self.name}' + (f' ({", ".join(["%s"] * count)})' if count else '')

    def sql(self, database: Database) -> str:
        """The SQL that runs it with its values on this thread's connection, prepared there first if need be."""
        connection = database.connection()
        with _lock:
            done = _prepared.setdefault(connection, set())
        if self.name not in done:  # a connection serves one thread at a time
            database.execute_sql(self._prepare)
            done.add(self.name)
        return self._execute
