"""Helpers for the unit tests: API secrets to work on, access rows, and the audit trail as stored."""
from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable

import pytest

from store import api_secrets
from store.models import Access
from store.records import Actor, ApiSecretInput


@pytest.fixture
def add_secret(started_store) -> Callable[..., int]:
    """Create an API secret through the service; every field has a valid default."""
    counter = itertools.count(1)

    def add(actor: Actor, **fields: object) -> int:
        n = next(counter)
        values = {'name': f'Secret {n}', 'url': f'https://api{n}.example.com/v1', 'client_id': f'client-{n}',
                  'client_secret': f'sk_test_{n}_{secrets.token_hex(12)}'}
        values.update(fields)
        return api_secrets.create_api_secret(actor, ApiSecretInput(**values))
    return add


@pytest.fixture
def grant(started_store) -> Callable[..., None]:
    """Share a secret by writing the Access row directly (the share service comes later)."""
    def share(secret_id: int, actor: Actor, *, can_edit: bool = False) -> None:
        Access.create(secret=secret_id, user=actor.user_id, can_edit=can_edit)
    return share
