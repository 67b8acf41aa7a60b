"""Log in; a deep link opened while logged out comes back here with `return_to`."""
from __future__ import annotations

from nicegui import ui

from store import accounts

from .. import session
from ..components.forms import centered_card
from ..components.store_call import FAILED, call_anonymous


async def create(return_to: str = '') -> None:
    if await call_anonymous(accounts.needs_setup) is True:
        ui.navigate.to('/setup')
        return
    target = session.safe_return_path(return_to)
    if await session.logged_in_user() is not None:
        ui.navigate.to(target)
        return
    with centered_card('Log in to MySafe'):
        username = ui.input('Username').props('autocomplete=username autofocus').classes('w-full')
        password = ui.input('Password', password=True).props('autocomplete=current-password').classes('w-full')
        message = ui.label('').classes('text-negative').props('role=alert')

        async def submit() -> None:
            message.text = ''
            user = await call_anonymous(accounts.authenticate, username.value, password.value,
                                        ip=session.client_ip(), user_agent=session.user_agent(),
                                        fields={'username': username, 'password': password}, message=message)
            password.value = ''
            if user is not FAILED:
                session.start(user)
                ui.navigate.to(target)

        password.on('keydown.enter', submit)
        ui.button('Log in', on_click=submit).classes('w-full q-mt-md')
