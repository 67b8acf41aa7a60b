"""Edit an API secret through the form: pre-filled but for the Client secret, validated like Add, and
optimistic locking against a concurrent change (SPEC section 1, issue 3 item 1)."""
from __future__ import annotations

import re

from nicegui.testing import User

from store import api_secrets, sharing
from store.models import ApiSecret
from store.records import Actor, ApiSecretInput

from .helpers import SLOW, field, fill, log_in, page_holds, press, until

URL_MESSAGE = 'Enter an absolute http or https URL, e.g. https://api.example.com'


async def _open_edit(user: User, username: str, secret_id: int) -> None:
    await log_in(user, username, path=f'/login?return_to=/mysafe/api-secrets/{secret_id}/edit')
    await user.should_see('Edit API secret', retries=SLOW)


def _values(user: User) -> dict[str, str]:
    return {label: field(user, label).value for label in
            ('Name *', 'URL *', 'Client ID *', 'Client secret', 'Identifier', 'Method', 'Tags', 'Notes')}


async def test_the_form_is_pre_filled_except_the_client_secret_and_names_who_changed_it(
        user: User, make_user, add_secret) -> None:
    alice, bob = make_user('alice', display_name='Alice Liddell'), make_user('bob', display_name='Bob Baker')
    secret_id = add_secret(alice, name='Stripe', url='https://api.stripe.com/v1', client_id='ca_prefill',
                           client_secret='sk_never_in_the_form', identifier='stripe-prod', method='POST',
                           tags='payments, prod', notes='Rotate yearly')
    sharing.share(Actor(alice.id), [secret_id], {bob.id: True})
    details = api_secrets.get_api_secret(Actor(bob.id), secret_id)
    api_secrets.update_api_secret(Actor(bob.id), secret_id, ApiSecretInput(
        name='Stripe', url='https://api.stripe.com/v1', client_id='ca_prefill', identifier='stripe-prod',
        method='POST', tags='payments, prod', notes='Rotate yearly'), details.version)

    await _open_edit(user, 'alice', secret_id)
    assert _values(user) == {'Name *': 'Stripe', 'URL *': 'https://api.stripe.com/v1', 'Client ID *': 'ca_prefill',
                             'Client secret': '', 'Identifier': 'stripe-prod', 'Method': 'POST',
                             'Tags': 'payments, prod', 'Notes': 'Rotate yearly'}
    stamp = r'\d{4}-\d\d-\d\d \d\d:\d\d UTC'
    await user.should_see('Created by Alice Liddell')
    (line,) = [element.text for element in user.find('Created by Alice Liddell').elements]
    assert re.fullmatch(rf'Created by Alice Liddell at {stamp} · last changed by Bob Baker at {stamp}', line), line
    assert not page_holds(user, 'sk_never_in_the_form')


async def test_a_bad_url_is_shown_at_the_field_and_nothing_changes(user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    secret_id = add_secret(alice, name='Stripe', url='https://api.stripe.com')
    before = api_secrets.get_api_secret(Actor(alice.id), secret_id)
    await _open_edit(user, 'alice', secret_id)

    fill(user, **{'Name *': 'Renamed', 'URL *': 'javascript:alert(1)'})
    press(user, 'Save')
    await until(lambda: field(user, 'URL *').error)
    assert field(user, 'URL *').error == URL_MESSAGE
    assert not field(user, 'Name *').error
    assert 'API secret updated' not in user.notify.messages
    assert user.back_history[-1] == f'/mysafe/api-secrets/{secret_id}/edit'
    after = api_secrets.get_api_secret(Actor(alice.id), secret_id)
    assert (after.name, after.url, after.version) == ('Stripe', 'https://api.stripe.com', before.version)


async def test_saving_with_an_empty_client_secret_keeps_the_current_one(user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    secret_id = add_secret(alice, name='Stripe', client_secret='sk_keep_me')
    await _open_edit(user, 'alice', secret_id)

    fill(user, **{'Name *': 'Stripe renamed', 'Notes': 'edited'})
    assert field(user, 'Client secret').value == ''
    press(user, 'Save')
    await user.should_see('API secret updated', retries=SLOW)
    await user.should_see('API secret details', retries=SLOW)
    assert user.back_history[-1] == f'/mysafe/api-secrets/{secret_id}'
    await user.should_see('Stripe renamed')
    after = api_secrets.get_api_secret(Actor(alice.id), secret_id)
    assert (after.name, after.notes) == ('Stripe renamed', 'edited')
    assert api_secrets.reveal_client_secret(Actor(alice.id), secret_id) == 'sk_keep_me'


async def test_a_typed_client_secret_replaces_the_current_one(user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    secret_id = add_secret(alice, name='Stripe', client_secret='sk_old_value')
    await _open_edit(user, 'alice', secret_id)

    fill(user, **{'Client secret': 'sk_new_value'})
    press(user, 'Save')
    await user.should_see('API secret updated', retries=SLOW)
    await user.should_see('Information history', retries=SLOW)
    await user.should_see('Replaced ')  # the earlier value is kept in the history, not lost
    assert api_secrets.reveal_client_secret(Actor(alice.id), secret_id) == 'sk_new_value'


async def test_a_concurrent_change_is_refused_naming_who_made_it_and_nothing_is_lost(
        user: User, make_user, add_secret) -> None:
    alice, bob = make_user('alice', display_name='Alice Liddell'), make_user('bob', display_name='Bob Baker')
    secret_id = add_secret(alice, name='Stripe', url='https://api.stripe.com', client_id='ca_1',
                           client_secret='sk_original')
    sharing.share(Actor(alice.id), [secret_id], {bob.id: True})
    await _open_edit(user, 'alice', secret_id)

    # Bob saves while Alice has the form open.
    version = api_secrets.get_api_secret(Actor(bob.id), secret_id).version
    api_secrets.update_api_secret(Actor(bob.id), secret_id, ApiSecretInput(
        name='Stripe by Bob', url='https://bob.example.com', client_id='ca_bob', client_secret='sk_bob'), version)

    typed = {'Name *': 'Stripe by Alice', 'URL *': 'https://alice.example.com', 'Client ID *': 'ca_alice',
             'Client secret': 'sk_alice', 'Identifier': 'alice-id', 'Method': 'PUT', 'Tags': 'mine',
             'Notes': 'Alice typed this'}
    fill(user, **typed)
    press(user, 'Save')
    await user.should_see('Bob Baker changed this API secret', retries=SLOW)
    (message,) = [element.text for element in user.find('Bob Baker changed this API secret').elements]
    assert re.fullmatch(r'Bob Baker changed this API secret at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, after you '
                        r'opened it\. Your changes were not saved: reload to see theirs, then edit again\.', message)
    assert 'API secret updated' not in user.notify.messages
    assert user.back_history[-1] == f'/mysafe/api-secrets/{secret_id}/edit'
    assert _values(user) == typed  # nothing Alice typed is lost

    stored = api_secrets.get_api_secret(Actor(alice.id), secret_id)
    assert (stored.name, stored.url, stored.client_id, stored.identifier, stored.method, stored.notes,
            stored.updated_by) == ('Stripe by Bob', 'https://bob.example.com', 'ca_bob', '', 'GET', '', 'Bob Baker')
    assert api_secrets.reveal_client_secret(Actor(alice.id), secret_id) == 'sk_bob'


async def test_an_undecryptable_client_secret_can_be_replaced_and_is_shown_as_unreadable(
        user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    secret_id = add_secret(alice, name='Stripe', client_secret='sk_old_value')
    blob = bytearray(ApiSecret.get_by_id(secret_id).client_secret)
    blob[len(blob) // 2] ^= 0x01  # the stored ciphertext altered
    ApiSecret.update(client_secret=bytes(blob)).where(ApiSecret.id == secret_id).execute()
    await _open_edit(user, 'alice', secret_id)

    fill(user, **{'Client secret': 'sk_new_value'})
    press(user, 'Save')
    await user.should_see('API secret updated', retries=SLOW)
    await user.should_see('This value cannot be decrypted: it can be neither shown nor restored.', retries=SLOW)
    assert api_secrets.reveal_client_secret(Actor(alice.id), secret_id) == 'sk_new_value'
