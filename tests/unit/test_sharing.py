"""Sharing an API secret and disabling it: access rows, the Shared flag, events, all-or-nothing batches."""
from __future__ import annotations

import threading
from collections import Counter

import psycopg2
import pytest

from store import api_secrets, history, runtime, sharing
from store.errors import Forbidden, NotFound, SecretDisabled, ValidationError
from store.models import Access, ApiSecret, Event, User
from store.records import CAN_EDIT, CAN_VIEW, OWNER, AccessEntry, ApiSecretFilter, ApiSecretInput
from tests.unit.helpers import events_for, label


@pytest.fixture
def people(make_actor):
    """alice, bob, carol and dave, whose display names are their capitalised usernames."""
    return {name: make_actor(name, display_name=name.title()) for name in ('alice', 'bob', 'carol', 'dave')}


def _access(actor, secret_id: int) -> list[tuple[str, str]]:
    return [(entry.username, entry.permission) for entry in api_secrets.access_list(actor, secret_id)]


def _shared(actor, **options) -> dict[int, bool]:
    return {item.id: item.shared for item in api_secrets.list_api_secrets(actor, **options).items}


def _stored() -> tuple:
    """Every access row and how many events of each kind: what a refused change must leave alone."""
    return (sorted((row.secret_id, row.user_id, row.can_edit) for row in Access.select()),
            Counter(event.action for event in Event.select()))


# --- sharing ---------------------------------------------------------------------------------------

def test_sharing_gives_can_view_or_can_edit_and_marks_the_secret_shared(started_store, people, add_secret):
    alice, bob, carol = people['alice'], people['bob'], people['carol']
    secret_id, private_id = add_secret(alice, name='Stripe'), add_secret(alice, name='Private')
    assert _shared(alice) == {secret_id: False, private_id: False}
    sharing.share(alice, [secret_id], {carol.user_id: True, bob.user_id: False})
    assert api_secrets.access_list(alice, secret_id) == [
        AccessEntry(alice.user_id, 'alice', 'Alice', OWNER), AccessEntry(bob.user_id, 'bob', 'Bob', CAN_VIEW),
        AccessEntry(carol.user_id, 'carol', 'Carol', CAN_EDIT)]
    assert _shared(alice) == {secret_id: True, private_id: False}
    [item] = api_secrets.list_api_secrets(bob).items
    assert (item.id, item.shared, item.permission) == (secret_id, True, CAN_VIEW)
    assert api_secrets.get_api_secret(carol, secret_id).shared
    events = events_for(secret_id, 'Sharing')
    assert sorted(label(event) for event in events) == ['Stripe · bob: Can view', 'Stripe · carol: Can edit']
    assert {(event.user_id, event.ip) for event in events} == {(alice.user_id, '203.0.113.7')}

    sharing.share(alice, [secret_id], {bob.user_id: False})  # nothing new: no event
    assert len(events_for(secret_id, 'Sharing')) == 2


def test_set_access_adds_changes_and_removes(started_store, people, add_secret):
    alice, bob, carol, dave = people['alice'], people['bob'], people['carol'], people['dave']
    secret_id = add_secret(alice, name='Stripe')
    sharing.share(alice, [secret_id], {bob.user_id: False, carol.user_id: True})
    sharing.set_access(alice, secret_id, {bob.user_id: True, dave.user_id: False})
    assert _access(alice, secret_id) == [('alice', OWNER), ('bob', CAN_EDIT), ('dave', CAN_VIEW)]
    assert [label(event) for event in events_for(secret_id, 'Unsharing')] == ['Stripe · carol']
    assert [label(event) for event in events_for(secret_id, 'Sharing')][2:] == [
        'Stripe · bob: Can edit', 'Stripe · dave: Can view']
    with pytest.raises(NotFound):
        api_secrets.get_api_secret(carol, secret_id)
    assert api_secrets.list_api_secrets(carol).total == 0

    sharing.set_access(alice, secret_id, {})
    assert _access(alice, secret_id) == [('alice', OWNER)]
    assert _shared(alice) == {secret_id: False}
    assert len(events_for(secret_id, 'Unsharing')) == 3


def test_remove_access_takes_it_back(started_store, people, add_secret):
    alice, bob, carol = people['alice'], people['bob'], people['carol']
    secret_id = add_secret(alice, name='Stripe')
    sharing.share(alice, [secret_id], {bob.user_id: True, carol.user_id: False})
    sharing.remove_access(alice, secret_id, bob.user_id)
    assert _access(alice, secret_id) == [('alice', OWNER), ('carol', CAN_VIEW)]
    assert _shared(alice) == {secret_id: True}
    with pytest.raises(NotFound):
        api_secrets.reveal_client_secret(bob, secret_id)
    sharing.remove_access(alice, secret_id, carol.user_id)
    assert _shared(alice) == {secret_id: False}
    assert [label(event) for event in events_for(secret_id, 'Unsharing')] == ['Stripe · bob', 'Stripe · carol']

    sharing.remove_access(alice, secret_id, carol.user_id)  # no access to take: nothing happens
    assert len(events_for(secret_id, 'Unsharing')) == 2


def test_sharing_with_the_owner_an_inactive_or_an_unknown_user_changes_nothing(started_store, people, add_secret):
    alice, bob, carol, dave = people['alice'], people['bob'], people['carol'], people['dave']
    secret_id = add_secret(alice)
    sharing.share(alice, [secret_id], {bob.user_id: True})
    User.update(is_active=False).where(User.id == dave.user_id).execute()
    before = _stored()
    refusals = {alice.user_id: 'The owner always has access', dave.user_id: 'Choose active users only',
                dave.user_id + 1000: 'Choose active users only'}
    for user_id, message in refusals.items():
        grants = {carol.user_id: True, user_id: False}  # carol is fine, but it is all or nothing
        for attempt in (lambda grants: sharing.share(alice, [secret_id], grants),
                        lambda grants: sharing.set_access(alice, secret_id, grants)):
            with pytest.raises(ValidationError) as refused:
                attempt(grants)
            assert refused.value.errors == {'user': message}
            assert _stored() == before
    assert _access(alice, secret_id) == [('alice', OWNER), ('bob', CAN_EDIT)]


def test_the_owner_can_change_access_while_a_deactivated_user_keeps_theirs(started_store, people, add_secret):
    alice, bob, carol = people['alice'], people['bob'], people['carol']
    secret_id = add_secret(alice)
    sharing.share(alice, [secret_id], {bob.user_id: False})
    User.update(is_active=False).where(User.id == bob.user_id).execute()
    sharing.set_access(alice, secret_id, {bob.user_id: False, carol.user_id: True})
    assert _access(alice, secret_id) == [('alice', OWNER), ('bob', CAN_VIEW), ('carol', CAN_EDIT)]


def test_a_batch_share_is_all_or_nothing(started_store, people, add_secret):
    alice, bob, carol, dave = people['alice'], people['bob'], people['carol'], people['dave']
    first, second = add_secret(alice), add_secret(alice)
    editable, hidden = add_secret(bob), add_secret(bob)
    sharing.share(bob, [editable], {alice.user_id: True})
    before = _stored()
    for ids, error in (([first, second, editable], Forbidden), ([first, hidden, second], NotFound)):
        with pytest.raises(error):
            sharing.share(alice, ids, {carol.user_id: True})
        assert _stored() == before

    sharing.share(alice, [first, second, first], {carol.user_id: True, dave.user_id: False})
    for secret_id in (first, second):
        assert _access(alice, secret_id) == [('alice', OWNER), ('carol', CAN_EDIT), ('dave', CAN_VIEW)]
        assert len(events_for(secret_id, 'Sharing')) == 2


def test_find_users_offers_other_active_users(started_store, people):
    alice, dave = people['alice'], people['dave']
    User.update(is_active=False).where(User.id == dave.user_id).execute()
    assert [user.username for user in sharing.find_users(alice, '')] == ['bob', 'carol']
    assert [user.username for user in sharing.find_users(alice, ' CAR ')] == ['carol']
    assert sharing.find_users(alice, 'alice') == sharing.find_users(alice, 'dave') == []


# --- disabling ----------------------------------------------------------------------------------------

def test_disabling_a_batch_is_all_or_nothing(started_store, people, add_secret):
    alice, bob = people['alice'], people['bob']
    first, second = add_secret(alice, name='First'), add_secret(alice, name='Second')
    viewable = add_secret(bob)
    sharing.share(bob, [viewable], {alice.user_id: False})
    before = _stored()
    for ids, error in (([first, second, viewable], Forbidden), ([first, viewable + 1000], NotFound)):
        with pytest.raises(error):
            api_secrets.set_enabled(alice, ids, False)
        assert _stored() == before
        assert [secret.enabled for secret in ApiSecret.select()] == [True, True, True]

    assert api_secrets.set_enabled(alice, [first, second], False) == 2
    assert api_secrets.set_enabled(alice, [first, second], False) == 0  # already disabled: no event
    assert [label(event) for secret_id in (first, second) for event in events_for(secret_id, 'Disabling')] == [
        'First', 'Second']
    assert {event.user_id for event in Event.select().where(Event.action == 'Disabling')} == {alice.user_id}
    assert api_secrets.set_enabled(alice, [second], True) == 1
    assert [label(event) for event in events_for(second, 'Activation')] == ['Second']
    assert {item.id: item.enabled for item in api_secrets.list_api_secrets(alice).items} == {
        first: False, second: True, viewable: True}


def test_a_disabled_secret_is_off_the_home_listed_and_cannot_be_used(started_store, people, add_secret):
    alice, bob, carol = people['alice'], people['bob'], people['carol']
    secret_id = add_secret(alice, client_secret='sk_1')
    api_secrets.update_api_secret(alice, secret_id, ApiSecretInput(
        name='Stripe', url='https://api.stripe.com', client_id='ca_1', client_secret='sk_2'), 1)
    [earlier] = history.list_history(alice, secret_id)
    sharing.share(alice, [secret_id], {bob.user_id: True, carol.user_id: False})
    assert api_secrets.set_enabled(bob, [secret_id], False) == 1
    for actor in (alice, bob):  # those who may enable it still find it in the list
        [item] = api_secrets.list_api_secrets(actor).items
        assert (item.id, item.enabled) == (secret_id, False)
        assert api_secrets.get_api_secret(actor, secret_id).enabled is False
        with pytest.raises(SecretDisabled):
            history.reveal_history_value(actor, secret_id, earlier.id)
    for actor in (alice, bob, carol):
        assert api_secrets.list_api_secrets(actor, only_enabled=True).items == []
    # To a viewer, who may not enable it, a disabled secret is not there at all.
    assert api_secrets.list_api_secrets(carol).items == []
    with pytest.raises(NotFound):
        api_secrets.get_api_secret(carol, secret_id)
    for actor, refusal in ((alice, SecretDisabled), (bob, SecretDisabled), (carol, NotFound)):
        with pytest.raises(refusal):
            api_secrets.reveal_client_secret(actor, secret_id)
        for field in ('client_secret', 'client_id'):
            with pytest.raises(refusal):
                api_secrets.record_copy(actor, secret_id, field)
    assert events_for(secret_id, 'Reveal') == events_for(secret_id, 'Copy') == []
    assert ApiSecret.get_by_id(secret_id).last_used_at is None

    assert api_secrets.set_enabled(alice, [secret_id], True) == 1
    assert api_secrets.reveal_client_secret(carol, secret_id) == 'sk_2'
    assert [item.id for item in api_secrets.list_api_secrets(carol, only_enabled=True).items] == [secret_id]



# --- the Shared flag (api_secret.shared, kept by triggers on access) ---------------------------------

def _listed(actor, shared: str) -> list[str]:
    return [item.name for item in api_secrets.list_api_secrets(actor, filters=ApiSecretFilter(shared=shared)).items]


def test_the_shared_filter_follows_every_write_to_access(started_store, people, add_secret):
    """The filter reads a flag on the secret that database triggers keep: shares given, changed, taken back one at a
    time, access rows removed by another writer, and the secret deleted with its shares."""
    alice, bob, carol = people['alice'], people['bob'], people['carol']
    stripe, github = add_secret(alice, name='Stripe'), add_secret(alice, name='GitHub')
    sharing.share(alice, [stripe], {bob.user_id: False, carol.user_id: True})
    assert (_listed(alice, 'Yes'), _listed(alice, 'No')) == (['Stripe'], ['GitHub'])
    sharing.set_access(alice, stripe, {bob.user_id: True})  # carol's share removed, bob's changed: still shared
    assert (_listed(alice, 'Yes'), _listed(alice, 'No')) == (['Stripe'], ['GitHub'])
    sharing.remove_access(alice, stripe, bob.user_id)  # the last one
    assert (_listed(alice, 'Yes'), _listed(alice, 'No')) == ([], ['GitHub', 'Stripe'])
    sharing.share(alice, [github, stripe], {carol.user_id: False})
    Access.delete().where(Access.secret == github).execute()  # whoever removes the rows, the flag follows
    assert (_listed(alice, 'Yes'), _listed(alice, 'No')) == (['Stripe'], ['GitHub'])
    assert _listed(carol, 'Yes') == ['Stripe']
    ApiSecret.delete().where(ApiSecret.id == stripe).execute()  # its access rows go with it
    assert Access.select().count() == 0
    assert (_listed(alice, 'Yes'), _listed(alice, 'No')) == ([], ['GitHub'])


def test_two_last_shares_removed_at_once_leave_the_secret_unshared(started_store, people, add_secret):
    """PostgreSQL: each removal counts the secret's other shares after taking the secret's row lock, so two
    transactions removing the last two shares at once cannot each see the other's share still there."""
    if started_store.name != 'postgresql':
        pytest.skip('SQLite runs one writer at a time')
    alice, bob, carol = people['alice'], people['bob'], people['carol']
    stripe = add_secret(alice, name='Stripe')
    sharing.share(alice, [stripe], {bob.user_id: False, carol.user_id: False})
    first, second = (psycopg2.connect(started_store.database_url) for _ in range(2))
    try:
        first.cursor().execute('DELETE FROM access WHERE secret_id = %s AND user_id = %s', (stripe, bob.user_id))
        removal = threading.Thread(target=lambda: (second.cursor().execute(
            'DELETE FROM access WHERE secret_id = %s AND user_id = %s', (stripe, carol.user_id)), second.commit()))
        removal.start()
        removal.join(0.5)  # the second removal waits for the first one's lock on the secret
        first.commit()
        removal.join(10)
        assert not removal.is_alive()
    finally:
        first.close()
        second.close()
    assert (_listed(alice, 'Yes'), _listed(alice, 'No')) == ([], ['Stripe'])


def test_sharings_of_the_same_secrets_at_once_never_deadlock(started_store, people, add_secret):
    """PostgreSQL: the Shared flag's triggers lock a secret after its access row is written; the sharing services
    lock the secrets first, in id order, so that two of them at once (two tabs, secrets given in either order)
    never wait for each other. Without that, PostgreSQL aborts one of them as a deadlock."""
    if started_store.name != 'postgresql':
        pytest.skip('SQLite runs one writer at a time')
    alice, bob, carol = people['alice'], people['bob'], people['carol']
    first, second = add_secret(alice, name='Stripe'), add_secret(alice, name='GitHub')
    errors: list[Exception] = []

    def work(turn: int) -> None:
        grantee = (bob, carol)[turn % 2]
        both = [first, second] if turn % 2 else [second, first]
        try:
            for _ in range(12):
                runtime.unit_of_work(sharing.share, alice, both, {grantee.user_id: False})
                runtime.unit_of_work(sharing.set_access, alice, both[0], {})
                runtime.unit_of_work(sharing.remove_access, alice, both[1], grantee.user_id)
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(turn,)) for turn in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert errors == []
    assert (_listed(alice, 'Yes'), _listed(alice, 'No')) == ([], ['GitHub', 'Stripe'])
