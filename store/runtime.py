"""The store's process state (the keyring, set once at start-up) and the unit of work every call runs in."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from peewee import InterfaceError, OperationalError, SqliteDatabase
from playhouse.pool import MaxConnectionsExceeded

from . import crypto, database
from .config import DEFAULT_CLIPBOARD_SECONDS, DEFAULT_REVEAL_SECONDS, Settings
from .errors import DatabaseUnavailable, StartupError
from .models import User, db

P = ParamSpec('P')
T = TypeVar('T')
_keyring: list[crypto.Keyring] = []
_settings: list[Settings] = []
_set_up: list[bool] = []  # [True] once this process has seen a user: MySafe never needs setting up again
STOP_GRACE = 10.0  # seconds stop() waits for units of work in flight (a save) before closing the pool


class _InFlight:
    """How many units of work are running, so that stopping lets them finish."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    def enter(self) -> None:
        with self.changed:
            self.count += 1

    def leave(self) -> None:
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_until_none(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count == 0, timeout)


_in_flight = _InFlight()
_units = threading.local()  # `open`: this thread is inside unit_of_work
_sqlite_writer = threading.RLock()


def start(settings: Settings) -> crypto.Keyring:
    """Check the files are private, open the database, check the master key against it, create missing tables
    and indexes."""
    database.check_private_files(settings)
    database.open_database(settings.database_url, settings.prepared_statements)
    with db.connection_context():
        keyring = database.open_keyring(settings)
        database.create_schema(keyring)
        set_up = User.select().exists()
    _keyring[:] = [keyring]
    _settings[:] = [settings]
    if set_up:
        mark_set_up()
    return keyring


def known_set_up() -> bool:
    """True once this process knows a user exists (no database read: pages decide redirects with it)."""
    return bool(_set_up)


def mark_set_up() -> None:
    _set_up[:] = [True]


def unit_of_work(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` on a connection borrowed from the pool for this call only, and given back
    afterwards, also when `fn` raises: the thread that ran it holds no connection.

    Meant for worker threads (one call of a service = one unit). A connection the database dropped
    (restart, fail-over, pg_terminate_backend) fails only the call that was using it, as
    DatabaseUnavailable; the pool replaces it, so the next call works. Inside a unit (or a transaction)
    already open on this thread, `fn` simply runs as part of it. A connection the thread took outside any
    unit (a service called directly) is given back first, so a dead one cannot stick to the thread.
    """
    if getattr(_units, 'open', False) or db.in_transaction():
        return fn(*args, **kwargs)  # inside a unit (or a transaction) of this thread already: part of it
    if not db.is_closed():
        db.close()  # a connection this thread took outside any unit: back to the pool, which checks it
    _in_flight.enter()
    _units.open = True
    try:
        try:
            db.connect()
        except (OperationalError, InterfaceError, MaxConnectionsExceeded):
            raise DatabaseUnavailable() from None
        try:
            return fn(*args, **kwargs)
        except (OperationalError, InterfaceError):
            raise DatabaseUnavailable() from None
        finally:
            db.close()  # back to the pool, which closes it instead when the server dropped it
    finally:
        _units.open = False
        _in_flight.leave()


def write_together(*queries) -> None:
    """Run these writes (peewee queries, or compiled.Statement) so that all or none of them are committed,
    before returning; inside a transaction already open, as part of it.

    On PostgreSQL they go to the server in one round trip, as one message that it runs as one transaction
    (each statement is a round trip otherwise, and a program's read would wait for eight). On SQLite the
    threads of this process take the database's write lock one at a time, waiting on a lock of the process
    that wakes them as soon as it is free, rather than in SQLite's busy handler, which sleeps 1, 2, 5, 10...
    ms between tries (other processes still wait there, up to busy_timeout)."""
    if db.in_transaction():
        for query in queries:
            query.execute()
    elif isinstance(db.obj, SqliteDatabase):
        with _sqlite_writer, db.atomic():
            for query in queries:
                query.execute()
    else:
        statements, params = [], []
        for query in queries:
            sql, values = query.sql()
            statements.append(sql)
            params.extend(values)
        db.execute_sql('; '.join(statements), params)


def guard_seconds() -> tuple[int, int]:
    """How long a revealed value stays on screen, and a copied one on the clipboard (MYSAFE_REVEAL_SECONDS,
    MYSAFE_CLIPBOARD_SECONDS); the defaults before start-up."""
    if not _settings:
        return DEFAULT_REVEAL_SECONDS, DEFAULT_CLIPBOARD_SECONDS
    return _settings[0].reveal_seconds, _settings[0].clipboard_seconds


def keyring() -> crypto.Keyring:
    if not _keyring:
        raise StartupError('The store has not been started')
    return _keyring[0]


def stop() -> None:
    """Let the units of work in flight finish (a save under way is committed; at most STOP_GRACE seconds), then
    forget the key and close every connection of the pool. Runs at shutdown (SIGTERM) and between tests."""
    # No parameters: NiceGUI hands its app to a shutdown handler that takes one.
    _in_flight.wait_until_none(STOP_GRACE)
    from . import two_factor  # here: two_factor itself needs this module
    two_factor.forget_cached()
    _keyring.clear()
    _settings.clear()
    _set_up.clear()
    if db.obj is not None:
        db.obj.close_all()

