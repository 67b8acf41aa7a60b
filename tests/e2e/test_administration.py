"""Administration in the browser: add a user who then logs in, deactivate them, and keep non-admins out.

Issue 3, item 7, and SPEC section 1 (Administration). Alice (the seeded owner) is the administrator; Bob, added
through the store before the server starts, is not.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import (
    Seeded,
    answer_confirmation,
    log_in,
    notice,
    open_and_log_in,
    seed_users,
    side_menu_item,
)

NON_ADMIN = 'bob'
LOG_IN_URL = re.compile(r'/login(\?return_to=[^&]*)?$')
USER_COLUMNS = ['Username', 'Display name', 'Administrator', 'Active', 'Last log-in', 'Actions']


@pytest.fixture(scope='module')
def seeded(seeded: tuple[Path, Seeded]) -> tuple[Path, Seeded]:
    seed_users(seeded[0], {NON_ADMIN: 'Bob Baker'})
    return seeded


def test_a_user_added_in_the_browser_logs_in_and_once_deactivated_cannot(
        logged_in: Callable[..., Page], new_page: Callable[[], Page], data: Seeded) -> None:
    username, display_name, password = 'dave', 'Dave Evans', 'a long enough passphrase 42'
    admin = logged_in(data.owner)

    # Grid Menu -> Administration.
    admin.get_by_role('button', name='Grid Menu').click()
    modules = admin.get_by_role('menu', name='Modules')
    modules.get_by_text('Administration', exact=True).click()
    expect(admin).to_have_url(re.compile(r'/admin/users$'))
    expect(admin.get_by_role('heading', name='Users', level=1)).to_be_visible()
    for index, column in enumerate(USER_COLUMNS):
        expect(admin.get_by_role('columnheader').nth(index)).to_have_accessible_name(column)

    # Add user.
    admin.get_by_role('button', name='Add user').click()
    dialog = admin.get_by_role('dialog', name='Add user')
    expect(dialog.get_by_role('heading', name='Add user')).to_be_visible()
    dialog.get_by_role('textbox', name='Username').fill(username)
    dialog.get_by_role('textbox', name='Display name').fill(display_name)
    dialog.get_by_role('textbox', name='Password').fill(password)
    expect(dialog.get_by_role('checkbox', name='Administrator')).not_to_be_checked()
    dialog.get_by_role('button', name='Save').click()
    expect(notice(admin, 'User added')).to_be_visible()
    expect(dialog).to_have_count(0)
    row = _user_row(admin, username)
    expect(row.get_by_role('cell')).to_have_text([username, display_name, 'No', 'Yes', 'Never',
                                                  re.compile('Reset password.*Deactivate')])

    # The new user logs in at a browser of their own.
    user = new_page()
    open_and_log_in(user, username, password)
    expect(user.get_by_role('button', name=f'User menu: {display_name}')).to_be_visible()
    expect(user.get_by_text('Your safe is empty.')).to_be_visible()

    # The administrator deactivates them.
    row.get_by_role('button', name='Deactivate').click()
    answer_confirmation(admin, f'Are you sure you want to deactivate the user: {username}?')
    expect(notice(admin, 'User deactivated')).to_be_visible()
    expect(row.get_by_role('cell').nth(3)).to_have_text('No')
    expect(row.get_by_role('button', name='Activate')).to_be_visible()

    # Their open session ends at their next action, and logging in again is refused.
    side_menu_item(user, 'API secrets').click()
    expect(user).to_have_url(LOG_IN_URL)
    expect(user.get_by_role('button', name='Grid Menu')).to_be_hidden()
    log_in(user, username, password)
    expect(user.get_by_role('alert').filter(has_text='Invalid username or password')).to_be_visible()
    expect(user).to_have_url(LOG_IN_URL)
    user.goto('/mysafe')
    expect(user).to_have_url(LOG_IN_URL)


def test_the_last_active_administrator_cannot_be_deactivated(logged_in: Callable[..., Page], data: Seeded) -> None:
    admin = logged_in(data.owner, '/admin/users')
    row = _user_row(admin, data.owner)
    row.get_by_role('button', name='Deactivate').click()
    answer_confirmation(admin, f'Are you sure you want to deactivate the user: {data.owner}?')
    expect(notice(admin, 'The last active administrator cannot be deactivated')).to_be_visible()
    admin.reload()
    expect(_user_row(admin, data.owner).get_by_role('cell').nth(3)).to_have_text('Yes')
    expect(admin.get_by_role('button', name='Grid Menu')).to_be_visible()


def test_a_non_administrator_has_no_administration(logged_in: Callable[..., Page]) -> None:
    page = logged_in(NON_ADMIN)
    page.get_by_role('button', name='Grid Menu').click()
    modules = page.get_by_role('menu', name='Modules')
    expect(modules.get_by_text('MySafe', exact=True)).to_be_visible()
    expect(modules.get_by_text('Administration', exact=True)).to_be_hidden()

    page.goto('/admin/users')
    expect(page.get_by_text('Only administrators can manage users.', exact=True)).to_be_visible()
    expect(page.get_by_role('button', name='Add user')).to_have_count(0)
    expect(page.get_by_role('table')).to_have_count(0)
    main = page.get_by_role('main').inner_text()  # no user list behind the message
    assert 'alice' not in main and 'Alice Martin' not in main


def _user_row(page: Page, username: str):
    return page.get_by_role('row').filter(has=page.get_by_role('cell', name=username, exact=True))
