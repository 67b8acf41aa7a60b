"""Add API secret: validation messages at the fields, nothing stored on error (SPEC sections 1 and 2)."""
from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from store import api_secrets
from store.records import Actor

from .helpers import SLOW, field, fill, log_in, until

NEW = '/login?return_to=/mysafe/api-secrets/new'


def _count(owner) -> int:
    return api_secrets.list_api_secrets(Actor(owner.id)).total


def _save(user: User) -> None:
    user.find(kind=ui.button, content='Save').click()


async def test_required_fields_are_reported_at_each_field_and_nothing_is_stored(user: User, make_user) -> None:
    alice = make_user('alice')
    await log_in(user, 'alice', path=NEW)
    await user.should_see('Add API secret', retries=SLOW)

    _save(user)
    await until(lambda: field(user, 'Name *').error)
    assert field(user, 'Name *').error == 'Name is required'
    assert field(user, 'URL *').error == 'URL is required'
    assert field(user, 'Client ID *').error == 'Client ID is required'
    for label in ('Client secret', 'Identifier', 'Tags', 'Notes'):
        assert not field(user, label).error, label
    assert _count(alice) == 0
    assert 'API secret saved' not in user.notify.messages


async def test_a_bad_url_and_too_many_tags_are_reported_and_the_rest_cleared(user: User, make_user) -> None:
    alice = make_user('alice')
    await log_in(user, 'alice', path=NEW)
    await user.should_see('Add API secret', retries=SLOW)
    _save(user)
    await until(lambda: field(user, 'Name *').error)

    fill(user, **{'Name *': 'Stripe', 'URL *': 'ftp://files.example.com', 'Client ID *': 'ca_1',
                  'Tags': ', '.join(f't{n}' for n in range(21))})
    _save(user)
    await until(lambda: field(user, 'Tags').error)  # typing cleared the earlier messages; Save sets the new ones
    assert not field(user, 'Name *').error
    assert field(user, 'URL *').error == 'Enter an absolute http or https URL, e.g. https://api.example.com'
    assert field(user, 'Tags').error == 'At most 20 tags'
    assert not field(user, 'Client ID *').error
    assert _count(alice) == 0


async def test_a_valid_form_saves_and_opens_the_details(user: User, make_user) -> None:
    alice = make_user('alice')
    await log_in(user, 'alice', path=NEW)
    await user.should_see('Add API secret', retries=SLOW)
    fill(user, **{'Name *': 'Stripe', 'URL *': 'https://api.stripe.com', 'Client ID *': 'ca_saved',
                  'Client secret': 'sk_live_typed_in_form', 'Identifier': 'stripe-prod', 'Method': 'POST',
                  'Tags': 'payments, prod', 'Notes': 'Rotate yearly'})
    _save(user)

    await user.should_see('API secret saved', retries=SLOW)
    await user.should_see('API secret details', retries=SLOW)
    (item,) = api_secrets.list_api_secrets(Actor(alice.id)).items
    assert user.back_history[-1] == f'/mysafe/api-secrets/{item.id}'
    details = api_secrets.get_api_secret(Actor(alice.id), item.id)
    assert (details.name, details.url, details.client_id, details.identifier, details.method, details.tags,
            details.notes) == ('Stripe', 'https://api.stripe.com', 'ca_saved', 'stripe-prod', 'POST',
                               ['payments', 'prod'], 'Rotate yearly')
    assert api_secrets.reveal_client_secret(Actor(alice.id), item.id) == 'sk_live_typed_in_form'


async def test_a_duplicate_identifier_is_refused_at_the_field(user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    add_secret(alice, name='Stripe', identifier='stripe-prod')
    await log_in(user, 'alice', path=NEW)
    await user.should_see('Add API secret', retries=SLOW)
    fill(user, **{'Name *': 'Stripe again', 'URL *': 'https://api.stripe.com', 'Client ID *': 'ca_2',
                  'Identifier': 'stripe-prod'})
    _save(user)

    await until(lambda: field(user, 'Identifier').error)
    assert field(user, 'Identifier').error == 'You already have an API secret with this Identifier'
    assert not field(user, 'Name *').error
    assert _count(alice) == 1
    assert 'API secret saved' not in user.notify.messages


async def test_a_lone_surrogate_an_invisible_character_and_a_huge_name_get_their_field_messages(
        user: User, make_user) -> None:
    alice = make_user('alice')
    await log_in(user, 'alice', path=NEW)
    await user.should_see('Add API secret', retries=SLOW)
    fill(user, **{'Name *': 'x' * 300_000, 'URL *': 'https://api.stripe.com', 'Client ID *': 'ca_1',
                  'Client secret': 'sk_\ud800', 'Identifier': 'stripe\u200b-prod'})
    _save(user)
    await until(lambda: field(user, 'Name *').error)
    assert field(user, 'Name *').error == 'Name must be at most 255 characters'
    assert field(user, 'Client secret').error == \
        'Client secret contains a character that cannot be stored (a lone surrogate)'
    assert field(user, 'Identifier').error.startswith('Identifier must not contain invisible or text-direction')
    assert _count(alice) == 0
    assert 'API secret saved' not in user.notify.messages
