"""Two-factor sign-in (TOTP, RFC 6238): codes made by pyotp here, as an authenticator app would."""
from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pyotp
import pytest

from store import accounts, api_secrets, sessions, throttle, two_factor
from store.errors import (Forbidden, LoginThrottled, NotAuthenticated, PasswordRequired, TwoFactorSetupRequired,
                          ValidationError)
from store.models import Event, PendingLogin, TwoFactor, utcnow
from tests.conftest import PASSWORD
from tests.unit.helpers import raw_rows


def _code(key: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(key).at(time.time() + 30 * steps_ahead)


def _actions(user_id: int) -> list[tuple[str, str]]:
    return [(event.action, event.details) for event in
            Event.select().where(Event.item_id == user_id, Event.item_type == 'User').order_by(Event.id)]


@pytest.fixture
def alice(started_store, make_actor):
    return dataclasses.replace(make_actor('alice'), session='alice-laptop')


@pytest.fixture
def enabled(alice):
    """Alice with two-factor on: her key and her recovery codes."""
    setup = two_factor.begin_setup(alice)
    codes = two_factor.enable(alice, _code(setup.key))
    return setup.key, codes


def test_enabling_takes_one_correct_code_and_gives_ten_single_use_recovery_codes(alice):
    setup = two_factor.begin_setup(alice)
    assert setup.uri.startswith('otpauth://totp/MySafe:alice?') and f'secret={setup.key}' in setup.uri
    with pytest.raises(ValidationError) as wrong:
        two_factor.enable(alice, '000000' if _code(setup.key) != '000000' else '111111')
    assert wrong.value.errors == {'code': 'Wrong code'}
    assert two_factor.status(alice).enabled is False
    codes = two_factor.enable(alice, _code(setup.key))
    assert len(codes) == 10 and len(set(codes)) == 10
    state = two_factor.status(alice)
    assert (state.enabled, state.recovery_codes_left) == (True, 10)
    assert ('Two-factor enabled', '') in _actions(alice.user_id)
    assert ('Login failed', 'Two-factor code (enabling)') in _actions(alice.user_id)


def test_the_key_and_the_recovery_codes_are_not_stored_readable(alice, enabled):
    key, codes = enabled
    dump = b'\n'.join(raw_rows('two_factor') + raw_rows('recovery_code'))
    assert key.encode() not in dump
    for code in codes:
        assert code.encode() not in dump and code.replace('-', '').encode() not in dump


def test_log_in_asks_for_the_code_and_no_ticket_is_issued_before_it(alice, enabled):
    key, _ = enabled
    user = accounts.authenticate('alice', PASSWORD, ip='203.0.113.7')
    assert user.two_factor_required and user.login_proof
    with pytest.raises(NotAuthenticated):
        sessions.issue_login_ticket(user)  # the page cannot skip the Code step
    with pytest.raises(NotAuthenticated):
        sessions.issue_login_ticket(accounts.to_info(TwoFactor.get().user))  # nor make up a UserInfo
    done = two_factor.complete_login(user, _code(key, 1), ip='203.0.113.7')
    ticket = sessions.issue_login_ticket(done)
    assert sessions.redeem_login_ticket(ticket).id == alice.user_id
    with pytest.raises(NotAuthenticated):
        sessions.issue_login_ticket(done)  # the proof of the code is good once


def test_a_code_is_accepted_once(alice, enabled):
    key, _ = enabled
    first = accounts.authenticate('alice', PASSWORD)
    code = _code(key, 1)
    two_factor.complete_login(first, code)
    second = accounts.authenticate('alice', PASSWORD)
    with pytest.raises(ValidationError) as replayed:
        two_factor.complete_login(second, code)
    assert replayed.value.errors == {'code': 'Wrong code'}
    # The code that enabled it cannot be used again either (an earlier step than the last accepted).
    with pytest.raises(ValidationError):
        two_factor.complete_login(second, _code(key))
    assert ('Login failed', 'Two-factor code') in _actions(alice.user_id)


def test_the_code_step_needs_the_password_step_of_the_same_log_in(alice, enabled, make_actor):
    key, _ = enabled
    info = accounts.to_info(TwoFactor.get().user)
    with pytest.raises(NotAuthenticated):
        two_factor.complete_login(dataclasses.replace(info, login_proof='made-up'), _code(key, 1))
    bob = make_actor('bob')  # Bob's own log-in under way proves nothing of Alice's
    two_factor.enable(bob, _code(two_factor.begin_setup(bob).key))
    bobs = accounts.authenticate('bob', PASSWORD).login_proof
    with pytest.raises(NotAuthenticated):
        two_factor.complete_login(dataclasses.replace(info, login_proof=bobs), _code(key, 1))
    late = accounts.authenticate('alice', PASSWORD)
    PendingLogin.update(expires_at=utcnow() - dt.timedelta(seconds=1)).execute()  # 5 minutes later
    with pytest.raises(NotAuthenticated, match='expired'):
        two_factor.complete_login(late, _code(key, 1))


def test_two_log_ins_of_one_person_under_way_at_once_each_finish(alice, enabled):
    """The laptop and the phone: the second log-in does not make the first one start again."""
    key, codes = enabled
    laptop, phone = accounts.authenticate('alice', PASSWORD), accounts.authenticate('alice', PASSWORD)
    phone_done = two_factor.complete_login(phone, _code(key, 1))
    laptop_done = two_factor.complete_login(laptop, codes[0])  # (the next code would come 30 s later)
    for done in (laptop_done, phone_done):
        assert sessions.redeem_login_ticket(sessions.issue_login_ticket(done)).id == alice.user_id
    with pytest.raises(NotAuthenticated):
        two_factor.complete_login(phone, _code(key, 3))  # each step's proof is good once
    assert PendingLogin.select().count() == 0


def test_at_most_ten_log_ins_of_one_person_are_kept_under_way(alice, enabled):
    key, _ = enabled
    started = [accounts.authenticate('alice', PASSWORD) for _ in range(two_factor.PENDING_MAX + 1)]
    assert PendingLogin.select().count() == two_factor.PENDING_MAX
    with pytest.raises(NotAuthenticated):
        two_factor.complete_login(started[0], _code(key, 1))  # the oldest starts again
    two_factor.complete_login(started[1], _code(key, 1))


def test_a_recovery_code_logs_in_once_and_is_recorded(alice, enabled):
    _, codes = enabled
    user = accounts.authenticate('alice', PASSWORD)
    done = two_factor.complete_login(user, codes[0].upper().replace('-', ' '))
    assert sessions.redeem_login_ticket(sessions.issue_login_ticket(done)).id == alice.user_id
    assert ('Recovery code used', '') in _actions(alice.user_id)
    assert two_factor.status(alice).recovery_codes_left == 9
    again = accounts.authenticate('alice', PASSWORD)
    with pytest.raises(ValidationError):
        two_factor.complete_login(again, codes[0])


def test_wrong_codes_are_throttled_like_passwords(alice, enabled):
    key, _ = enabled
    user = accounts.authenticate('alice', PASSWORD, ip='198.51.100.1')
    right = _code(key, 1)
    wrong = '000000' if right != '000000' else '111111'
    for _ in range(throttle.USERNAME_FAILURES):
        with pytest.raises(ValidationError):
            two_factor.complete_login(user, wrong, ip='198.51.100.1')
    with pytest.raises(LoginThrottled, match='Too many wrong codes'):
        two_factor.complete_login(user, right, ip='198.51.100.1')  # not even the right code is checked now
    assert TwoFactor.get().last_step < int(time.time()) // 30 + 1


def test_disable_asks_a_code(alice, enabled):
    key, _ = enabled
    with pytest.raises(ValidationError):
        two_factor.disable(alice, '')
    two_factor.disable(alice, _code(key, 1))
    assert two_factor.status(alice).enabled is False
    assert ('Two-factor disabled', '') in _actions(alice.user_id)
    assert not accounts.authenticate('alice', PASSWORD).two_factor_required


def test_an_administrator_resets_it_and_the_users_sessions_end(alice, enabled, make_actor):
    admin = make_actor('root', is_admin=True)
    generation = accounts.acting_user(alice).session_generation
    with pytest.raises(Exception, match='Only administrators'):
        two_factor.reset(alice, alice.user_id)
    two_factor.reset(admin, alice.user_id)
    assert two_factor.status(alice).enabled is False
    assert accounts.acting_user(alice).session_generation > generation
    assert ('Two-factor reset', '') in _actions(alice.user_id)


def test_a_current_code_confirms_instead_of_the_password_and_reveal_needs_one(alice, enabled, add_secret):
    key, _ = enabled
    secret_id = add_secret(alice, client_secret='sk_guarded', ask_password=True)
    with pytest.raises(PasswordRequired):
        api_secrets.reveal_client_secret(alice, secret_id)
    code = _code(key, 1)
    accounts.confirm_password(alice, code)
    assert api_secrets.reveal_client_secret(alice, secret_id) == 'sk_guarded'
    other = dataclasses.replace(alice, session='alice-phone')
    with pytest.raises(ValidationError) as replayed:
        accounts.confirm_password(other, code)  # the same code again, in another session
    assert replayed.value.errors == {'password': 'Wrong code'}
    with pytest.raises(PasswordRequired):
        api_secrets.reveal_client_secret(other, secret_id)
    accounts.confirm_password(other, PASSWORD)  # the password still does
    assert api_secrets.reveal_client_secret(other, secret_id) == 'sk_guarded'


def test_required_for_everyone_takes_a_user_without_it_to_set_it_up(alice, make_actor, add_secret):
    admin = make_actor('root', is_admin=True)
    secret_id = add_secret(alice, client_secret='sk_x')
    with pytest.raises(ValidationError) as first:
        two_factor.set_required(admin, True)
    assert first.value.errors == {'required': 'Turn on two-factor authentication for yourself first'}
    with pytest.raises(Forbidden):
        two_factor.set_required(alice, True)
    own = two_factor.begin_setup(admin)
    two_factor.enable(admin, _code(own.key))
    two_factor.set_required(admin, True)
    assert two_factor.is_required(admin) is True

    with pytest.raises(TwoFactorSetupRequired):
        api_secrets.reveal_client_secret(alice, secret_id)  # nothing but setting it up
    setup = two_factor.begin_setup(alice)
    two_factor.enable(alice, _code(setup.key))
    assert api_secrets.reveal_client_secret(alice, secret_id) == 'sk_x'
    with pytest.raises(ValidationError):
        two_factor.disable(alice, _code(setup.key, 1))  # not while it is required
    two_factor.set_required(admin, False)
    two_factor.disable(alice, _code(setup.key, 1))
    assert ('Change', 'On') in [(event.action, event.details) for event in
                                Event.select().where(Event.item_name == 'Require two-factor for everyone')]
