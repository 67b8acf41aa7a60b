"""Helpers for the unit tests: API secrets to work on, access rows, and the audit trail as stored."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from store.models import Access
from store.records import Actor


@pytest.fixture
def grant(started_store) -> Callable[..., None]:
    """Share a secret by writing the Access row directly (the share service comes later)."""
    def share(secret_id: int, actor: Actor, *, can_edit: bool = False) -> None:
        Access.create(secret=secret_id, user=actor.user_id, can_edit=can_edit)
    return share
