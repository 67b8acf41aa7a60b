"""Test data every layer shares: one password, users made fast, API secrets with valid defaults."""
from __future__ import annotations

import functools
import itertools
import secrets
from collections.abc import Callable

import pytest

from store import accounts, api_secrets
from store.passwords import hash_password
from store.records import Actor, ApiSecretInput, UserInfo

PASSWORD = 'correct horse battery staple'


@functools.cache
def password_hash(password: str) -> str:
    """A real Argon2id hash, made once per password: hashing costs ~30 ms, and tests make many users."""
    return hash_password(password)


def create_user(username: str, *, is_admin: bool = False, display_name: str = '') -> UserInfo:
    """A user whose password is PASSWORD, through store.accounts.create_user (the store must be started)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, 'hash_password', password_hash)
        return accounts.create_user(username, PASSWORD, display_name=display_name, is_admin=is_admin)


def secret_maker() -> Callable[..., int]:
    """`add(actor, **fields)` creates an API secret through the service; every field has a valid default
    and the client secret is random."""
    counter = itertools.count(1)

    def add(actor: Actor, **fields: object) -> int:
        n = next(counter)
        values = {'name': f'Secret {n}', 'url': f'https://api{n}.example.com/v1', 'client_id': f'client-{n}',
                  'client_secret': f'sk_test_{n}_{secrets.token_hex(12)}'}
        values.update(fields)
        return api_secrets.create_api_secret(actor, ApiSecretInput(**values))
    return add
