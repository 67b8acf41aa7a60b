"""The store's one piece of process state: the keyring, set once at start-up."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from . import crypto, database
from .config import DEFAULT_CLIPBOARD_SECONDS, DEFAULT_REVEAL_SECONDS, Settings
from .errors import StartupError
from .models import User, db

T = TypeVar('T')
_keyring: list[crypto.Keyring] = []
_settings: list[Settings] = []
_set_up: list[bool] = []  # [True] once this process has seen a user: MySafe never needs setting up again


def start(settings: Settings) -> crypto.Keyring:
    """Check the files are private, open the database, check the master key against it, create missing tables."""
    database.check_private_files(settings)
    database.open_database(settings.database_url)
    keyring = database.open_keyring(settings)
    database.create_schema(keyring)
    _keyring[:] = [keyring]
    _settings[:] = [settings]
    if User.select().exists():
        mark_set_up()
    return keyring


def known_set_up() -> bool:
    """True once this process knows a user exists (no database read: pages decide redirects with it)."""
    return bool(_set_up)


def mark_set_up() -> None:
    _set_up[:] = [True]


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


def unit_of_work(service: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one service call on a connection of its own, returned afterwards (also when the call fails).

    Worker threads run these, so no thread keeps a connection open between calls.
    """
    with db.connection_context():
        return service(*args, **kwargs)


def stop() -> None:
    from . import two_factor  # here: two_factor itself needs this module
    two_factor.forget_cached()
    _keyring.clear()
    _settings.clear()
    _set_up.clear()
    if db.obj is not None and not db.is_closed():
        db.close()
