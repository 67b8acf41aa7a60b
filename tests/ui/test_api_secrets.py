"""The API secrets list, details, Protected information and not-found pages (SPEC sections 1 and 3)."""
from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from store import api_secrets, sharing
from store.records import Actor

from ui.components.card_grid import CardGrid

from .helpers import SLOW, button, definition_list, go, home_cards, log_in, page_holds, press_on_card, table_rows, until

NOT_FOUND = 'API secret not found'


async def test_the_list_shows_the_users_secrets_and_not_other_peoples(user: User, make_user, add_secret) -> None:
    alice, bob = make_user('alice', display_name='Alice'), make_user('bob')
    mine = [add_secret(alice, name='Stripe', tags='payments, prod'), add_secret(alice, name='GitHub')]
    theirs = add_secret(bob, name='Bob private API')
    shared = add_secret(bob, name='Bob shared API')
    sharing.share(Actor(bob.id), [shared], {alice.id: False})
    await log_in(user, 'alice', path='/login?return_to=/mysafe/api-secrets')
    await user.should_see(kind=ui.table, retries=SLOW)

    rows = {row['id']: row for row in table_rows(user)}
    assert set(rows) == {*mine, shared}
    assert theirs not in rows
    assert rows[mine[0]]['name'] == 'Stripe'
    assert rows[mine[0]]['tags'] == 'payments, prod'
    assert rows[mine[0]]['owner'] == 'Alice'
    assert rows[mine[0]]['status'] == 'Enabled'
    assert rows[shared]['shared'] == 'Yes' and rows[mine[1]]['shared'] == 'No'
    assert not page_holds(user, 'Bob private API')


async def test_the_details_page_shows_every_field(user: User, make_user, add_secret) -> None:
    alice = make_user('alice', display_name='Alice Liddell')
    secret_id = add_secret(alice, name='Stripe production', url='https://api.stripe.com/v1', client_id='ca_12345',
                           identifier='stripe-prod', method='POST', tags='payments, production',
                           notes='Rotate every 90 days', client_secret='sk_live_details_page')
    await log_in(user, 'alice', path=f'/login?return_to=/mysafe/api-secrets/{secret_id}')
    await user.should_see('API secret details', retries=SLOW)

    fields = definition_list(user)
    assert fields['Name'] == 'Stripe production'
    assert fields['Owner'] == 'Alice Liddell'
    assert fields['Last use'] == 'Never'
    assert fields['Url'] == 'https://api.stripe.com/v1'
    assert fields['Identifier'] == 'stripe-prod'
    assert fields['Client ID'] == 'ca_12345'
    assert fields['Method'] == 'POST'
    assert fields['Tags'] == 'payments, production'
    assert fields['Notes'] == 'Rotate every 90 days'
    await user.should_see('Users with access to information')
    assert table_rows(user) == [{'user': 'Alice Liddell (alice)', 'permission': 'Owner'}]
    assert not page_holds(user, 'sk_live_details_page')


async def test_view_the_information_reveals_the_client_secret_only_when_clicked(
        user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    secret_id = add_secret(alice, name='Stripe', client_id='ca_reveal', client_secret='sk_live_only_on_click')
    await log_in(user, 'alice', path=f'/login?return_to=/mysafe/api-secrets/{secret_id}')
    await user.should_see('API secret details', retries=SLOW)
    assert not page_holds(user, 'sk_live_only_on_click')
    await user.should_not_see('Protected information')

    user.find(kind=ui.button, content='View the information').click()
    await user.should_see('Protected information', retries=SLOW)
    await user.should_see('sk_live_only_on_click')
    dialog = next(iter(user.find(kind=ui.dialog).elements))
    assert dialog.value is True
    assert button(user, 'Copy Client secret') and button(user, 'Copy Client ID')
    assert definition_list(user)['Last use'] == 'Never'  # the page itself is not rebuilt
    assert api_secrets.get_api_secret(Actor(alice.id), secret_id).last_used_at is not None

    # Closing deletes the dialog once the browser reports it hidden: the secret leaves the client.
    user.find(kind=ui.button, content='Close').click()
    assert dialog.value is False
    user.find(kind=ui.dialog).trigger('hide')
    await until(lambda: dialog.is_deleted)
    assert not page_holds(user, 'sk_live_only_on_click')


async def test_view_api_secret_on_the_home_page_opens_protected_information(
        user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    add_secret(alice, name='Stripe', client_id='ca_home', client_secret='sk_live_from_home')
    add_secret(alice, name='GitHub')
    await log_in(user, 'alice')
    await user.should_see(kind=CardGrid, retries=SLOW)
    assert not page_holds(user, 'sk_live_from_home')

    assert set(home_cards(user)) == {'Stripe', 'GitHub'}
    press_on_card(user, 'view', 'Stripe')

    await user.should_see('Protected information', retries=SLOW)
    await user.should_see('sk_live_from_home')
    await user.should_see('ca_home')


async def test_a_secret_of_someone_else_and_a_missing_one_look_the_same(user: User, make_user, add_secret) -> None:
    make_user('alice')
    bob = make_user('bob')
    theirs = add_secret(bob, name='Bob private API', client_id='ca_bob_private')
    await log_in(user, 'alice')
    await user.should_see('Your safe is empty.', retries=SLOW)

    for path in (f'/mysafe/api-secrets/{theirs}', '/mysafe/api-secrets/9999', '/mysafe/api-secrets/abc',
                 '/mysafe/api-secrets/-1', '/mysafe/api-secrets/99999999999999999999999'):
        go(user, path)
        await user.should_see(NOT_FOUND, retries=SLOW)
        await user.should_not_see('API secret details')
        assert not page_holds(user, 'Bob private API') and not page_holds(user, 'ca_bob_private'), path
        go(user, '/mysafe')
        await user.should_not_see(NOT_FOUND, retries=SLOW)
