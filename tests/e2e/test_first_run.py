"""First run on an empty server: set up the administrator, then add API secrets through the form.

The tests share one server and run in file order, as a new user would: setup first, then the form.
A form test run on its own (-k) gets the administrator from the command line instead.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import PASSWORD, Server, field_value, table_row

ADMIN = 'root-admin'


@pytest.fixture(scope='module')
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server on an empty data dir: no user, no key, no database yet."""
    running = Server(Path(tmp_path_factory.mktemp('mysafe-empty')))
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture(scope='module')
def admin(server: Server) -> str:
    """The administrator: made by the setup test when it ran first, else with the command line now."""
    server.create_user(ADMIN, admin=True, exist_ok=True)
    return ADMIN


def test_first_visit_sets_up_the_administrator_and_lands_on_mysafe_home(page: Page) -> None:
    page.goto('/')
    expect(page).to_have_url(re.compile(r'/setup(\?return_to=%2Fmysafe)?$'))  # back to MySafe home afterwards
    page.get_by_role('textbox', name='Username').fill(ADMIN)
    page.get_by_role('textbox', name='Password', exact=True).fill(PASSWORD)
    page.get_by_role('textbox', name='Confirm password').fill(PASSWORD)
    page.get_by_role('button', name='Create administrator').click()

    expect(page).to_have_url(re.compile(r'/mysafe$'))
    expect(page.get_by_role('heading', name='MySafe', level=1)).to_be_visible()
    expect(page.get_by_role('button', name=re.compile(r'^User menu'))).to_contain_text(ADMIN)

    # Setup is over: it now sends people to log in.
    page.context.clear_cookies()
    page.goto('/setup')
    expect(page).to_have_url(re.compile(r'/login$'))


def test_add_api_secret_form_saves_and_shows_the_details(logged_in: Callable[..., Page], admin: str) -> None:
    page = logged_in(admin)
    page.get_by_role('button', name='Add', exact=True).click()
    page.get_by_role('menu').get_by_text('Add API secret', exact=True).click()
    expect(page).to_have_url(re.compile(r'/mysafe/api-secrets/new$'))

    _fill(page, {'Name *': 'Mailgun EU', 'URL *': 'https://api.eu.mailgun.net/v3', 'Client ID *': 'api',
                 'Client secret': 'key-0f1e2d3c4b5a69788796a5b4', 'Identifier': 'mailgun-eu',
                 'Tags': 'email, production', 'Notes': 'Sending domain mg.example.com'})
    _choose_method(page, 'POST')
    page.get_by_role('button', name='Save').click()

    expect(page.get_by_text('API secret saved')).to_be_visible()
    expect(page).to_have_url(re.compile(r'/mysafe/api-secrets/\d+$'))
    expect(page.get_by_role('heading', name='API secret details')).to_be_visible()
    expected = {'Name': 'Mailgun EU', 'Owner': admin, 'Last use': 'Never', 'Url': 'https://api.eu.mailgun.net/v3',
                'Identifier': 'mailgun-eu', 'Client ID': 'api', 'Method': 'POST', 'Tags': 'email, production',
                'Notes': 'Sending domain mg.example.com'}
    for label, value in expected.items():
        expect(field_value(page, label), label).to_have_text(value)
    page.get_by_role('button', name='View the information').click()
    expect(page.get_by_role('dialog').get_by_text('key-0f1e2d3c4b5a69788796a5b4', exact=True)).to_be_visible()


@pytest.mark.parametrize(('field', 'value', 'message'), [
    ('URL *', 'ftp://x', 'Enter an absolute http or https URL'),
    ('URL *', 'not a url', 'URL must not contain spaces'),
    ('Name *', '', 'Name is required'),
], ids=['ftp-url', 'not-a-url', 'empty-name'])
def test_invalid_input_is_refused_at_the_field_and_nothing_is_created(
        logged_in: Callable[..., Page], admin: str, field: str, value: str, message: str) -> None:
    page = logged_in(admin, '/mysafe/api-secrets')
    rows_before = _listed_rows(page)
    page.goto('/mysafe/api-secrets/new')
    _fill(page, {'Name *': 'Refused', 'URL *': 'https://api.example.com', 'Client ID *': 'client-refused'})
    page.get_by_role('textbox', name=field).fill(value)
    page.get_by_role('button', name='Save').click()

    expect(_field_box(page, field)).to_contain_text(message)
    expect(page).to_have_url(re.compile(r'/mysafe/api-secrets/new$'))
    expect(page.get_by_text('API secret saved')).to_have_count(0)
    page.goto('/mysafe/api-secrets')
    assert _listed_rows(page) == rows_before
    expect(table_row(page, 'Refused')).to_have_count(0)


def test_a_duplicate_identifier_is_refused_at_the_field(logged_in: Callable[..., Page], admin: str) -> None:
    page = logged_in(admin, '/mysafe/api-secrets/new')
    _fill(page, {'Name *': 'SendGrid first', 'URL *': 'https://api.sendgrid.com/v3', 'Client ID *': 'sg-first',
                 'Identifier': 'sendgrid'})
    page.get_by_role('button', name='Save').click()
    expect(page.get_by_role('heading', name='API secret details')).to_be_visible()

    page.goto('/mysafe/api-secrets/new')
    _fill(page, {'Name *': 'SendGrid second', 'URL *': 'https://api.sendgrid.com/v3', 'Client ID *': 'sg-second',
                 'Identifier': 'sendgrid'})
    page.get_by_role('button', name='Save').click()

    expect(_field_box(page, 'Identifier')).to_contain_text('You already have an API secret with this Identifier')
    expect(page).to_have_url(re.compile(r'/mysafe/api-secrets/new$'))
    page.goto('/mysafe/api-secrets')
    expect(table_row(page, 'SendGrid first')).to_have_count(1)
    expect(table_row(page, 'SendGrid second')).to_have_count(0)


def _fill(page: Page, values: dict[str, str]) -> None:
    for label, value in values.items():
        page.get_by_role('textbox', name=label, exact=True).fill(value)


def _choose_method(page: Page, method: str) -> None:
    page.get_by_role('combobox', name='Method').click()
    page.get_by_role('option', name=method, exact=True).click()
    expect(page.get_by_role('combobox', name='Method')).to_have_value(method)


def _field_box(page: Page, label: str):
    """The whole Quasar field (input and the message under it) of the textbox labelled `label`."""
    return page.locator('label.q-field').filter(has=page.get_by_role('textbox', name=label, exact=True))


def _listed_rows(page: Page) -> int:
    """How many rows the API secrets table on screen has (it is rendered with its rows in one go)."""
    expect(page.get_by_role('heading', name='API secrets', level=1)).to_be_visible()
    expect(page.get_by_role('table')).to_be_visible()
    return page.get_by_role('table').get_by_role('row').count()
