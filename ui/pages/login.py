"""Log in; a deep link opened while logged out comes back here with `return_to`."""
from __future__ import annotations

from nicegui import run, ui

from store import accounts
from store.errors import LoginThrottled, NotAuthenticated, ValidationError
from store.validation import MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH

from .. import session
from ..components.forms import centered_card
from ..frame import Shell


def create(shell: Shell, return_to: str = '') -> None:
    shell.hide()
    if accounts.needs_setup():
        ui.navigate.to('/setup')
        return
    target = session.safe_return_path(return_to)
    if session.current_user() is not None:
        ui.navigate.to(target)
        return
    with centered_card('Log in to MySafe'):
        username = ui.input('Username').props('autocomplete=username autofocus').classes('w-full')
        password = ui.input('Password', password=True).props('autocomplete=current-password').classes('w-full')
        # One past the longest username and password: longer pastes get the store's message, not a dropped socket.
        username.props['maxlength'], password.props['maxlength'] = MAX_USERNAME_LENGTH + 1, MAX_PASSWORD_LENGTH + 1
        message = ui.label('').classes('text-negative').props('role=alert')

        async def submit() -> None:
            message.text = ''
            try:
                user = await run.io_bound(accounts.authenticate, username.value, password.value,
                                          ip=session.client_ip(), user_agent=session.user_agent())
            except (NotAuthenticated, LoginThrottled) as error:
                password.value = ''
                message.text = str(error)
                return
            except ValidationError as error:  # what no username or password can be, e.g. a NUL
                message.text = next(iter(error.errors.values()))
                return
            session.start(user)
            ui.navigate.to(target)

        password.on('keydown.enter', submit)
        ui.button('Log in', on_click=submit).classes('w-full q-mt-md')
