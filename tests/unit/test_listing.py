"""The list's filters (SPEC section 1) and its CSV export: in the database, only what the actor may see."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from store import api_secrets, listing, permissions, sharing
from store.errors import ValidationError
from store.models import Access, ApiSecret
from store.records import ApiSecretFilter


@pytest.fixture
def world(started_store, make_actor, add_secret):
    alice, bob, carol = (make_actor('alice', display_name='Alice Martin'), make_actor('bob', display_name='Bob B'),
                         make_actor('carol'))
    ids = {
        'stripe': add_secret(alice, name='Stripe', url='https://api.stripe.com', tags='payments, prod',
                             client_secret='sk_live_stripe'),
        'twilio': add_secret(alice, name='Twilio', url='https://api.twilio.com', tags='sms'),
        'github': add_secret(bob, name='GitHub', url='https://api.github.com', tags='ci'),
        'carols': add_secret(carol, name='Carol private', url='https://carol.example'),
    }
    sharing.share(bob, [ids['github']], {alice.user_id: False})
    sharing.share(alice, [ids['stripe']], {bob.user_id: True})
    api_secrets.set_enabled(alice, [ids['twilio']], False)
    ApiSecret.update(last_used_at=dt.datetime(2026, 3, 10, 12, 0)).where(ApiSecret.id == ids['stripe']).execute()
    ApiSecret.update(last_used_at=dt.datetime(2026, 3, 12, 23, 59)).where(ApiSecret.id == ids['github']).execute()
    return alice, ids


def _names(actor, **filters) -> list[str]:
    return [item.name for item in api_secrets.list_api_secrets(actor, filters=ApiSecretFilter(**filters)).items]


@pytest.mark.parametrize('filters, expected', [
    ({}, ['Carol private?', 'GitHub', 'Stripe', 'Twilio']),
    ({'name': 'STRI'}, ['Stripe']),
    ({'url': 'twilio.com'}, ['Twilio']),
    ({'tags': 'prod'}, ['Stripe']),
    ({'owner': 'bob'}, ['GitHub']),  # by username
    ({'owner': 'martin'}, ['Stripe', 'Twilio']),  # by display name
    ({'shared': 'Yes'}, ['GitHub', 'Stripe']),
    ({'shared': 'No'}, ['Twilio']),
    ({'enabled': 'No'}, ['Twilio']),
    ({'enabled': 'Yes'}, ['GitHub', 'Stripe']),
    ({'last_use_from': '2026-03-11'}, ['GitHub']),
    ({'last_use_until': '2026-03-10'}, ['Stripe']),
    ({'last_use_from': '2026-03-10', 'last_use_until': '2026-03-12'}, ['GitHub', 'Stripe']),
    ({'last_use_until': '9999-12-31'}, ['GitHub', 'Stripe']),  # the last day there is: no overflow
    ({'name': 'Stripe', 'shared': 'No'}, []),
])
def test_each_filter_narrows_what_the_actor_sees(world, filters, expected):
    alice, _ = world
    expected = [name for name in expected if not name.endswith('?')]  # Carol's secret is never Alice's to see
    assert _names(alice, **filters) == expected


def test_the_id_filter_and_that_it_never_reaches_a_secret_one_may_not_see(world):
    alice, ids = world
    assert _names(alice, id=str(ids['stripe'])) == ['Stripe']
    assert _names(alice, id=str(ids['carols'])) == []


@pytest.mark.parametrize('change', ['unshared', 'disabled'])
def test_a_secret_that_stops_showing_while_the_list_is_read_is_left_out(world, monkeypatch, change):
    """The matches are found first and the page's rows read after: a share removed in between, or the secret of a
    view-only share disabled, leaves the page (the rows are checked again); the person's own secrets stay, disabled
    or not."""
    alice, ids = world
    rows_in_order = listing._rows_in_order

    def changed_in_between(*args, **kwargs):
        if change == 'unshared':
            Access.delete().where((Access.secret == ids['github']) & (Access.user == alice.user_id)).execute()
        else:
            ApiSecret.update(enabled=False).where(ApiSecret.id == ids['github']).execute()
        return rows_in_order(*args, **kwargs)

    monkeypatch.setattr(listing, '_rows_in_order', changed_in_between)
    assert _names(alice) == ['Stripe', 'Twilio']


@pytest.mark.parametrize('filters, field', [
    ({'id': 'abc'}, 'id'), ({'id': '1 OR 1=1'}, 'id'), ({'id': '١'}, 'id'), ({'id': '9' * 30}, 'id'),
    ({'last_use_from': '10/03/2026'}, 'last_use_from'), ({'last_use_until': '2026-02-30'}, 'last_use_until'),
    ({'last_use_from': '2026-03-12', 'last_use_until': '2026-03-10'}, 'last_use_until'),
    ({'shared': 'Maybe'}, 'shared'), ({'enabled': ''}, 'enabled'),
])
def test_an_unreadable_filter_is_reported_at_its_field(world, filters, field):
    alice, _ = world
    with pytest.raises(ValidationError) as refused:
        api_secrets.list_api_secrets(alice, filters=ApiSecretFilter(**filters))
    assert set(refused.value.errors) == {field}


def test_csv_export_holds_what_the_list_shows_and_never_a_client_secret(world):
    alice, ids = world
    text = api_secrets.export_api_secrets_csv(alice, filters=ApiSecretFilter(shared='Yes'))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ['ID', 'Name', 'URL', 'Tags', 'Shared', 'Owner', 'Last use', 'Status']
    assert rows[1:] == [
        [str(ids['github']), 'GitHub', 'https://api.github.com', 'ci', 'Yes', 'Bob B', '2026-03-12 23:59 UTC',
         'Enabled'],
        [str(ids['stripe']), 'Stripe', 'https://api.stripe.com', 'payments, prod', 'Yes', 'Alice Martin',
         '2026-03-10 12:00 UTC', 'Enabled'],
    ]
    assert 'sk_live_stripe' not in api_secrets.export_api_secrets_csv(alice)
    assert 'Carol private' not in api_secrets.export_api_secrets_csv(alice)


def test_csv_export_covers_every_page(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    for n in range(3):
        add_secret(alice, name=f'Secret {n}')
    rows = list(csv.reader(io.StringIO(api_secrets.export_api_secrets_csv(alice, sort='name', descending=True))))
    assert [row[1] for row in rows[1:]] == ['Secret 2', 'Secret 1', 'Secret 0']


@pytest.mark.parametrize('name', ['=HYPERLINK("https://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)'])
def test_csv_export_defuses_spreadsheet_formulas(started_store, make_actor, add_secret, name):
    alice = make_actor('alice')
    add_secret(alice, name=name, tags='=cmd|calc')
    [_, row] = list(csv.reader(io.StringIO(api_secrets.export_api_secrets_csv(alice))))
    assert (row[1], row[3]) == ("'" + name, "'=cmd|calc")


@pytest.mark.parametrize('many', [False, True])
def test_a_text_filter_ignores_the_case_of_ascii_letters_beside_other_characters(
        started_store, make_actor, add_secret, monkeypatch, many):
    """Rows checked one by one (a person who sees few, or a common text's count) lower ASCII letters alone when the
    term is ASCII; a row holding other characters is still found by its ASCII letters."""
    alice = make_actor('alice')
    add_secret(alice, name='ÉQUIPE Payments', tags='ÉQUIPE, TEAM3')
    add_secret(alice, name='Plain', tags='team3')
    add_secret(alice, name='Other', tags='team4')
    if many:
        monkeypatch.setattr(permissions, 'MANY', 1)
        monkeypatch.setattr(listing, 'SAMPLE', 1)  # team3 in the first row: common, counted row by row
    assert _names(alice, name='payments') == ['ÉQUIPE Payments']
    assert _names(alice, tags='team3') == ['Plain', 'ÉQUIPE Payments']
    assert _names(alice, tags='TEAM3') == ['Plain', 'ÉQUIPE Payments']


@pytest.mark.parametrize('many', [False, True])
def test_on_postgresql_a_row_whose_letters_lower_to_ascii_ones_is_found_by_an_ascii_term(
        started_store, make_actor, add_secret, monkeypatch, many):
    """PostgreSQL lowers the capital I with a dot above (U+0130) to i (with the libc collations; an ICU one adds a
    combining dot): an ASCII term finds the row row by row as through the text index (SQLite's lower() leaves it
    as it is)."""
    if started_store.name != 'postgresql':
        pytest.skip("SQLite's lower() changes ASCII letters only")
    alice = make_actor('alice')
    add_secret(alice, name='Istanbul plain', tags='istanbul')  # the first row: the sample says the text is common
    add_secret(alice, name='\u0130STANBUL office', tags='\u0130STANBUL')
    add_secret(alice, name='Plain', tags='istanbul')
    if many:  # counted row by row (listing._common_matches), not through the text index
        monkeypatch.setattr(permissions, 'MANY', 1)
        monkeypatch.setattr(listing, 'SAMPLE', 1)
    # Sorted as lower-cased: "istanbul office" first.
    assert _names(alice, name='istanbul') == ['\u0130STANBUL office', 'Istanbul plain']
    assert _names(alice, tags='istanbul') == ['\u0130STANBUL office', 'Istanbul plain', 'Plain']
