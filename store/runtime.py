"""The store's one piece of process state: the keyring, set once at start-up."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from . import crypto, database
from .config import Settings
from .errors import StartupError
from .models import db

T = TypeVar('T')
_keyring: list[crypto.Keyring] = []


def start(settings: Settings) -> crypto.Keyring:
    """Open the database, check the master key against it, create missing tables."""
    database.open_database(settings.database_url)
    keyring = database.open_keyring(settings)
    database.create_schema(keyring)
    _keyring[:] = [keyring]
    return keyring


def keyring() -> crypto.Keyring:
    if not _keyring:
        raise StartupError('The store has not been started')
    return _keyring[0]


def unit_of_work(service: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one service call on a connection of its own, returned afterwards (also when the call fails).

    Worker threads run these, so no thread keeps a connection open between calls.
    """
    with db.connection_context():
        return service(*args, **kwargs)


def stop() -> None:
    _keyring.clear()
    if db.obj is not None and not db.is_closed():
        db.close()
