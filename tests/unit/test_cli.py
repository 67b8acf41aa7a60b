"""The command line (SPEC section 5) as an operator uses it: messages on stderr, non-zero exits, nothing changed."""
from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def mysafe(data_dir: Path, *args: str, stdin: str = '', **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(('MYSAFE_', 'PYTEST_'))}
    environ.update(MYSAFE_DATA_DIR=str(data_dir), **env)
    return subprocess.run([sys.executable, str(ROOT / 'main.py'), *args], input=stdin, capture_output=True,
                          text=True, env=environ, cwd=ROOT, timeout=60)


def test_help_lists_every_command(tmp_path):
    result = mysafe(tmp_path, '--help')
    assert result.returncode == 0
    assert 'create-user' in result.stdout and 'serve' in result.stdout


def test_create_user_reads_the_password_from_stdin_and_refuses_bad_input(tmp_path):
    created = mysafe(tmp_path, 'create-user', 'Alice', '--admin', '--password-stdin', stdin='a long passphrase\n')
    assert (created.returncode, created.stdout.strip()) == (0, 'Created administrator Alice')
    again = mysafe(tmp_path, 'create-user', 'alice', '--password-stdin', stdin='a long passphrase\n')
    assert again.returncode == 1 and 'already taken' in again.stderr
    short = mysafe(tmp_path, 'create-user', 'bob', '--password-stdin', stdin='short\n')
    assert short.returncode == 1 and 'at least 12 characters' in short.stderr
    bad_name = mysafe(tmp_path, 'create-user', 'bob smith', '--password-stdin', stdin='a long passphrase\n')
    assert bad_name.returncode == 1 and 'username' in bad_name.stderr


def test_a_wrong_master_key_stops_start_up_naming_the_key_and_changing_nothing(tmp_path):
    assert mysafe(tmp_path, 'create-user', 'alice', '--password-stdin', stdin='a long passphrase\n').returncode == 0
    database = tmp_path / 'mysafe.db'
    before = database.read_bytes()
    other_key = tmp_path / 'other.key'
    other_key.write_text(base64.b64encode(os.urandom(32)).decode())
    other_key.chmod(0o600)
    result = mysafe(tmp_path, 'create-user', 'bob', '--password-stdin', stdin='a long passphrase\n',
                    MYSAFE_KEY_FILE=str(other_key))
    assert result.returncode == 2
    assert str(other_key) in result.stderr and 'does not match this database' in result.stderr
    assert database.read_bytes() == before
    assert not (tmp_path / 'mysafe.db-wal').exists() or (tmp_path / 'mysafe.db-wal').stat().st_size == 0


def test_a_missing_key_file_for_an_existing_database_is_not_replaced(tmp_path):
    assert mysafe(tmp_path, 'create-user', 'alice', '--password-stdin', stdin='a long passphrase\n').returncode == 0
    key = tmp_path / 'master.key'
    key.rename(tmp_path / 'kept-elsewhere.key')
    result = mysafe(tmp_path, 'create-user', 'bob', '--password-stdin', stdin='a long passphrase\n')
    assert result.returncode == 2 and 'is missing' in result.stderr
    assert not key.exists()


@pytest.mark.parametrize('variable, value', [('MYSAFE_PORT', 'eighty'), ('MYSAFE_MASTER_KEY', 'not base64!'),
                                             ('MYSAFE_DATABASE_URL', 'mysql://root@localhost/x'),
                                             ('MYSAFE_SECURE_COOKIES', 'maybe')])
def test_a_bad_environment_variable_stops_start_up_naming_it(tmp_path, variable, value):
    result = mysafe(tmp_path, **{variable: value})
    assert result.returncode == 2
    assert variable in result.stderr
    assert not (tmp_path / 'mysafe.db').exists()


def test_get_is_a_client_of_a_server_and_never_opens_the_store(tmp_path):
    data_dir = tmp_path / 'data'
    result = mysafe(data_dir, 'get', 'stripe')
    assert result.returncode == 2 and 'MYSAFE_URL' in result.stderr and result.stdout == ''
    no_key = mysafe(data_dir, 'get', 'stripe', MYSAFE_URL='http://127.0.0.1:9')
    assert no_key.returncode == 2 and 'MYSAFE_ACCESS_KEY' in no_key.stderr
    bad_key = mysafe(data_dir, 'get', 'stripe', MYSAFE_URL='http://127.0.0.1:9', MYSAFE_ACCESS_KEY='mysafe_a\nb')
    assert bad_key.returncode == 2 and 'mysafe_a' not in bad_key.stderr
    assert not data_dir.exists()  # no database, key file or secret was made
    assert 'get' in mysafe(data_dir, '--help').stdout
