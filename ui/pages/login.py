"""Log in; a deep link opened while logged out comes back here with `return_to`."""
from __future__ import annotations

from nicegui import ui

from store import accounts, runtime, two_factor
from store.records import UserInfo
from store.validation import MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH

from .. import session
from ..components.display import when
from ..components.forms import centered_card, limit_length
from ..components.store_call import FAILED, call_anonymous


async def create(return_to: str = '') -> None:
    if not runtime.known_set_up() and await call_anonymous(accounts.needs_setup) is True:
        ui.navigate.to('/setup')
        return
    target = session.safe_return_path(return_to)
    if await session.logged_in_user() is not None:
        ui.navigate.to(target)
        return
    with centered_card('Log in to MySafe') as card:
        username = ui.input('Username').props('autocomplete=username autofocus').classes('w-full')
        password = ui.input('Password', password=True).props('autocomplete=current-password').classes('w-full')
        limit_length(username, MAX_USERNAME_LENGTH)
        limit_length(password, MAX_PASSWORD_LENGTH)
        message = ui.label('').classes('text-negative').props('role=alert')

        async def submit() -> None:
            message.text = ''
            typed, password.value = password.value, ''  # emptied first: a new value clears the field's message
            user = await call_anonymous(accounts.authenticate, username.value, typed,
                                        ip=session.client_ip(), user_agent=session.user_agent(),
                                        fields={'username': username, 'password': password}, message=message)
            if user is FAILED:
                return
            if user.must_change_password:
                card.clear()
                with card:
                    _choose_new_password(user, username.value, typed, target, card)
                return
            await _finish(user, target, card)

        password.on('keydown.enter', submit)
        ui.button('Log in', on_click=submit).classes('w-full q-mt-md')


async def _finish(user: UserInfo, target: str, card: ui.card) -> None:
    """The password was right: ask the Code when the user has two-factor on (the store issues no log-in
    ticket without it), then begin the session."""
    if not user.two_factor_required:
        if await call_anonymous(two_factor.missing_but_required, user.id) is True:
            target = '/two-factor'  # an administrator requires it: set it up first (the store refuses all else)
        await session.begin(user, target)
        return
    card.clear()
    with card:
        _ask_code(user, target)


def _ask_code(user: UserInfo, target: str) -> None:
    ui.label('Two-factor authentication').classes('text-h5').props('role=heading aria-level=1')
    ui.label('Enter the code from your authenticator app, or one of your recovery codes.')
    code = ui.input('Code').classes('w-full').props('autocomplete=one-time-code autofocus')
    code.props['maxlength'] = 64
    message = ui.label('').classes('text-negative').props('role=alert')

    async def submit() -> None:
        message.text = ''
        typed, code.value = code.value, ''
        done = await call_anonymous(two_factor.complete_login, user, typed, ip=session.client_ip(),
                                    user_agent=session.user_agent(), fields={'code': code}, message=message)
        if done is not FAILED:
            await session.begin(done, target)

    code.on('keydown.enter', submit)
    ui.button('Log in', on_click=submit).classes('w-full q-mt-md')


def _choose_new_password(user: UserInfo, username: str, reset_password: str, target: str, card: ui.card) -> None:
    """An administrator reset the password: say who and when, and have the user choose their own."""
    ui.label('Choose a new password').classes('text-h5').props('role=heading aria-level=1')
    ui.label(f'Your password was reset by {user.password_reset_by or "an administrator"} '
             f'at {when(user.password_reset_at)}. Choose a new password to go on.')
    fields = {'new_password': ui.input('New password', password=True, password_toggle_button=True),
              'confirmation': ui.input('Confirm new password', password=True)}
    for field in fields.values():
        field.classes('w-full').props('autocomplete=new-password')
        limit_length(field, MAX_PASSWORD_LENGTH)
    message = ui.label('').classes('text-negative').props('role=alert')

    async def save() -> None:
        message.text = ''
        chosen = await call_anonymous(accounts.choose_new_password, username, reset_password,
                                      fields['new_password'].value, fields['confirmation'].value,
                                      ip=session.client_ip(), user_agent=session.user_agent(), fields=fields,
                                      message=message)
        if chosen is not FAILED:
            await _finish(chosen, target, card)

    fields['confirmation'].on('keydown.enter', save)
    ui.button('Set password', on_click=save).classes('w-full q-mt-md')
