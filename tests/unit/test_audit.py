"""The audit (SPEC sections 1 and 3): who reads which events, its filters, sorting, paging and CSV export."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from store import accounts, admin, api_secrets, audit, events, sharing, tabular
from store.errors import NotAuthenticated, ValidationError
from store.models import Event
from store.records import AuditFilter

from tests.seeding import PASSWORD


@pytest.fixture
def world(started_store, make_actor, add_secret):
    """Alice owns Stripe (shared: Bob can edit, Carol can view); Dave owns nothing; Root administers."""
    alice, bob, carol, dave = (make_actor(name) for name in ('alice', 'bob', 'carol', 'dave'))
    root = make_actor('root', is_admin=True)
    stripe = add_secret(alice, name='Stripe', client_secret='sk_live_stripe_audit')
    bobs = add_secret(bob, name='Bob own')
    sharing.share(alice, [stripe], {bob.user_id: True, carol.user_id: False})
    api_secrets.reveal_client_secret(carol, stripe)  # a reveal by someone else is the owner's to read
    api_secrets.record_copy(bob, stripe, 'client_secret')
    accounts.authenticate('alice', PASSWORD, ip='198.51.100.1')
    return {'alice': alice, 'bob': bob, 'carol': carol, 'dave': dave, 'root': root, 'stripe': stripe,
            'bobs': bobs}


def _events(actor, **filters) -> list[tuple[str, str, str]]:
    page = audit.list_events(actor, per_page=500, sort='date', descending=False, filters=AuditFilter(**filters))
    return [(entry.event, f'{entry.name} · {entry.details}' if entry.details else entry.name, entry.user)
            for entry in page.items]


def test_the_owner_reads_every_event_of_their_secrets_including_what_others_did(world):
    seen = _events(world['alice'])
    assert [event for event, _, _ in seen] == ['New', 'Sharing', 'Sharing', 'Reveal', 'Copy']
    assert sorted(seen) == [
        ('Copy', 'Stripe · Client secret', 'bob'), ('New', 'Stripe', 'alice'), ('Reveal', 'Stripe · Client secret',
                                                                                'carol'),
        ('Sharing', 'Stripe · bob: Can edit', 'alice'), ('Sharing', 'Stripe · carol: Can view', 'alice'),
    ]  # and not her own Login: the SPEC grants the audit of items she owns, nothing more


@pytest.mark.parametrize('who', ['bob', 'carol', 'dave'])
def test_editors_viewers_and_strangers_read_none_of_it(world, who):
    seen = _events(world[who])
    assert all('Stripe' not in name for _, name, _ in seen)
    assert seen == ([('New', 'Bob own', 'bob')] if who == 'bob' else [])


def test_an_administrator_reads_every_event_including_log_ins(world):
    seen = _events(world['root'])
    assert ('Login', 'alice', 'alice') in seen
    assert ('New', 'Bob own', 'bob') in seen and ('Reveal', 'Stripe · Client secret', 'carol') in seen
    assert len(seen) == Event.select().count()


def test_the_audit_follows_the_current_owner_not_an_earlier_share(world):
    sharing.remove_access(world['alice'], world['stripe'], world['carol'].user_id)
    assert _events(world['carol']) == []
    assert ('Unsharing', 'Stripe · carol', 'alice') in _events(world['alice'])


def test_an_entry_holds_type_user_ip_and_date(world):
    [entry] = audit.list_events(world['alice'], filters=AuditFilter(event='Reveal')).items
    assert (entry.type, entry.user, entry.ip, entry.item_id) == ('API secret', 'carol', '203.0.113.7',
                                                                 world['stripe'])
    assert isinstance(entry.at, dt.datetime)


@pytest.mark.parametrize('filters, expected', [
    ({'item_type': 'User'}, [('Login', 'alice', 'alice')]),
    ({'item_type': 'API secret', 'event': 'New'}, [('New', 'Stripe', 'alice'), ('New', 'Bob own', 'bob')]),
    ({'event': 'Copy'}, [('Copy', 'Stripe · Client secret', 'bob')]),
    ({'user': 'CAR'}, [('Reveal', 'Stripe · Client secret', 'carol')]),
    ({'user': '%'}, []),  # a LIKE wildcard is text, not "anything"
    ({'event': 'Login', 'user': 'bob'}, []),
])
def test_each_filter_narrows_the_events(world, filters, expected):
    assert _events(world['root'], **filters) == expected


def test_the_item_filter_keeps_the_events_of_one_secret_and_the_permission_rule(world):
    stripe = str(world['stripe'])
    assert [event for event, _, _ in _events(world['root'], item_id=stripe)] == [
        'New', 'Sharing', 'Sharing', 'Reveal', 'Copy']
    assert len(_events(world['alice'], item_id=stripe)) == 5
    assert _events(world['bob'], item_id=stripe) == []  # an editor: still nothing
    alice_user_id = str(world['alice'].user_id)  # a user's events carry a user id, not a secret's
    assert ('Login', 'alice', 'alice') not in _events(world['root'], item_id=alice_user_id)


def test_from_and_until_are_whole_utc_days(world):
    stripe = world['stripe']
    new = Event.get((Event.item_id == stripe) & (Event.action == 'New'))
    reveal = Event.get((Event.item_id == stripe) & (Event.action == 'Reveal'))
    Event.update(at=dt.datetime(2026, 3, 10, 0, 0)).where(Event.id == new.id).execute()
    Event.update(at=dt.datetime(2026, 3, 12, 23, 59, 59)).where(Event.id == reveal.id).execute()
    alice = world['alice']
    assert _events(alice, since='2026-03-10', until='2026-03-10') == [('New', 'Stripe', 'alice')]
    assert _events(alice, since='2026-03-11', until='2026-03-12') == [('Reveal', 'Stripe · Client secret', 'carol')]
    assert _events(alice, until='2026-03-12') == [('New', 'Stripe', 'alice'),
                                                   ('Reveal', 'Stripe · Client secret', 'carol')]
    assert ('New', 'Stripe', 'alice') not in _events(alice, since='2026-03-11')
    assert len(_events(alice, until='9999-12-31')) == 5


@pytest.mark.parametrize('filters, field', [
    ({'item_type': 'Secret'}, 'item_type'), ({'item_type': ''}, 'item_type'),
    ({'event': 'Delete'}, 'event'), ({'event': 'reveal'}, 'event'),
    ({'since': '10/03/2026'}, 'since'), ({'until': '2026-02-30'}, 'until'),
    ({'since': '2026-03-12', 'until': '2026-03-10'}, 'until'),
    ({'item_id': 'abc'}, 'item_id'), ({'item_id': '١'}, 'item_id'), ({'item_id': '9' * 30}, 'item_id'),
])
def test_an_unreadable_filter_is_reported_at_its_field(world, filters, field):
    with pytest.raises(ValidationError) as refused:
        audit.list_events(world['root'], filters=AuditFilter(**filters))
    assert set(refused.value.errors) == {field}
    with pytest.raises(ValidationError):
        audit.export_events_csv(world['root'], filters=AuditFilter(**filters))


def test_every_unreadable_filter_is_reported_at_once(world):
    with pytest.raises(ValidationError) as refused:
        audit.list_events(world['root'], filters=AuditFilter(item_type='x', event='y', since='z', until='w'))
    assert set(refused.value.errors) == {'item_type', 'event', 'since', 'until'}


@pytest.mark.parametrize('sort, key', [
    ('name', lambda e: e.name.lower()), ('type', lambda e: e.type), ('event', lambda e: e.event),
    ('user', lambda e: e.user.lower()), ('ip', lambda e: e.ip), ('date', lambda e: e.at),
])
@pytest.mark.parametrize('descending', [False, True])
def test_sorting_runs_on_every_column(world, sort, key, descending):
    items = audit.list_events(world['root'], per_page=500, sort=sort, descending=descending).items
    assert [key(e) for e in items] == sorted((key(e) for e in items), reverse=descending)


def test_the_newest_event_comes_first_by_default(world):
    items = audit.list_events(world['root']).items
    assert items[0].event == 'Login' and [e.id for e in items] == sorted((e.id for e in items), reverse=True)


def test_paging_runs_in_the_database(world, add_secret):
    for n in range(7):
        add_secret(world['dave'], name=f'Dave {n}')
    first = audit.list_events(world['dave'], page=1, per_page=3, sort='name', descending=False)
    third = audit.list_events(world['dave'], page=3, per_page=3, sort='name', descending=False)
    assert (first.total, first.page, first.per_page) == (7, 1, 3)
    assert [e.name for e in first.items] == ['Dave 0', 'Dave 1', 'Dave 2'] and [e.name for e in third.items] == [
        'Dave 6']
    assert audit.list_events(world['dave'], per_page=10_000).per_page == audit.MAX_PER_PAGE
    assert audit.list_events(world['dave'], page=0, per_page=0).page == 1


def test_csv_export_holds_what_the_audit_shows_and_never_a_client_secret(world):
    text = audit.export_events_csv(world['alice'], descending=False)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ['Name', 'Type', 'Event', 'Details', 'User', 'User IP', 'Date']
    assert [row[1:6] for row in rows[1:]] == [
        ['API secret', 'New', '', 'alice', '203.0.113.7'],
        ['API secret', 'Sharing', 'bob: Can edit', 'alice', '203.0.113.7'],
        ['API secret', 'Sharing', 'carol: Can view', 'alice', '203.0.113.7'],
        ['API secret', 'Reveal', 'Client secret', 'carol', '203.0.113.7'],
        ['API secret', 'Copy', 'Client secret', 'bob', '203.0.113.7'],
    ]
    assert [row[0] for row in rows[1:]] == [entry.name for entry in audit.list_events(
        world['alice'], descending=False).items]
    assert all(len(row[6]) == len('2026-03-10 12:00:00 UTC') and row[6].endswith(' UTC') for row in rows[1:])
    everything = audit.export_events_csv(world['root'])
    assert 'sk_live_stripe_audit' not in everything and 'Login' in everything


def test_csv_export_covers_every_page_with_the_filters(world, monkeypatch):
    monkeypatch.setattr(tabular, 'FETCH_SIZE', 2)  # several fetches from PostgreSQL's server-side cursor
    rows = list(csv.reader(io.StringIO(audit.export_events_csv(world['root'], filters=AuditFilter(
        item_type='API secret')))))
    assert len(rows) - 1 == Event.select().where(Event.item_type == 'API secret').count() == 6


def test_csv_export_streams_into_a_file_and_writes_nothing_for_a_bad_filter(world, tmp_path):
    path = tmp_path / 'audit.csv'
    with path.open('w', newline='') as out:
        count = audit.write_events_csv(world['root'], out, descending=False)
    assert count == Event.select().count()
    assert path.read_bytes().decode() == audit.export_events_csv(world['root'], descending=False)
    with path.open('w', newline='') as out, pytest.raises(ValidationError):
        audit.write_events_csv(world['root'], out, filters=AuditFilter(since='yesterday'))
    assert path.read_text() == ''


@pytest.mark.parametrize('name', ['=HYPERLINK("https://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)'])
def test_csv_export_defuses_spreadsheet_formulas(world, add_secret, name):
    add_secret(world['dave'], name=name)
    [_, row] = list(csv.reader(io.StringIO(audit.export_events_csv(world['dave']))))
    assert row[0] == "'" + name


def test_a_failed_log_in_is_recorded_without_what_was_typed_and_only_admins_read_it(world):
    with pytest.raises(NotAuthenticated):
        accounts.authenticate('=cmd|calc', 'wrong', ip='192.0.2.9')
    assert _events(world['root'], event='Login failed') == [('Login failed', '(unknown user)', '(unknown user)')]
    exported = audit.export_events_csv(world['root'], filters=AuditFilter(event='Login failed'))
    assert '(unknown user)' in exported and 'cmd|calc' not in exported
    assert _events(world['alice'], event='Login failed') == []


def test_a_deactivated_actor_is_refused(world):
    admin.set_user_active(world['root'], world['alice'].user_id, False)
    with pytest.raises(NotAuthenticated):
        audit.list_events(world['alice'])
    with pytest.raises(NotAuthenticated):
        audit.export_events_csv(world['alice'])
    assert events.DISABLING in [event for event, _, _ in _events(world['root'], item_type='User')]
