"""Who may see and use an API secret (SPEC section 3), and the list's paging, sorting and search."""
from __future__ import annotations

import datetime as dt

import pytest

from store import api_secrets
from store.errors import NotFound, SecretDisabled, ValidationError
from store.models import ApiSecret, utcnow
from store.records import CAN_EDIT, CAN_VIEW, OWNER, AccessEntry
from tests.unit.helpers import events_for, label

OPERATIONS = {
    'details': lambda actor, secret_id: api_secrets.get_api_secret(actor, secret_id),
    'reveal': lambda actor, secret_id: api_secrets.reveal_client_secret(actor, secret_id),
    'copy': lambda actor, secret_id: api_secrets.record_copy(actor, secret_id, 'client_secret'),
    'access list': lambda actor, secret_id: api_secrets.access_list(actor, secret_id),
}


def _listed_ids(actor, **options) -> list[int]:
    return [item.id for item in api_secrets.list_api_secrets(actor, **options).items]


# --- who may see ---------------------------------------------------------------------------------

def test_the_owner_sees_details_reveals_and_copies(started_store, make_actor, add_secret):
    alice = make_actor('alice', display_name='Alice A.')
    secret_id = add_secret(alice, name='Stripe', client_secret='sk_live_1', tags='prod,billing')
    details = api_secrets.get_api_secret(alice, secret_id)
    assert (details.name, details.owner, details.permission, details.tags) == ('Stripe', 'Alice A.', OWNER,
                                                                               ['prod', 'billing'])
    assert details.can_edit and details.is_owner and details.has_client_secret and not details.shared
    assert 'sk_live_1' not in repr(details)  # details never carry the secret itself
    assert api_secrets.reveal_client_secret(alice, secret_id) == 'sk_live_1'
    api_secrets.record_copy(alice, secret_id, 'client_id')
    assert _listed_ids(alice) == [secret_id]


@pytest.mark.parametrize('can_edit, permission', [(False, CAN_VIEW), (True, CAN_EDIT)])
def test_a_user_with_access_sees_details_reveals_and_copies(started_store, make_actor, add_secret, grant,
                                                            can_edit, permission):
    alice, bob = make_actor('alice'), make_actor('bob', display_name='Bob B.')
    secret_id = add_secret(alice, client_secret='sk_live_2')
    grant(secret_id, bob, can_edit=can_edit)
    details = api_secrets.get_api_secret(bob, secret_id)
    assert (details.permission, details.can_edit, details.is_owner, details.shared) == (
        permission, can_edit, False, True)
    assert api_secrets.reveal_client_secret(bob, secret_id) == 'sk_live_2'
    api_secrets.record_copy(bob, secret_id, 'client_secret')
    [item] = api_secrets.list_api_secrets(bob).items
    assert (item.id, item.shared, item.owner, item.permission) == (secret_id, True, 'alice', permission)
    assert api_secrets.access_list(bob, secret_id) == [
        AccessEntry(alice.user_id, 'alice', 'alice', OWNER), AccessEntry(bob.user_id, 'bob', 'Bob B.', permission)]


@pytest.mark.parametrize('operation', OPERATIONS)
@pytest.mark.parametrize('who', ['administrator', 'stranger'])
def test_others_cannot_tell_the_secret_exists(started_store, make_actor, add_secret, grant, operation, who):
    alice, carol = make_actor('alice'), make_actor('carol')
    outsider = make_actor('outsider', is_admin=who == 'administrator')
    secret_id = add_secret(alice)
    grant(secret_id, carol)
    with pytest.raises(NotFound) as hidden:
        OPERATIONS[operation](outsider, secret_id)
    with pytest.raises(NotFound) as missing:
        OPERATIONS[operation](outsider, secret_id + 1000)
    assert str(hidden.value) == str(missing.value) == 'API secret not found'
    assert api_secrets.list_api_secrets(outsider).total == 0
    assert events_for(secret_id, 'Reveal') == events_for(secret_id, 'Copy') == events_for(secret_id, 'View') == []
    assert ApiSecret.get_by_id(secret_id).last_used_at is None


@pytest.mark.parametrize('secret_id', [None, 'abc', '1; DROP TABLE api_secret', -1, 0, 2**63, 10**30])
def test_ids_that_are_not_secrets_are_not_found(started_store, make_actor, add_secret, secret_id):
    alice = make_actor('alice')
    add_secret(alice)
    with pytest.raises(NotFound, match='API secret not found'):
        api_secrets.get_api_secret(alice, secret_id)


# --- use is recorded ---------------------------------------------------------------------------------

def test_reveal_sets_last_use_and_appends_a_reveal_event(started_store, make_actor, add_secret, grant):
    alice, bob = make_actor('alice'), make_actor('bob')
    secret_id = add_secret(alice, name='Stripe')
    grant(secret_id, bob)
    assert api_secrets.get_api_secret(alice, secret_id).last_used_at is None
    before = utcnow()
    api_secrets.reveal_client_secret(bob, secret_id)
    last_use = api_secrets.get_api_secret(alice, secret_id).last_used_at
    assert before <= last_use <= utcnow()
    [event] = events_for(secret_id, 'Reveal')
    assert (event.user_id, event.item_type, label(event), event.ip, event.user_agent) == (
        bob.user_id, 'API secret', 'Stripe · Client secret', '203.0.113.7', 'pytest')


def test_last_use_is_kept_to_the_second_and_every_use_is_an_event(started_store, make_actor, add_secret,
                                                                  monkeypatch):
    """Uses within a second leave Last use where it is (it is shown to the minute); each is still an event."""
    alice = make_actor('alice')
    secret_id = add_secret(alice)
    start = dt.datetime(2026, 11, 30, 8, 0, 0)
    for offset, expected in ((0.0, start), (0.5, start), (0.9, start), (1.0, start + dt.timedelta(seconds=1))):
        monkeypatch.setattr(api_secrets, 'utcnow', lambda offset=offset: start + dt.timedelta(seconds=offset))
        api_secrets.reveal_client_secret(alice, secret_id)
        assert api_secrets.get_api_secret(alice, secret_id, record_view=False).last_used_at == expected
    api_secrets.record_copy(alice, secret_id, 'client_id')
    assert len(events_for(secret_id, 'Reveal')) == 4 and len(events_for(secret_id, 'Copy')) == 1


def test_each_copy_appends_a_copy_event_naming_the_field(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id = add_secret(alice, name='Stripe')
    api_secrets.record_copy(alice, secret_id, 'client_secret')
    api_secrets.record_copy(alice, secret_id, 'client_id')
    assert [label(event) for event in events_for(secret_id, 'Copy')] == [
        'Stripe · Client secret', 'Stripe · Client ID']
    assert api_secrets.get_api_secret(alice, secret_id).last_used_at is not None
    with pytest.raises(ValidationError):
        api_secrets.record_copy(alice, secret_id, 'password_hash')


def test_opening_details_appends_a_view_event(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id = add_secret(alice)
    api_secrets.get_api_secret(alice, secret_id)
    assert [event.user_id for event in events_for(secret_id, 'View')] == [alice.user_id]


def test_reading_details_again_on_the_same_visit_records_no_view(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id = add_secret(alice)
    details = api_secrets.get_api_secret(alice, secret_id, record_view=False)
    assert details.id == secret_id and events_for(secret_id, 'View') == []


def test_a_disabled_secret_cannot_be_revealed_or_copied_but_stays_listed(started_store, make_actor, add_secret,
                                                                         grant):
    alice, bob = make_actor('alice'), make_actor('bob')
    secret_id = add_secret(alice)
    grant(secret_id, bob, can_edit=True)
    ApiSecret.update(enabled=False).where(ApiSecret.id == secret_id).execute()
    for actor in (alice, bob):
        with pytest.raises(SecretDisabled, match='disabled'):
            api_secrets.reveal_client_secret(actor, secret_id)
        with pytest.raises(SecretDisabled):
            api_secrets.record_copy(actor, secret_id, 'client_id')
    assert events_for(secret_id, 'Reveal') == events_for(secret_id, 'Copy') == []
    [item] = api_secrets.list_api_secrets(alice).items
    assert (item.id, item.enabled) == (secret_id, False)
    assert _listed_ids(alice, only_enabled=True) == []
    assert api_secrets.get_api_secret(alice, secret_id).enabled is False


# --- the list ------------------------------------------------------------------------------------------

def test_the_list_pages_in_the_database(started_store, make_actor, add_secret):
    alice, bob = make_actor('alice'), make_actor('bob')
    ids = [add_secret(alice, name=f'Secret {n:02}') for n in range(7)]
    add_secret(bob, name='Secret of bob')
    pages = [api_secrets.list_api_secrets(alice, page=number, per_page=3) for number in (1, 2, 3, 4)]
    assert [page.total for page in pages] == [7, 7, 7, 7]
    assert [[item.id for item in page.items] for page in pages] == [ids[0:3], ids[3:6], ids[6:7], []]
    assert api_secrets.list_api_secrets(alice, page=0, per_page=3).page == 1


def test_the_list_sorts_by_name(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    charlie, alpha, bravo = (add_secret(alice, name=name) for name in ('charlie', 'alpha', 'bravo'))
    assert _listed_ids(alice, sort='name') == [alpha, bravo, charlie]
    assert _listed_ids(alice, sort='name', descending=True) == [charlie, bravo, alpha]


def test_the_list_sorts_by_id(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    ids = [add_secret(alice, name=name) for name in ('b', 'c', 'a')]
    assert _listed_ids(alice, sort='id') == sorted(ids)
    assert _listed_ids(alice, sort='id', descending=True) == sorted(ids, reverse=True)


def test_the_list_sorts_by_last_use_with_never_used_last(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    never, old, recent = (add_secret(alice) for _ in range(3))
    now = utcnow()
    for secret_id, used in ((old, now - dt.timedelta(days=3)), (recent, now - dt.timedelta(minutes=1))):
        ApiSecret.update(last_used_at=used).where(ApiSecret.id == secret_id).execute()
    assert _listed_ids(alice, sort='last_use') == [old, recent, never]
    assert _listed_ids(alice, sort='last_use', descending=True) == [recent, old, never]


def test_search_looks_in_name_url_and_tags_ignoring_case(started_store, make_actor, add_secret):
    alice, bob = make_actor('alice'), make_actor('bob')
    stripe = add_secret(alice, name='Stripe Payments', url='https://api.stripe.com', tags='billing')
    github = add_secret(alice, name='GitHub', url='https://api.github.com', tags='ci,Production')
    add_secret(bob, name='Stripe of Bob')
    assert _listed_ids(alice, search='stripe') == [stripe]
    assert _listed_ids(alice, search='GITHUB.COM') == [github]
    assert _listed_ids(alice, search='  production ') == [github]
    assert _listed_ids(alice, search='pay') == [stripe]
    assert api_secrets.list_api_secrets(alice, search='stripe').total == 1


@pytest.mark.parametrize('term', ['%', '_', '\\'])
def test_search_wildcards_are_taken_literally(started_store, make_actor, add_secret, term):
    alice = make_actor('alice')
    add_secret(alice, name='Stripe')
    literal = add_secret(alice, name=f'Odd {term} name')
    assert _listed_ids(alice, search=term) == [literal]
