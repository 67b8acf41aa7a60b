"""Confirm your password: asked before revealing an API secret marked "Ask for my password before revealing"."""
from __future__ import annotations

from nicegui import ui

from store import accounts
from store.validation import MAX_PASSWORD_LENGTH

from .. import session
from .forms import limit_length
from .store_call import FAILED, call


async def confirm_password() -> bool:
    """The dialog; True once the store has recorded a correct password (good for 5 minutes)."""
    with ui.dialog().props('aria-label="Confirm your password"') as dialog, ui.card().classes('min-w-[22rem]'):
        ui.label('Confirm your password').classes('text-h6').props('role=heading aria-level=2')
        ui.label('This API secret asks for your password before it is revealed.')
        ui.label('With two-factor authentication on, a current code from your authenticator app does too.') \
            .classes('text-caption text-grey-9')
        password = ui.input('Password', password=True).classes('w-full') \
            .props('autocomplete=current-password autofocus')
        limit_length(password, MAX_PASSWORD_LENGTH)

        async def submit() -> None:
            typed, password.value = password.value, ''  # emptied first: a new value clears the field's message
            if await call(accounts.confirm_password, typed, fields={'password': password}) is FAILED:
                if not session.is_logged_in():  # the session ended meanwhile: nothing to confirm any more
                    dialog.submit(False)
                return
            dialog.submit(True)

        password.on('keydown.enter', submit)
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=lambda: dialog.submit(False)).props('flat')
            ui.button('Confirm', on_click=submit)
    confirmed = await dialog
    dialog.delete()
    return bool(confirmed)
