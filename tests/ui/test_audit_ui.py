"""The Audit screen (SPEC section 1): what each person may read, its filters, Export CSV, and the ways to it."""
from __future__ import annotations

import csv
import io

from nicegui import ui
from nicegui.testing import User

from store import api_secrets, sharing
from store.records import Actor

from .helpers import SLOW, button_labels, field, fill, go, log_in, menu_item, press, table_rows, until

OWN_SECRETS = 'You see the audit of the API secrets you own.'
EVERY_EVENT = 'You see every event.'


def _seed(make_user, add_secret) -> dict[str, int]:
    """Alice owns Stripe, shared with Bob (can view), who reveals it; Bob owns a secret of his own."""
    alice, bob = make_user('alice', display_name='Alice'), make_user('bob', display_name='Bob')
    make_user('carol', display_name='Carol')
    make_user('root', is_admin=True, display_name='Root')
    ids = {'stripe': add_secret(alice, name='Stripe', client_secret='sk_live_audit_ui'),
           'bobs': add_secret(bob, name='Bob own')}
    sharing.share(Actor(alice.id), [ids['stripe']], {bob.id: False})
    api_secrets.reveal_client_secret(Actor(bob.id, ip='198.51.100.4'), ids['stripe'])
    return ids


async def _open_audit(user: User, username: str, path: str = '/audit') -> None:
    await log_in(user, username, path=f'/login?return_to={path}')
    await user.should_see('Audit', kind=ui.label, retries=SLOW)
    await user.should_see(kind=ui.table, retries=SLOW)


def _events(user: User) -> list[tuple[str, str, str]]:
    return [(row['event'], f"{row['name']} · {row['details']}" if row['details'] else row['name'], row['user'])
            for row in table_rows(user)]


async def test_the_owner_reads_the_events_of_the_secrets_they_own(user: User, make_user, add_secret) -> None:
    _seed(make_user, add_secret)
    await _open_audit(user, 'alice')
    await user.should_see(OWN_SECRETS)
    assert _events(user) == [('Reveal', 'Stripe · Client secret', 'bob'),
                             ('Sharing', 'Stripe · bob: Can view', 'alice'), ('New', 'Stripe', 'alice')]
    [reveal, *_] = table_rows(user)
    assert (reveal['type'], reveal['ip']) == ('API secret', '198.51.100.4')
    assert reveal['date'].endswith(' UTC')


async def test_who_owns_nothing_sees_an_empty_table_and_why(user: User, make_user, add_secret) -> None:
    _seed(make_user, add_secret)
    await _open_audit(user, 'carol')
    await user.should_see(OWN_SECRETS)
    assert table_rows(user) == []


async def test_a_viewer_does_not_read_the_audit_of_what_is_shared_with_them(user: User, make_user,
                                                                          add_secret) -> None:
    _seed(make_user, add_secret)
    await _open_audit(user, 'bob')
    assert _events(user) == [('New', 'Bob own', 'bob')]


async def test_an_administrator_reads_every_event(user: User, make_user, add_secret) -> None:
    _seed(make_user, add_secret)
    await _open_audit(user, 'root')
    await user.should_see(EVERY_EVENT)
    seen = _events(user)
    assert ('Login', 'root', 'root') in seen and ('New', 'Bob own', 'bob') in seen
    assert ('Reveal', 'Stripe · Client secret', 'bob') in seen


async def test_filters_narrow_the_events_and_clear_brings_them_back(user: User, make_user, add_secret) -> None:
    _seed(make_user, add_secret)
    await _open_audit(user, 'root')
    everything = len(table_rows(user))
    press(user, 'Show filters')
    fill(user, Event='Reveal')
    press(user, 'Filter')
    await until(lambda: _events(user) == [('Reveal', 'Stripe · Client secret', 'bob')])

    fill(user, Event='All', Type='User')
    press(user, 'Filter')
    await until(lambda: {row['type'] for row in table_rows(user)} == {'User'})

    fill(user, User='nobody-at-all')
    press(user, 'Filter')
    await until(lambda: table_rows(user) == [])

    press(user, 'Clear')
    await until(lambda: len(table_rows(user)) == everything)
    assert (field(user, 'Type').value, field(user, 'Event').value, field(user, 'User').value) == ('All', 'All', '')


async def test_an_unreadable_date_gets_its_message_and_the_events_stay(user: User, make_user, add_secret) -> None:
    _seed(make_user, add_secret)
    await _open_audit(user, 'alice')
    press(user, 'Show filters')
    fill(user, From='2026-03-12', Until='2026-03-10')
    press(user, 'Filter')
    await until(lambda: field(user, 'Until').error == 'Until must not be before From')
    assert len(table_rows(user)) == 3
    fill(user, From='', Until='')
    press(user, 'Filter')
    await until(lambda: field(user, 'Until').error is None)


async def test_export_csv_downloads_the_filtered_events(user: User, make_user, add_secret) -> None:
    _seed(make_user, add_secret)
    await _open_audit(user, 'alice')
    press(user, 'Show filters')
    fill(user, Event='Reveal')
    press(user, 'Filter')
    await until(lambda: len(table_rows(user)) == 1)
    press(user, 'Export CSV')
    response = await user.download.next(timeout=5)
    rows = list(csv.DictReader(io.StringIO(response.content.decode('utf-8'))))
    assert [(row['Name'], row['Type'], row['Event'], row['Details'], row['User'], row['User IP'])
            for row in rows] == [('Stripe', 'API secret', 'Reveal', 'Client secret', 'bob', '198.51.100.4')]
    assert b'sk_live_audit_ui' not in response.content


async def test_the_grid_menu_leads_to_the_audit(user: User, make_user, add_secret) -> None:
    _seed(make_user, add_secret)
    await log_in(user, 'carol')
    await until(lambda: user.back_history[-1] == '/mysafe')
    menu_item(user, 'Audit').click()
    await user.should_see(OWN_SECRETS, retries=SLOW)


async def test_the_owner_opens_one_secrets_audit_from_its_details(user: User, make_user, add_secret) -> None:
    ids = _seed(make_user, add_secret)
    await log_in(user, 'alice', path=f'/login?return_to=/mysafe/api-secrets/{ids["stripe"]}')
    await user.should_see('API secret details', retries=SLOW)
    press(user, 'Audit')
    await user.should_see(f'Only the events of API secret {ids["stripe"]}.', retries=SLOW)
    assert {name for _, name, _ in _events(user)} <= {'Stripe', 'Stripe · Client secret', 'Stripe · bob: Can view',
                                                       'Stripe · Client ID'}
    assert ('View', 'Stripe', 'alice') in _events(user)  # opening the details was recorded
    press(user, 'Show every event')
    await user.should_not_see('Only the events of API secret', retries=SLOW)


async def test_a_viewer_gets_no_audit_button(user: User, make_user, add_secret) -> None:
    ids = _seed(make_user, add_secret)
    await log_in(user, 'bob', path=f'/login?return_to=/mysafe/api-secrets/{ids["stripe"]}')
    await user.should_see('API secret details', retries=SLOW)
    assert 'Audit' not in button_labels(user)
    go(user, f'/audit?item={ids["stripe"]}')  # and the link alone shows nothing of it
    await user.should_see('Only the events of API secret', retries=SLOW)
    assert table_rows(user) == []
