"""The user guide "How to view and/or copy an API secret", step by step, and its home-screen shortcut."""
from __future__ import annotations

import re
from pathlib import Path
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.support import (
    Seeded,
    Server,
    field_value,
    open_and_log_in,
    protected_information,
    side_menu_item,
    table_row,
)


def test_the_guide_steps_show_details_reveal_and_copy_the_client_secret(
        context: BrowserContext, page: Page, server: Server, data: Seeded) -> None:
    secret = data.stripe
    context.grant_permissions(['clipboard-read', 'clipboard-write'], origin=server.url)
    open_and_log_in(page, data.owner)

    # 1. Grid Menu (upper left) -> MySafe. (Log-in already lands on MySafe home; the last step below
    # shows the Grid Menu also takes a person there from elsewhere.)
    _grid_menu_to_mysafe(page)

    # 2. Side menu -> API secrets.
    side_menu_item(page, 'API secrets').click()
    expect(page).to_have_url(re.compile(r'/mysafe/api-secrets$'))
    expect(page.get_by_role('heading', name='API secrets', level=1)).to_be_visible()

    # 3. Locate the row; 4. in its Action column, View API secret (magnifying glass).
    row = table_row(page, secret.name)
    expect(row).to_have_count(1)
    expect(row.get_by_role('cell', name=secret.url, exact=True)).to_be_visible()
    row.get_by_role('button', name='View API secret').click()

    # 5. API secret details: Name, Owner, Last use, Url, Identifier, Client ID, Method.
    expect(page).to_have_url(re.compile(rf'/mysafe/api-secrets/{secret.id}$'))
    expect(page.get_by_role('heading', name='API secret details')).to_be_visible()
    expected = {'Name': secret.name, 'Owner': data.owner_display_name, 'Last use': 'Never', 'Url': secret.url,
                'Identifier': secret.identifier, 'Client ID': secret.client_id, 'Method': secret.method}
    for label, value in expected.items():
        expect(field_value(page, label), label).to_have_text(value)
    expect(page.get_by_text(secret.client_secret)).to_have_count(0)

    # At the bottom: Users with access to information, the owner marked "Owner".
    expect(page.get_by_role('heading', name='Users with access to information')).to_be_visible()
    owner_row = page.get_by_role('row').filter(has_text=data.owner_display_name)
    expect(owner_row.get_by_role('cell')).to_have_text([f'{data.owner_display_name} ({data.owner})', 'Owner'])

    # 6. View the information -> Protected information with the Client secret.
    page.get_by_role('button', name='View the information').click()
    dialog = protected_information(page)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text(secret.client_secret, exact=True)).to_be_visible()

    # Copying: the Copy button puts the client secret on the clipboard.
    dialog.get_by_role('button', name='Copy Client secret').click()
    expect(page.get_by_text('Client secret copied')).to_be_visible()
    assert page.evaluate('navigator.clipboard.readText()') == secret.client_secret

    # The reveal and the copy are the secret's last use.
    page.reload()
    expect(page.get_by_role('heading', name='API secret details')).to_be_visible()
    expect(field_value(page, 'Last use')).to_have_text(re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d UTC$'))

    _grid_menu_to_mysafe(page)


def test_home_shortcut_view_api_secret_opens_protected_information(logged_in: Callable[..., Page],
                                                                   data: Seeded) -> None:
    secret = data.twilio
    page = logged_in(data.owner)

    card = page.get_by_role('article', name=secret.name)
    expect(card).to_be_visible()
    expect(card).to_contain_text(data.owner_display_name)
    expect(card.get_by_text(secret.client_secret)).to_have_count(0)
    card.get_by_role('button', name='View api secret').click()

    dialog = protected_information(page)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text(secret.client_secret, exact=True)).to_be_visible()
    expect(dialog.get_by_text(secret.client_id, exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r'/mysafe$'))


def test_a_home_card_s_name_opens_its_details_in_the_same_page(logged_in: Callable[..., Page], data: Seeded) -> None:
    """The card's title is a link to the secret's details, followed inside the app (no page load: the socket and
    whatever the page holds stay), and Back returns to the home."""
    secret = data.stripe
    page = logged_in(data.owner)
    card = page.get_by_role('article', name=secret.name)
    link = card.get_by_role('link', name=secret.name)
    expect(link).to_have_attribute('href', f'/mysafe/api-secrets/{secret.id}')
    page.evaluate('() => { window.__same_page = true; }')
    link.click()
    expect(page).to_have_url(re.compile(rf'/mysafe/api-secrets/{secret.id}$'))
    expect(page.get_by_role('heading', name='API secret details')).to_be_visible()
    expect(field_value(page, 'Name')).to_have_text(secret.name)
    assert page.evaluate('() => window.__same_page === true')
    page.go_back()
    expect(page.get_by_role('article', name=secret.name)).to_be_visible()


def _grid_menu_to_mysafe(page: Page) -> None:
    page.get_by_role('button', name='Grid Menu').click()
    modules = page.get_by_role('menu').filter(has_text='MySafe')
    expect(modules).to_be_visible()
    modules.get_by_text('MySafe', exact=True).click()
    expect(modules).to_be_hidden()
    expect(page).to_have_url(re.compile(r'/mysafe$'))
    expect(page.get_by_role('heading', name='MySafe', level=1)).to_be_visible()


def test_export_csv_downloads_the_list_without_client_secrets(logged_in, data: Seeded) -> None:
    page = logged_in(data.owner, '/mysafe/api-secrets')
    with page.expect_download() as download:
        page.get_by_role('button', name='Export CSV').click()
    assert download.value.suggested_filename == 'api-secrets.csv'
    text = Path(download.value.path()).read_text(encoding='utf-8')
    assert text.splitlines()[0] == 'ID,Name,URL,Tags,Shared,Owner,Last use,Status'
    for secret in data.secrets:
        assert secret.name in text
        assert secret.client_secret not in text
