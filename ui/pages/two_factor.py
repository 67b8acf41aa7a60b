"""Two-factor authentication (user menu): set up with a QR code or the key as text, then Code and Enable;
the 10 recovery codes are shown once; with two-factor on, Disable asks a code."""
from __future__ import annotations

import segno
from nicegui import ui

from store import two_factor
from store.records import UserInfo

from ..components.display import when
from ..components.store_call import FAILED, call
from ..frame import page, requires_user


@requires_user
async def create(user: UserInfo) -> None:
    with page('Two-factor authentication', width='max-w-2xl'):
        body = ui.column().classes('w-full gap-2')
    await _show(body)


async def _show(body: ui.column) -> None:
    state = await call(two_factor.status)
    if state is FAILED:
        return
    if state.enabled:
        body.clear()
        with body:
            _enabled(body, state)
        return
    setup = await call(two_factor.begin_setup)
    if setup is FAILED:
        return
    body.clear()
    with body:
        _set_up(body, setup)


def _enabled(body: ui.column, state) -> None:
    ui.label(f'Two-factor authentication is on (since {when(state.enabled_at)}). '
             f'Recovery codes left: {state.recovery_codes_left}.')
    ui.label('To turn it off, enter a current code from your authenticator app or a recovery code.')
    code = _code_input()

    async def disable() -> None:
        typed, code.value = code.value, ''
        if await call(two_factor.disable, typed, fields={'code': code}) is FAILED:
            return
        ui.notify('Two-factor authentication is off', type='positive')
        await _show(body)

    code.on('keydown.enter', disable)
    ui.button('Disable', on_click=disable).props('color=negative')


def _set_up(body: ui.column, setup) -> None:
    ui.label('Scan this QR code with your authenticator app, or type the key into it; then enter the code it '
             'shows and press Enable.')
    qr = ui.image(segno.make(setup.uri, error='m').svg_data_uri(scale=5)).classes('w-56 h-56')
    qr.props['alt'] = 'QR code of the two-factor key'
    ui.label('Key').classes('text-caption text-grey-9')
    ui.label(' '.join(setup.key[i:i + 4] for i in range(0, len(setup.key), 4))).classes('font-mono text-body1')
    code = _code_input()

    async def enable() -> None:
        typed, code.value = code.value, ''
        codes = await call(two_factor.enable, typed, fields={'code': code})
        if codes is FAILED:
            return
        body.clear()
        with body:
            _recovery_codes(body, codes)

    code.on('keydown.enter', enable)
    ui.button('Enable', on_click=enable)


def _recovery_codes(body: ui.column, codes: list[str]) -> None:
    ui.label('Two-factor authentication is on.').classes('text-positive').props('role=status')
    ui.label('Recovery codes').classes('text-h6').props('role=heading aria-level=2')
    ui.label('Keep these codes somewhere safe: each logs you in once without your phone. '
             'They are shown only now.')
    with ui.element('ul').classes('font-mono text-body1 q-pl-md'):
        for code in codes:
            with ui.element('li'):
                ui.label(code)
    ui.button('Done', on_click=lambda: _show(body))


def _code_input() -> ui.input:
    code = ui.input('Code').classes('w-64').props('autocomplete=one-time-code autofocus')
    code.props['maxlength'] = 64
    return code
