"""Sharing between two people at two browsers: view, then edit, then no access; and batch actions on the list.

The owner (Alice) works in one browser context, the people she shares with in contexts of their own. SPEC
sections 1 and 3, issue 3: the Share dialog, Can view / Can edit / Remove access, the "Shared" marks, the
batch Disable and Share of the API secrets list.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import (
    Seeded,
    answer_confirmation,
    column_index,
    field_value,
    list_cell,
    notice,
    pick_user,
    protected_information,
    seed_users,
    table_row,
)

VIEWER = 'bob'
VIEWER_NAME = 'Bob Baker'
VIEWER_OPTION = f'{VIEWER_NAME} ({VIEWER})'
BATCH_USER = 'carol'
BATCH_USER_OPTION = 'Carol Diaz (carol)'
WATCHED_OPTION = 'Dave Evans (dave)'


@pytest.fixture(scope='module')
def seeded(seeded: tuple[Path, Seeded]) -> tuple[Path, Seeded]:
    """The default seed plus two users the owner can share with (no access to anything yet)."""
    seed_users(seeded[0], {VIEWER: VIEWER_NAME, BATCH_USER: 'Carol Diaz', 'dave': 'Dave Evans'})
    return seeded


def test_owner_shares_view_then_edit_then_removes_access(
        page: Page, new_page: Callable[[], Page], log_in_as: Callable[..., Page], data: Seeded) -> None:
    secret = data.stripe
    details = f'/mysafe/api-secrets/{secret.id}'
    owner = log_in_as(page, data.owner, details)
    expect(owner.get_by_role('heading', name='API secret details')).to_be_visible()

    # Alice shares with Bob: Can view only.
    share = _open_share(owner)
    expect(share.get_by_text('Not shared with anyone yet.')).to_be_visible()
    pick_user(share, VIEWER_OPTION)
    expect(share.get_by_role('checkbox', name='Can view')).to_be_checked()
    expect(share.get_by_role('checkbox', name='Can view')).to_be_disabled()
    expect(share.get_by_role('checkbox', name='Can edit')).not_to_be_checked()
    share.get_by_role('button', name='Share', exact=True).click()
    expect(notice(owner, 'Shared')).to_be_visible()
    expect(share).to_have_count(0)
    expect(_access_row(owner, VIEWER_OPTION)).to_have_text([VIEWER_OPTION, 'Can view'])

    # Bob, at his own browser: the card on his home reads "Shared", and View api secret reveals the secret.
    viewer = log_in_as(new_page(), VIEWER)
    card = viewer.get_by_role('article', name=secret.name)
    expect(card).to_be_visible()
    expect(card.get_by_text('Shared', exact=True)).to_be_visible()
    expect(card).to_contain_text(data.owner_display_name)
    expect(card.get_by_role('button', name='More actions')).to_have_count(0)
    card.get_by_role('button', name='View api secret').click()
    dialog = protected_information(viewer)
    expect(dialog.get_by_text(secret.client_secret, exact=True)).to_be_visible()
    dialog.get_by_role('button', name='Close').click()
    expect(dialog).to_have_count(0)

    # A viewer's details page offers no Edit (nor Share, Disable), and the edit URL is not found.
    viewer.goto(details)
    expect(viewer.get_by_role('heading', name='API secret details')).to_be_visible()
    expect(viewer.get_by_role('button', name='View the information')).to_be_enabled()
    for label in ('Edit', 'Share', 'Disable'):
        expect(viewer.get_by_role('button', name=label, exact=True), label).to_have_count(0)
    expect(_access_row(viewer, VIEWER_OPTION)).to_have_text([VIEWER_OPTION, 'Can view'])
    viewer.goto(f'{details}/edit')
    expect(viewer.get_by_role('heading', name='API secret not found')).to_be_visible()
    expect(viewer.get_by_role('textbox', name='Name *')).to_have_count(0)

    # Alice gives Bob Can edit.
    share = _open_share(owner)
    expect(share.get_by_role('button', name=f'Remove access of {VIEWER_OPTION}')).to_be_visible()
    share.get_by_role('checkbox', name='Can edit').click()
    expect(share.get_by_role('checkbox', name='Can edit')).to_be_checked()
    share.get_by_role('button', name='Share', exact=True).click()
    expect(share).to_have_count(0)
    expect(_access_row(owner, VIEWER_OPTION)).to_have_text([VIEWER_OPTION, 'Can edit'])

    # Bob's home card now has More actions: Edit and Disable, not Share (the owner's).
    viewer.goto('/mysafe')
    viewer.get_by_role('article', name=secret.name).get_by_role('button', name='More actions').click()
    expect(viewer.get_by_role('menuitem', name='Edit')).to_be_visible()
    expect(viewer.get_by_role('menuitem', name='Disable')).to_be_visible()
    expect(viewer.get_by_role('menuitem', name='Share')).to_have_count(0)
    viewer.keyboard.press('Escape')

    # Bob reloads: now he has Edit, and his change of the Name is saved.
    renamed = f'{secret.name} (renamed by Bob)'
    viewer.goto(details)
    expect(viewer.get_by_role('heading', name='API secret details')).to_be_visible()
    expect(viewer.get_by_role('button', name='Share', exact=True)).to_have_count(0)
    viewer.get_by_role('button', name='Edit', exact=True).click()
    expect(viewer).to_have_url(re.compile(rf'{details}/edit$'))
    viewer.get_by_role('textbox', name='Name *').fill(renamed)
    viewer.get_by_role('button', name='Save').click()
    expect(notice(viewer, 'API secret updated')).to_be_visible()
    expect(viewer).to_have_url(re.compile(rf'{details}$'))
    expect(field_value(viewer, 'Name')).to_have_text(renamed)

    # Alice sees the new name.
    owner.reload()
    expect(field_value(owner, 'Name')).to_have_text(renamed)

    # Alice removes Bob's access; Bob's deep link is then not found, and his home has no card.
    share = _open_share(owner)
    share.get_by_role('button', name=f'Remove access of {VIEWER_OPTION}').click()
    expect(share.get_by_text('Not shared with anyone yet.')).to_be_visible()
    share.get_by_role('button', name='Share', exact=True).click()
    expect(share).to_have_count(0)
    expect(_access_row(owner, VIEWER_OPTION)).to_have_count(0)
    expect(owner.get_by_role('table').get_by_role('row')).to_have_count(2)  # header and the owner

    viewer.goto(details)
    expect(viewer.get_by_role('heading', name='API secret not found')).to_be_visible()
    expect(viewer.get_by_text(renamed)).to_have_count(0)
    viewer.goto('/mysafe')
    expect(viewer.get_by_role('heading', name='MySafe', level=1)).to_be_visible()
    expect(viewer.get_by_role('article', name=renamed)).to_have_count(0)


def test_batch_disable_and_share_act_on_the_selected_rows(logged_in: Callable[..., Page], data: Seeded) -> None:
    selected = [data.twilio.name, data.github.name]
    untouched = data.stripe.id  # by ID: the other test may have renamed it
    page = logged_in(data.owner, '/mysafe/api-secrets')
    expect(page.get_by_role('heading', name='API secrets', level=1)).to_be_visible()
    toolbar = {label: page.get_by_role('main').get_by_role('button', name=label, exact=True)
               for label in ('Disable', 'Enable', 'Share')}
    for button in toolbar.values():
        expect(button).to_be_disabled()
    untouched_status = _cell_by_id(page, untouched, 'Status').inner_text()
    untouched_shared = _cell_by_id(page, untouched, 'Shared').inner_text()

    # Disable two rows at once, after one confirmation.
    _select(page, selected)
    toolbar['Disable'].click()
    answer_confirmation(page, 'Are you sure you want to disable the 2 records selected?')
    expect(notice(page, '2 API secrets disabled successfully')).to_be_visible()
    for name in selected:
        expect(list_cell(page, name, 'Status'), name).to_have_text('Disabled')
    expect(_cell_by_id(page, untouched, 'Status')).to_have_text(untouched_status)
    for button in toolbar.values():  # the selection is cleared after the action
        expect(button).to_be_disabled()

    # Share the same two with one person, after one confirmation.
    for name in selected:
        expect(list_cell(page, name, 'Shared'), name).to_have_text('No')
    _select(page, selected)
    toolbar['Share'].click()
    share = page.get_by_role('dialog', name='Share')
    expect(share.get_by_role('heading', name='Share 2 API secrets')).to_be_visible()
    pick_user(share, BATCH_USER_OPTION)
    share.get_by_role('button', name='Share', exact=True).click()
    answer_confirmation(page, 'Are you sure you want to share the 2 records selected?')
    expect(notice(page, 'Shared')).to_be_visible()
    expect(share).to_have_count(0)
    for name in selected:
        expect(list_cell(page, name, 'Shared'), name).to_have_text('Yes')
    expect(_cell_by_id(page, untouched, 'Shared')).to_have_text(untouched_shared)

    # And enable them again with the toolbar's Enable.
    _select(page, selected)
    toolbar['Enable'].click()
    answer_confirmation(page, 'Are you sure you want to enable the 2 records selected?')
    expect(notice(page, '2 API secrets enabled successfully')).to_be_visible()
    for name in selected:
        expect(list_cell(page, name, 'Status'), name).to_have_text('Enabled')


def test_the_select_all_checkbox_ticks_every_row_of_the_page_and_shows_a_partial_selection(
        logged_in: Callable[..., Page], data: Seeded) -> None:
    """The rows' checkboxes are the browser's own (the list draws faster): the header's is mixed while some rows are
    ticked, and a click on it then clears them; a click with none ticked ticks every row of the page."""
    page = logged_in(data.owner, '/mysafe/api-secrets')
    every = page.get_by_role('checkbox', name='Select all rows on this page')
    rows = page.get_by_role('main').get_by_role('checkbox', name=re.compile('^Select (?!all rows)'))
    expect(rows.first).to_be_visible()
    disable = page.get_by_role('main').get_by_role('button', name='Disable', exact=True)
    expect(every).not_to_be_checked()

    rows.first.click()  # whichever secret comes first (another test of this module renames one)
    expect(rows.first).to_be_checked()
    expect(every).to_have_js_property('indeterminate', True)
    expect(disable).to_be_enabled()
    every.click()
    expect(every).to_have_js_property('indeterminate', False)
    for index in range(rows.count()):
        expect(rows.nth(index)).not_to_be_checked()
    expect(disable).to_be_disabled()

    every.press('Space')  # the keyboard ticks it as a click does
    expect(every).to_be_checked()
    for index in range(rows.count()):
        expect(rows.nth(index)).to_be_checked()
    expect(disable).to_be_enabled()
    every.click()
    expect(every).not_to_be_checked()
    expect(rows.first).not_to_be_checked()


def test_a_sort_redraws_the_rows_on_screen_and_a_tick_follows_its_secret(
        logged_in: Callable[..., Page], data: Seeded) -> None:
    """A sort changes the rows already on screen rather than building them anew (ui/components/row_table.js: building
    30 rows made a full page slow to draw), and the ticked secret is still the one ticked wherever the sort puts it."""
    page = logged_in(data.owner, '/mysafe/api-secrets')
    rows = page.locator('main tbody tr')
    expect(rows.first).to_be_visible()
    name = column_index(page, 'Name')
    names = [rows.nth(index).locator('td').nth(name).inner_text() for index in range(rows.count())]
    assert len(names) > 1 and names == sorted(names, key=str.lower)
    rows.first.evaluate('row => { row.dataset.drawnBefore = "yes"; }')
    ticked = table_row(page, names[0]).get_by_role('checkbox')
    ticked.click()
    expect(ticked).to_be_checked()
    expect(page.get_by_role('main').get_by_role('button', name='Disable', exact=True)).to_be_enabled()

    page.get_by_role('table').get_by_role('columnheader', name='Name', exact=True).click()
    expect(rows.first.locator('td').nth(name)).to_have_text(names[-1])
    expect(rows.first).to_have_attribute('data-drawn-before', 'yes')  # the same element, with new text
    expect(ticked).to_be_checked()
    for other in names[1:]:
        expect(table_row(page, other).get_by_role('checkbox')).not_to_be_checked()
    ticked.click()
    expect(ticked).not_to_be_checked()
    expect(page.get_by_role('main').get_by_role('button', name='Disable', exact=True)).to_be_disabled()


def test_a_tick_the_table_has_not_taken_yet_does_not_stay_on_the_secret_a_sort_brings(
        logged_in: Callable[..., Page], data: Seeded) -> None:
    """A checkbox ticked on screen a moment before a sort arrived, before the table took the tick, is not left ticked
    on the secret the sort puts in its row (the rows are patched in place: the element stays, its secret changes)."""
    page = logged_in(data.owner, '/mysafe/api-secrets')
    rows = page.locator('main tbody tr')
    expect(rows.first).to_be_visible()
    name = column_index(page, 'Name')
    first = rows.first.locator('td').nth(name).inner_text()
    rows.first.evaluate('row => { row.dataset.drawnBefore = "yes"; }')
    rows.first.get_by_role('checkbox').evaluate('box => { box.checked = true; }')  # the click, its change not yet seen

    page.get_by_role('table').get_by_role('columnheader', name='Name', exact=True).click()
    expect(rows.first.locator('td').nth(name)).not_to_have_text(first)
    expect(rows.first).to_have_attribute('data-drawn-before', 'yes')
    expect(rows.first.get_by_role('checkbox')).not_to_be_checked()
    expect(table_row(page, first).get_by_role('checkbox')).not_to_be_checked()
    expect(page.get_by_role('main').get_by_role('button', name='Disable', exact=True)).to_be_disabled()


def test_the_focus_stays_with_its_secret_s_checkbox_when_a_sort_arrives(
        logged_in: Callable[..., Page], data: Seeded) -> None:
    """A checkbox that has the focus when a sort arrives does not hand it to the secret the sort puts in its row
    (Space would tick that one): the focus follows its own secret's checkbox."""
    page = logged_in(data.owner, '/mysafe/api-secrets')
    rows = page.locator('main tbody tr')
    expect(rows.first).to_be_visible()
    name = column_index(page, 'Name')
    first = rows.first.locator('td').nth(name).inner_text()
    rows.first.get_by_role('checkbox').focus()

    # A click event that moves no focus, as a sort that arrives while the person is on the checkbox.
    page.get_by_role('table').get_by_role('columnheader', name='Name', exact=True).dispatch_event('click')
    expect(rows.first.locator('td').nth(name)).not_to_have_text(first)
    expect(table_row(page, first).get_by_role('checkbox')).to_be_focused()
    expect(rows.first.get_by_role('checkbox')).not_to_be_focused()


def test_users_with_access_is_live_on_an_open_details_page(
        page: Page, new_page: Callable[[], Page], log_in_as: Callable[..., Page], data: Seeded) -> None:
    """A change of access made elsewhere shows up on a details page already open, without a reload."""
    details = f'/mysafe/api-secrets/{data.github.id}'
    watching = log_in_as(page, data.owner, details)
    expect(_access_row(watching, WATCHED_OPTION)).to_have_count(0)

    elsewhere = log_in_as(new_page(), data.owner, details)  # the owner again, in another browser
    share = _open_share(elsewhere)
    pick_user(share, WATCHED_OPTION)
    share.get_by_role('button', name='Share', exact=True).click()
    expect(notice(elsewhere, 'Shared')).to_be_visible()

    expect(_access_row(watching, WATCHED_OPTION)).to_have_text([WATCHED_OPTION, 'Can view'], timeout=15_000)
    assert watching.url.endswith(details)  # no reload happened


def _open_share(page: Page):
    """Click the details page's Share button; the Share dialog."""
    page.get_by_role('main').get_by_role('button', name='Share', exact=True).click()
    dialog = page.get_by_role('dialog', name='Share')
    expect(dialog.get_by_role('heading', name='Share')).to_be_visible()
    return dialog


def _access_row(page: Page, person: str):
    """The row of `person` in the details page's "Users with access to information" table."""
    return page.get_by_role('row').filter(has=page.get_by_role('cell', name=person, exact=True)).get_by_role('cell')


def _select(page: Page, names: list[str]) -> None:
    for name in names:
        checkbox = table_row(page, name).get_by_role('checkbox', name=f'Select {name}', exact=True)
        checkbox.click()
        expect(checkbox).to_be_checked()


def _cell_by_id(page: Page, secret_id: int, column: str):
    """The cell under `column` of the API secrets table row whose ID cell reads `secret_id`."""
    row = page.get_by_role('row').filter(has=page.get_by_role('cell', name=str(secret_id), exact=True))
    return row.get_by_role('cell').nth(column_index(page, column))
