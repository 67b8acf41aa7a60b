"""Start-up as an operator meets it: it never makes a new master key for a database that holds encrypted
data, and it refuses data files other users can open, saying which chmod to run."""
from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from store import api_secrets, runtime
from store.models import KeyCheck, db
from tests.security.conftest import PASSWORD, seed

ROOT = Path(__file__).resolve().parents[2]


def mysafe(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`python main.py create-user ...` with these MYSAFE_* variables; it starts the store as serving does."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(('MYSAFE_', 'PYTEST_', 'NICEGUI_'))}
    environ.update(env)
    command = [sys.executable, str(ROOT / 'main.py'), *(args or ('create-user', 'bob', '--password-stdin'))]
    return subprocess.run(command, input=f'{PASSWORD}\n', capture_output=True, text=True, env=environ, cwd=ROOT,
                          timeout=60, check=False)


@pytest.fixture
def encrypted(started_store, make_actor, add_secret):
    """A database holding an encrypted client secret, whose key-check table was then emptied."""
    alice = make_actor('alice')
    secret_id = add_secret(alice, client_secret='sk_live_kept')
    KeyCheck.delete().execute()
    runtime.stop()
    return started_store, alice, secret_id


def _database_state(backend) -> list:
    """What start-up must not change: every user and the key check, as the database holds them."""
    if backend.database_url:
        connection = psycopg2.connect(backend.database_url)
    else:
        connection = sqlite3.connect(backend.sqlite_file)
    try:
        cursor = connection.cursor()
        cursor.execute('SELECT id, username FROM "user" ORDER BY id')
        users = cursor.fetchall()
        cursor.execute('SELECT COUNT(*) FROM key_check')
        return [users, cursor.fetchone()[0]]
    finally:
        connection.close()


def test_a_missing_key_file_and_an_emptied_key_check_stop_start_up_creating_nothing(encrypted) -> None:
    backend, _, _ = encrypted
    backend.key_file.rename(backend.data_dir.parent / 'kept-elsewhere.key')
    before = _database_state(backend)

    result = mysafe(backend.environ())

    assert result.returncode == 2
    assert result.stderr.startswith('mysafe: ')
    assert f'The key file {backend.key_file} is missing, but the database already holds encrypted data' \
        in result.stderr
    assert not backend.key_file.exists()  # no new key was made
    assert _database_state(backend) == before  # no user, no key check


def test_another_key_with_an_emptied_key_check_stops_start_up(encrypted) -> None:
    backend, _, _ = encrypted
    backend.key_file.write_text(base64.b64encode(os.urandom(32)).decode() + '\n')
    before = _database_state(backend)

    result = mysafe(backend.environ())

    assert result.returncode == 2
    assert 'does not match the data in this database' in result.stderr
    assert _database_state(backend) == before


def test_the_right_key_with_an_emptied_key_check_starts_and_restores_the_check(encrypted) -> None:
    backend, alice, secret_id = encrypted
    assert mysafe(backend.environ()).returncode == 0
    backend.start()
    assert KeyCheck.select().count() == 1
    assert api_secrets.reveal_client_secret(alice, secret_id) == 'sk_live_kept'
    db.close()


@pytest.fixture
def sqlite_data(tmp_path: Path) -> Path:
    data_dir = tmp_path / 'data'
    seed(data_dir, {'alice': True}, {'alice': [{'name': 'Stripe'}]})
    (data_dir / 'storage.secret').write_text('a storage secret')
    (data_dir / 'storage.secret').chmod(0o600)
    return data_dir


@pytest.mark.parametrize('name, mode, fix', [
    ('.', 0o755, 'chmod 700'), ('.', 0o750, 'chmod 700'), ('mysafe.db', 0o644, 'chmod 600'),
    ('mysafe.db', 0o660, 'chmod 600'), ('master.key', 0o640, 'chmod 600'), ('storage.secret', 0o604, 'chmod 600'),
])
def test_files_other_users_can_open_are_refused_with_the_chmod_to_run(sqlite_data: Path, name: str, mode: int,
                                                                      fix: str) -> None:
    path = (sqlite_data / name).resolve()
    assert mysafe({'MYSAFE_DATA_DIR': str(sqlite_data)}, 'create-user', 'carol', '--password-stdin').returncode == 0
    path.chmod(mode)

    result = mysafe({'MYSAFE_DATA_DIR': str(sqlite_data)})

    assert result.returncode == 2
    assert f'{path} is readable by other users' in result.stderr
    assert f'run: {fix} {path}' in result.stderr
    os.chmod(path, 0o700 if name == '.' else 0o600)  # the chmod it names is the fix
    assert mysafe({'MYSAFE_DATA_DIR': str(sqlite_data)}).returncode == 0


def test_a_new_data_dir_and_database_are_private_whatever_the_umask(tmp_path: Path) -> None:
    data_dir = tmp_path / 'fresh'
    old = os.umask(0o022)
    try:
        seed(data_dir, {'alice': True}, {'alice': [{'name': 'Stripe'}]})
    finally:
        os.umask(old)
    for path in (data_dir, data_dir / 'mysafe.db', data_dir / 'master.key'):
        assert path.stat().st_mode & 0o077 == 0, path
