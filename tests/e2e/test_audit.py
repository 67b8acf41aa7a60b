"""The Audit screen in a real browser (SPEC sections 1 and 3): a reveal by someone the owner shared with shows
up in the owner's audit, reached from the Grid Menu and from the secret's Audit button."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import Seeded, protected_information, seed_users, store_on, table_row

OWNER, VIEWER = 'olga', 'victor'
SECRET_NAME = 'Olga payments'


@pytest.fixture(scope='module')
def seeded(seeded: tuple[Path, Seeded]) -> tuple[Path, Seeded]:
    """The default seed plus Olga (not an administrator) who owns one secret, shared with Victor (can view)."""
    from store import api_secrets, sharing
    from store.records import Actor, ApiSecretInput

    ids = seed_users(seeded[0], {OWNER: 'Olga Owner', VIEWER: 'Victor Viewer'})
    with store_on(seeded[0]):
        owner = Actor(ids[OWNER], ip='127.0.0.1', user_agent='e2e seed')
        secret_id = api_secrets.create_api_secret(owner, ApiSecretInput(
            name=SECRET_NAME, url='https://pay.example.com', client_id='olga-client', client_secret='sk_olga_e2e'))
        sharing.share(owner, [secret_id], {ids[VIEWER]: False})
    return seeded


def test_after_a_reveal_the_owner_audit_shows_a_reveal_row(
        page: Page, new_page: Callable[[], Page], log_in_as: Callable[..., Page]) -> None:
    # Victor, at another computer, reveals the client secret Olga shared with him.
    viewer = log_in_as(new_page(), VIEWER, '/mysafe/api-secrets')
    table_row(viewer, SECRET_NAME).get_by_role('button', name='View API secret').click()
    expect(viewer.get_by_role('heading', name='API secret details')).to_be_visible()
    details = urlparse(viewer.url).path
    expect(viewer.get_by_role('button', name='Audit', exact=True)).to_have_count(0)  # not his to read
    viewer.get_by_role('button', name='View the information').click()
    expect(protected_information(viewer).get_by_text('sk_olga_e2e', exact=True)).to_be_visible()

    # Olga: Grid Menu -> Audit shows Victor's reveal.
    owner = log_in_as(page, OWNER)
    owner.get_by_role('button', name='Grid Menu').click()
    owner.get_by_role('menuitem', name='Audit').click()
    expect(owner).to_have_url(re.compile(r'/audit$'))
    expect(owner.get_by_role('heading', name='Audit', level=1)).to_be_visible()
    expect(owner.get_by_text('You see the audit of the API secrets you own.')).to_be_visible()
    expect(_reveal_row(owner)).to_have_count(1)

    # From the secret's details, the Audit button shows that secret's events only.
    owner.goto(details)
    owner.get_by_role('main').get_by_role('button', name='Audit', exact=True).click()
    expect(owner).to_have_url(re.compile(rf'/audit\?item={details.rsplit("/", 1)[1]}$'))
    expect(_reveal_row(owner)).to_have_count(1)
    expect(owner.get_by_role('cell', name='Login', exact=True)).to_have_count(0)


def _reveal_row(page: Page):
    return (page.get_by_role('row').filter(has=page.get_by_role('cell', name='Reveal', exact=True))
            .filter(has=page.get_by_role('cell', name=SECRET_NAME, exact=True))
            .filter(has=page.get_by_role('cell', name='Client secret', exact=True))
            .filter(has=page.get_by_role('cell', name=VIEWER, exact=True)))
