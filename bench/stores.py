"""What the benchmarks share: the store started on a new database of a backend, removed afterwards."""
from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from store import config, runtime
from store.models import db
from tests.postgres import maintenance


class fresh_store:  # noqa: N801 - used as a context manager, like a function
    """`with fresh_store('sqlite' | 'postgresql') as url:` the store started on a new, empty database."""

    def __init__(self, backend: str) -> None:
        self.backend, self.name = backend, f'mysafe_bench_{secrets.token_hex(4)}'

    def __enter__(self) -> str:
        self.data_dir = tempfile.TemporaryDirectory(prefix='mysafe-bench-')
        env = {'MYSAFE_DATA_DIR': self.data_dir.name}
        url = f'sqlite:///{self.data_dir.name}/mysafe.db'
        if self.backend == 'postgresql':
            maintenance(f'CREATE DATABASE {self.name}')
            maintenance(f'ALTER DATABASE {self.name} SET synchronous_commit = off')  # no fsync wait per seeding commit
            url = env['MYSAFE_DATABASE_URL'] = f'postgresql://postgres@127.0.0.1:5432/{self.name}'
        runtime.stop()
        runtime.start(config.load_settings(env))
        db.close()
        return url

    def __exit__(self, *_) -> None:
        runtime.stop()
        if self.backend == 'postgresql':
            maintenance(f'DROP DATABASE IF EXISTS {self.name} WITH (FORCE)')
        self.data_dir.cleanup()


class kept_store:  # noqa: N801 - used as a context manager, like a function
    """`with kept_store('sqlite' | 'postgresql', name, root) as built:` the store started on a database kept between
    runs: a data dir `root/backend-name` (its master key, and the SQLite file) and, on PostgreSQL, the database
    `name`. `built` is False the first time (the caller seeds, then calls `mark_built()`); later runs reuse it.
    Remove it with `forget()` (or drop the database and the directory by hand)."""

    def __init__(self, backend: str, name: str, root: str) -> None:
        self.backend, self.name = backend, name
        self.data_dir = Path(root) / f'{backend}-{name}'
        self.marker = self.data_dir / 'built'

    def __enter__(self) -> bool:
        built = self.marker.exists()
        if not built:
            self.forget()
            self.data_dir.mkdir(parents=True, mode=0o700)
        env = {'MYSAFE_DATA_DIR': str(self.data_dir)}
        if self.backend == 'postgresql':
            if not built:
                maintenance(f'CREATE DATABASE {self.name}')
                maintenance(f'ALTER DATABASE {self.name} SET synchronous_commit = off')
            env['MYSAFE_DATABASE_URL'] = self.url
        runtime.stop()
        runtime.start(config.load_settings(env))
        db.close()
        return built

    @property
    def url(self) -> str:
        if self.backend == 'postgresql':
            return f'postgresql://postgres@127.0.0.1:5432/{self.name}'
        return f'sqlite:///{self.data_dir}/mysafe.db'

    def mark_built(self) -> None:
        self.marker.write_text('built\n')

    def forget(self) -> None:
        if self.backend == 'postgresql':
            maintenance(f'DROP DATABASE IF EXISTS {self.name} WITH (FORCE)')
        if self.data_dir.exists():
            for path in sorted(self.data_dir.rglob('*'), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink()
            self.data_dir.rmdir()

    def __exit__(self, *_) -> None:
        runtime.stop()
