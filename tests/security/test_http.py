"""Attacks through a real server: what reaches a browser that is logged out, a stranger, or redirected.

`WireClient` (wire.py) is a browser without JavaScript: it loads a page, connects NiceGUI's socket
and types and clicks by sending the events a browser sends, so everything the server pushes is
visible to the test.
"""
from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest

from store import config, runtime
from store.models import Event

from .conftest import PASSWORD, MySafeServer, Seed, seed, start_server
from .wire import WireClient

XSS = '<img src=x onerror=alert(1)>'
SCRIPT_BREAKOUT = '</script><script>alert(1)</script>'


@pytest.fixture(scope='module')
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MySafeServer, Seed]]:
    """One server for this module: alice owns three secrets (two named with markup), bob owns none."""
    base = tmp_path_factory.mktemp('http')
    data = seed(base / 'data', {'alice': False, 'bob': False, 'carol': False},
                {'alice': [{'name': 'Alice payments'}, {'name': XSS}, {'name': SCRIPT_BREAKOUT}]})
    server = start_server(base / 'data', base, MYSAFE_STORAGE_SECRET='s' * 48)
    try:
        yield server, data
    finally:
        server.stop()


@pytest.fixture
async def browser(seeded) -> AsyncIterator[WireClient]:
    server, _ = seeded
    client = WireClient(server.url)
    try:
        yield client
    finally:
        await client.close()


def _pushed_paths(messages: list) -> list[str]:
    return [match for event, data in messages if event == 'run_javascript'
            for match in re.findall(r'history\.pushState\(\{page: (".*?")\}', data.get('code', ''))]


async def test_a_logged_out_browser_gets_nothing_of_a_secret(seeded, browser: WireClient) -> None:
    server, data = seeded
    secret_id = data.secrets['Alice payments']
    async with httpx.AsyncClient() as fresh:
        response = await fresh.get(f'{server.url}/mysafe/api-secrets/{secret_id}')
    assert response.status_code == 200
    for text in ('Alice payments', data.client_secrets['Alice payments']):
        assert text not in response.text

    await browser.open(f'/mysafe/api-secrets/{secret_id}')  # and what the socket delivers after the first page
    await browser.wait_for(lambda: browser.find(lambda e: e.get('props', {}).get('label') == 'Username')
                           and _pushed_paths(browser.received))  # the form, and the address bar that says log in
    assert 'Alice payments' not in browser.everything()
    assert data.client_secrets['Alice payments'] not in browser.everything()
    assert json.loads(_pushed_paths(browser.received)[-1]) == f'/login?return_to=%2Fmysafe%2Fapi-secrets%2F{secret_id}'


async def test_a_stranger_gets_not_found_and_nothing_of_the_secret(seeded, browser: WireClient) -> None:
    _, data = seeded
    secret_id = data.secrets['Alice payments']
    await browser.log_in('bob', PASSWORD, f'/login?return_to=%2Fmysafe%2Fapi-secrets%2F{secret_id}')
    await browser.wait_for(lambda: browser.find(lambda e: e.get('text') == 'API secret not found'))
    for text in ('Alice payments', data.client_secrets['Alice payments']):
        assert text not in browser.everything()


@pytest.mark.parametrize('return_to', [
    '//evil.com', 'https://evil.com', '/\\evil.com', 'javascript:alert(1)',
    '/\t/evil.com',  # browsers drop tabs from URLs: this would become //evil.com
])
async def test_log_in_does_not_redirect_off_site(seeded, browser: WireClient, return_to: str) -> None:
    before = await browser.log_in('carol', PASSWORD, f'/login?return_to={quote(return_to, safe="")}')
    await browser.wait_for(lambda: browser.pages[-1] == '/mysafe')  # where the log-in's HTTP hop led

    after = browser.received[before:]
    opened = [data['path'] for event, data in after if event == 'open']
    assert len(opened) == 1 and opened[0].startswith('/auth/complete?ticket=')  # the hop, on this site
    assert parse_qs(urlsplit(opened[0]).query)['next'] == ['/mysafe']
    assert 'evil.com' not in json.dumps(after) and not any('evil.com' in page for page in browser.pages[1:])


async def test_markup_in_a_name_reaches_the_browser_as_text(seeded, browser: WireClient) -> None:
    _, data = seeded
    await browser.log_in('alice', PASSWORD, '/login?return_to=%2Fmysafe%2Fapi-secrets')
    await browser.wait_for(lambda: browser.tables())
    await browser.open(f'/mysafe/api-secrets/{data.secrets[XSS]}')
    await browser.wait_for(lambda: browser.find(lambda e: e.get('text') == XSS))  # the name, as an element's text
    details_html = browser.html
    await browser.open('/mysafe/api-secrets')
    rows = lambda: [row['name'] for row in browser.table_rows()]  # noqa: E731
    await browser.wait_for(lambda: {XSS, SCRIPT_BREAKOUT} <= set(rows()))  # as data of the table, never markup
    list_html = browser.html
    await browser.open('/mysafe')
    cards = lambda: {card['name'] for card in browser.home_cards()}  # noqa: E731
    await browser.wait_for(lambda: {XSS, SCRIPT_BREAKOUT} <= cards())  # as data of the home's card grid

    # Pages are built after the socket connects: no data in the HTML.
    for page in (browser.html, list_html, details_html):
        assert XSS not in page and SCRIPT_BREAKOUT not in page and 'onerror' not in page
    assert not [element for element in browser.elements.values()  # nor a template that would draw data as HTML
                if 'innerHTML' in element.get('props', {}) or 'v-html' in json.dumps(element.get('slots', {}))
                or 'v-html' in element.get('props', {}).get('row-template', '')]


async def test_a_reveal_leaves_no_plaintext_in_logs_sessions_or_database(server_factory, tmp_path: Path) -> None:
    data_dir = tmp_path / 'data'
    data = seed(data_dir, {'alice': False}, {'alice': [{'name': 'Alice payments'}]})
    plaintext = data.client_secrets['Alice payments']
    secret_id = data.secrets['Alice payments']
    server = server_factory(data_dir)  # no MYSAFE_STORAGE_SECRET: main.py makes data/storage.secret
    browser = WireClient(server.url, javascript_result='clearing')  # what the copy script answers when it copied
    try:
        await browser.log_in('alice', PASSWORD, f'/login?return_to=%2Fmysafe%2Fapi-secrets%2F{secret_id}')
        await browser.wait_for(
            lambda: browser.find(lambda e: e.get('props', {}).get('label') == 'View the information'))
        await browser.click(browser.button('View the information'))
        await browser.wait_for(lambda: plaintext in json.dumps(browser.received))  # it did reach the browser
        await browser.click(browser.button('Copy Client secret'))
        await browser.wait_for(lambda: any(n.startswith('Client secret copied.') for n in browser.notifications()))
    finally:
        await browser.close()
    server.stop()

    assert plaintext.encode() not in server.logs()
    assert PASSWORD.encode() not in server.logs()
    session_files = sorted((data_dir / 'sessions').iterdir())
    user_files = [path for path in session_files if path.name.startswith('storage-user-')]
    assert user_files, f'no user session was stored: {session_files}'
    for path in session_files:
        assert plaintext.encode() not in path.read_bytes(), path.name
        assert PASSWORD.encode() not in path.read_bytes(), path.name
    for path in user_files:
        assert set(json.loads(path.read_text())) <= {'user_id', 'generation', 'login_at', 'seen_at'}, path.name
    for path in data_dir.glob('mysafe.db*'):
        assert plaintext.encode() not in path.read_bytes(), path.name
    assert (data_dir / 'storage.secret').stat().st_mode & 0o777 == 0o600
    assert (data_dir / 'master.key').stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize('path', ['/login', '/mysafe/api-secrets/1', '/setup'])
def test_pages_cannot_be_framed_sniffed_or_cached(seeded, path: str) -> None:
    server, _ = seeded
    response = httpx.get(server.url + path, timeout=10)
    assert response.headers['x-frame-options'] == 'DENY'  # no clickjacking of Copy or Share
    assert "frame-ancestors 'none'" in response.headers['content-security-policy']
    assert response.headers['x-content-type-options'] == 'nosniff'
    assert response.headers['referrer-policy'] == 'no-referrer'
    assert response.headers['cache-control'] == 'no-store'


def test_a_new_data_dir_is_readable_by_the_service_account_only(server_factory, tmp_path: Path) -> None:
    data_dir = tmp_path / 'fresh'  # main.py makes it, and everything in it
    server = server_factory(data_dir)
    httpx.get(server.url + '/setup', timeout=10)
    server.stop()
    made = [data_dir, *data_dir.rglob('*')]
    assert {'mysafe.db', 'master.key', 'storage.secret', 'sessions'} <= {path.name for path in made}
    for path in made:
        assert path.stat().st_mode & 0o077 == 0, f'{path.relative_to(tmp_path)} is open to others'


@pytest.mark.parametrize('trusted, recorded', [(None, '127.0.0.1'), ('127.0.0.1', '6.6.6.6')])
async def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(server_factory, tmp_path: Path, trusted,
                                                                     recorded) -> None:
    data_dir = tmp_path / 'data'
    seed(data_dir, {'alice': False}, {})
    server = server_factory(data_dir, **({'MYSAFE_TRUSTED_PROXIES': trusted} if trusted else {}))
    browser = WireClient(server.url)
    browser.http.headers['X-Forwarded-For'] = '6.6.6.6'  # what any client can claim
    try:
        await browser.log_in('alice', PASSWORD, '/login')
        await browser.wait_for(lambda: browser.pages[-1] == '/mysafe')
    finally:
        await browser.close()
        server.stop()
    runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(data_dir)}))
    try:
        [login] = Event.select().where(Event.action == 'Login')
        assert login.ip == recorded
    finally:
        runtime.stop()


def test_pages_carry_a_content_security_policy_that_keeps_data_on_this_site(seeded) -> None:
    server, _ = seeded
    policy = httpx.get(server.url + '/login', timeout=10).headers['content-security-policy']
    directives = {part.split()[0]: part.split()[1:] for part in policy.split('; ')}
    assert directives['default-src'] == ["'self'"]
    assert directives['connect-src'] == ["'self'"]  # an injected script cannot send a secret anywhere else
    assert directives['object-src'] == ["'none'"] and directives['base-uri'] == ["'none'"]
    assert directives['form-action'] == ["'self'"] and directives['frame-ancestors'] == ["'none'"]


@pytest.mark.parametrize('origin, accepted', [('http://evil.example', False), (None, True)])
def test_the_socket_answers_only_its_own_origin(seeded, origin, accepted) -> None:
    server, _ = seeded
    origin = origin or server.url
    response = httpx.get(f'{server.url}/_nicegui_ws/socket.io/', params={'EIO': '4', 'transport': 'polling'},
                         headers={'Origin': origin}, timeout=10)
    assert (response.status_code == 200) is accepted
    assert response.headers.get('access-control-allow-origin') in ((origin,) if accepted else (None,))
