"""Whether this instance can serve, for a load balancer's health check (GET /healthz)."""
from __future__ import annotations

from dataclasses import dataclass

from . import runtime
from .database import KEY_CHECK_CONTEXT
from .errors import DatabaseUnavailable, DecryptionError, StartupError
from .models import KeyCheck


@dataclass(frozen=True)
class Health:
    ok: bool
    reason: str  # 'ok', or why not, in words that name no secret


def check() -> Health:
    """Ok when the database answers and the master key in use opens the database's key check.

    Reads one row, writes nothing, needs no session; runs its own unit of work (call it from a worker thread).
    """
    try:
        return runtime.unit_of_work(_check)
    except DatabaseUnavailable:
        return Health(False, 'the database is not answering')


def _check() -> Health:
    try:
        keyring = runtime.keyring()
    except StartupError:
        return Health(False, 'the store is not started')
    row = KeyCheck.select().order_by(KeyCheck.id).first()
    if row is None:
        return Health(False, 'the database has no key check')
    try:
        keyring.open_with_master(bytes(row.verifier), KEY_CHECK_CONTEXT)
    except DecryptionError:
        return Health(False, 'the master key does not match the database')
    return Health(True, 'ok')
