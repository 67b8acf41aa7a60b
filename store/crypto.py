"""All encryption of MySafe (SPEC section 4): one master key wraps a data key per record.

Every ciphertext is AES-256-GCM with a fresh 96-bit nonce and associated data naming the table,
record id and field it belongs to, so a value copied to another row or field fails to decrypt.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import ConfigError, DecryptionError

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT_VERSION = b'\x01'


class Keyring:
    """Holds the master key in memory and performs every encrypt, decrypt, wrap and unwrap."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != KEY_BYTES:
            raise ConfigError(f'The master key must be {KEY_BYTES} bytes (got {len(master_key)})')
        self._master = AESGCM(master_key)
        # The id names the key without revealing it, so wrapped keys say which master key made them.
        self.key_id = hmac.new(master_key, b'mysafe master key id', hashlib.sha256).hexdigest()[:16]
        self._blinding_key = hmac.new(master_key, b'mysafe blind index', hashlib.sha256).digest()

    def __repr__(self) -> str:
        return f'Keyring(key_id={self.key_id!r})'

    def new_data_key(self, table: str, record_id: int) -> tuple[bytes, bytes]:
        """Return a fresh data key and the same key wrapped by the master key for this record."""
        data_key = AESGCM.generate_key(bit_length=256)
        return data_key, _seal(self._master, data_key, associated_data(table, record_id, 'data_key'))

    def unwrap(self, wrapped: bytes, table: str, record_id: int) -> bytes:
        return _open(self._master, wrapped, associated_data(table, record_id, 'data_key'))

    def encrypt(self, data_key: bytes, plaintext: str, table: str, record_id: int, field: str) -> bytes:
        return _seal(AESGCM(data_key), plaintext.encode('utf-8'), associated_data(table, record_id, field))

    def decrypt(self, data_key: bytes, blob: bytes, table: str, record_id: int, field: str) -> str:
        return _open(AESGCM(data_key), blob, associated_data(table, record_id, field)).decode('utf-8')

    def blind(self, text: str) -> str:
        """A keyed hash of `text`: rows can be found by it, but it cannot be read back or guessed offline
        (used for what people type into Username, which may be a password typed in the wrong field)."""
        data = text.encode('utf-8', 'surrogatepass')
        return hmac.new(self._blinding_key, data, hashlib.sha256).hexdigest()[:40]

    def seal_with_master(self, plaintext: bytes, context: str) -> bytes:
        """Encrypt a small value directly with the master key (used for the key check)."""
        return _seal(self._master, plaintext, context.encode())

    def open_with_master(self, blob: bytes, context: str) -> bytes:
        return _open(self._master, blob, context.encode())


def associated_data(table: str, record_id: int, field: str) -> bytes:
    return f'mysafe:v1:{table}:{record_id}:{field}'.encode()


def load_master_key(master_key_b64: str | None, key_file: Path, *, may_create: bool) -> bytes:
    """Return the master key from the environment value or the key file.

    The key file is created (mode 0600) only when `may_create` is true and it does not exist;
    an existing file is never overwritten.
    """
    if master_key_b64:
        return decode_key(master_key_b64, 'MYSAFE_MASTER_KEY')
    if key_file.exists():
        if key_file.stat().st_mode & 0o077:
            raise ConfigError(f'The key file {key_file} is readable by other users; run: chmod 600 {key_file}')
        return decode_key(key_file.read_text().strip(), f'the key file {key_file}')
    if not may_create:
        raise ConfigError(f'The key file {key_file} is missing, but the database already holds encrypted data. '
                          'Restore the key file or set MYSAFE_MASTER_KEY.')
    key = AESGCM.generate_key(bit_length=256)
    key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # O_EXCL: never overwrite
    with os.fdopen(fd, 'w') as handle:
        handle.write(base64.b64encode(key).decode() + '\n')
    return key


def decode_key(text: str, source: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f'{source} is not valid base64') from None
    if len(key) != KEY_BYTES:
        raise ConfigError(f'{source} must hold a base64 {KEY_BYTES * 8}-bit key (got {len(key)} bytes)')
    return key


def _seal(aead: AESGCM, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT_VERSION + nonce + aead.encrypt(nonce, plaintext, aad)


def _open(aead: AESGCM, blob: bytes, aad: bytes) -> bytes:
    blob = bytes(blob)
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != FORMAT_VERSION:
        raise DecryptionError(f'Malformed ciphertext for {aad.decode()}')
    nonce, ciphertext = blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:]
    try:
        return aead.decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise DecryptionError(f'Decryption failed for {aad.decode()}: wrong key, tampered data, '
                              'or a value moved from another record') from None
