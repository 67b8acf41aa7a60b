"""Fixtures for the attacks: API secrets in the store, and a real MySafe server in a subprocess.

The store fixtures of tests/conftest.py (`started_store`, `make_actor`, ...) run each store-level
attack on SQLite and on PostgreSQL. `start_server` runs `main.py` as the product runs it (tests/harness.py),
on a free port with a data dir of its own, and keeps its stdout and stderr in files a test can read.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from store import api_secrets, config, runtime
from store.records import Actor, ApiSecretInput, UserInfo
from tests.harness import ROOT, AppServer  # noqa: F401 - the attacks import ROOT from here
from tests.seeding import PASSWORD, create_user  # noqa: F401 - the attacks import PASSWORD from here



@dataclass
class Seed:
    """What a server's database was given before it started."""
    users: dict[str, UserInfo] = field(default_factory=dict)
    secrets: dict[str, int] = field(default_factory=dict)  # name -> id
    client_secrets: dict[str, str] = field(default_factory=dict)  # name -> plaintext


MySafeServer = AppServer  # the one server harness (tests/harness.py)


def start_server(data_dir: Path, log_dir: Path, **env: str) -> AppServer:
    """`python main.py` on a free port with `data_dir`, its output kept in `log_dir`; running on return."""
    return AppServer(data_dir, log_dir, **env).start()


def seed(data_dir: Path, users: dict[str, bool], secrets_by_owner: dict[str, list[dict]]) -> Seed:
    """Fill a new database in `data_dir` through the store, as the server will find it.

    `users` maps username to is_admin; every password is PASSWORD.
    """
    result = Seed()
    runtime.stop()
    runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(data_dir)}))
    try:
        for username, is_admin in users.items():
            result.users[username] = _create_user(username, is_admin)
        for owner, items in secrets_by_owner.items():
            for item in items:
                values = {'url': 'https://api.example.com', 'client_id': f'ca_{secrets.token_hex(4)}',
                          'client_secret': f'sk_live_{secrets.token_hex(16)}', **item}
                actor = Actor(result.users[owner].id)
                result.secrets[values['name']] = api_secrets.create_api_secret(actor, ApiSecretInput(**values))
                result.client_secrets[values['name']] = values['client_secret']
    finally:
        runtime.stop()
    return result


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., MySafeServer]]:
    """Start servers for this test (each on its own data dir unless told); all are stopped at the end."""
    started: list[MySafeServer] = []

    def start(data_dir: Path | None = None, **env: str) -> MySafeServer:
        server = start_server(data_dir or tmp_path / 'data', tmp_path, **env)
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


def _create_user(username: str, is_admin: bool) -> UserInfo:
    return create_user(username, is_admin=is_admin)
