"""Administration at /admin/users: list, add, reset the password of, deactivate and activate users
(SPEC section 1, issue 3 item 7); only administrators, and the last one cannot be deactivated."""
from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from store import accounts
from store.errors import NotAuthenticated

from .helpers import (
    PASSWORD,
    SLOW,
    answer_confirmation,
    dialog,
    field,
    fill,
    go,
    log_in,
    menu_item,
    press,
    switch_user,
    table_rows,
    until,
)

USERS = '/login?return_to=/admin/users'
NEW_PASSWORD = 'a brand new long passphrase'


def _rows(user: User) -> dict[str, dict]:
    return {row['username']: row for row in table_rows(user)}


def _row_action(user: User, event: str, username: str) -> None:
    """Press a row's Reset password / Deactivate / Activate button (the table slot emits `event` with the row)."""
    user.find(kind=ui.table).trigger(event, _rows(user)[username])


async def _open_users(user: User, username: str = 'root') -> None:
    await log_in(user, username, path=USERS)
    await user.should_see(kind=ui.table, retries=SLOW)


async def test_the_table_lists_users_and_an_added_user_can_log_in(user: User, make_user) -> None:
    make_user('root', is_admin=True, display_name='Root Admin')
    make_user('alice', display_name='Alice Liddell')
    await _open_users(user)
    await user.should_see('Users')
    rows = _rows(user)
    assert set(rows) == {'root', 'alice'}
    assert {k: rows['root'][k] for k in ('display_name', 'is_admin', 'is_active')} == \
        {'display_name': 'Root Admin', 'is_admin': 'Yes', 'is_active': 'Yes'}
    assert rows['root']['last_login'] != 'Never'
    assert {k: rows['alice'][k] for k in ('display_name', 'is_admin', 'is_active', 'last_login')} == \
        {'display_name': 'Alice Liddell', 'is_admin': 'No', 'is_active': 'Yes', 'last_login': 'Never'}

    press(user, 'Add user')
    add = await dialog(user, 'Add user')
    fill(user, **{'Username': 'carol', 'Display name': 'Carol Diaz', 'Password': PASSWORD})
    press(user, 'Save', within=add)
    await user.should_see('User added', retries=SLOW)
    await until(lambda: 'carol' in _rows(user))
    assert {k: _rows(user)['carol'][k] for k in ('display_name', 'is_admin', 'is_active')} == \
        {'display_name': 'Carol Diaz', 'is_admin': 'No', 'is_active': 'Yes'}

    await switch_user(user, 'carol')  # through the log-in page
    await user.should_see('Your safe is empty.', retries=SLOW)
    await user.should_see(kind=ui.button, content='Carol Diaz')


async def test_add_user_shows_a_taken_username_at_the_field(user: User, make_user) -> None:
    make_user('root', is_admin=True)
    make_user('alice')
    await _open_users(user)
    press(user, 'Add user')
    add = await dialog(user, 'Add user')
    fill(user, Username='ALICE', Password=PASSWORD)
    press(user, 'Save', within=add)
    await until(lambda: field(user, 'Username').error)
    assert field(user, 'Username').error == 'This username is already taken'
    assert add.value and 'User added' not in user.notify.messages
    assert set(_rows(user)) == {'root', 'alice'}


async def test_deactivate_asks_first_and_the_user_can_no_longer_log_in(user: User, make_user) -> None:
    make_user('root', is_admin=True)
    make_user('alice')
    await _open_users(user)

    _row_action(user, 'toggle', 'alice')
    await answer_confirmation(user, 'Are you sure you want to deactivate the user: alice?', 'No')
    assert accounts.authenticate('alice', PASSWORD).is_active

    _row_action(user, 'toggle', 'alice')
    await answer_confirmation(user, 'Are you sure you want to deactivate the user: alice?', 'Yes')
    await user.should_see('User deactivated', retries=SLOW)
    await until(lambda: _rows(user)['alice']['is_active'] == 'No')
    with pytest.raises(NotAuthenticated):
        accounts.authenticate('alice', PASSWORD)

    _row_action(user, 'toggle', 'alice')  # the same button now reads Activate
    await answer_confirmation(user, 'Are you sure you want to activate the user: alice?', 'Yes')
    await user.should_see('User activated', retries=SLOW)
    await until(lambda: _rows(user)['alice']['is_active'] == 'Yes')
    assert accounts.authenticate('alice', PASSWORD).username == 'alice'


async def test_the_last_active_administrator_cannot_be_deactivated(user: User, make_user) -> None:
    make_user('root', is_admin=True)
    make_user('alice')
    await _open_users(user)

    _row_action(user, 'toggle', 'root')
    await answer_confirmation(user, 'Are you sure you want to deactivate the user: root?', 'Yes')
    await user.should_see('The last active administrator cannot be deactivated', retries=SLOW)
    assert 'User deactivated' not in user.notify.messages
    assert _rows(user)['root']['is_active'] == 'Yes'
    assert accounts.authenticate('root', PASSWORD).is_active


async def test_reset_password_lets_the_user_log_in_with_the_new_one(user: User, make_user) -> None:
    make_user('root', is_admin=True)
    make_user('alice')
    await _open_users(user)

    _row_action(user, 'reset', 'alice')
    reset = await dialog(user, 'Reset password')
    await user.should_see('Reset password of alice')
    fill(user, **{'New password': NEW_PASSWORD})
    press(user, 'Save', within=reset)
    await user.should_see('Password reset', retries=SLOW)
    assert accounts.authenticate('alice', NEW_PASSWORD).username == 'alice'
    with pytest.raises(NotAuthenticated):
        accounts.authenticate('alice', PASSWORD)

    await switch_user(user, 'alice', NEW_PASSWORD, lands_on=None)
    await user.should_see('Choose a new password')  # no session until she does
    await user.should_see('Your password was reset by root at ')
    assert user.back_history[-1] == '/login'
    fill(user, **{'New password': NEW_PASSWORD, 'Confirm new password': NEW_PASSWORD})
    press(user, 'Set password')
    await user.should_see('Choose a password other than the one that was reset')
    fill(user, **{'New password': 'her very own passphrase', 'Confirm new password': 'her very own passphrase'})
    press(user, 'Set password')
    await user.should_see('Your safe is empty.')
    assert accounts.authenticate('alice', 'her very own passphrase').must_change_password is False


async def test_a_non_administrator_cannot_manage_users_nor_see_the_menu_entry(user: User, make_user) -> None:
    make_user('root', is_admin=True)
    make_user('alice')
    await log_in(user, 'root')
    await user.should_see('Your safe is empty.', retries=SLOW)
    assert _administration_entry(user).visible  # the Grid Menu offers it to an administrator

    await switch_user(user, 'alice')
    await user.should_see('Your safe is empty.', retries=SLOW)
    assert not _administration_entry(user).visible
    await user.should_not_see('Administration')
    go(user, '/admin/users')
    await user.should_see('Only administrators can manage users.', retries=SLOW)
    await user.should_not_see(kind=ui.table)
    await user.should_not_see('Add user')
    assert not _administration_entry(user).visible


def _administration_entry(user: User) -> ui.menu_item:
    return next(iter(menu_item(user, 'Administration').elements))
