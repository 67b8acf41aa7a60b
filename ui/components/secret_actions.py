"""Edit, Share, Disable and Enable, offered as the user's permission allows (the store checks again)."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from store import api_secrets
from store.records import CAN_EDIT, OWNER

from .confirmation import confirm
from .menus import menu_item
from .share_dialog import open_share_dialog
from .store_call import FAILED, call, done


def can_edit(permission: str) -> bool:
    return permission in (OWNER, CAN_EDIT)


def more_actions(secret_id: int, permission: str, enabled: bool, on_change: Callable[[], None]) -> ui.button | None:
    """The ⋮ button with Edit, Share, Disable / Enable as permitted; nothing when none is.

    The menu is made the first time the button is clicked, and opens as it is made; from then on it opens and
    closes itself. A menu and its items on each of the home's 60 cards were a third of the 0.7 s the server
    spent making the home (every element made holds the event loop)."""
    if not can_edit(permission):
        return None
    button = ui.button(icon='more_vert').props('flat round dense')
    button.props.update({'aria-label': 'More actions', 'title': 'More actions', 'aria-haspopup': 'menu'})

    def open_menu() -> None:
        if button.default_slot.children:  # made already: it opens and closes itself
            return
        with button, ui.menu() as menu:
            menu_item('Edit', on_click=lambda: ui.navigate.to(f'/mysafe/api-secrets/{secret_id}/edit'))
            if permission == OWNER:
                menu_item('Share', on_click=lambda: open_share_dialog([secret_id], on_change))
            label = 'Disable' if enabled else 'Enable'
            menu_item(label, on_click=lambda: set_enabled([secret_id], not enabled, on_change))
        menu.open()

    button.on_click(open_menu)
    return button


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
