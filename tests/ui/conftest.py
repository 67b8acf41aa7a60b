"""The `user` fixture runs main.py afresh for every test; these fixtures point it at an empty data dir first.

Seed data by calling the store in the test body, after `user` has started the app (main.py starts
the store). Users made here share one real Argon2id hash of PASSWORD, to stay fast.
"""
from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from nicegui import background_tasks
from nicegui.testing import User

from store.records import Actor, UserInfo
from tests.seeding import create_user, secret_maker


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
def make_user() -> Callable[..., UserInfo]:
    """Create a user whose password is PASSWORD (call it once `user` has started the app)."""
    return create_user


@pytest.fixture
def add_secret() -> Callable[..., int]:
    """Create an API secret owned by `owner` (a UserInfo) through the service; valid defaults."""
    add = secret_maker()
    return lambda owner, **fields: add(Actor(owner.id), **fields)
