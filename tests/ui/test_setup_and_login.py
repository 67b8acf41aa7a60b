"""First run, log in and log out, as a person does them in the simulated browser (SPEC section 1)."""
from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from store import accounts, admin
from store.records import Actor

from .helpers import PASSWORD, SLOW, field, fill, go, log_in, menu_item, until

INVALID = 'Invalid username or password'


async def test_first_run_opens_the_setup_page(user: User) -> None:
    await user.open('/')
    await user.should_see('Welcome to MySafe')
    await user.should_see('Create administrator')
    for label in ('Username', 'Password', 'Confirm password'):
        field(user, label)


async def test_creating_the_administrator_logs_in_and_shows_mysafe_home(user: User) -> None:
    await user.open('/')
    await user.should_see('Create administrator')
    fill(user, **{'Username': 'root', 'Password': PASSWORD, 'Confirm password': PASSWORD})
    user.find(kind=ui.button, content='Create administrator').click()

    await user.should_see('Your safe is empty.', retries=SLOW)
    assert user.back_history[-1] == '/mysafe'
    await user.should_see(marker=None, kind=ui.button, content='root')  # the user menu in the top bar
    assert not accounts.needs_setup()
    assert accounts.authenticate('root', PASSWORD).is_admin


async def test_setup_shows_mismatched_passwords_at_the_field(user: User) -> None:
    await user.open('/setup')
    fill(user, **{'Username': 'root', 'Password': PASSWORD, 'Confirm password': PASSWORD + '!'})
    user.find(kind=ui.button, content='Create administrator').click()

    await user.should_see('The passwords do not match', retries=SLOW)
    assert field(user, 'Confirm password').error == 'The passwords do not match'
    assert accounts.needs_setup()


async def test_setup_is_refused_once_a_user_exists(user: User, make_user) -> None:
    make_user('alice')
    await user.open('/setup')
    await user.should_see('Log in to MySafe')
    await user.should_not_see('Create administrator')


async def test_wrong_password_and_unknown_user_give_the_same_message(user: User, make_user) -> None:
    make_user('alice')

    await log_in(user, 'alice', 'not the password at all')
    await user.should_see(INVALID, retries=SLOW)
    assert field(user, 'Password').value == ''

    await log_in(user, 'nobody', PASSWORD)
    await user.should_see(INVALID, retries=SLOW)
    await user.should_not_see('Your safe is empty.')


async def test_log_in_is_throttled_after_five_failures(user: User, make_user) -> None:
    make_user('alice')
    await log_in(user, 'alice', 'wrong password 0')
    await user.should_see(INVALID, retries=SLOW)
    for attempt in range(1, 5):
        fill(user, Password=f'wrong password {attempt}')
        user.find(kind=ui.button, content='Log in').click()
        await until(lambda: field(user, 'Password').value == '')  # a refused attempt empties the field
        await user.should_see(INVALID)

    fill(user, Password=PASSWORD)  # even the right password is refused now
    user.find(kind=ui.button, content='Log in').click()
    await user.should_see('Too many failed log-ins', retries=SLOW)
    await user.should_not_see('Your safe is empty.')


async def test_log_in_opens_mysafe_home_and_log_out_ends_the_session(user: User, make_user) -> None:
    make_user('alice', display_name='Alice Liddell')
    await log_in(user, 'alice')
    await user.should_see('Your safe is empty.', retries=SLOW)
    await user.should_see(kind=ui.button, content='Alice Liddell')

    menu_item(user, 'Log out').click()
    await user.should_see('Log in to MySafe', retries=SLOW)
    go(user, '/mysafe/api-secrets')
    await user.should_see('Log in to MySafe', retries=SLOW)
    await user.should_not_see('Add API secret')


async def test_a_deactivated_user_loses_the_open_session(user: User, make_user) -> None:
    root = make_user('root', is_admin=True)
    alice = make_user('alice')
    await log_in(user, 'alice')
    await user.should_see('Your safe is empty.', retries=SLOW)

    admin.set_user_active(Actor(root.id), alice.id, False)
    go(user, '/mysafe/api-secrets')
    await user.should_see('Log in to MySafe', retries=SLOW)
    await user.should_not_see('Add API secret')


async def test_a_username_no_account_can_have_gets_its_message_and_no_error_page(user: User, make_user) -> None:
    make_user('alice')
    await log_in(user, 'ali\x00ce', PASSWORD)
    await user.should_see('Username must not contain NUL characters', retries=SLOW)
    await log_in(user, 'alice', 'pass\ud800word')
    await user.should_see('Password contains a character that cannot be stored (a lone surrogate)', retries=SLOW)
    await user.should_not_see('Your safe is empty.')
