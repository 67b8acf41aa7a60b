"""Confirm your password: asked before revealing an API secret marked "Ask for my password before revealing"."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from nicegui import run, ui

from store import accounts
from store.errors import LoginThrottled, NotAuthenticated, PasswordRequired, ValidationError

from .. import session

T = TypeVar('T')


async def with_password(action: Callable[[], T]) -> T:
    """Run `action`; when the store asks for the password first, ask the person once and try again.

    Raises PasswordRequired when they cancel (the caller shows nothing more).
    """
    try:
        return action()
    except PasswordRequired:
        if not await confirm_password():
            raise
        return action()


async def confirm_password() -> bool:
    """The dialog; True once the store has recorded a correct password (good for 5 minutes)."""
    with ui.dialog().props('aria-label="Confirm your password"') as dialog, ui.card().classes('min-w-[22rem]'):
        ui.label('Confirm your password').classes('text-h6').props('role=heading aria-level=2')
        ui.label('This API secret asks for your password before it is revealed.')
        password = ui.input('Password', password=True).classes('w-full') \
            .props('autocomplete=current-password autofocus')

        async def submit() -> None:
            password.error = None
            try:
                await run.io_bound(accounts.confirm_password, session.actor(), password.value)
            except ValidationError as error:
                password.value = ''
                password.error = error.errors.get('password', 'Wrong password')
                return
            except LoginThrottled as error:
                password.error = str(error)
                return
            except NotAuthenticated:
                dialog.submit(False)
                session.expired()
                return
            dialog.submit(True)

        password.on('keydown.enter', submit)
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=lambda: dialog.submit(False)).props('flat')
            ui.button('Confirm', on_click=submit)
    confirmed = await dialog
    dialog.delete()
    return bool(confirmed)
