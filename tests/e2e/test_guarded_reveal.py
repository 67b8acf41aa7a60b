"""Protected information closes itself, and a copied value leaves the clipboard (issue 10), in Chromium.

The server runs with short times: MYSAFE_REVEAL_SECONDS=6, MYSAFE_CLIPBOARD_SECONDS=3.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.support import Seeded, Server, notice, protected_information

REVEAL_SECONDS = 6
CLIPBOARD_SECONDS = 3


@pytest.fixture(scope='module')
def server(seeded: tuple[Path, Seeded]) -> Iterator[Server]:
    running = Server(seeded[0], MYSAFE_REVEAL_SECONDS=str(REVEAL_SECONDS),
                     MYSAFE_CLIPBOARD_SECONDS=str(CLIPBOARD_SECONDS))
    try:
        yield running.start()
    finally:
        running.stop()


def _reveal_from_home(page: Page, name: str):
    page.get_by_role('article', name=name).get_by_role('button', name='View api secret').click()
    dialog = protected_information(page)
    expect(dialog).to_be_visible()
    return dialog


def _clipboard(page: Page) -> str:
    return page.evaluate('navigator.clipboard.readText()')


def _clipboard_after(page: Page, seconds: float, until: Callable[[str], bool]) -> str:
    deadline = time.monotonic() + seconds
    text = _clipboard(page)
    while not until(text) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        text = _clipboard(page)
    return text


def test_protected_information_shows_the_time_left_and_is_deleted_when_it_is_up(
        logged_in: Callable[..., Page], data: Seeded) -> None:
    page = logged_in(data.owner)
    opened = time.monotonic()
    dialog = _reveal_from_home(page, data.twilio.name)
    expect(dialog.get_by_text(data.twilio.client_secret, exact=True)).to_be_visible()
    shown = dialog.get_by_text(re.compile(r'^Closes in \d s$')).first
    expect(shown).to_be_visible()
    # The visible count goes down every second; the polite live region is not updated that often.
    expect(shown).to_have_text(re.compile(rf'^Closes in [1-{REVEAL_SECONDS - 2}] s$'))
    live = dialog.locator('[aria-live="polite"]')
    expect(live).to_have_text(f'Closes in {REVEAL_SECONDS} s')

    expect(dialog).to_have_count(0, timeout=(REVEAL_SECONDS + 5) * 1000)
    assert time.monotonic() - opened >= REVEAL_SECONDS - 1
    assert data.twilio.client_secret not in page.content()
    expect(page.get_by_role('dialog')).to_have_count(0)


def test_going_elsewhere_deletes_the_open_protected_information(logged_in: Callable[..., Page], data: Seeded) -> None:
    page = logged_in(data.owner)
    dialog = _reveal_from_home(page, data.github.name)
    expect(dialog.get_by_text(data.github.client_secret, exact=True)).to_be_visible()
    page.keyboard.press('Escape')  # closed by hand: deleted as well
    expect(dialog).to_have_count(0)
    dialog = _reveal_from_home(page, data.github.name)
    # The browser's Back or a link elsewhere (the modal dialog covers the menu): the app routes in the page.
    page.evaluate('history.pushState({}, "", "/mysafe/api-secrets"); dispatchEvent(new PopStateEvent("popstate"))')
    expect(page.get_by_role('heading', name='API secrets', level=1)).to_be_visible()
    expect(dialog).to_have_count(0)
    assert data.github.client_secret not in page.content()


def test_the_clipboard_is_cleared_after_a_copy_when_it_still_holds_the_value(
        context: BrowserContext, logged_in: Callable[..., Page], server: Server, data: Seeded) -> None:
    context.grant_permissions(['clipboard-read', 'clipboard-write'], origin=server.url)
    page = logged_in(data.owner)
    dialog = _reveal_from_home(page, data.stripe.name)
    dialog.get_by_role('button', name='Copy Client secret').click()
    expect(notice(page, f'Client secret copied. The clipboard will be cleared in {CLIPBOARD_SECONDS} s.')) \
        .to_be_visible()
    copied = time.monotonic()
    assert _clipboard(page) == data.stripe.client_secret
    assert _clipboard_after(page, CLIPBOARD_SECONDS + 5, lambda text: text != data.stripe.client_secret) == ''
    assert time.monotonic() - copied >= CLIPBOARD_SECONDS - 1


def test_the_clipboard_is_left_alone_when_the_person_copied_something_else_since(
        context: BrowserContext, logged_in: Callable[..., Page], server: Server, data: Seeded) -> None:
    context.grant_permissions(['clipboard-read', 'clipboard-write'], origin=server.url)
    page = logged_in(data.owner)
    dialog = _reveal_from_home(page, data.stripe.name)
    dialog.get_by_role('button', name='Copy Client secret').click()
    expect(notice(page, 'The clipboard will be cleared')).to_be_visible()
    assert _clipboard(page) == data.stripe.client_secret
    page.evaluate('navigator.clipboard.writeText("my own note")')
    page.wait_for_timeout((CLIPBOARD_SECONDS + 2) * 1000)
    assert _clipboard(page) == 'my own note'


def test_where_the_page_cannot_read_the_clipboard_the_notice_says_it_could_not_be_cleared(
        context: BrowserContext, logged_in: Callable[..., Page], server: Server, data: Seeded) -> None:
    context.grant_permissions(['clipboard-write'], origin=server.url)  # writing allowed, reading not
    page = logged_in(data.owner)
    dialog = _reveal_from_home(page, data.stripe.name)
    dialog.get_by_role('button', name='Copy Client secret').click()
    expect(notice(page, 'Client secret copied.')).to_be_visible()
    expect(notice(page, 'could not be cleared')).to_be_visible()
    expect(notice(page, 'will be cleared')).to_have_count(0)
