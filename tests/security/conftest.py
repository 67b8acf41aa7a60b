"""Fixtures for the attacks: API secrets in the store, and a real MySafe server in a subprocess.

The store fixtures of tests/conftest.py (`started_store`, `make_actor`, ...) run each store-level
attack on SQLite and on PostgreSQL. `MySafeServer` runs `main.py` as the product runs it, on a free
port with a data dir of its own, and keeps its stdout and stderr in files a test can read.
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from store import api_secrets, config, runtime
from store.records import Actor, ApiSecretInput, UserInfo
from tests.seeding import PASSWORD, create_user  # noqa: F401 - the attacks import PASSWORD from here

ROOT = Path(__file__).resolve().parents[2]



@dataclass
class Seed:
    """What a server's database was given before it started."""
    users: dict[str, UserInfo] = field(default_factory=dict)
    secrets: dict[str, int] = field(default_factory=dict)  # name -> id
    client_secrets: dict[str, str] = field(default_factory=dict)  # name -> plaintext


class MySafeServer:
    """`python main.py` on a free port; `stop()` ends it the way a service manager does (SIGTERM)."""

    def __init__(self, data_dir: Path, log_dir: Path, **env: str) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.stdout_path, self.stderr_path = log_dir / 'server.stdout', log_dir / 'server.stderr'
        environ = {name: value for name, value in os.environ.items()
                   if name != 'PYTEST_CURRENT_TEST' and not name.startswith(('NICEGUI_', 'MYSAFE_'))}
        environ.update(MYSAFE_DATA_DIR=str(data_dir), MYSAFE_HOST='127.0.0.1', MYSAFE_PORT=str(self.port), **env)
        with open(self.stdout_path, 'wb') as stdout, open(self.stderr_path, 'wb') as stderr:
            self.process = subprocess.Popen([sys.executable, str(ROOT / 'main.py')], cwd=ROOT, env=environ,
                                            stdout=stdout, stderr=stderr)
        self._wait_until_up()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def logs(self) -> bytes:
        return self.stdout_path.read_bytes() + self.stderr_path.read_bytes()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f'main.py exited with {self.process.returncode}:\n{self.logs().decode()}')
            try:
                httpx.get(f'{self.url}/login', timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f'main.py did not answer within 20 s:\n{self.logs().decode()}')


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
        server = MySafeServer(data_dir or tmp_path / 'data', tmp_path, **env)
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


def _create_user(username: str, is_admin: bool) -> UserInfo:
    return create_user(username, is_admin=is_admin)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]
