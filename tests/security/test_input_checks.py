"""Input that databases, browsers or people's eyes treat differently: each gets a message at its field,
the same on SQLite and PostgreSQL, and nothing is saved."""
from __future__ import annotations

import dataclasses

import pytest

from store import accounts, api_secrets, audit, listing, sharing
from store.errors import ValidationError
from store.models import ApiSecret
from store.records import ApiSecretFilter, ApiSecretInput, AuditFilter
from store.tabular import MAX_PAGE

FORM = ApiSecretInput(name='Stripe', url='https://api.stripe.com', client_id='ca_1', client_secret='sk_1',
                      identifier='stripe-prod', notes='Rotate yearly', tags='billing')
FIELDS = ('name', 'url', 'client_id', 'client_secret', 'identifier', 'method', 'tags', 'notes')


def _refused(actor, form: ApiSecretInput) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        api_secrets.create_api_secret(actor, form)
    assert ApiSecret.select().count() == 0  # nothing saved
    return refused.value.errors


@pytest.mark.parametrize('field', FIELDS)
@pytest.mark.parametrize('bad', ['\ud800', 'x\x00y', 'x\x1by'])
def test_a_lone_surrogate_nul_or_escape_gets_a_message_at_its_field(make_actor, field: str, bad: str) -> None:
    alice = make_actor('alice')
    value = getattr(FORM, field) + bad if field != 'method' else bad
    errors = _refused(alice, dataclasses.replace(FORM, **{field: value}))
    assert list(errors) == [field]
    assert 'required' not in errors[field]


@pytest.mark.parametrize('field, limit', [('name', 255), ('client_id', 1024), ('client_secret', 8192),
                                          ('identifier', 255), ('notes', 4000), ('url', 2048)])
def test_a_value_over_the_limit_is_refused_saying_the_limit(make_actor, field: str, limit: int) -> None:
    alice = make_actor('alice')
    errors = _refused(alice, dataclasses.replace(FORM, **{field: 'x' * 1_000_000}))
    assert errors == {field: f'{errors[field].split(" must")[0]} must be at most {limit} characters'}


def test_names_are_nfc_normalised_so_one_name_is_stored_one_way(make_actor) -> None:
    alice = make_actor('alice')
    decomposed = dataclasses.replace(FORM, name='Cafe\u0301', identifier='cafe\u0301')
    secret_id = api_secrets.create_api_secret(alice, decomposed)
    details = api_secrets.get_api_secret(alice, secret_id)
    assert (details.name, details.identifier) == ('Caf\u00e9', 'caf\u00e9')
    with pytest.raises(ValidationError) as refused:
        api_secrets.create_api_secret(alice, dataclasses.replace(FORM, name='Other', identifier='caf\u00e9'))
    assert refused.value.errors == {'identifier': 'You already have an API secret with this Identifier'}


@pytest.mark.parametrize('invisible', ['\u200b', '\u2060', '\ufeff', '\u200e', '\u200f', '\u061c', '\u202a',
                                       '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'])
def test_invisible_and_direction_characters_are_refused_in_names_and_identifiers(make_actor, invisible) -> None:
    alice = make_actor('alice')
    api_secrets.create_api_secret(alice, FORM)
    look_alike = dataclasses.replace(FORM, name=f'Stri{invisible}pe', identifier=f'stripe{invisible}-prod')
    with pytest.raises(ValidationError) as refused:
        api_secrets.create_api_secret(alice, look_alike)
    assert refused.value.errors == {
        'name': 'Name must not contain invisible or text-direction characters '
                '(such as zero-width spaces or right-to-left marks)',
        'identifier': 'Identifier must not contain invisible or text-direction characters '
                      '(such as zero-width spaces or right-to-left marks)'}
    assert ApiSecret.select().count() == 1


def test_an_identifier_mixing_latin_and_cyrillic_letters_is_refused_saying_why(make_actor) -> None:
    alice = make_actor('alice')
    api_secrets.create_api_secret(alice, FORM)
    with pytest.raises(ValidationError) as refused:
        api_secrets.create_api_secret(alice, dataclasses.replace(FORM, identifier='strip\u0435-prod'))  # Cyrillic е
    assert refused.value.errors == {'identifier': 'Identifier mixes Cyrillic and Latin letters: letters that look '
                                                  'alike would let two Identifiers read the same. Use one alphabet.'}
    # One alphabet, or letters that cannot be confused with Latin ones, are fine.
    api_secrets.create_api_secret(alice, dataclasses.replace(FORM, identifier='\u0441\u0442\u0440\u0430\u0439\u043f'))
    api_secrets.create_api_secret(alice, dataclasses.replace(FORM, identifier='prod-\u672c\u756a'))


@pytest.mark.parametrize('field', [field.name for field in dataclasses.fields(ApiSecretFilter)])
def test_a_nul_in_any_list_filter_gets_a_message_at_that_filter(make_actor, field: str) -> None:
    alice = make_actor('alice')
    with pytest.raises(ValidationError) as refused:
        listing.list_api_secrets(alice, filters=ApiSecretFilter(**{field: 'a\x00'}))
    assert list(refused.value.errors) == [field]
    with pytest.raises(ValidationError) as refused:
        listing.list_api_secrets(alice, search='a\x00')
    assert list(refused.value.errors) == ['search']


@pytest.mark.parametrize('field', [field.name for field in dataclasses.fields(AuditFilter)])
def test_a_nul_in_any_audit_filter_gets_a_message_at_that_filter(make_actor, field: str) -> None:
    root = make_actor('root', is_admin=True)
    with pytest.raises(ValidationError) as refused:
        audit.list_events(root, filters=AuditFilter(**{field: 'a\x00'}))
    assert list(refused.value.errors) == [field]


def test_a_nul_or_surrogate_in_the_user_search_and_log_in_gets_a_field_message(make_actor) -> None:
    alice = make_actor('alice')
    for typed in ('bo\x00b', 'bo\ud800b'):
        with pytest.raises(ValidationError) as refused:
            sharing.find_users(alice, typed)
        assert list(refused.value.errors) == ['user']
        with pytest.raises(ValidationError) as refused:
            accounts.authenticate(typed, 'a password', ip='192.0.2.1')
        assert list(refused.value.errors) == ['username']


@pytest.mark.parametrize('page, per_page, expected', [
    (10**20, 30, (MAX_PAGE, 30)), (1, -1, (1, 1)), (1, 10**20, (1, 500)), (-5, 0, (1, 1)), ('2', '10', (2, 10)),
])
def test_huge_or_negative_paging_is_clamped(make_actor, page, per_page, expected) -> None:
    alice = make_actor('alice')
    shown = listing.list_api_secrets(alice, page=page, per_page=per_page)
    assert (shown.page, shown.per_page) == expected
    shown = audit.list_events(alice, page=page, per_page=per_page)
    assert (shown.page, shown.per_page) == expected


@pytest.mark.parametrize('page', ['abc', '1e3', 1.5, None, [], '\x00'])
def test_paging_that_is_not_a_number_gets_a_message(make_actor, page) -> None:
    alice = make_actor('alice')
    with pytest.raises(ValidationError) as refused:
        listing.list_api_secrets(alice, page=page)
    assert refused.value.errors == {'page': 'Page must be a whole number'}
    with pytest.raises(ValidationError) as refused:
        audit.list_events(alice, per_page=page)
    assert refused.value.errors == {'per_page': 'Rows per page must be a whole number'}
