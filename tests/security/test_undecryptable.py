"""A client secret whose ciphertext was altered: people are told so, the audit records it, and the owner or
an editor can set a new one, while the unreadable value stays in the information history as it was."""
from __future__ import annotations

import dataclasses

import pytest
from playhouse.migrate import SchemaMigrator, migrate

from store import api_secrets, history, migrations, sharing
from store.errors import DecryptionError
from store.models import ApiSecret, ClientSecretHistory, Event, db
from store.records import ApiSecretInput

UNREADABLE = ('This client secret cannot be decrypted: the data was altered or the master key does not match. '
              'Nothing was shown.')


@pytest.fixture
def damaged(make_actor, add_secret):
    """alice's secret shared with bob (Can edit) and carol (Can view), its stored ciphertext altered by one bit."""
    alice, bob, carol = make_actor('alice'), make_actor('bob'), make_actor('carol')
    secret_id = add_secret(alice, name='Stripe', client_secret='sk_live_original')
    sharing.share(alice, [secret_id], {bob.user_id: True, carol.user_id: False})
    _flip_a_bit(ApiSecret, secret_id, 'client_secret')
    return alice, bob, carol, secret_id


def _flip_a_bit(model, row_id: int, column: str) -> bytes:
    blob = bytearray(getattr(model.get_by_id(row_id), column))
    blob[len(blob) // 2] ^= 0x01
    model.update({getattr(model, column): bytes(blob)}).where(model.id == row_id).execute()
    return bytes(blob)


def _reveal_events(secret_id: int) -> list[tuple[str, str]]:
    rows = Event.select().where((Event.item_id == secret_id) & (Event.action == 'Reveal')).order_by(Event.id)
    return [(row.username, row.details) for row in rows]


def test_revealing_an_altered_secret_says_so_and_the_audit_records_it(damaged) -> None:
    alice, _, carol, secret_id = damaged
    for actor in (alice, carol):
        with pytest.raises(DecryptionError) as refused:
            api_secrets.reveal_client_secret(actor, secret_id)
        assert str(refused.value) == UNREADABLE
    assert _reveal_events(secret_id) == [('alice', 'Client secret: cannot be decrypted'),
                                         ('carol', 'Client secret: cannot be decrypted')]
    assert ApiSecret.get_by_id(secret_id).last_used_at is None  # nothing was used


@pytest.mark.parametrize('who', ['owner', 'editor'])
def test_the_owner_or_an_editor_can_set_a_new_client_secret(damaged, who: str) -> None:
    alice, bob, _, secret_id = damaged
    actor = alice if who == 'owner' else bob
    altered = bytes(ApiSecret.get_by_id(secret_id).client_secret)
    details = api_secrets.get_api_secret(actor, secret_id)
    form = ApiSecretInput(name=details.name, url=details.url, client_id=details.client_id,
                          client_secret='sk_live_new')
    api_secrets.update_api_secret(actor, secret_id, form, details.version)

    assert api_secrets.reveal_client_secret(actor, secret_id) == 'sk_live_new'
    [earlier] = history.list_history(actor, secret_id)
    assert earlier.unreadable is True
    assert bytes(ClientSecretHistory.get_by_id(earlier.id).client_secret) == altered  # kept as it was
    with pytest.raises(DecryptionError) as refused:
        history.reveal_history_value(actor, secret_id, earlier.id)
    assert str(refused.value) == UNREADABLE
    with pytest.raises(DecryptionError) as refused:
        history.restore_history_value(actor, secret_id, earlier.id, details.version + 1)
    assert str(refused.value) == UNREADABLE
    assert api_secrets.reveal_client_secret(actor, secret_id) == 'sk_live_new'


def test_an_edit_that_leaves_the_client_secret_empty_still_saves(damaged) -> None:
    alice, _, _, secret_id = damaged
    details = api_secrets.get_api_secret(alice, secret_id)
    form = ApiSecretInput(name='Stripe (renamed)', url=details.url, client_id=details.client_id)
    api_secrets.update_api_secret(alice, secret_id, form, details.version)
    assert api_secrets.get_api_secret(alice, secret_id).name == 'Stripe (renamed)'
    assert history.list_history(alice, secret_id) == []


def test_a_secret_whose_data_key_was_altered_gets_a_new_one_with_its_new_value(make_actor, add_secret) -> None:
    alice = make_actor('alice')
    secret_id = add_secret(alice, client_secret='sk_first')
    details = api_secrets.get_api_secret(alice, secret_id)
    form = ApiSecretInput(name=details.name, url=details.url, client_id=details.client_id, client_secret='sk_second')
    api_secrets.update_api_secret(alice, secret_id, form, details.version)
    _flip_a_bit(ApiSecret, secret_id, 'wrapped_data_key')
    with pytest.raises(DecryptionError, match='cannot be decrypted'):
        api_secrets.reveal_client_secret(alice, secret_id)

    api_secrets.update_api_secret(alice, secret_id, dataclasses.replace(form, client_secret='sk_third'),
                                  details.version + 1)
    assert api_secrets.reveal_client_secret(alice, secret_id) == 'sk_third'
    assert [entry.unreadable for entry in history.list_history(alice, secret_id)] == [True, True]


def test_an_altered_earlier_value_says_so_when_revealed(make_actor, add_secret) -> None:
    alice = make_actor('alice')
    secret_id = add_secret(alice, client_secret='sk_first')
    details = api_secrets.get_api_secret(alice, secret_id)
    api_secrets.update_api_secret(alice, secret_id, ApiSecretInput(
        name=details.name, url=details.url, client_id=details.client_id, client_secret='sk_second'), details.version)
    [earlier] = history.list_history(alice, secret_id)
    assert history.reveal_history_value(alice, secret_id, earlier.id) == 'sk_first'
    _flip_a_bit(ClientSecretHistory, earlier.id, 'client_secret')
    with pytest.raises(DecryptionError) as refused:
        history.reveal_history_value(alice, secret_id, earlier.id)
    assert str(refused.value) == UNREADABLE
    assert _reveal_events(secret_id)[-1][1].endswith(': cannot be decrypted')


def test_an_older_database_gets_the_unreadable_flag_with_its_history_kept(make_actor, add_secret) -> None:
    alice = make_actor('alice')
    secret_id = add_secret(alice, client_secret='sk_first')
    details = api_secrets.get_api_secret(alice, secret_id)
    api_secrets.update_api_secret(alice, secret_id, ApiSecretInput(
        name=details.name, url=details.url, client_id=details.client_id, client_secret='sk_second'), details.version)
    migrate(SchemaMigrator.from_database(db.obj).drop_column('client_secret_history', 'unreadable'))
    assert migrations.upgrade(db.obj) == ['client_secret_history.unreadable']
    [earlier] = history.list_history(alice, secret_id)
    assert earlier.unreadable is False
    assert history.reveal_history_value(alice, secret_id, earlier.id) == 'sk_first'
