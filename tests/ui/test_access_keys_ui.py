"""The Access keys page (SPEC section 1, issue 9 item 1): a key is shown once, listed without its token,
and revoked only after the Confirmation."""
from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from store import api_reads
from store.errors import AccessKeyRefused

from .helpers import answer_confirmation, dialog, field, fill, log_in, menu_item, page_holds, press, table_rows, until

KEYS = '/login?return_to=/access-keys'


async def test_a_new_key_is_shown_once_listed_without_its_token_and_revoked_after_confirmation(
        user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    stripe = add_secret(alice, name='Stripe')
    add_secret(alice, name='Unchosen')
    await log_in(user, 'alice', path=KEYS)
    await user.should_see('New access key')
    assert table_rows(user) == []

    press(user, 'New access key')
    new = await dialog(user, 'New access key')
    picker = field(user, 'API secrets')
    await until(lambda: set(picker.options.values()) == {'Stripe', 'Unchosen'})
    fill(user, **{'Name *': 'deploy-bot', 'Allowed IPs': '127.0.0.1\n10.0.0.0/8'})
    picker.value = [stripe]
    press(user, 'Create', within=new)
    created = await dialog(user, 'Access key created')
    [token] = [e.text for e in created.descendants() if isinstance(e, ui.label) and e.text.startswith('mysafe_')]
    assert api_reads.read_client_secret(token, '127.0.0.1', '', stripe).startswith('sk_test_')
    await until(lambda: [row['name'] for row in table_rows(user)] == ['deploy-bot'])  # behind the dialog
    row = table_rows(user)[0]
    assert (row['secrets'], row['status'], row['last_use']) == ('Stripe', 'Active', 'Never')
    assert token not in str(row)

    press(user, 'Close', within=created)
    await until(lambda: created.is_deleted)
    assert not page_holds(user, token)  # never shown again, and no copy left in the page
    await user.open('/access-keys')
    await user.should_see('New access key')
    row = table_rows(user)[0]
    assert row['last_use'].endswith('from 127.0.0.1') and not page_holds(user, token)

    user.find(kind=ui.table).trigger('revoke', row)
    await answer_confirmation(user, 'Are you sure you want to revoke the access key: deploy-bot?', 'No')
    assert table_rows(user)[0]['status'] == 'Active'
    user.find(kind=ui.table).trigger('revoke', row)
    await answer_confirmation(user, 'Are you sure you want to revoke the access key: deploy-bot?', 'Yes')
    await until(lambda: table_rows(user)[0]['status'] == 'Revoked')
    try:
        api_reads.list_secrets(token, '127.0.0.1')
        raise AssertionError('a revoked key still reads')
    except AccessKeyRefused:
        pass


async def test_bad_input_is_shown_at_the_fields_and_creates_nothing(user: User, make_user) -> None:
    make_user('alice')
    await log_in(user, 'alice', path=KEYS)
    await user.should_see('New access key')
    press(user, 'New access key')
    new = await dialog(user, 'New access key')
    fill(user, **{'Expires': '2000-01-01', 'Allowed IPs': 'example.com'})
    press(user, 'Create', within=new)
    await until(lambda: field(user, 'Name *').error == 'Name is required')
    assert field(user, 'Expires').error == 'Choose a date from today on'
    assert field(user, 'API secrets').error == 'Choose at least one API secret'
    assert 'example.com' in field(user, 'Allowed IPs').error
    assert table_rows(user) == []


async def test_access_keys_is_in_the_grid_menu_for_every_user(user: User, make_user) -> None:
    make_user('bob')
    await log_in(user, 'bob')
    await until(lambda: user.back_history[-1] == '/mysafe')
    menu_item(user, 'Access keys').click()
    await user.should_see('New access key')
    await user.should_see('Programs read the API secrets you choose for a key')
