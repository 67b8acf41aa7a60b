"""User menu → Change password: the current password, the new one twice; then every session ends."""
from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from .helpers import PASSWORD, SLOW, field, fill, log_in, menu_item, press, until

NEW = 'a quite different passphrase'


async def test_change_password_from_the_user_menu_then_log_in_with_the_new_one(user: User, make_user) -> None:
    make_user('alice')
    await log_in(user, 'alice')
    await until(lambda: user.back_history[-1] == '/mysafe')
    menu_item(user, 'Change password').click()
    await user.should_see('Current password', retries=SLOW)

    fill(user, **{'Current password': 'not my password', 'New password': NEW, 'Confirm new password': NEW})
    press(user, 'Change password')
    await until(lambda: field(user, 'Current password').error == 'Wrong password')
    fill(user, **{'Current password': PASSWORD, 'Confirm new password': NEW + '!'})
    press(user, 'Change password')
    await until(lambda: field(user, 'Confirm new password').error == 'The passwords do not match')
    assert field(user, 'Current password').error is None

    fill(user, **{'Confirm new password': NEW})
    press(user, 'Change password')
    await until(lambda: user.back_history[-1] == '/login')
    await user.should_see('Password changed. Log in with your new password.', retries=SLOW)
    await user.should_see('Log in to MySafe', retries=SLOW)

    fill(user, Username='alice', Password=PASSWORD)
    user.find(kind=ui.button, content='Log in').click()
    await user.should_see('Invalid username or password', retries=SLOW)
    fill(user, Password=NEW)
    user.find(kind=ui.button, content='Log in').click()
    await until(lambda: user.back_history[-1] == '/mysafe')
