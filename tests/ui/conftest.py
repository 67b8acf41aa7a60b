"""The `user` fixture runs main.py afresh for every test; these fixtures point it at an empty data dir first.

Seed data by calling the store in the test body, after `user` has started the app (main.py starts
the store). Users made here share one real Argon2id hash of PASSWORD, to stay fast.
"""
from __future__ import annotations

import asyncio
import functools
import itertools
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from nicegui import background_tasks
from nicegui.testing import User

from store import accounts, api_secrets
from store.passwords import hash_password
from store.records import Actor, ApiSecretInput, UserInfo

from .helpers import PASSWORD


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir (SQLite file, key file, sessions) for the app main.py starts in this test.

    Autouse fixtures are set up before `user`, so main.py reads these variables.
    """
    path = tmp_path / 'data'
    monkeypatch.setenv('MYSAFE_DATA_DIR', str(path))
    monkeypatch.setenv('MYSAFE_STORAGE_SECRET', secrets.token_urlsafe(32))
    for name in ('MYSAFE_DATABASE_URL', 'MYSAFE_MASTER_KEY', 'MYSAFE_KEY_FILE'):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture(autouse=True)
async def settle(data_dir: Path, user: User) -> AsyncIterator[None]:
    """After each test, let pending session-storage writes finish before the app shuts down.

    Otherwise NiceGUI's shutdown waits 2 s for a write started just before it, and logs an error.
    """
    yield
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 2
    while background_tasks.lazy_tasks_running and loop.time() < deadline:
        await asyncio.sleep(0.01)


@pytest.fixture
def make_user(monkeypatch: pytest.MonkeyPatch) -> Callable[..., UserInfo]:
    """Create a user whose password is PASSWORD (call it once `user` has started the app)."""
    def make(username: str, *, is_admin: bool = False, display_name: str = '') -> UserInfo:
        with monkeypatch.context() as patch:
            patch.setattr(accounts, 'hash_password', _hash_once)
            return accounts.create_user(username, PASSWORD, display_name=display_name, is_admin=is_admin)
    return make


@pytest.fixture
def add_secret() -> Callable[..., int]:
    """Create an API secret owned by `owner` through the service; every field has a valid default."""
    counter = itertools.count(1)

    def add(owner: UserInfo, **fields: object) -> int:
        n = next(counter)
        values = {'name': f'Secret {n}', 'url': f'https://api{n}.example.com/v1', 'client_id': f'client-{n}',
                  'client_secret': f'sk_test_{n}_{secrets.token_hex(12)}'}
        values.update(fields)
        return api_secrets.create_api_secret(Actor(owner.id), ApiSecretInput(**values))
    return add


@functools.cache
def _hash_once(password: str) -> str:
    return hash_password(password)
