"""First run: create the first administrator (only while no user exists)."""
from __future__ import annotations

from nicegui import ui

from store import accounts, runtime
from store.validation import MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH

from .. import session
from ..components.forms import centered_card, limit_length
from ..components.store_call import FAILED, call_anonymous


async def create(return_to: str = '') -> None:
    if runtime.known_set_up() or await call_anonymous(accounts.needs_setup) is not True:
        ui.navigate.to(session.login_path(session.safe_return_path(return_to)) if return_to else '/login')
        return
    with centered_card('Welcome to MySafe'):
        ui.label('Create the first administrator. You will use this account to log in.')
        username = ui.input('Username').props('autocomplete=username autofocus').classes('w-full')
        password = ui.input('Password', password=True, password_toggle_button=True) \
            .props('autocomplete=new-password').classes('w-full')
        confirmation = ui.input('Confirm password', password=True) \
            .props('autocomplete=new-password').classes('w-full')
        fields = {'username': username, 'password': password, 'confirmation': confirmation}
        limit_length(username, MAX_USERNAME_LENGTH)
        for field in (password, confirmation):
            limit_length(field, MAX_PASSWORD_LENGTH)
        message = ui.label('').classes('text-negative').props('role=alert')

        async def submit() -> None:
            user = await call_anonymous(accounts.create_first_admin, username.value, password.value,
                                        confirmation.value, ip=session.client_ip(), user_agent=session.user_agent(),
                                        fields=fields, message=message)
            if user is FAILED:
                if not await call_anonymous(accounts.needs_setup):  # someone else set MySafe up meanwhile
                    ui.notify(message.text, type='warning')
                    ui.navigate.to('/login')
                return
            ui.notify('Administrator created', type='positive')
            await session.begin(user, '/mysafe')

        confirmation.on('keydown.enter', submit)
        ui.button('Create administrator', on_click=submit).classes('w-full q-mt-md')
