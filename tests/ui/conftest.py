"""The `user` fixture runs main.py afresh for every test; these fixtures point it at an empty data dir first.

Seed data by calling the store in the test body, after `user` has started the app (main.py starts
the store). Users made here share one real Argon2id hash of PASSWORD, to stay fast.
"""
from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, unquote, urlsplit
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from nicegui import background_tasks
from nicegui.testing import User

from store.records import Actor, UserInfo
from tests.seeding import create_user, secret_maker
from tests.ui.helpers import SLOW, page_built


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


@pytest.fixture(autouse=True)
def patient_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """`should_see` waits up to 6 s by default: pages ask the store in worker threads, so a page and each
    redirect it makes take a few event-loop turns (NiceGUI's default is 3 tries, 0.1 s apart)."""
    original = User.should_see

    async def should_see(self, *args, retries: int = 2 * SLOW, **kwargs):
        return await original(self, *args, retries=retries, **kwargs)

    monkeypatch.setattr(User, 'should_see', should_see)
    original_open = User.open

    async def open_page(self, *args, **kwargs):
        """Like a browser's load: done once the page (built in the background, it awaits the store) is built."""
        result = await original_open(self, *args, **kwargs)
        path = args[0] if args else kwargs.get('path', '')
        if path.startswith('/auth/complete'):  # the browser's address bar shows where the redirect led
            self.back_history[-1] = unquote(parse_qs(urlsplit(path).query).get('next', ['/mysafe'])[0])
        await page_built(self)
        return result

    monkeypatch.setattr(User, 'open', open_page)


@pytest.fixture
def make_user() -> Callable[..., UserInfo]:
    """Create a user whose password is PASSWORD (call it once `user` has started the app)."""
    return create_user


@pytest.fixture
def add_secret() -> Callable[..., int]:
    """Create an API secret owned by `owner` (a UserInfo) through the service; valid defaults."""
    add = secret_maker()
    return lambda owner, **fields: add(Actor(owner.id), **fields)
