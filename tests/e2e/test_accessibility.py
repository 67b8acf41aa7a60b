"""Every screen and dialog passes axe-core's WCAG 2 A/AA rules with no serious or critical violation,
and the guide's flow works with the keyboard alone (SPEC section 1)."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.support import PASSWORD, Seeded, protected_information, table_row

WCAG = {'runOnly': {'type': 'tag', 'values': ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        'resultTypes': ['violations']}


def serious_violations(page: Page, skip: tuple[str, ...] = ()) -> list[str]:
    """axe-core's serious and critical findings on the page, but for the rules in `skip`."""
    page.wait_for_load_state('networkidle')
    # Colours are only final once Quasar's opening transitions (fades, ripples) have finished; the
    # page-loading bar may keep its own animation going.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running' || "
                           "String(a.effect?.target?.className).includes('q-loading-bar'))")
    options = {**WCAG, 'rules': {rule: {'enabled': False} for rule in skip}}
    results = Axe().run(page, options=options)
    return [f'{v["id"]} ({v["impact"]}): {[node["target"] for node in v["nodes"]][:3]}'
            for v in results.response['violations'] if v['impact'] in ('serious', 'critical')]


def test_the_log_in_page_passes_axe(page: Page) -> None:
    page.goto('/login')
    expect(page.get_by_role('button', name='Log in')).to_be_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize('path, ready', [
    ('/mysafe', 'View api secret'),
    ('/mysafe/api-secrets', 'Add API secret'),
    ('/mysafe/api-secrets/1', 'View the information'),
    ('/mysafe/api-secrets/1/edit', 'Save'),
    ('/mysafe/api-secrets/new', 'Save'),
    ('/admin/users', 'Add user'),
    ('/audit', 'Export CSV'),
    ('/audit?item=1', 'Show every event'),
    ('/password', 'Change password'),
    ('/mysafe/api-secrets/9999', None),
])
def test_each_screen_passes_axe(logged_in: Callable[..., Page], path: str, ready: str | None) -> None:
    page = logged_in('alice', path)
    if ready:
        expect(page.get_by_role('button', name=ready).first).to_be_visible()
    else:
        expect(page.get_by_text('API secret not found')).to_be_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize('opener, dialog', [
    ('View the information', 'Protected information'),
    ('Share', 'Share'),
    ('Disable', 'Confirmation'),
])
def test_each_dialog_passes_axe(logged_in: Callable[..., Page], opener: str, dialog: str) -> None:
    page = logged_in('alice', '/mysafe/api-secrets/1')
    page.get_by_role('main').get_by_role('button', name=opener, exact=True).click()
    expect(page.get_by_role('dialog').get_by_text(dialog, exact=True).first).to_be_visible()
    # axe reads the background of every button in a Quasar dialog as the backdrop's #999 although
    # document.elementsFromPoint puts the button's own background on top (checked by hand): contrast
    # inside dialogs is left to the colours, which the screen tests above check on the same buttons.
    assert serious_violations(page, skip=('color-contrast',)) == []


def test_open_menus_pass_axe(logged_in: Callable[..., Page]) -> None:
    page = logged_in('alice', '/mysafe/api-secrets')
    page.get_by_role('button', name='Grid Menu').click()
    expect(page.get_by_role('menuitem', name='MySafe')).to_be_visible()
    assert serious_violations(page) == []
    page.keyboard.press('Escape')
    table_row(page, 'Stripe production').get_by_role('button', name='More actions').click()
    expect(page.get_by_role('menuitem', name='Edit')).to_be_visible()
    assert serious_violations(page) == []


def test_the_guide_with_the_keyboard_alone(page: Page, data: Seeded) -> None:
    """Log in, Grid Menu → MySafe, API secrets, View API secret, View the information: no mouse."""
    page.goto('/login')
    page.get_by_role('textbox', name='Username').focus()
    page.keyboard.type(data.owner)
    page.keyboard.press('Tab')
    page.keyboard.type(PASSWORD)
    page.keyboard.press('Enter')
    expect(page).to_have_url('/mysafe')

    _tab_to(page, page.get_by_role('button', name='Grid Menu'))
    page.keyboard.press('Enter')
    expect(page.get_by_role('menuitem', name='MySafe')).to_be_visible()
    page.keyboard.press('Escape')

    side_menu = page.get_by_role('navigation', name='MySafe menu')
    _tab_to(page, side_menu.get_by_role('link').filter(has_text='API secrets'))
    page.keyboard.press('Enter')
    expect(page).to_have_url('/mysafe/api-secrets')

    _tab_to(page, table_row(page, data.stripe.name).get_by_role('button', name='View API secret'))
    page.keyboard.press('Enter')
    expect(page.get_by_role('heading', name='API secret details')).to_be_visible()

    _tab_to(page, page.get_by_role('button', name='View the information'))
    page.keyboard.press('Enter')
    dialog = protected_information(page)
    expect(dialog.get_by_text('Client secret', exact=True)).to_be_visible()
    page.keyboard.press('Escape')
    expect(page.get_by_role('dialog')).to_have_count(0)


def _tab_to(page: Page, target, limit: int = 60) -> None:
    """Press Tab until `target` has the keyboard focus (as a person would), failing after `limit` presses."""
    target.wait_for()
    for _ in range(limit):
        if target.evaluate('el => el === document.activeElement || el.contains(document.activeElement)'):
            return
        page.keyboard.press('Tab')
    raise AssertionError(f'{target} never received the keyboard focus')


def test_the_list_with_its_filters_shown_passes_axe(logged_in: Callable[..., Page]) -> None:
    page = logged_in('alice', '/mysafe/api-secrets')
    page.get_by_role('button', name='Show filters').click()
    expect(page.get_by_role('button', name='Show filters')).to_have_attribute('aria-expanded', 'true')
    page.get_by_role('textbox', name='ID').fill('not a number')
    page.get_by_role('button', name='Filter', exact=True).click()
    expect(page.get_by_text('Enter the ID as a number')).to_be_visible()
    assert serious_violations(page) == []


def test_the_audit_with_its_filters_shown_passes_axe(logged_in: Callable[..., Page]) -> None:
    page = logged_in('alice', '/audit')
    page.get_by_role('button', name='Show filters').click()
    expect(page.get_by_role('combobox', name='Event')).to_be_visible()
    page.get_by_role('textbox', name='From').fill('2026-03-12')
    page.get_by_role('textbox', name='Until').fill('2026-03-10')
    page.get_by_role('button', name='Filter', exact=True).click()
    expect(page.get_by_text('Until must not be before From')).to_be_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize('where', ['list row', 'home card'])
def test_a_more_actions_menu_opens_and_closes_from_its_button_the_mouse_and_the_keyboard(
        logged_in: Callable[..., Page], where: str) -> None:
    """A list row's or a home card's More actions menu is made the first time it is asked for (the list draws, and
    the server makes the home, faster without one each): it opens on that first click, then closes and opens again
    like any menu; Enter opens it, Escape closes it."""
    if where == 'list row':
        page = logged_in('alice', '/mysafe/api-secrets')
        button = table_row(page, 'Stripe production').get_by_role('button', name='More actions')
    else:
        page = logged_in('alice', '/mysafe')
        button = page.get_by_role('article', name='Stripe production').get_by_role('button', name='More actions')
    edit = page.get_by_role('menuitem', name='Edit')
    expect(button).to_have_attribute('aria-haspopup', 'menu')
    button.click()
    expect(edit).to_be_visible()
    button.click()
    expect(edit).to_have_count(0)
    button.click()
    expect(edit).to_be_visible()
    page.keyboard.press('Escape')
    expect(edit).to_have_count(0)
    button.focus()
    page.keyboard.press('Enter')
    expect(edit).to_be_visible()
    edit.click()
    expect(page).to_have_url(re.compile(r'/mysafe/api-secrets/\d+/edit$'))


def test_ticking_a_checkbox_by_keyboard_keeps_the_focus_there(logged_in: Callable[..., Page]) -> None:
    """Each update of the table draws its rows anew, and ticking a row brings one: the checkbox that had the focus
    takes it back, so that Tab goes on from it (to the row's View API secret), not from the top of the page."""
    page = logged_in('alice', '/mysafe/api-secrets')
    row = table_row(page, 'Stripe production')
    checkbox = row.get_by_role('checkbox')
    disable = page.get_by_role('main').get_by_role('button', name='Disable', exact=True)
    checkbox.focus()
    page.keyboard.press('Space')
    expect(checkbox).to_be_checked()
    expect(disable).to_be_enabled()  # the server has the selection: its update has redrawn the table
    page.wait_for_timeout(300)
    expect(checkbox).to_be_focused()
    page.keyboard.press('Tab')
    expect(row.get_by_role('button', name='View API secret')).to_be_focused()

    every = page.get_by_role('checkbox', name='Select all rows on this page')
    every.focus()
    page.keyboard.press('Space')  # some rows ticked: this clears them
    expect(disable).to_be_disabled()
    page.wait_for_timeout(300)
    expect(every).to_be_focused()
    page.keyboard.press('Space')
    expect(every).to_be_checked()
    expect(disable).to_be_enabled()
    page.wait_for_timeout(300)
    expect(every).to_be_focused()
