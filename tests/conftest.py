"""Fixtures every test layer may use: the store started on SQLite and on PostgreSQL.

`store_backend` runs a test once per backend with an empty database and a data dir of its own;
`started_store` also starts the store on it, with a fresh master key (a new key file per test).
A PostgreSQL server that does not answer fails the postgresql runs, unless MYSAFE_SKIP_POSTGRES=1.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from store import config, runtime
from store.crypto import Keyring
from store.models import MODELS
from store.records import Actor, UserInfo

from tests.postgres import maintenance
from tests.seeding import PASSWORD, create_user, secret_maker  # noqa: F401 - PASSWORD is imported from here


@dataclass(frozen=True)
class StoreBackend:
    """One database the store can run on, and this test's data dir (key file, SQLite file)."""
    name: str
    data_dir: Path
    database_url: str | None = None  # None: the default SQLite file inside data_dir

    def environ(self, **extra: str) -> dict[str, str]:
        """The MYSAFE_* variables that point the store here; `extra` adds or overrides some."""
        env = {'MYSAFE_DATA_DIR': str(self.data_dir)}
        if self.database_url:
            env['MYSAFE_DATABASE_URL'] = self.database_url
        env.update(extra)
        return env

    def start(self, **extra: str) -> Keyring:
        """(Re)start the store on this database, as main.py does."""
        runtime.stop()
        return runtime.start(config.load_settings(self.environ(**extra)))

    @property
    def key_file(self) -> Path:
        return self.data_dir / 'master.key'

    @property
    def sqlite_file(self) -> Path:
        return self.data_dir / 'mysafe.db'


@pytest.fixture(scope='session')
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped at its end); yields its URL."""
    name = f'mysafe_test_{secrets.token_hex(6)}'
    try:
        maintenance(f'CREATE DATABASE {name}')
    except psycopg2.OperationalError as exc:
        if os.environ.get('MYSAFE_SKIP_POSTGRES') == '1':
            pytest.skip('PostgreSQL does not answer and MYSAFE_SKIP_POSTGRES=1')
        pytest.fail(f'PostgreSQL on 127.0.0.1:5432 does not answer: {str(exc).strip()}\n'
                    'Start it (see .ci/run), or set MYSAFE_SKIP_POSTGRES=1 to skip the postgresql runs.',
                    pytrace=False)
    maintenance(f'ALTER DATABASE {name} SET synchronous_commit = off')  # no fsync wait per commit
    try:
        yield f'postgresql://postgres@127.0.0.1:5432/{name}'
    finally:
        runtime.stop()
        maintenance(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')


@pytest.fixture(params=['sqlite', 'postgresql'])
def store_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreBackend]:
    """An empty database on each backend; the store is not started."""
    runtime.stop()
    data_dir = tmp_path / 'data'
    if request.param == 'sqlite':
        backend = StoreBackend('sqlite', data_dir)
    else:
        url = request.getfixturevalue('postgres_database')
        _drop_tables(url)
        backend = StoreBackend('postgresql', data_dir, url)
    try:
        yield backend
    finally:
        runtime.stop()


@pytest.fixture
def started_store(store_backend: StoreBackend) -> StoreBackend:
    """The store started on an empty database with a new master key (a fresh key file)."""
    store_backend.start()
    return store_backend


@pytest.fixture
def make_user(started_store: StoreBackend) -> Callable[..., UserInfo]:
    """Create a user with the password PASSWORD through store.accounts.create_user."""
    return create_user


@pytest.fixture
def add_secret(started_store: StoreBackend) -> Callable[..., int]:
    """Create an API secret through the service: `add_secret(actor, **fields)`, valid defaults."""
    return secret_maker()


@pytest.fixture
def make_actor(make_user: Callable[..., UserInfo]) -> Callable[..., Actor]:
    """Create a user and return the Actor services take for them (with an IP for the audit)."""
    def make(username: str, *, is_admin: bool = False, display_name: str = '') -> Actor:
        user = make_user(username, is_admin=is_admin, display_name=display_name)
        return Actor(user.id, ip='203.0.113.7', user_agent='pytest')
    return make


def _drop_tables(url: str) -> None:
    tables = ', '.join(f'"{model._meta.table_name}"' for model in MODELS)  # "user" is a reserved word
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS {tables} CASCADE')
    connection.close()
