"""First run: create the first administrator (only while no user exists)."""
from __future__ import annotations

from nicegui import run, ui

from store import accounts
from store.errors import StoreError, ValidationError

from .. import session
from ..components.forms import centered_card, clear_errors, show_errors
from ..frame import Shell


def create(shell: Shell) -> None:
    shell.hide()
    if not accounts.needs_setup():
        ui.navigate.to('/login')
        return
    with centered_card('Welcome to MySafe'):
        ui.label('Create the first administrator. You will use this account to log in.')
        username = ui.input('Username').props('autocomplete=username autofocus').classes('w-full')
        password = ui.input('Password', password=True, password_toggle_button=True) \
            .props('autocomplete=new-password').classes('w-full')
        confirmation = ui.input('Confirm password', password=True) \
            .props('autocomplete=new-password').classes('w-full')
        fields = {'username': username, 'password': password, 'confirmation': confirmation}

        async def submit() -> None:
            clear_errors(fields)
            try:
                user = await run.io_bound(accounts.create_first_admin, username.value, password.value,
                                          confirmation.value, ip=session.client_ip(), user_agent=session.user_agent())
            except ValidationError as error:
                show_errors(fields, error)
                return
            except StoreError as error:
                ui.notify(str(error), type='warning')
                ui.navigate.to('/login')
                return
            session.start(user)
            ui.notify('Administrator created', type='positive')
            ui.navigate.to('/mysafe')

        confirmation.on('keydown.enter', submit)
        ui.button('Create administrator', on_click=submit).classes('w-full q-mt-md')
