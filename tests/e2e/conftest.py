"""Browser tests: real Chromium (Playwright's sync API) against the real server started as a subprocess.

One Chromium for the session, one server per module (fresh data dir, free port), a fresh browser
context per test. A module picks its server by overriding the `server` fixture; the default one has
an owner with three API secrets (`seeded`). Run this layer in its own pytest invocation.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    Seeded,
    SeededSecret,
    Server,
    open_and_log_in,
    seed,
)

# The machines have 2 cores and other work on them: the default 5 s leaves too little slack.
expect.set_options(timeout=10_000)


@pytest.fixture(scope='session')
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope='module')
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seeded]:
    data_dir = tmp_path_factory.mktemp('mysafe-data')
    data = Seeded(
        owner='alice', owner_display_name='Alice Martin',
        stripe=SeededSecret(name='Stripe production', url='https://api.stripe.com/v1', client_id='ci_stripe_4f2a9c',
                            identifier='stripe-prod', method='POST', tags='payments, production',
                            notes='Rotated every quarter'),
        twilio=SeededSecret(name='Twilio SMS', url='https://api.twilio.com/2010-04-01', client_id='AC7d9e0b12',
                            identifier='twilio-sms', method='GET', tags='messaging', notes=''),
        github=SeededSecret(name='GitHub Actions', url='https://api.github.com', client_id='Iv1.8a61f9b3e2',
                            identifier='github-ci', method='PUT', tags='ci', notes=''),
    )
    seed(data_dir, data.owner, data.owner_display_name, data.secrets)
    return data_dir, data


@pytest.fixture(scope='module')
def server(seeded: tuple[Path, Seeded]) -> Iterator[Server]:
    running = Server(seeded[0])
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture
def data(seeded: tuple[Path, Seeded]) -> Seeded:
    return seeded[1]


@pytest.fixture
def context(browser: Browser, server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=server.url, viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope='module')
def _session_cookies(server: Server) -> dict[str, list]:
    return {}


@pytest.fixture
def new_page(browser: Browser, server: Server) -> Iterator[Callable[[], Page]]:
    """Another person at another computer: each call opens a page in a fresh browser context of its own."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(base_url=server.url, viewport=VIEWPORT)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        open_page.pages.append(page)  # for the screenshots of a failed test
        return page

    open_page.pages = []
    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def log_in_as(_session_cookies: dict[str, list]) -> Callable[..., Page]:
    """`logged_in` for any page (e.g. one from `new_page`): `log_in_as(page, username, path)`."""
    def open_as(page: Page, username: str, path: str = '/mysafe') -> Page:
        cookies = _session_cookies.get(username)
        if cookies is None:
            open_and_log_in(page, username)
            _session_cookies[username] = page.context.cookies()
            if path == '/mysafe':
                return page
        else:
            page.context.add_cookies(cookies)
        page.goto(path)
        expect(page.get_by_role('button', name='Grid Menu')).to_be_visible()
        return page
    return open_as


@pytest.fixture
def logged_in(page: Page, log_in_as: Callable[..., Page]) -> Callable[..., Page]:
    """Open `path` logged in as a user. The first call in a module logs in with the form; later ones reuse
    that session's cookies (logging in is tested on its own), which saves a page load and a password hash."""
    def open_as(username: str, path: str = '/mysafe') -> Page:
        return log_in_as(page, username, path)
    return open_as


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """On a failed test, keep a screenshot of what each browser page showed and name it in the report."""
    report = yield
    funcargs = getattr(item, 'funcargs', {})
    pages = [funcargs.get('page')] + list(getattr(funcargs.get('new_page'), 'pages', []))
    pages = [page for page in pages if page is not None and not page.is_closed()]
    if report.when == 'call' and report.failed:
        for number, page in enumerate(pages):
            shot = item.config._tmp_path_factory.mktemp('e2e-failure') / f'screen-{number}.png'
            try:
                page.screenshot(path=str(shot), full_page=True)
                report.sections.append(('e2e', f'URL {page.url}; screenshot {shot}'))
            except PlaywrightError as error:  # the browser may be what failed
                report.sections.append(('e2e', f'URL {page.url}; no screenshot: {error}'))
    return report
