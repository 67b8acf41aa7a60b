"""Users: first-run setup, log-in, throttling, deactivation and how passwords are kept."""
from __future__ import annotations

import pytest

from store import accounts, api_secrets
from store.errors import LoginThrottled, NotAuthenticated, StoreError, ValidationError
from store.models import Event, User
from store.records import Actor
from tests.conftest import PASSWORD

WRONG = 'not the right password'


def test_setup_creates_the_first_administrator_only_while_no_user_exists(started_store):
    assert accounts.needs_setup()
    admin = accounts.create_first_admin('root-admin', PASSWORD, PASSWORD, ip='198.51.100.1')
    assert admin.is_admin and admin.is_active and admin.username == 'root-admin'
    assert not accounts.needs_setup()
    with pytest.raises(StoreError, match='already set up'):
        accounts.create_first_admin('intruder', PASSWORD, PASSWORD)
    assert [user.username for user in User.select()] == ['root-admin']
    assert Event.get(Event.action == 'New').ip == '198.51.100.1'


def test_setup_refuses_a_mismatched_confirmation_or_a_short_password(started_store):
    with pytest.raises(ValidationError) as mismatch:
        accounts.create_first_admin('admin', PASSWORD, PASSWORD + '!')
    assert mismatch.value.errors == {'confirmation': 'The passwords do not match'}
    with pytest.raises(ValidationError) as short:
        accounts.create_first_admin('admin', 'elevenchars', 'elevenchars')
    assert short.value.errors == {'password': 'Password must be at least 12 characters'}
    assert accounts.needs_setup()


def test_usernames_are_unique_ignoring_case_and_log_in_ignores_case(started_store, make_user):
    make_user('Alice')
    with pytest.raises(ValidationError) as taken:
        make_user('alice')
    assert taken.value.errors == {'username': 'This username is already taken'}
    assert User.select().count() == 1
    assert accounts.authenticate('ALICE', PASSWORD).username == 'Alice'


@pytest.mark.parametrize('username', ['', ' ', '-leading-dash', 'has space', 'x' * 65, 'semi;colon'])
def test_unusable_usernames_are_refused(started_store, username):
    with pytest.raises(ValidationError) as refused:
        accounts.create_user(username, PASSWORD)
    assert set(refused.value.errors) == {'username'}


def test_log_in_with_the_right_password_records_it(started_store, make_user):
    alice = make_user('alice')
    info = accounts.authenticate('alice', PASSWORD, ip='198.51.100.9', user_agent='Firefox')
    assert info.id == alice.id
    assert accounts.active_user(alice.id).last_login_at is not None
    login = Event.get(Event.action == 'Login')
    assert (login.user_id, login.ip, login.user_agent) == (alice.id, '198.51.100.9', 'Firefox')


def test_unknown_user_and_wrong_password_look_the_same(started_store, make_user):
    make_user('alice')
    with pytest.raises(NotAuthenticated) as unknown:
        accounts.authenticate('mallory', PASSWORD)
    with pytest.raises(NotAuthenticated) as wrong:
        accounts.authenticate('alice', WRONG)
    assert str(unknown.value) == str(wrong.value) == 'Invalid username or password'
    failed = Event.select().where(Event.action == 'Login failed').order_by(Event.id)
    assert [event.username for event in failed] == ['(unknown user)', 'alice']  # never what was typed


def test_log_in_is_throttled_after_five_failures(started_store, make_user):
    make_user('alice')
    make_user('bob')
    for attempt in range(5):
        with pytest.raises(NotAuthenticated):
            accounts.authenticate('Alice' if attempt % 2 else 'alice', WRONG)
    with pytest.raises(LoginThrottled, match='Try again in 15 minutes'):
        accounts.authenticate('alice', PASSWORD)  # even the right password
    assert accounts.authenticate('bob', PASSWORD).username == 'bob'


def test_a_deactivated_user_can_neither_log_in_nor_act(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id = add_secret(alice)
    User.update(is_active=False).where(User.id == alice.user_id).execute()
    with pytest.raises(NotAuthenticated) as refused:
        accounts.authenticate('alice', PASSWORD)
    assert str(refused.value) == 'Invalid username or password'
    assert accounts.active_user(alice.user_id) is None
    with pytest.raises(NotAuthenticated):
        accounts.acting_user(alice)
    with pytest.raises(NotAuthenticated):
        api_secrets.reveal_client_secret(alice, secret_id)
    with pytest.raises(NotAuthenticated):
        api_secrets.list_api_secrets(alice)


def test_a_session_of_a_user_that_no_longer_exists_is_not_authenticated(started_store):
    assert accounts.active_user(12345) is None
    with pytest.raises(NotAuthenticated):
        accounts.acting_user(Actor(12345))


def test_passwords_are_kept_as_argon2id_hashes_with_owasp_parameters(started_store):
    accounts.create_user('alice', PASSWORD)
    accounts.create_user('bob', PASSWORD)
    hashes = [user.password_hash for user in User.select().order_by(User.id)]
    for password_hash in hashes:
        assert password_hash.startswith('$argon2id$v=19$m=19456,t=2,p=1$')
        assert PASSWORD not in password_hash
    assert hashes[0] != hashes[1]  # salted


def _session_of(user_id: int) -> Actor:
    """An Actor as a browser session holds it: with the user's session generation at log-in."""
    return Actor(user_id, ip='198.51.100.9', user_agent='Firefox',
                 generation=accounts.active_user(user_id).session_generation)


def test_changing_ones_password_needs_the_current_one_and_ends_every_session(started_store, make_user):
    alice = make_user('alice')
    here, elsewhere = _session_of(alice.id), _session_of(alice.id)
    new = 'a new passphrase of mine'
    with pytest.raises(ValidationError) as wrong:
        accounts.change_password(here, WRONG, new, new)
    assert wrong.value.errors == {'current_password': 'Wrong password'}
    failed = Event.get(Event.action == 'Login failed')
    assert (failed.username, failed.details) == ('alice', 'Password change')
    assert accounts.authenticate('alice', PASSWORD).id == alice.id  # nothing changed

    accounts.change_password(here, PASSWORD, new, new)

    for session in (here, elsewhere):
        with pytest.raises(NotAuthenticated):
            accounts.acting_user(session)
    with pytest.raises(NotAuthenticated):
        accounts.authenticate('alice', PASSWORD)
    assert accounts.authenticate('alice', new).id == alice.id
    change = Event.get(Event.action == 'Change')
    assert (change.user_id, change.item_name, change.details) == (alice.id, 'alice', 'Password changed')


@pytest.mark.parametrize('new, confirmation, field, message', [
    ('short', 'short', 'new_password', 'at least 12'),
    ('a new passphrase of mine', 'a new passphrase of yours', 'confirmation', 'The passwords do not match'),
    (PASSWORD, PASSWORD, 'new_password', 'Choose a password other than your current one'),
])
def test_a_new_password_that_breaks_a_rule_changes_nothing(started_store, make_user, new, confirmation, field,
                                                           message):
    alice = make_user('alice')
    session = _session_of(alice.id)
    with pytest.raises(ValidationError) as refused:
        accounts.change_password(session, PASSWORD, new, confirmation)
    assert list(refused.value.errors) == [field] and message in refused.value.errors[field]
    assert accounts.acting_user(session).id == alice.id  # the session goes on
    assert accounts.authenticate('alice', PASSWORD).id == alice.id


def test_guessing_the_current_password_is_throttled_like_a_log_in(started_store, make_user):
    alice = make_user('alice')
    session = _session_of(alice.id)
    for _ in range(5):
        with pytest.raises(ValidationError):
            accounts.change_password(session, WRONG, 'a new passphrase of mine', 'a new passphrase of mine')
    with pytest.raises(LoginThrottled):
        accounts.change_password(session, PASSWORD, 'a new passphrase of mine', 'a new passphrase of mine')
    with pytest.raises(LoginThrottled):  # the same count as log-ins: guessing here does not bypass it
        accounts.authenticate('alice', PASSWORD)
