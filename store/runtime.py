"""The store's one piece of process state: the keyring, set once at start-up."""
from __future__ import annotations

from . import crypto, database
from .config import Settings
from .errors import StartupError
from .models import db

_keyring: list[crypto.Keyring] = []


def start(settings: Settings) -> crypto.Keyring:
    """Check the files are private, open the database, check the master key against it, create missing tables."""
    database.check_private_files(settings)
    database.open_database(settings.database_url)
    keyring = database.open_keyring(settings)
    database.create_schema(keyring)
    _keyring[:] = [keyring]
    return keyring


def keyring() -> crypto.Keyring:
    if not _keyring:
        raise StartupError('The store has not been started')
    return _keyring[0]


def stop() -> None:
    _keyring.clear()
    if db.obj is not None and not db.is_closed():
        db.close()
