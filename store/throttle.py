"""Throttling of password checks (log-in and password confirmation): per username and per client address.

An attempt is counted as a failure *before* its password is checked, in a transaction that locks the
counters (BEGIN IMMEDIATE on SQLite, SELECT ... FOR UPDATE on PostgreSQL), and uncounted when the
password turns out right. So however many attempts run at once, no more passwords are checked than
the limit allows, and a throttled attempt costs no Argon2 work.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from peewee import SqliteDatabase

from . import runtime
from .errors import LoginThrottled
from .models import LoginThrottle, db, utcnow

WINDOW = dt.timedelta(minutes=15)
USERNAME_FAILURES = 5
ADDRESS_FAILURES = 20
FORGET_AFTER = dt.timedelta(days=1)


@dataclass(frozen=True)
class Attempt:
    """The counters one attempt was counted on (uncount them when the password is right)."""
    user_key: str
    address_key: str


def begin_attempt(username_key: str, ip: str, refusal: str = 'Too many failed log-ins.') -> Attempt:
    """Count an attempt against the username and the client address before any password is checked.

    LoginThrottled ("... Try again in N minutes.") when either already reached its limit within the
    window; then nothing is counted and no password may be checked.
    """
    attempt = Attempt(user_key='user:' + runtime.keyring().blind(username_key), address_key='address:' + ip[:64])
    limits = {attempt.user_key: USERNAME_FAILURES, attempt.address_key: ADDRESS_FAILURES}
    now = utcnow()
    with _locked():
        rows = _locked_counters(limits, now)
        waits = [row.window_started_at + WINDOW - now for row in rows
                 if row.window_started_at > now - WINDOW and row.failures >= limits[row.key]]
        if waits or len(rows) != len(limits):
            raise LoginThrottled(f'{refusal} Try again in {_minutes(max(waits, default=dt.timedelta()))}.')
        for row in rows:
            expired = row.window_started_at <= now - WINDOW
            (LoginThrottle.update(failures=1 if expired else LoginThrottle.failures + 1,
                                  window_started_at=now if expired else row.window_started_at)
             .where(LoginThrottle.id == row.id).execute())
    _forget_old_windows(now)
    return attempt


def succeeded(attempt: Attempt) -> None:
    """The password was right: the username starts afresh, and the address is not charged for it."""
    with _locked():  # rows in key order, as begin_attempt locks them: two attempts never wait on each other in a cycle
        (LoginThrottle.update(failures=LoginThrottle.failures - 1)
         .where((LoginThrottle.key == attempt.address_key) & (LoginThrottle.failures > 0)).execute())
        LoginThrottle.update(failures=0).where(LoginThrottle.key == attempt.user_key).execute()


def _locked_counters(limits: dict[str, int], now: dt.datetime) -> list[LoginThrottle]:
    """The counters of these keys, made when missing and locked until the transaction ends, in key order."""
    for _ in range(3):  # a counter forgotten (_forget_old_windows) between our insert and our lock is made again
        for key in sorted(limits):
            LoginThrottle.insert(key=key, failures=0, window_started_at=now).on_conflict_ignore().execute()
        query = LoginThrottle.select().where(LoginThrottle.key.in_(list(limits))).order_by(LoginThrottle.key)
        rows = list(query.for_update() if db.obj.for_update else query)
        if len(rows) == len(limits):
            break
    return rows


def _forget_old_windows(now: dt.datetime) -> None:
    """Counters whose window ended long ago are of no use: keep the table small, never waiting on a locked one."""
    old = LoginThrottle.select(LoginThrottle.id).where(LoginThrottle.window_started_at < now - FORGET_AFTER)
    if db.obj.for_update:
        old = old.for_update(skip_locked=True)
    LoginThrottle.delete().where(LoginThrottle.id.in_(old)).execute()


def _locked():
    """A transaction that holds the write lock from its first statement (SQLite), so that two attempts
    cannot both read a counter below the limit; on PostgreSQL the rows are locked with FOR UPDATE."""
    if isinstance(db.obj, SqliteDatabase):
        return db.atomic('IMMEDIATE')
    return db.atomic()


def _minutes(wait: dt.timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return f'{minutes} minute' if minutes == 1 else f'{minutes} minutes'
