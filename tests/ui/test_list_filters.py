"""The API secrets list's Show filters, Filter, Clear and Export CSV (SPEC section 1)."""
from __future__ import annotations

import csv
import io

from nicegui import ui
from nicegui.testing import User

from store import sharing
from store.records import Actor

from .helpers import SLOW, field, fill, log_in, press, table_rows, until


async def _open_list(user: User, make_user, add_secret) -> dict[str, int]:
    alice, bob = make_user('alice', display_name='Alice'), make_user('bob', display_name='Bob')
    ids = {name: add_secret(alice, name=name, tags=tags, client_secret=f'sk_{name}')
           for name, tags in (('Stripe', 'payments'), ('Twilio', 'sms'), ('GitHub', 'ci'))}
    ids['Bob shared'] = add_secret(bob, name='Bob shared', tags='payments')
    sharing.share(Actor(bob.id), [ids['Bob shared']], {alice.id: False})
    add_secret(bob, name='Bob private', tags='payments')
    await log_in(user, 'alice', path='/login?return_to=/mysafe/api-secrets')
    await user.should_see(kind=ui.table, retries=SLOW)
    return ids


def _names(user: User) -> list[str]:
    return sorted(row['name'] for row in table_rows(user))


async def test_filters_narrow_the_list_and_clear_brings_everything_back(user: User, make_user, add_secret) -> None:
    await _open_list(user, make_user, add_secret)
    assert _names(user) == ['Bob shared', 'GitHub', 'Stripe', 'Twilio']
    press(user, 'Show filters')
    fill(user, Tags='payments')
    press(user, 'Filter')
    await until(lambda: _names(user) == ['Bob shared', 'Stripe'])  # never Bob's private one

    fill(user, Owner='alice')
    press(user, 'Filter')
    await until(lambda: _names(user) == ['Stripe'])

    press(user, 'Clear')
    await until(lambda: _names(user) == ['Bob shared', 'GitHub', 'Stripe', 'Twilio'])
    assert field(user, 'Tags').value == '' and field(user, 'Shared').value == 'All'


async def test_an_unreadable_filter_gets_its_message_and_the_list_stays(user: User, make_user, add_secret) -> None:
    await _open_list(user, make_user, add_secret)
    press(user, 'Show filters')
    fill(user, ID='abc')
    press(user, 'Filter')
    await until(lambda: field(user, 'ID').error == 'Enter the ID as a number')
    assert _names(user) == ['Bob shared', 'GitHub', 'Stripe', 'Twilio']


async def test_export_csv_downloads_the_filtered_rows_without_any_client_secret(
        user: User, make_user, add_secret) -> None:
    ids = await _open_list(user, make_user, add_secret)
    press(user, 'Show filters')
    fill(user, Tags='payments')
    press(user, 'Filter')
    await until(lambda: _names(user) == ['Bob shared', 'Stripe'])
    press(user, 'Export CSV')
    response = await user.download.next(timeout=5)
    rows = list(csv.DictReader(io.StringIO(response.content.decode('utf-8'))))
    assert [(row['ID'], row['Name'], row['Shared'], row['Owner']) for row in rows] == [
        (str(ids['Bob shared']), 'Bob shared', 'Yes', 'Bob'), (str(ids['Stripe']), 'Stripe', 'No', 'Alice')]
    assert b'sk_' not in response.content
