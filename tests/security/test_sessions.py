"""Sessions under attack (issue 6, item 3): a browser id planted before log-in is worthless afterwards, and a
log-out, a password reset or a deactivation ends every open session of that user at their next request."""
from __future__ import annotations

from pathlib import Path

import pytest

from store import accounts, admin, api_secrets, sessions
from store.errors import NotAuthenticated, ValidationError
from store.records import Actor

from .conftest import PASSWORD, seed
from .wire import WireClient

NEW_PASSWORD = 'a completely new passphrase'


# --- the store: generations and tickets, on both backends ------------------------------------------------

@pytest.fixture
def world(started_store, make_actor, add_secret):
    root = make_actor('root', is_admin=True)
    alice = make_actor('alice')
    secret_id = add_secret(alice, name='Stripe')
    user = accounts.authenticate('alice', PASSWORD)
    browser = Actor(alice.user_id, generation=user.session_generation)  # a browser session of alice
    return root, alice, browser, secret_id


@pytest.mark.parametrize('end', ['log_out', 'reset_password', 'deactivate_and_activate'])
def test_every_open_session_of_the_user_ends(world, end):
    root, alice, browser, secret_id = world
    assert api_secrets.get_api_secret(browser, secret_id).name == 'Stripe'
    if end == 'log_out':
        accounts.log_out(Actor(alice.user_id, generation=browser.generation))
    elif end == 'reset_password':
        admin.reset_password(root, alice.user_id, NEW_PASSWORD)
    else:
        admin.set_user_active(root, alice.user_id, False)
        admin.set_user_active(root, alice.user_id, True)
    with pytest.raises(NotAuthenticated):
        api_secrets.get_api_secret(browser, secret_id)
    assert accounts.active_user(alice.user_id, browser.generation) is None


def test_a_ticket_is_good_once_and_only_for_its_generation(world):
    _, alice, browser, _ = world
    user = accounts.active_user(alice.user_id)
    ticket = sessions.issue_login_ticket(user)
    assert ticket not in str(list(sessions.LoginTicket.select().dicts()))  # only its hash is stored
    assert sessions.redeem_login_ticket(ticket).id == alice.user_id
    with pytest.raises(NotAuthenticated):
        sessions.redeem_login_ticket(ticket)  # replayed
    late = sessions.issue_login_ticket(user)
    accounts.log_out(browser)  # the user's sessions end before the ticket is used
    with pytest.raises(NotAuthenticated):
        sessions.redeem_login_ticket(late)
    for forged in ('', 'x' * 43, None, 12345):
        with pytest.raises(NotAuthenticated):
            sessions.redeem_login_ticket(forged)


def test_after_a_reset_the_user_must_choose_a_new_password_and_learns_who_reset_it(world):
    root, alice, _, _ = world
    admin.reset_password(root, alice.user_id, NEW_PASSWORD)
    user = accounts.authenticate('alice', NEW_PASSWORD)
    assert (user.must_change_password, user.password_reset_by) == (True, 'root')
    assert user.password_reset_at is not None
    with pytest.raises(ValidationError):
        sessions.issue_login_ticket(user)  # no session before a password of their own
    with pytest.raises(ValidationError) as same:
        accounts.choose_new_password('alice', NEW_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert 'new_password' in same.value.errors
    with pytest.raises(ValidationError) as mismatch:
        accounts.choose_new_password('alice', NEW_PASSWORD, PASSWORD + '!', PASSWORD + '?')
    assert 'confirmation' in mismatch.value.errors
    with pytest.raises(NotAuthenticated):
        accounts.choose_new_password('alice', 'not the reset password', PASSWORD + '!', PASSWORD + '!')
    chosen = accounts.choose_new_password('alice', NEW_PASSWORD, PASSWORD + '!', PASSWORD + '!')
    assert not chosen.must_change_password
    assert sessions.redeem_login_ticket(sessions.issue_login_ticket(chosen)).id == alice.user_id


# --- a real server: the planted cookie ---------------------------------------------------------------------

async def test_a_browser_id_planted_before_log_in_is_worthless_afterwards(server_factory, tmp_path: Path) -> None:
    data_dir = tmp_path / 'data'
    data = seed(data_dir, {'alice': False}, {'alice': [{'name': 'Alice payments'}]})
    server = server_factory(data_dir)
    victim = WireClient(server.url)
    attacker = WireClient(server.url)
    try:
        await victim.open('/login')
        planted = dict(victim.http.cookies)  # the id an attacker on the same host name could have set
        assert planted
        await victim.wait_for(lambda: victim.find(lambda e: e.get('props', {}).get('label') == 'Username'))
        await victim.type(victim.by_text('Username'), 'alice')
        await victim.type(victim.by_text('Password'), PASSWORD)
        await victim.click(victim.button('Log in'))
        await victim.wait_for(lambda: victim.pages[-1] == '/mysafe')
        await victim.wait_for(lambda: [card['name'] for card in victim.home_cards()] == ['Alice payments'])
        assert dict(victim.http.cookies) != planted  # log-in gave the browser a new id

        for name, value in planted.items():
            attacker.http.cookies.set(name, value)
        await attacker.open(f'/mysafe/api-secrets/{data.secrets["Alice payments"]}')
        await attacker.wait_for(lambda: attacker.pages[-1].startswith('/login') or any(
            'pushState' in code and '/login' in code for code in attacker.navigations()))
        assert 'Alice payments' not in attacker.everything()
    finally:
        await victim.close()
        await attacker.close()
