"""A value far over a field's limit, pasted in Chromium: the form says the limit, the page stays connected.

Issue 6, item 7 (a 1 MB Name dropped the socket and then claimed the Name was required).
"""
from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.support import Seeded


def test_a_megabyte_name_and_client_secret_are_refused_with_the_limit_and_the_page_stays_connected(
        page: Page, log_in_as: Callable[..., Page], data: Seeded) -> None:
    form = log_in_as(page, data.owner, '/mysafe/api-secrets/new')
    expect(form.get_by_role('heading', name='Add API secret')).to_be_visible()
    form.get_by_role('textbox', name='Name *').fill('n' * 1_500_000)
    form.get_by_role('textbox', name='URL *').fill('https://api.example.com')
    form.get_by_role('textbox', name='Client ID *').fill('ca_1')
    form.get_by_role('textbox', name='Client secret').fill('s' * 1_500_000)
    form.get_by_role('button', name='Save').click()

    expect(form.get_by_text('Name must be at most 255 characters')).to_be_visible()
    expect(form.get_by_text('Client secret must be at most 8192 characters')).to_be_visible()
    expect(form.get_by_text('Name is required')).to_have_count(0)

    # Still connected: a corrected form saves.
    form.get_by_role('textbox', name='Name *').fill('Sized right')
    form.get_by_role('textbox', name='Client secret').fill('sk_sized_right')
    form.get_by_role('button', name='Save').click()
    expect(form.get_by_role('heading', name='API secret details')).to_be_visible()


def test_a_megabyte_in_the_search_and_a_filter_gets_the_limit_and_the_page_stays_connected(
        page: Page, log_in_as: Callable[..., Page], data: Seeded) -> None:
    home = log_in_as(page, data.owner, '/mysafe')
    search = home.get_by_role('searchbox', name='Search')
    search.fill('x' * 1_500_000)
    expect(home.get_by_text('Search must be at most 255 characters')).to_be_visible()
    search.fill(data.stripe.name)  # still connected: the next search answers
    expect(home.get_by_role('article', name=data.stripe.name)).to_be_visible()
    expect(home.get_by_role('article', name=data.twilio.name)).to_have_count(0)

    listing = log_in_as(page, data.owner, '/mysafe/api-secrets')
    listing.get_by_role('button', name='Show filters').click()
    name = listing.get_by_role('textbox', name='Name')
    name.fill('n' * 1_500_000)
    listing.get_by_role('button', name='Filter', exact=True).click()
    expect(listing.get_by_text('Name must be at most 255 characters')).to_be_visible()
    name.fill(data.twilio.name)
    listing.get_by_role('button', name='Filter', exact=True).click()
    expect(listing.get_by_role('cell', name=data.twilio.name, exact=True)).to_be_visible()
    expect(listing.get_by_role('cell', name=data.stripe.name, exact=True)).to_have_count(0)
