"""The fields of an API secret (SPEC section 2): what is accepted, and the message for what is not."""
from __future__ import annotations

import pytest

from store import api_secrets, validation
from store.errors import ValidationError
from store.models import ApiSecret
from store.records import METHODS, ApiSecretInput

VALID = {'name': 'Stripe', 'url': 'https://api.stripe.com', 'client_id': 'ca_123', 'client_secret': 'sk_1'}


def _errors(**fields: object) -> dict[str, str]:
    """The per-field messages for a form filled with VALID overridden by `fields`."""
    with pytest.raises(ValidationError) as refused:
        validation.clean_api_secret(ApiSecretInput(**{**VALID, **fields}))
    return refused.value.errors


def test_a_valid_form_is_cleaned():
    cleaned = validation.clean_api_secret(ApiSecretInput(
        name='  Stripe  ', url=' https://api.stripe.com/v1 ', client_id='ca_123', client_secret=' keep spaces ',
        identifier='', method='post', tags='prod, Payments, prod ,, PROD', notes=' line 1\nline 2 '))
    assert cleaned == {'name': 'Stripe', 'url': 'https://api.stripe.com/v1', 'client_id': 'ca_123',
                       'client_secret': ' keep spaces ', 'identifier': None, 'method': 'POST',
                       'tags': ['prod', 'Payments'], 'notes': 'line 1\nline 2', 'ask_password': False}


def test_every_bad_field_gets_its_own_message_at_once():
    errors = _errors(name='', url='ftp://files.example.com', client_id=' ', method='TRACE', notes='n' * 4001)
    assert errors == {
        'name': 'Name is required',
        'url': 'Enter an absolute http or https URL, e.g. https://api.example.com',
        'client_id': 'Client ID is required',
        'method': 'Method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS',
        'notes': 'Notes must be at most 4000 characters',
    }


@pytest.mark.parametrize('field, longest, message', [
    ('name', 255, 'Name must be at most 255 characters'),
    ('client_id', 1024, 'Client ID must be at most 1024 characters'),
    ('client_secret', 8192, 'Client secret must be at most 8192 characters'),
    ('identifier', 255, 'Identifier must be at most 255 characters'),
    ('notes', 4000, 'Notes must be at most 4000 characters'),
])
def test_length_limits(field, longest, message):
    assert validation.clean_api_secret(ApiSecretInput(**{**VALID, field: 'x' * longest}))[field] == 'x' * longest
    assert _errors(**{field: 'x' * (longest + 1)}) == {field: message}


def test_a_url_may_be_2048_characters_long():
    base = 'https://api.example.com/'
    assert validation.validate_url(base + 'a' * (2048 - len(base)))
    assert _errors(url=base + 'a' * (2049 - len(base))) == {'url': 'URL must be at most 2048 characters'}


@pytest.mark.parametrize('url', ['https://api.example.com', 'http://localhost:8080/token', 'HTTPS://Example.COM/a?b=c'])
def test_absolute_http_and_https_urls_are_accepted(url):
    assert validation.validate_url(url) == url


@pytest.mark.parametrize('url, message', [
    ('', 'URL is required'),
    ('api.example.com', 'Enter an absolute http or https URL'),
    ('/v1/token', 'Enter an absolute http or https URL'),
    ('https://', 'Enter an absolute http or https URL'),
    ('javascript:alert(1)', 'Enter an absolute http or https URL'),
    ('JavaScript://example.com/%0aalert(1)', 'Enter an absolute http or https URL'),
    ('data:text/html,<script>alert(1)</script>', 'Enter an absolute http or https URL'),
    ('https://api.example.com:99999', 'Enter an absolute http or https URL'),
    ('https://api.example.com/a b', 'URL must not contain spaces'),
    ('https://api.example.com/\tb', 'URL must not contain spaces'),
    ('https://api.example.com/\x00', 'URL must not contain NUL characters'),
])
def test_other_urls_are_refused(url, message):
    assert _errors(url=url)['url'].startswith(message)


def test_single_line_fields_refuse_control_characters():
    errors = _errors(name='a\nb', client_id='id\r\nmore', identifier='x\x07')
    assert errors == {'name': 'Name must be a single line of text',
                      'client_id': 'Client ID must be a single line of text',
                      'identifier': 'Identifier must not contain control characters'}


def test_a_pasted_trailing_newline_is_trimmed():
    assert validation.validate_client_id('ca_123\r\n') == 'ca_123'


def test_an_empty_identifier_means_none_and_is_trimmed():
    assert validation.validate_identifier('   ') is None
    assert validation.validate_identifier(' prod-key ') == 'prod-key'


@pytest.mark.parametrize('method', METHODS)
def test_each_http_method_is_accepted_in_any_case(method):
    assert validation.validate_method(method.lower()) == method


@pytest.mark.parametrize('method', ['', 'TRACE', 'CONNECT', 'GET POST'])
def test_other_methods_are_refused(method):
    assert 'method' in _errors(method=method)


def test_tags_limits():
    twenty = [f'tag{i}' for i in range(20)]
    assert validation.validate_tags(twenty) == twenty
    assert validation.validate_tags(['t' * 32]) == ['t' * 32]
    assert _errors(tags=twenty + ['one more']) == {'tags': 'At most 20 tags'}
    assert _errors(tags=['t' * 33]) == {'tags': 'Each tag must be at most 32 characters'}
    assert _errors(tags=['two\nlines']) == {'tags': 'Tags must be a single line of text'}


def test_tags_from_text_are_split_on_commas_trimmed_and_deduplicated_ignoring_case():
    assert validation.validate_tags(' prod , billing,,Prod, ') == ['prod', 'billing']


# --- Identifier: unique among one owner's secrets (needs the database) --------------------------

def test_a_duplicate_identifier_is_refused_at_the_field_and_nothing_is_saved(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    add_secret(alice, identifier='stripe-prod')
    with pytest.raises(ValidationError) as refused:
        add_secret(alice, name='Stripe again', identifier='stripe-prod')
    assert refused.value.errors == {'identifier': 'You already have an API secret with this Identifier'}
    assert ApiSecret.select().count() == 1


def test_another_owner_may_use_the_same_identifier(started_store, make_actor, add_secret):
    alice, bob = make_actor('alice'), make_actor('bob')
    add_secret(alice, identifier='stripe-prod')
    add_secret(bob, identifier='stripe-prod')
    assert ApiSecret.select().where(ApiSecret.identifier == 'stripe-prod').count() == 2


def test_secrets_without_identifier_do_not_clash(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    add_secret(alice, identifier='')
    add_secret(alice, identifier='  ')
    assert ApiSecret.select().where(ApiSecret.identifier.is_null()).count() == 2


def test_an_invalid_form_saves_nothing(started_store, make_actor):
    alice = make_actor('alice')
    with pytest.raises(ValidationError):
        api_secrets.create_api_secret(alice, ApiSecretInput(**{**VALID, 'url': 'javascript:alert(1)'}))
    assert ApiSecret.select().count() == 0
