"""The crypto glue of API secrets: a client secret sealed with its API secret's data key, bound to the table,
record and field it is stored in, and earlier values kept in the information history the same way."""
from __future__ import annotations

from . import runtime
from .errors import DecryptionError
from .models import ApiSecret, ClientSecretHistory, User

TABLE = 'api_secret'
HISTORY_TABLE = 'client_secret_history'


def decrypt_value(secret: ApiSecret, blob: bytes | None, table: str, record_id: int) -> str:
    """Decrypt a client secret of `secret` stored in `table` row `record_id` ('' when none is stored)."""
    if blob is None:
        return ''
    keyring = runtime.keyring()
    data_key = keyring.unwrap(bytes(secret.wrapped_data_key), TABLE, secret.id)
    return keyring.decrypt(data_key, bytes(blob), table, record_id, 'client_secret')


def encrypt_value(secret: ApiSecret, plaintext: str, table: str = TABLE, record_id: int | None = None) -> bytes:
    keyring = runtime.keyring()
    data_key = keyring.unwrap(bytes(secret.wrapped_data_key), TABLE, secret.id)
    return keyring.encrypt(data_key, plaintext, table, secret.id if record_id is None else record_id,
                           'client_secret')


def readable_value(secret: ApiSecret) -> str | None:
    """The current client secret, or None when it cannot be decrypted."""
    try:
        return decrypt_value(secret, secret.client_secret, TABLE, secret.id)
    except DecryptionError:
        return None


def keep_in_history(secret: ApiSecret, user: User, now) -> None:
    """Move the current client secret into the history, re-encrypted for its history row; a value that
    cannot be decrypted is kept as it is, marked unreadable."""
    if secret.client_secret is None:
        return
    entry = ClientSecretHistory.create(secret=secret.id, set_at=secret.secret_set_at, set_by=secret.secret_set_by_id,
                                       replaced_at=now, replaced_by=user.id, client_secret=None)
    plaintext = readable_value(secret)
    if plaintext is None:
        entry.client_secret, entry.unreadable = bytes(secret.client_secret), True
    else:
        entry.client_secret = encrypt_value(secret, plaintext, HISTORY_TABLE, entry.id)
    entry.save()


def new_client_secret(secret: ApiSecret, plaintext: str) -> dict:
    """The columns that store a new client secret, encrypted with the secret's data key; when that key
    itself cannot be unwrapped, with a new one (every earlier value is then unreadable)."""
    try:
        return {'client_secret': encrypt_value(secret, plaintext)}
    except DecryptionError:
        keyring = runtime.keyring()
        data_key, wrapped = keyring.new_data_key(TABLE, secret.id)
        ClientSecretHistory.update(unreadable=True).where(ClientSecretHistory.secret == secret.id).execute()
        return {'client_secret': keyring.encrypt(data_key, plaintext, TABLE, secret.id, 'client_secret'),
                'wrapped_data_key': wrapped, 'key_id': keyring.key_id}
