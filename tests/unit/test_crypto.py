"""Encryption at rest and the master key (SPEC section 4), as seen through the store's services."""
from __future__ import annotations

import base64
import os
import stat

import pytest

from store import api_secrets, runtime
from store.crypto import Keyring, associated_data
from store.errors import ConfigError, DecryptionError, StartupError
from store.models import MODELS, ApiSecret, KeyCheck
from store.records import ApiSecretInput
from tests.unit.helpers import events_for, raw_rows

SECRET = 'sk_live_51Hq2ZJtY8pVnQ0xPlaintextMustNotLeak'


def _new_key_b64() -> str:
    return base64.b64encode(os.urandom(32)).decode()


# --- the cipher itself ---------------------------------------------------------------------------

def test_encrypt_then_decrypt_gives_back_the_text_and_each_ciphertext_differs():
    keyring = Keyring(os.urandom(32))
    data_key, _ = keyring.new_data_key('api_secret', 1)
    first = keyring.encrypt(data_key, 'pässwörd ✓', 'api_secret', 1, 'client_secret')
    second = keyring.encrypt(data_key, 'pässwörd ✓', 'api_secret', 1, 'client_secret')
    assert first != second  # a fresh nonce each time
    assert keyring.decrypt(data_key, first, 'api_secret', 1, 'client_secret') == 'pässwörd ✓'


def test_a_ciphertext_only_opens_for_its_own_table_record_and_field():
    keyring = Keyring(os.urandom(32))
    data_key, _ = keyring.new_data_key('api_secret', 1)
    blob = keyring.encrypt(data_key, 'value', 'api_secret', 1, 'client_secret')
    for table, record_id, field in (('api_secret', 2, 'client_secret'), ('api_secret', 1, 'client_id'),
                                    ('other', 1, 'client_secret')):
        with pytest.raises(DecryptionError, match=associated_data(table, record_id, field).decode()):
            keyring.decrypt(data_key, blob, table, record_id, field)


def test_the_keyring_never_shows_the_master_key():
    master = os.urandom(32)
    keyring = Keyring(master)
    assert base64.b64encode(master).decode() not in repr(keyring) + keyring.key_id
    assert master.hex() not in repr(keyring) + keyring.key_id


# --- secrets in the database -----------------------------------------------------------------------

def test_a_saved_client_secret_reveals_unchanged(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    longest = 'é' * 8192
    for value in (SECRET, longest):
        secret_id = add_secret(alice, client_secret=value)
        assert api_secrets.reveal_client_secret(alice, secret_id) == value


def test_the_plaintext_never_reaches_the_database(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id = add_secret(alice, client_secret=SECRET)
    api_secrets.reveal_client_secret(alice, secret_id)
    version = api_secrets.get_api_secret(alice, secret_id).version
    replacement = SECRET[::-1]  # the first value now goes to the history, encrypted too
    api_secrets.update_api_secret(alice, secret_id, ApiSecretInput(
        name='Stripe', url='https://api.stripe.com', client_id='ca_1', client_secret=replacement), version)
    assert api_secrets.reveal_client_secret(alice, secret_id) == replacement
    assert any(b'ca_1' in row for row in raw_rows('api_secret'))  # the scan does see what is stored
    assert any(b'alice' in row for row in raw_rows('user'))
    for plaintext in (SECRET.encode(), replacement.encode()):
        for model in MODELS:
            assert not any(plaintext in row for row in raw_rows(model._meta.table_name)), model.__name__
        if started_store.name == 'sqlite':  # the bytes on disk, write-ahead log included
            for path in started_store.data_dir.iterdir():
                assert plaintext not in path.read_bytes(), path.name


def test_a_tampered_ciphertext_fails_loudly_and_is_not_counted_as_a_use(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id = add_secret(alice, client_secret=SECRET)
    blob = bytearray(ApiSecret.get_by_id(secret_id).client_secret)
    blob[len(blob) // 2] ^= 0x01
    ApiSecret.update(client_secret=bytes(blob)).where(ApiSecret.id == secret_id).execute()
    with pytest.raises(DecryptionError, match='cannot be decrypted'):
        api_secrets.reveal_client_secret(alice, secret_id)
    assert [event.details for event in events_for(secret_id, 'Reveal')] == ['Client secret: cannot be decrypted']
    assert ApiSecret.get_by_id(secret_id).last_used_at is None


@pytest.mark.parametrize('columns', [('client_secret',), ('wrapped_data_key',), ('client_secret', 'wrapped_data_key')])
def test_values_copied_from_another_row_fail_to_decrypt(started_store, make_actor, add_secret, columns):
    alice = make_actor('alice')
    source_id = add_secret(alice, client_secret='the source secret')
    target_id = add_secret(alice, client_secret='the target secret')
    source = ApiSecret.get_by_id(source_id)
    ApiSecret.update({column: getattr(source, column) for column in columns}).where(
        ApiSecret.id == target_id).execute()
    with pytest.raises(DecryptionError):
        api_secrets.reveal_client_secret(alice, target_id)
    assert api_secrets.reveal_client_secret(alice, source_id) == 'the source secret'


# --- the master key --------------------------------------------------------------------------------

def test_the_key_file_is_private_and_never_overwritten(started_store, make_actor, add_secret):
    key_file = started_store.key_file
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    original = key_file.read_bytes()
    alice = make_actor('alice')
    secret_id = add_secret(alice, client_secret=SECRET)
    started_store.start()
    assert key_file.read_bytes() == original
    assert api_secrets.reveal_client_secret(alice, secret_id) == SECRET


def test_a_key_file_others_can_read_is_refused(started_store):
    started_store.key_file.chmod(0o644)
    with pytest.raises(ConfigError, match='chmod 600'):
        started_store.start()


def test_a_key_from_the_environment_creates_no_key_file(store_backend):
    key = _new_key_b64()
    store_backend.start(MYSAFE_MASTER_KEY=key)
    assert not store_backend.key_file.exists()
    store_backend.start(MYSAFE_MASTER_KEY=key)  # the same key opens the database again


@pytest.mark.parametrize('value, message', [
    ('not base64 at all!', 'not valid base64'),
    (base64.b64encode(bytes(range(16))).decode(), 'got 16 bytes'),  # fixed: parallel workers collect the same ids
])
def test_an_unusable_master_key_in_the_environment_is_a_config_error(store_backend, value, message):
    with pytest.raises(ConfigError, match=f'MYSAFE_MASTER_KEY.*{message}'):
        store_backend.start(MYSAFE_MASTER_KEY=value)
    assert not store_backend.key_file.exists()


@pytest.mark.parametrize('wrong_key_from', ['key file', 'environment'])
def test_a_different_key_stops_start_up_and_changes_nothing(started_store, make_actor, add_secret, wrong_key_from):
    alice = make_actor('alice')
    secret_id = add_secret(alice, client_secret=SECRET)
    before = _row_counts()
    runtime.stop()
    if wrong_key_from == 'key file':
        other_key_file = started_store.data_dir / 'other.key'
        other_key_file.write_text(_new_key_b64() + '\n')
        other_key_file.chmod(0o600)
        extra, named = {'MYSAFE_KEY_FILE': str(other_key_file)}, str(other_key_file)
    else:
        extra, named = {'MYSAFE_MASTER_KEY': _new_key_b64()}, 'MYSAFE_MASTER_KEY'
    files_before = _files(started_store)

    with pytest.raises(StartupError, match='does not match') as refused:
        started_store.start(**extra)

    assert named in str(refused.value)
    runtime.stop()
    assert _files(started_store) == files_before
    started_store.start()
    assert _row_counts() == before
    assert api_secrets.reveal_client_secret(alice, secret_id) == SECRET


def test_a_missing_key_file_for_an_existing_database_is_refused(started_store, make_actor, add_secret):
    add_secret(make_actor('alice'))
    runtime.stop()
    started_store.key_file.unlink()
    with pytest.raises(ConfigError, match='missing') as refused:
        started_store.start()
    assert str(started_store.key_file) in str(refused.value)
    assert not started_store.key_file.exists()


def _row_counts() -> dict[str, object]:
    counts = {model.__name__: model.select().count() for model in MODELS}
    counts['key id'] = KeyCheck.get().key_id
    return counts


def _files(backend) -> dict:
    """Every file in the data dir with its bytes: key files and, for SQLite, the database."""
    return {path: path.read_bytes() for path in sorted(backend.data_dir.rglob('*')) if path.is_file()}
