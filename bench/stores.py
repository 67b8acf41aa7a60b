"""What the benchmarks share: the store started on a new database of a backend, removed afterwards."""
from __future__ import annotations

import secrets
import tempfile

import psycopg2

from store import config, runtime
from store.models import db

POSTGRES = {'host': '127.0.0.1', 'port': 5432, 'user': 'postgres'}


class fresh_store:  # noqa: N801 - used as a context manager, like a function
    """`with fresh_store('sqlite' | 'postgresql') as url:` the store started on a new, empty database."""

    def __init__(self, backend: str) -> None:
        self.backend, self.name = backend, f'mysafe_bench_{secrets.token_hex(4)}'

    def __enter__(self) -> str:
        self.data_dir = tempfile.TemporaryDirectory(prefix='mysafe-bench-')
        env = {'MYSAFE_DATA_DIR': self.data_dir.name}
        url = f'sqlite:///{self.data_dir.name}/mysafe.db'
        if self.backend == 'postgresql':
            admin(f'CREATE DATABASE {self.name}')
            admin(f'ALTER DATABASE {self.name} SET synchronous_commit = off')  # no fsync wait per seeding commit
            url = env['MYSAFE_DATABASE_URL'] = f'postgresql://postgres@127.0.0.1:5432/{self.name}'
        runtime.stop()
        runtime.start(config.load_settings(env))
        db.close()
        return url

    def __exit__(self, *_) -> None:
        runtime.stop()
        if self.backend == 'postgresql':
            admin(f'DROP DATABASE IF EXISTS {self.name} WITH (FORCE)')
        self.data_dir.cleanup()


def admin(sql: str) -> None:
    """Run one statement on PostgreSQL's maintenance database (create, drop, terminate)."""
    connection = psycopg2.connect(dbname='postgres', **POSTGRES)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()
