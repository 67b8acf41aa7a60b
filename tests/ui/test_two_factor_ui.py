"""Two-factor authentication from the user menu, and the log-in's Code step (codes made by pyotp)."""
from __future__ import annotations

import re
import time

import pyotp
from nicegui import ui
from nicegui.testing import User

from store import two_factor
from store.models import Event
from store.records import Actor

from .helpers import PASSWORD, SLOW, answer_confirmation, field, fill, log_in, menu_item, press, until


def _shown_key(user: User) -> str:
    keys = [element.text for element in user.find(kind=ui.label).elements
            if re.fullmatch(r'[A-Z2-7]{4}( [A-Z2-7]{4})+', element.text)]
    assert len(keys) == 1, keys
    return keys[0].replace(' ', '')


def _code(key: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(key).at(time.time() + 30 * steps_ahead)


async def test_enable_from_the_user_menu_then_log_in_asks_the_code(user: User, make_user) -> None:
    alice = make_user('alice')
    await log_in(user, 'alice')
    await until(lambda: user.back_history[-1] == '/mysafe')
    menu_item(user, 'Two-factor authentication').click()
    await user.should_see('Scan this QR code', retries=SLOW)
    assert [image for image in user.find(kind=ui.image).elements
            if image.props.get('alt') == 'QR code of the two-factor key']
    key = _shown_key(user)

    fill(user, Code='000000' if _code(key) != '000000' else '111111')
    press(user, 'Enable')
    await until(lambda: field(user, 'Code').error == 'Wrong code')
    fill(user, Code=_code(key))
    press(user, 'Enable')
    await user.should_see('Recovery codes', retries=SLOW)
    assert two_factor.status(Actor(alice.id)).enabled

    menu_item(user, 'Log out').click()
    await until(lambda: user.back_history[-1] == '/login')
    await user.should_see('Log in to MySafe', retries=SLOW)
    fill(user, Username='alice', Password=PASSWORD)
    user.find(kind=ui.button, content='Log in').click()
    await user.should_see('Enter the code from your authenticator app', retries=SLOW)
    assert user.back_history[-1] == '/login'  # no session yet
    fill(user, Code=_code(key))  # the code that enabled it: accepted once only
    press(user, 'Log in')
    await until(lambda: field(user, 'Code').error == 'Wrong code')
    fill(user, Code=_code(key, 1))
    press(user, 'Log in')
    await until(lambda: user.back_history[-1] == '/mysafe')
    assert Event.select().where(Event.action == 'Two-factor enabled').count() == 1


async def test_disable_asks_a_code(user: User, make_user) -> None:
    alice = make_user('alice')
    setup = two_factor.begin_setup(Actor(alice.id))
    codes = two_factor.enable(Actor(alice.id), _code(setup.key))
    # Logging in now takes the code step: use a recovery code.
    await log_in(user, 'alice')
    await user.should_see('Enter the code from your authenticator app', retries=SLOW)
    fill(user, Code=codes[0])
    press(user, 'Log in')
    await until(lambda: user.back_history[-1] == '/mysafe')
    menu_item(user, 'Two-factor authentication').click()
    await user.should_see('Two-factor authentication is on', retries=SLOW)
    await user.should_see('Recovery codes left: 9.')
    fill(user, Code=codes[0])  # used already
    press(user, 'Disable')
    await until(lambda: field(user, 'Code').error == 'Wrong code')
    fill(user, Code=_code(setup.key, 1))
    press(user, 'Disable')
    await user.should_see('Two-factor authentication is off', retries=SLOW)
    assert not two_factor.status(Actor(alice.id)).enabled


async def test_an_administrator_resets_a_users_two_factor_after_a_confirmation(user: User, make_user) -> None:
    make_user('root', is_admin=True)
    alice = make_user('alice')
    setup = two_factor.begin_setup(Actor(alice.id))
    two_factor.enable(Actor(alice.id), _code(setup.key))
    await log_in(user, 'root', path='/login?return_to=/admin/users')
    await user.should_see(kind=ui.table, retries=SLOW)
    rows = {row['username']: row for row in user.find(kind=ui.table).elements.pop().rows}
    question = 'Are you sure you want to reset the two-factor authentication of the user: alice?'

    user.find(kind=ui.table).trigger('reset_two_factor', rows['alice'])
    await answer_confirmation(user, question, 'No')
    assert two_factor.enabled_for(alice.id)
    user.find(kind=ui.table).trigger('reset_two_factor', rows['alice'])
    await answer_confirmation(user, question, 'Yes')
    await user.should_see('Two-factor authentication reset', retries=SLOW)
    assert not two_factor.enabled_for(alice.id)
    assert Event.select().where(Event.action == 'Two-factor reset', Event.item_id == alice.id).count() == 1


async def test_when_required_for_everyone_a_user_without_it_is_taken_to_set_it_up(user: User, make_user) -> None:
    root = make_user('root', is_admin=True)
    make_user('alice')
    # The administrator switches it on in Administration: first refused until they have it themselves.
    await log_in(user, 'root', path='/login?return_to=/admin/users')
    await user.should_see(kind=ui.table, retries=SLOW)
    switch = user.find(kind=ui.switch, content='Require two-factor for everyone').elements.pop()
    switch.value = True
    await user.should_see('Turn on two-factor authentication for yourself first', retries=SLOW)
    await until(lambda: switch.value is False)
    own = two_factor.begin_setup(Actor(root.id))
    two_factor.enable(Actor(root.id), _code(own.key))
    switch.value = True
    await user.should_see('Two-factor is now required for everyone', retries=SLOW)
    assert two_factor.required_for_everyone()

    menu_item(user, 'Log out').click()
    await until(lambda: user.back_history[-1] == '/login')
    await user.should_see('Log in to MySafe', retries=SLOW)
    fill(user, Username='alice', Password=PASSWORD)
    user.find(kind=ui.button, content='Log in').click()
    await user.should_see('Scan this QR code', retries=SLOW * 2)
    assert user.back_history[-1] == '/two-factor'
    fill(user, Code=_code(_shown_key(user)))
    press(user, 'Enable')
    await user.should_see('Recovery codes', retries=SLOW)
