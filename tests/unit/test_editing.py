"""Editing an API secret: validation, the client secret and its history, restore, optimistic locking."""
from __future__ import annotations

from collections import Counter

import pytest

from store import api_secrets, history
from store.errors import ConflictError, NotFound, ValidationError
from store.models import ApiSecret, ClientSecretHistory, Event, utcnow
from store.records import ApiSecretInput
from tests.unit.helpers import events_for, label

FIELDS = {'name': 'Stripe', 'url': 'https://api.stripe.com', 'client_id': 'ca_123', 'identifier': 'stripe-prod',
          'method': 'POST', 'tags': 'prod,billing', 'notes': 'Rotate monthly'}
BAD_FIELDS = [
    ('name', ''), ('name', 'n' * 256), ('name', 'two\nlines'),
    ('url', ''), ('url', 'ftp://files.example.com'), ('url', 'javascript:alert(1)'), ('url', 'https://' + 'a' * 2041),
    ('client_id', ' '), ('client_id', 'c' * 1025),
    ('client_secret', 's' * 8193),
    ('identifier', 'i' * 256), ('identifier', 'a\tb'),
    ('method', 'TRACE'), ('method', ''),
    ('tags', [f'tag{i}' for i in range(21)]), ('tags', ['t' * 33]),
    ('notes', 'n' * 4001),
]


def _edit(actor, secret_id: int, version: int, **changes: object) -> None:
    api_secrets.update_api_secret(actor, secret_id, ApiSecretInput(**{**FIELDS, 'client_secret': '', **changes}),
                                  version)


def _stored(secret_id: int) -> tuple:
    """The secret as stored, its history and its events: what a refused edit must leave alone."""
    row = {key: bytes(value) if isinstance(value, memoryview) else value  # bytea comes back as a memoryview
           for key, value in ApiSecret.get_by_id(secret_id).__data__.items()}
    earlier = ClientSecretHistory.select().where(ClientSecretHistory.secret == secret_id).count()
    actions = Counter(event.action for event in Event.select().where(
        (Event.item_type == 'API secret') & (Event.item_id == secret_id)))
    return row, earlier, actions


# --- fields ---------------------------------------------------------------------------------------

def test_an_edit_is_validated_like_a_new_secret_and_a_bad_field_writes_nothing(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id = add_secret(alice, **FIELDS, client_secret='sk_1')
    before = _stored(secret_id)
    for field, value in BAD_FIELDS:
        data = ApiSecretInput(**{**FIELDS, 'client_secret': 'sk_2', field: value})
        with pytest.raises(ValidationError) as on_create:
            api_secrets.create_api_secret(alice, data)
        with pytest.raises(ValidationError) as on_edit:
            api_secrets.update_api_secret(alice, secret_id, data, 1)
        assert on_edit.value.errors == on_create.value.errors, (field, value)
        assert list(on_edit.value.errors) == [field], (field, value)
        assert _stored(secret_id) == before, (field, value)
    assert ApiSecret.select().count() == 1


def test_an_editor_changes_the_fields_and_a_change_event_is_recorded(started_store, make_actor, add_secret, grant):
    alice, bob = make_actor('alice', display_name='Alice'), make_actor('bob', display_name='Bob')
    secret_id = add_secret(alice, **FIELDS, client_secret='sk_1')
    grant(secret_id, bob, can_edit=True)
    created = api_secrets.get_api_secret(alice, secret_id)
    before = utcnow()
    api_secrets.update_api_secret(bob, secret_id, ApiSecretInput(
        name=' Stripe EU ', url='https://eu.stripe.com', client_id='ca_eu', identifier='stripe-eu', method='put',
        tags='eu', notes='EU account'), created.version)
    details = api_secrets.get_api_secret(alice, secret_id)
    assert (details.name, details.url, details.client_id, details.identifier, details.method, details.tags,
            details.notes) == ('Stripe EU', 'https://eu.stripe.com', 'ca_eu', 'stripe-eu', 'PUT', ['eu'], 'EU account')
    assert (details.created_by, details.created_at, details.updated_by) == ('Alice', created.created_at, 'Bob')
    assert before <= details.updated_at <= utcnow()
    assert (details.version, details.owner) == (created.version + 1, 'Alice')
    [change] = events_for(secret_id, 'Change')
    assert (change.user_id, change.item_type, label(change), change.ip) == (
        bob.user_id, 'API secret', 'Stripe EU', '203.0.113.7')


def test_an_empty_client_secret_keeps_the_current_one(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id = add_secret(alice, **FIELDS, client_secret='sk_keep')
    set_at = ApiSecret.get_by_id(secret_id).secret_set_at
    _edit(alice, secret_id, 1, name='Renamed', client_secret='')
    assert api_secrets.reveal_client_secret(alice, secret_id) == 'sk_keep'
    assert history.list_history(alice, secret_id) == []
    assert ApiSecret.get_by_id(secret_id).secret_set_at == set_at
    assert api_secrets.get_api_secret(alice, secret_id).name == 'Renamed'


def test_saving_the_same_client_secret_again_adds_no_history(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id = add_secret(alice, **FIELDS, client_secret='sk_same')
    _edit(alice, secret_id, 1, client_secret='sk_same')
    assert history.list_history(alice, secret_id) == []
    assert len(events_for(secret_id, 'Change')) == 1


def test_a_duplicate_identifier_on_edit_is_refused_at_the_field(started_store, make_actor, add_secret, grant):
    alice, bob = make_actor('alice'), make_actor('bob')
    add_secret(alice, identifier='stripe-prod')
    secret_id = add_secret(alice, **{**FIELDS, 'identifier': 'stripe-test'}, client_secret='sk_1')
    grant(secret_id, bob, can_edit=True)
    before = _stored(secret_id)
    for editor in (alice, bob):
        with pytest.raises(ValidationError) as refused:
            _edit(editor, secret_id, 1, identifier=' stripe-prod ', client_secret='sk_2')
        assert refused.value.errors == {'identifier': 'You already have an API secret with this Identifier'}
        assert _stored(secret_id) == before
    _edit(alice, secret_id, 1, identifier='stripe-test')  # its own identifier is no duplicate
    add_secret(bob, identifier='bobs-own')
    _edit(bob, secret_id, 2, identifier='bobs-own')  # unique among the owner's secrets, not the editor's
    assert api_secrets.get_api_secret(alice, secret_id).identifier == 'bobs-own'


def test_the_unique_index_backs_the_identifier_check(started_store, make_actor, add_secret, monkeypatch):
    # Two saves at once both pass the look-up; the database must still refuse the second, at the field.
    alice = make_actor('alice')
    add_secret(alice, identifier='stripe-prod')
    secret_id = add_secret(alice, **{**FIELDS, 'identifier': 'stripe-test'}, client_secret='sk_1')
    before = _stored(secret_id)
    monkeypatch.setattr(api_secrets, '_check_identifier_free', lambda *args, **kwargs: None)
    with pytest.raises(ValidationError) as refused:
        _edit(alice, secret_id, 1, identifier='stripe-prod', client_secret='sk_2')
    assert refused.value.errors == {'identifier': 'You already have an API secret with this Identifier'}
    assert _stored(secret_id) == before  # the history row written first was rolled back too


# --- the client secret's history ------------------------------------------------------------------------

def test_a_new_client_secret_keeps_the_old_one_in_the_history(started_store, make_actor, add_secret, grant):
    alice, bob = make_actor('alice', display_name='Alice'), make_actor('bob', display_name='Bob')
    secret_id = add_secret(alice, **FIELDS, client_secret='sk_old')
    grant(secret_id, bob, can_edit=True)
    set_at = ApiSecret.get_by_id(secret_id).secret_set_at
    before = utcnow()
    _edit(bob, secret_id, 1, client_secret='sk_new')
    assert api_secrets.reveal_client_secret(alice, secret_id) == 'sk_new'
    [entry] = history.list_history(alice, secret_id)
    assert (entry.set_at, entry.set_by, entry.replaced_by) == (set_at, 'Alice', 'Bob')
    assert before <= entry.replaced_at <= utcnow()
    assert history.list_history(bob, secret_id) == [entry]

    ApiSecret.update(last_used_at=None).where(ApiSecret.id == secret_id).execute()
    reveals = len(events_for(secret_id, 'Reveal'))
    assert history.reveal_history_value(bob, secret_id, entry.id) == 'sk_old'
    assert ApiSecret.get_by_id(secret_id).last_used_at is not None
    *_, reveal = events_for(secret_id, 'Reveal')
    assert len(events_for(secret_id, 'Reveal')) == reveals + 1
    assert (reveal.user_id, label(reveal)) == (
        bob.user_id, f'Stripe · earlier Client secret of {entry.replaced_at:%Y-%m-%d %H:%M}')


def test_restore_makes_an_earlier_value_current_and_keeps_the_replaced_one(started_store, make_actor, add_secret):
    alice = make_actor('alice', display_name='Alice')
    secret_id = add_secret(alice, **FIELDS, client_secret='sk_first')
    _edit(alice, secret_id, 1, client_secret='sk_second')
    [first] = history.list_history(alice, secret_id)
    history.restore_history_value(alice, secret_id, first.id, 2)
    assert api_secrets.reveal_client_secret(alice, secret_id) == 'sk_first'
    newest, oldest = history.list_history(alice, secret_id)
    assert oldest == first
    assert history.reveal_history_value(alice, secret_id, newest.id) == 'sk_second'
    assert (newest.set_by, newest.replaced_by) == ('Alice', 'Alice')
    details = api_secrets.get_api_secret(alice, secret_id)
    assert (details.version, details.updated_by) == (3, 'Alice')
    changes = [label(event) for event in events_for(secret_id, 'Change')]
    assert changes == ['Stripe', 'Stripe · Restored an earlier Client secret']


def test_a_restore_on_a_stale_version_changes_nothing(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id = add_secret(alice, **FIELDS, client_secret='sk_first')
    _edit(alice, secret_id, 1, client_secret='sk_second')
    [first] = history.list_history(alice, secret_id)
    before = _stored(secret_id)
    with pytest.raises(ConflictError):
        history.restore_history_value(alice, secret_id, first.id, 1)
    assert _stored(secret_id) == before
    assert api_secrets.reveal_client_secret(alice, secret_id) == 'sk_second'


def test_an_earlier_value_belongs_to_its_own_secret(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id, other_id = add_secret(alice, client_secret='sk_1'), add_secret(alice, client_secret='sk_a')
    _edit(alice, secret_id, 1, client_secret='sk_2')
    [entry] = history.list_history(alice, secret_id)
    before = _stored(other_id)
    for history_id in (entry.id, entry.id + 1000, 'abc'):
        with pytest.raises(NotFound, match='Earlier value not found'):
            history.reveal_history_value(alice, other_id, history_id)
        with pytest.raises(NotFound, match='Earlier value not found'):
            history.restore_history_value(alice, other_id, history_id, 1)
    assert _stored(other_id) == before


# --- optimistic locking -----------------------------------------------------------------------------

def test_the_second_of_two_edits_of_the_same_version_is_refused(started_store, make_actor, add_secret, grant):
    alice, bob = make_actor('alice', display_name='Alice Anders'), make_actor('bob')
    secret_id = add_secret(alice, **FIELDS, client_secret='sk_1')
    grant(secret_id, bob, can_edit=True)
    version = api_secrets.get_api_secret(alice, secret_id).version
    assert api_secrets.get_api_secret(bob, secret_id).version == version  # both open the edit form

    _edit(alice, secret_id, version, name='Alice was here', client_secret='sk_alice')
    kept = _stored(secret_id)
    with pytest.raises(ConflictError) as conflict:
        _edit(bob, secret_id, version, name='Bob was here', client_secret='sk_bob', notes='Bob')
    assert 'Alice Anders' in str(conflict.value)
    assert 'not saved' in str(conflict.value)
    assert _stored(secret_id) == kept
    details = api_secrets.get_api_secret(bob, secret_id)
    assert (details.name, details.notes, details.updated_by, details.version) == (
        'Alice was here', 'Rotate monthly', 'Alice Anders', version + 1)
    assert api_secrets.reveal_client_secret(bob, secret_id) == 'sk_alice'
    [earlier] = history.list_history(alice, secret_id)  # only Alice's change moved a value into the history
    assert history.reveal_history_value(alice, secret_id, earlier.id) == 'sk_1'
    assert [event.user_id for event in events_for(secret_id, 'Change')] == [alice.user_id]

    _edit(bob, secret_id, details.version, name='Bob after reloading')  # reloading gives the new version
    assert api_secrets.get_api_secret(alice, secret_id).name == 'Bob after reloading'
