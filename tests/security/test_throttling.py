"""Attacks on the log-in throttle: racing it, spraying many usernames from one address, and what the audit keeps."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from store import accounts, throttle
from store.errors import LoginThrottled, NotAuthenticated, ValidationError
from store.models import Event, LoginThrottle, db
from store.records import Actor
from tests.security.conftest import PASSWORD
from tests.unit.helpers import raw_rows

ADDRESS = '198.51.100.23'


@pytest.fixture
def checked(monkeypatch) -> list[str]:
    """Every password the store checks with Argon2 (the function log-in and confirmation call)."""
    calls: list[str] = []
    lock = threading.Lock()
    real = accounts.verify_password

    def counting(password_hash, password):
        with lock:
            calls.append(password)
        return real(password_hash, password)
    monkeypatch.setattr(accounts, 'verify_password', counting)
    return calls


def _attempt(username: str, password: str, ip: str = ADDRESS) -> str:
    try:
        accounts.authenticate(username, password, ip=ip, user_agent='attack')
    except (NotAuthenticated, LoginThrottled) as error:
        return type(error).__name__
    return 'logged in'


def test_fifteen_parallel_guesses_check_at_most_five_passwords(make_user, checked) -> None:
    make_user('alice')
    start = threading.Barrier(15)
    outcomes: list[str] = []

    def guess(n: int) -> None:
        try:
            start.wait()
            outcomes.append(_attempt('alice', f'guess {n}', ip=f'203.0.113.{n}'))
        finally:
            db.close()  # each thread had a connection of its own
    threads = [threading.Thread(target=guess, args=(n,)) for n in range(15)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert len(checked) <= throttle.USERNAME_FAILURES
    assert sorted(outcomes) == ['LoginThrottled'] * (15 - len(checked)) + ['NotAuthenticated'] * len(checked)
    assert _attempt('alice', PASSWORD) == 'LoginThrottled'  # even the right password, and nothing checked
    assert len(checked) <= throttle.USERNAME_FAILURES


def test_parallel_log_ins_of_many_people_from_shared_addresses_never_fail_otherwise(make_user) -> None:
    for name in ('alice', 'bob', 'carol'):
        make_user(name)
    start = threading.Barrier(24)
    outcomes: list[str] = []

    def log_in(n: int) -> None:
        try:
            start.wait()
            name = ('alice', 'bob', 'carol')[n % 3]
            outcomes.append(_attempt(name, PASSWORD if n % 2 else f'guess {n}', ip=f'203.0.113.{n % 4}'))
        except Exception as error:  # noqa: BLE001 - a deadlock or a lock timeout would land here
            outcomes.append(repr(error))
        finally:
            db.close()
    threads = [threading.Thread(target=log_in, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert set(outcomes) <= {'LoginThrottled', 'NotAuthenticated', 'logged in'}, outcomes
    assert outcomes.count('logged in') + outcomes.count('NotAuthenticated') + outcomes.count('LoginThrottled') == 24


def test_counters_of_long_past_windows_are_forgotten(make_user) -> None:
    make_user('alice')
    _attempt('alice', 'guess')
    _move_windows_back(dt.timedelta(days=2))
    _attempt('bob', 'guess', ip='192.0.2.3')
    assert LoginThrottle.select().count() == 2  # bob's and 192.0.2.3's; alice's and ADDRESS's were forgotten
    assert _attempt('alice', PASSWORD) == 'logged in'


def test_spraying_passwords_over_six_usernames_from_one_address_is_throttled(make_user, checked) -> None:
    names = [f'user{n}' for n in range(6)]
    for name in names:
        make_user(name)
    outcomes = [_attempt(name, f'spray {round_}') for round_ in range(4) for name in names]  # 24 guesses, 4 each

    assert outcomes[:20] == ['NotAuthenticated'] * 20
    assert outcomes[20:] == ['LoginThrottled'] * 4
    assert len(checked) == 20  # a throttled attempt costs no Argon2 work
    refused = Event.select().where(Event.action == 'Login failed').order_by(Event.id)
    assert [row.details for row in refused][-4:] == ['Too many failed log-ins'] * 4  # the audit shows the spraying
    assert _attempt('user5', PASSWORD) == 'LoginThrottled'  # this address is done for now...
    assert _attempt('user5', PASSWORD, ip='192.0.2.50') == 'logged in'  # ...another one is not


def test_the_refusal_says_how_long_to_wait(make_user) -> None:
    make_user('alice')
    for n in range(5):
        _attempt('alice', f'guess {n}')
    with pytest.raises(LoginThrottled) as refused:
        accounts.authenticate('alice', PASSWORD, ip='192.0.2.77')
    assert str(refused.value) == 'Too many failed log-ins. Try again in 15 minutes.'

    _move_windows_back(dt.timedelta(minutes=12, seconds=30))
    with pytest.raises(LoginThrottled) as refused:
        accounts.authenticate('alice', PASSWORD, ip='192.0.2.77')
    assert str(refused.value) == 'Too many failed log-ins. Try again in 3 minutes.'

    _move_windows_back(dt.timedelta(minutes=3))
    assert _attempt('alice', PASSWORD) == 'logged in'  # the window has passed


def _move_windows_back(by: dt.timedelta) -> None:
    for row in LoginThrottle.select():
        LoginThrottle.update(window_started_at=row.window_started_at - by).where(LoginThrottle.id == row.id).execute()


def test_a_right_password_is_not_counted_against_the_address(make_user, checked) -> None:
    make_user('alice')
    for _ in range(25):
        assert _attempt('alice', PASSWORD) == 'logged in'
    assert len(checked) == 25


def test_password_confirmations_count_towards_the_same_throttle(make_actor, checked) -> None:
    alice = make_actor('alice')
    for n in range(3):
        _attempt('alice', f'guess {n}', ip=alice.ip)
    for n in range(2):
        with pytest.raises(ValidationError):
            accounts.confirm_password(alice, f'confirm guess {n}')
    with pytest.raises(LoginThrottled, match='Try again in 15 minutes'):
        accounts.confirm_password(alice, PASSWORD)
    assert _attempt('alice', PASSWORD, ip='192.0.2.1') == 'LoginThrottled'
    assert len(checked) == 5


def test_an_unknown_username_is_not_kept_as_typed(make_user) -> None:
    make_user('alice')
    typed = 'Tr0ub4dor&3-in-the-username-field'  # a password typed into Username by mistake
    assert _attempt(typed, 'alice') == 'NotAuthenticated'
    failed = Event.get(Event.action == 'Login failed')
    assert (failed.username, failed.item_name) == ('(unknown user)', '(unknown user)')
    for table in ('event', 'login_throttle', 'user'):
        assert not any(b'Tr0ub4dor' in row for row in raw_rows(table))


def test_an_unknown_username_is_throttled_like_a_real_one(started_store, checked) -> None:
    outcomes = [_attempt('ghost', f'guess {n}') for n in range(6)]
    assert outcomes == ['NotAuthenticated'] * 5 + ['LoginThrottled']
    assert len(checked) == 5


@pytest.mark.parametrize('username, password, field', [
    ('alice\x00', PASSWORD, 'username'), ('al\ud800ice', PASSWORD, 'username'), ('a' * 100_000, PASSWORD, 'username'),
    ('alice', 'pass\ud800word', 'password'), ('alice', 'p' * 1_000_000, 'password'), (None, [], 'password'),
])
def test_what_no_username_or_password_can_be_gets_a_field_message(make_user, checked, username, password,
                                                                    field) -> None:
    make_user('alice')
    with pytest.raises(ValidationError) as refused:
        accounts.authenticate(username, password, ip=ADDRESS)
    assert field in refused.value.errors
    assert checked == []


def test_a_confirmation_from_a_session_without_an_address_is_still_throttled(make_actor) -> None:
    alice = make_actor('alice')
    quiet = Actor(alice.user_id, ip='', user_agent='', session='s1')
    for n in range(5):
        with pytest.raises(ValidationError):
            accounts.confirm_password(quiet, f'guess {n}')
    with pytest.raises(LoginThrottled):
        accounts.confirm_password(quiet, PASSWORD)
