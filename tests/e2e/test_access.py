"""Who reaches a secret's page: deep links while logged out, users without access, and logging out."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import Seeded, Server, field_value, log_in, open_and_log_in

LOG_IN_URL = re.compile(r'/login(\?return_to=[^&]*)?$')
OUTSIDER = 'bob'


@pytest.fixture(scope='module')
def outsider(server: Server) -> str:
    """A second user, added with the command line, with no access to anything of the owner's."""
    server.create_user(OUTSIDER)
    return OUTSIDER


def test_a_logged_out_deep_link_goes_to_log_in_and_back_to_the_details(page: Page, data: Seeded) -> None:
    secret = data.stripe
    page.goto(f'/mysafe/api-secrets/{secret.id}')
    expect(page).to_have_url(re.compile(rf'/login\?return_to=%2Fmysafe%2Fapi-secrets%2F{secret.id}$'))
    expect(page.get_by_role('heading', name='API secret details')).to_have_count(0)
    expect(page.get_by_text(secret.name)).to_have_count(0)

    log_in(page, data.owner)
    expect(page).to_have_url(re.compile(rf'/mysafe/api-secrets/{secret.id}$'))
    expect(page.get_by_role('heading', name='API secret details')).to_be_visible()
    expect(field_value(page, 'Name')).to_have_text(secret.name)
    expect(field_value(page, 'Client ID')).to_have_text(secret.client_id)


def test_a_user_without_access_gets_the_same_not_found_page_as_for_a_missing_secret(
        logged_in: Callable[..., Page], data: Seeded, outsider: str) -> None:
    secret = data.stripe
    page = logged_in(outsider, f'/mysafe/api-secrets/{secret.id}')
    expect(page.get_by_role('heading', name='API secret not found')).to_be_visible()
    expect(page.get_by_role('heading', name='API secret details')).to_have_count(0)
    expect(page.get_by_role('button', name='View the information')).to_have_count(0)
    assert secret.name not in page.content() and secret.client_id not in page.content()
    not_allowed = page.get_by_role('main').inner_text()

    page.goto('/mysafe/api-secrets/99999')
    expect(page.get_by_role('heading', name='API secret not found')).to_be_visible()
    assert page.get_by_role('main').inner_text() == not_allowed

    # Nor is it anywhere else the outsider looks.
    page.goto('/mysafe/api-secrets')
    expect(page.get_by_role('table')).to_be_visible()
    expect(page.get_by_role('row').filter(has_text=secret.name)).to_have_count(0)


def test_log_out_from_the_user_menu_ends_the_session(page: Page, data: Seeded) -> None:
    secret = data.stripe
    open_and_log_in(page, data.owner)
    page.get_by_role('button', name=re.compile(r'^User menu')).click()
    page.get_by_role('menu').get_by_text('Log out', exact=True).click()
    expect(page).to_have_url(LOG_IN_URL)
    expect(page.get_by_role('button', name='Log in')).to_be_visible()
    expect(page.get_by_role('button', name='Grid Menu')).to_be_hidden()

    # The deep link asks for log-in again.
    page.goto(f'/mysafe/api-secrets/{secret.id}')
    expect(page).to_have_url(LOG_IN_URL)
    expect(page.get_by_role('button', name='Log in')).to_be_visible()
    expect(page.get_by_role('heading', name='API secret details')).to_have_count(0)
