"""Attacks on stolen files: the database and the key file must not give the secrets away (SPEC section 4)."""
from __future__ import annotations

import base64
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import accounts, api_secrets, config, runtime
from store.errors import ConfigError
from store.models import MODELS, db
from store.records import Actor, ApiSecretInput

from tests.seeding import PASSWORD


def _plaintexts() -> list[str]:
    """Client secrets an attacker would grep for: plain ASCII, unicode, and the longest allowed."""
    return [f'sk_live_{secrets.token_hex(16)}', f'pässwörd-秘密-{secrets.token_hex(8)}',
            secrets.token_urlsafe(6200)[:8192]]


def _encodings(text: str) -> list[bytes]:
    return [text.encode('utf-8'), text.encode('utf-16-le'), base64.b64encode(text.encode())]


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Path]:
    """The store started on a new SQLite database in a data dir of its own; yields the data dir."""
    data_dir = tmp_path / 'data'
    runtime.stop()
    runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(data_dir)}))
    try:
        yield data_dir
    finally:
        runtime.stop()


def _use_secrets(actor: Actor, plaintexts: list[str]) -> list[int]:
    """Create, reveal and change secrets, so every code path that writes has run."""
    ids = []
    for n, plaintext in enumerate(plaintexts):
        ids.append(api_secrets.create_api_secret(actor, ApiSecretInput(
            name=f'Secret {n}', url='https://api.example.com', client_id=f'visible-client-id-{n}',
            client_secret=plaintext)))
        assert api_secrets.reveal_client_secret(actor, ids[-1]) == plaintext
    # Replacing a client secret keeps the old one in the history: it must be encrypted there too.
    details = api_secrets.get_api_secret(actor, ids[0])
    api_secrets.update_api_secret(actor, ids[0], ApiSecretInput(
        name=details.name, url=details.url, client_id=details.client_id, client_secret=plaintexts[1] + '-new'),
        details.version)
    return ids


def test_no_client_secret_is_in_the_sqlite_files(sqlite_store: Path) -> None:
    alice = accounts.create_user('alice', PASSWORD)
    plaintexts = _plaintexts()
    _use_secrets(Actor(alice.id), plaintexts)
    master_key = base64.b64decode((sqlite_store / 'master.key').read_text())

    def files() -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in sqlite_store.glob('mysafe.db*')}

    while_open = files()
    runtime.stop()  # closing checkpoints the WAL into the main file
    closed = files()
    for snapshot in (while_open, closed):
        assert any(b'visible-client-id-0' in content for content in snapshot.values())  # the scan sees text
    for name, content in [*while_open.items(), *((f'{name} (closed)', c) for name, c in closed.items())]:
        for plaintext in [*plaintexts, plaintexts[1] + '-new']:
            for encoded in _encodings(plaintext[:64]):
                assert encoded not in content, f'{name} holds a client secret'
        assert master_key not in content and base64.b64encode(master_key) not in content, name
        assert PASSWORD.encode() not in content, name


def test_no_client_secret_is_in_any_table(make_actor) -> None:
    alice = make_actor('alice')
    plaintexts = _plaintexts()
    _use_secrets(alice, plaintexts)

    dump = b''
    for model in MODELS:
        for row in db.execute_sql(f'SELECT * FROM {model._meta.table_name}').fetchall():
            dump += b'|'.join(bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
                              for value in row) + b'\n'
    assert b'visible-client-id-0' in dump
    for plaintext in [*plaintexts, plaintexts[1] + '-new']:
        for encoded in _encodings(plaintext[:64]):
            assert encoded not in dump


def test_the_master_key_file_is_created_readable_by_its_owner_only(sqlite_store: Path) -> None:
    key_file = sqlite_store / 'master.key'
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(base64.b64decode(key_file.read_text())) == 32


def test_a_key_file_others_can_read_is_refused_and_left_alone(sqlite_store: Path) -> None:
    key_file = sqlite_store / 'master.key'
    content = key_file.read_bytes()
    runtime.stop()
    os.chmod(key_file, 0o644)
    with pytest.raises(ConfigError, match='readable by other users'):
        runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(sqlite_store)}))
    assert key_file.read_bytes() == content


def test_the_key_file_is_never_overwritten(sqlite_store: Path) -> None:
    key_file = sqlite_store / 'master.key'
    content = key_file.read_bytes()
    runtime.stop()
    runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(sqlite_store)}))
    assert key_file.read_bytes() == content
