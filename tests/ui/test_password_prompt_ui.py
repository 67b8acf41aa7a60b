"""Ask for my password before revealing: the form's checkbox (owner only) and the Confirm your password dialog."""
from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from store import api_secrets, sharing
from store.records import Actor

from .helpers import PASSWORD, SLOW, dialog, field, fill, log_in, page_holds, press, until


async def test_the_secret_shows_only_after_the_password_is_confirmed(user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    secret_id = add_secret(alice, name='Stripe', client_secret='sk_live_behind_password', ask_password=True)
    await log_in(user, 'alice', path=f'/login?return_to=/mysafe/api-secrets/{secret_id}')
    await user.should_see('Asks for your password before revealing', retries=SLOW)

    press(user, 'View the information')
    prompt = await dialog(user, 'Confirm your password')
    fill(user, Password='not my password')
    press(user, 'Confirm', within=prompt)
    await until(lambda: field(user, 'Password').error == 'Wrong password')
    assert not page_holds(user, 'sk_live_behind_password')

    fill(user, Password=PASSWORD)
    press(user, 'Confirm', within=prompt)
    await user.should_see('Protected information', retries=SLOW)
    await user.should_see('sk_live_behind_password')
    assert api_secrets.get_api_secret(Actor(alice.id), secret_id).last_used_at is not None


async def test_cancelling_the_prompt_reveals_nothing(user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    secret_id = add_secret(alice, name='Stripe', client_secret='sk_live_cancelled', ask_password=True)
    await log_in(user, 'alice', path=f'/login?return_to=/mysafe/api-secrets/{secret_id}')
    await user.should_see('API secret details', retries=SLOW)
    press(user, 'View the information')
    prompt = await dialog(user, 'Confirm your password')
    press(user, 'Cancel', within=prompt)
    await until(lambda: prompt.is_deleted)
    assert not page_holds(user, 'sk_live_cancelled')
    assert api_secrets.get_api_secret(Actor(alice.id), secret_id).last_used_at is None


async def test_only_the_owner_gets_the_checkbox(user: User, make_user, add_secret) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    secret_id = add_secret(alice, name='Stripe', ask_password=True)
    sharing.share(Actor(alice.id), [secret_id], {bob.id: True})
    await log_in(user, 'bob', path=f'/login?return_to=/mysafe/api-secrets/{secret_id}/edit')
    await user.should_see('Edit API secret', retries=SLOW)
    await user.should_not_see('Ask for my password before revealing')
    fill(user, **{'Notes': 'edited by bob'})
    press(user, 'Save')
    await user.should_see('API secret updated', retries=SLOW)
    assert api_secrets.get_api_secret(Actor(alice.id), secret_id).ask_password is True  # bob kept alice's choice


async def test_the_owner_turns_it_on_from_the_form(user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    secret_id = add_secret(alice, name='Stripe')
    await log_in(user, 'alice', path=f'/login?return_to=/mysafe/api-secrets/{secret_id}/edit')
    await user.should_see('Edit API secret', retries=SLOW)
    user.find(kind=ui.checkbox, content='Ask for my password before revealing').click()
    press(user, 'Save')
    await user.should_see('API secret updated', retries=SLOW)
    assert api_secrets.get_api_secret(Actor(alice.id), secret_id).ask_password is True
