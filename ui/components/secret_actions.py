"""Disable and Enable (the store checks the permission), and which actions a secret's menu offers."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from store import api_secrets
from store.records import CAN_EDIT, OWNER

from .confirmation import confirm
from .store_call import FAILED, call, done


def can_edit(permission: str) -> bool:
    return permission in (OWNER, CAN_EDIT)


def offered(permission: str) -> dict[str, bool]:
    """Which actions a list row's or a home card's menu offers: Edit and Disable / Enable (`can_edit`), and Share
    (`is_owner`)."""
    return {'can_edit': can_edit(permission), 'is_owner': permission == OWNER}


async def set_enabled(secret_ids: list[int], enabled: bool, on_change: Callable[[], None]) -> None:
    """Ask once, then disable or enable every secret in `secret_ids`."""
    verb = 'enable' if enabled else 'disable'
    question = (f'Are you sure you want to {verb} the record: {secret_ids[0]}?' if len(secret_ids) == 1 else
                f'Are you sure you want to {verb} the {len(secret_ids)} records selected?')
    if not await confirm(question):
        return
    if await call(api_secrets.set_enabled, secret_ids, enabled) is FAILED:
        return
    noun = 'API secret' if len(secret_ids) == 1 else f'{len(secret_ids)} API secrets'
    ui.notify(f'{noun} {verb}d successfully', type='positive')
    await done(on_change)
