"""Access keys (SPEC sections 2, 3 and 7): what a program holding a key can read, and what it cannot."""
from __future__ import annotations

import datetime as dt

import pytest

from store import access_keys, admin, api_reads, api_secrets, sharing
from store.errors import (AccessKeyRefused, AccessKeyThrottled, AddressNotAllowed, Forbidden, NotFound,
                          SecretDisabled, ValidationError)
from store.models import AccessKey, Event, utcnow
from store.records import AccessKeyInput, ApiSecretInput

from tests.unit.helpers import events_for, raw_rows

HOME = '198.51.100.10'


@pytest.fixture
def people(make_actor, add_secret):
    owner, friend, stranger = make_actor('owner'), make_actor('friend'), make_actor('stranger')
    return owner, friend, stranger


def new_key(actor, secret_ids, **fields):
    return access_keys.create_access_key(actor, AccessKeyInput(name=fields.pop('name', 'deploy-bot'),
                                                               secret_ids=secret_ids, **fields))


def test_the_owner_reads_a_chosen_secret_and_the_read_is_audited(people, add_secret):
    owner, _, _ = people
    chosen = add_secret(owner, name='Stripe', client_secret='sk_live_chosen', identifier='stripe')
    other = add_secret(owner, name='Other')
    created = new_key(owner, [chosen], allowed_ips=f'{HOME}\n10.0.0.0/8')
    assert created.token.startswith('mysafe_') and len(created.token) == len('mysafe_') + 43

    assert api_reads.read_client_secret(created.token, HOME, 'curl', chosen) == 'sk_live_chosen'
    assert api_reads.read_client_secret(created.token, '10.1.2.3', 'curl', str(chosen)) == 'sk_live_chosen'
    reveal = events_for(chosen, 'Reveal')[-1]
    assert (reveal.details, reveal.item_name, reveal.user_id, reveal.ip) == (
        'via access key deploy-bot', 'Stripe', owner.user_id, '10.1.2.3')
    assert api_secrets.get_api_secret(owner, chosen, record_view=False).last_used_at is not None
    [info] = access_keys.list_access_keys(owner)
    assert (info.name, [s.name for s in info.secrets], info.status, info.last_used_ip) == (
        'deploy-bot', ['Stripe'], 'Active', '10.1.2.3')
    assert info.last_used_at is not None and info.expires_at.date() == utcnow().date() + dt.timedelta(days=91)

    page = api_reads.list_secrets(created.token, HOME)
    assert [item.id for item in page.items] == [chosen] and page.total == 1
    assert api_reads.list_secrets(created.token, HOME, identifier='nope').total == 0
    assert api_reads.get_secret(created.token, HOME, '', chosen).identifier == 'stripe'
    with pytest.raises(NotFound):  # the owner's other secret was not chosen for the key
        api_reads.read_client_secret(created.token, HOME, '', other)
    with pytest.raises(NotFound):
        api_reads.get_secret(created.token, HOME, '', other)


def test_the_keys_last_use_is_kept_to_the_second_and_follows_the_address(people, add_secret, monkeypatch):
    owner, _, _ = people
    chosen = add_secret(owner)
    created = new_key(owner, [chosen])
    start = dt.datetime(2026, 11, 30, 8, 0, 0)
    for offset, address, expected in ((0.0, HOME, (start, HOME)), (0.5, HOME, (start, HOME)),
                                      (0.7, '10.1.2.3', (start + dt.timedelta(seconds=0.7), '10.1.2.3')),
                                      (1.7, '10.1.2.3', (start + dt.timedelta(seconds=1.7), '10.1.2.3'))):
        monkeypatch.setattr(access_keys, 'utcnow', lambda offset=offset: start + dt.timedelta(seconds=offset))
        api_reads.read_client_secret(created.token, address, 'curl', chosen)
        [info] = access_keys.list_access_keys(owner)
        assert (info.last_used_at, info.last_used_ip) == expected
    assert len(events_for(chosen, 'Reveal')) == 4  # every read is audited all the same


def test_a_key_reads_a_shared_secret_only_while_it_stays_shared(people, add_secret):
    owner, friend, _ = people
    secret = add_secret(owner, client_secret='sk_shared')
    sharing.share(owner, [secret], {friend.user_id: False})
    token = new_key(friend, [secret]).token
    assert api_reads.read_client_secret(token, HOME, '', secret) == 'sk_shared'
    sharing.set_access(owner, secret, {})
    with pytest.raises(NotFound):
        api_reads.read_client_secret(token, HOME, '', secret)
    assert api_reads.list_secrets(token, HOME).total == 0
    assert access_keys.list_access_keys(friend)[0].secrets == []  # not even its name any more


def test_a_disabled_secret_is_409_and_one_that_asks_for_a_password_is_refused(people, add_secret):
    owner, _, _ = people
    disabled = add_secret(owner)
    guarded = add_secret(owner, ask_password=True)
    token = new_key(owner, [disabled, guarded]).token
    api_secrets.set_enabled(owner, [disabled], False)
    with pytest.raises(SecretDisabled):
        api_reads.read_client_secret(token, HOME, '', disabled)
    with pytest.raises(Forbidden, match='asks for a password'):
        api_reads.read_client_secret(token, HOME, '', guarded)
    assert events_for(disabled, 'Reveal') == [] and events_for(guarded, 'Reveal') == []


def test_a_key_cannot_be_made_for_another_users_secret(people, add_secret):
    owner, _, stranger = people
    secret = add_secret(owner)
    with pytest.raises(ValidationError) as refused:
        new_key(stranger, [secret])
    assert refused.value.errors == {'secret_ids': 'API secret not found'}
    assert not AccessKey.select().exists()


def test_revoked_expired_and_deactivated_keys_are_refused(people, add_secret, make_actor):
    owner, friend, _ = people
    secret = add_secret(owner)
    revoked = new_key(owner, [secret], name='revoked')
    expired = new_key(owner, [secret], name='expired')
    friends = new_key(friend, [add_secret(friend)], name='friends')
    access_keys.revoke_access_key(owner, revoked.id)
    AccessKey.update(expires_at=utcnow() - dt.timedelta(seconds=1)).where(AccessKey.id == expired.id).execute()
    admin.set_user_active(make_actor('root', is_admin=True), friend.user_id, False)
    for token, message in ((revoked.token, 'revoked'), (expired.token, 'expired'), (friends.token, 'deactivated'),
                           ('mysafe_' + 'A' * 43, 'Invalid'), ('not a key', 'Invalid'), (None, 'Missing')):
        with pytest.raises(AccessKeyRefused, match=message):
            api_reads.list_secrets(token, HOME)
    assert {k.name: k.status for k in access_keys.list_access_keys(owner)} == {'revoked': 'Revoked',
                                                                              'expired': 'Expired'}
    with pytest.raises(NotFound):  # nobody revokes another user's key
        access_keys.revoke_access_key(owner, friends.id)


def test_an_address_outside_the_allowed_ips_is_refused(people, add_secret):
    owner, _, _ = people
    secret = add_secret(owner)
    token = new_key(owner, [secret], allowed_ips='192.0.2.0/24\n2001:db8::1').token
    assert api_reads.get_secret(token, '192.0.2.200', '', secret).id == secret
    assert api_reads.get_secret(token, '2001:db8::1', '', secret).id == secret
    for address in ('192.0.3.1', '2001:db8::2', ''):
        with pytest.raises(AddressNotAllowed):
            api_reads.get_secret(token, address, '', secret)


def test_failures_are_recorded_without_the_token_and_throttled_per_address(people, add_secret):
    owner, _, _ = people
    token = new_key(owner, [add_secret(owner)]).token
    guess = 'mysafe_' + 'B' * 43
    for _ in range(access_keys.FAILURE_LIMIT):
        with pytest.raises(AccessKeyRefused):
            api_reads.list_secrets(guess, '203.0.113.99')
    with pytest.raises(AccessKeyThrottled) as throttled:
        api_reads.list_secrets(guess, '203.0.113.99')
    assert 0 < throttled.value.retry_after <= 15 * 60
    failed = Event.select().where(Event.action == 'Login failed')
    assert failed.count() == access_keys.FAILURE_LIMIT  # the throttled attempt fills no audit
    assert {(e.details, e.ip) for e in failed} == {('access key', '203.0.113.99')}
    with pytest.raises(AccessKeyRefused):  # another address is not throttled
        api_reads.list_secrets(guess, '203.0.113.100')
    assert api_reads.list_secrets(token, '203.0.113.99').total == 1  # a real key still works
    for table in ('event', 'access_key', 'access_key_secret'):
        assert not any(token.encode() in row or guess.encode() in row for row in raw_rows(table))


def test_creation_validates_every_field_and_changes_nothing_when_refused(people, add_secret):
    owner, _, _ = people
    secret = add_secret(owner)
    too_late = (utcnow().date() + dt.timedelta(days=366)).isoformat()
    with pytest.raises(ValidationError) as refused:
        access_keys.create_access_key(owner, AccessKeyInput(name=' ', expires=too_late, secret_ids=[],
                                                            allowed_ips='10.0.0.0/8\nnot-an-ip'))
    assert set(refused.value.errors) == {'name', 'expires', 'secret_ids', 'allowed_ips'}
    assert 'not-an-ip' in refused.value.errors['allowed_ips']
    with pytest.raises(ValidationError, match='YYYY-MM-DD'):
        new_key(owner, [secret], expires='next week')
    a_year = (utcnow().date() + dt.timedelta(days=365)).isoformat()
    created = new_key(owner, [secret], expires=a_year, allowed_ips='10.1.2.3/8')
    assert access_keys.list_access_keys(owner)[0].allowed_ips == ['10.0.0.0/8']
    with pytest.raises(ValidationError, match='already have an access key'):
        new_key(owner, [secret])
    access_keys.revoke_access_key(owner, created.id)
    new_key(owner, [secret])  # the name is free again once the old key is revoked (rotation)
    assert not Event.select().where(Event.action == 'Login failed').exists()


def test_a_key_never_writes_and_its_list_pages(people, add_secret):
    owner, _, _ = people
    ids = [add_secret(owner, identifier=f'id-{n}') for n in range(5)]
    token = new_key(owner, ids).token
    page = api_reads.list_secrets(token, HOME, page=2, per_page=2)
    assert ([item.id for item in page.items], page.total) == (ids[2:4], 5)
    with pytest.raises(ValidationError):
        api_reads.list_secrets(token, HOME, per_page=501)
    api_secrets.update_api_secret(owner, ids[0], ApiSecretInput(name='Renamed', url='https://x.example.com',
                                                                client_id='c', identifier='id-0'), 1)
    assert api_reads.list_secrets(token, HOME, identifier='id-0').items[0].name == 'Renamed'
