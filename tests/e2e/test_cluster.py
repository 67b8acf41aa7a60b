"""Two instances behind nginx (deploy/cluster.py, as `make cluster` runs them) on PostgreSQL and Redis: a person
keeps working when the instance that served their page stops, and an instance that comes back takes browsers
again. nginx names the instance that answered in the X-MySafe-Instance header (the cluster's configuration only).
"""
from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect

from deploy.cluster import NGINX, Cluster, Instance
from tests.e2e.support import VIEWPORT, notice, open_and_log_in, table_row
from tests.harness import free_port
from tests.postgres import maintenance
from tests.seeding import create_user

FAIL_TIMEOUT = 2  # seconds nginx keeps a failed instance out before trying it again


@pytest.fixture(scope='module')
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not os.access(NGINX, os.X_OK):
        pytest.skip(f'{NGINX} is not installed (make nginx installs it as root)')
    name = f'mysafe_e2e_cluster_{secrets.token_hex(4)}'
    running = Cluster(tmp_path_factory.mktemp('cluster'), port=free_port(), database=name,
                      redis_prefix=f'mysafe-e2e-{name}:', fail_timeout=FAIL_TIMEOUT,
                      instance_ports=[free_port(), free_port()])
    try:
        running.start()
        _seed_user(running, 'alice')
        yield running
    finally:
        running.stop()
        _drop_database(name)


@pytest.fixture
def new_page(browser: Browser, cluster: Cluster) -> Iterator[Callable[[], Page]]:
    """A person at a computer of their own: a page in a fresh browser context, through nginx."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(base_url=cluster.url, viewport=VIEWPORT)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()
    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


def test_a_page_moves_to_the_other_instance_when_its_own_stops_and_comes_back_later(
        new_page: Callable[[], Page], cluster: Cluster) -> None:
    page = new_page()
    open_and_log_in(page, 'alice')
    served_by = _instance_of(cluster, page, '/mysafe/api-secrets/new')
    page.get_by_role('textbox', name='Name *').fill('Cluster payments')
    page.get_by_role('textbox', name='URL *').fill('https://api.example.com/v1')
    page.get_by_role('textbox', name='Client ID *').fill('client-cluster')
    page.get_by_role('textbox', name='Client secret').fill(f'sk_live_{secrets.token_hex(8)}')
    page.get_by_role('button', name='Save').click()
    expect(notice(page, 'API secret saved')).to_be_visible()
    page.goto('/mysafe/api-secrets')
    expect(table_row(page, 'Cluster payments')).to_be_visible()

    page.evaluate('window.builtBeforeTheStop = true')
    with page.expect_response(lambda response: response.request.is_navigation_request(), timeout=30_000) as reload:
        cluster.stop_instance(served_by.number)
    # The page's websocket is gone; the page reconnects through nginx and loads again from the other instance:
    # still logged in (the session is in Redis), and the secret is there (PostgreSQL).
    other = _instance_named(cluster, reload.value)
    assert other.number != served_by.number
    expect(page).to_have_url(re.compile(r'/mysafe/api-secrets$'))
    expect(table_row(page, 'Cluster payments')).to_be_visible()
    assert page.evaluate('window.builtBeforeTheStop') is None

    cluster.start_instance(served_by.number)
    time.sleep(FAIL_TIMEOUT + 1)  # nginx tries an instance it marked down again after fail_timeout
    newcomer = new_page()
    assert _instance_of(cluster, newcomer, '/login').number == served_by.number
    open_and_log_in(newcomer, 'alice')
    newcomer.goto('/mysafe/api-secrets')
    expect(table_row(newcomer, 'Cluster payments')).to_be_visible()


def test_one_address_opening_pages_in_a_flood_is_refused_by_nginx_but_not_the_api_or_health_checks(
        cluster: Cluster) -> None:
    """Each page load without a cookie opens user storage for a new browser (Redis connections for a minute):
    nginx lets one address open at most 100 at once and 10 a second (deploy/nginx-mysafe.conf)."""
    flood = httpx.HTTPTransport(local_address='127.0.0.77')  # an address of its own: the other test is not slowed
    with httpx.Client(base_url=cluster.url, transport=flood, timeout=30,
                      limits=httpx.Limits(max_connections=32)) as client, ThreadPoolExecutor(32) as pool:
        started = time.monotonic()
        statuses = list(pool.map(lambda _: client.get('/login').status_code, range(400)))
        elapsed = time.monotonic() - started
        # Whatever the machine's speed: no more pages than the burst and the rate over the time taken.
        assert set(statuses) == {200, 429}, statuses
        assert statuses.count(200) <= 100 + 10 * elapsed + 10, (statuses.count(200), elapsed)
        assert client.get('/healthz').status_code == 200
        assert client.get('/api/v1/api-secrets').status_code == 401  # the API's own answer, not nginx's 429
    with httpx.Client(base_url=cluster.url, timeout=10) as other:  # another address still gets its pages
        assert other.get('/login').status_code == 200


def _instance_of(cluster: Cluster, page: Page, path: str) -> Instance:
    """Open `path`; the instance whose answer the page shows (the last one nginx tried for it)."""
    return _instance_named(cluster, page.goto(path))


def _instance_named(cluster: Cluster, response: Response) -> Instance:
    address = response.headers['x-mysafe-instance'].split(', ')[-1]
    return next(instance for instance in cluster.instances if instance.address == address)


def _seed_user(cluster: Cluster, username: str) -> None:
    from store import config, runtime
    env = cluster.environ(cluster.instances[0])
    seed_dir = cluster.base_dir / 'seed'
    seed_dir.mkdir(mode=0o700)
    env['MYSAFE_DATA_DIR'] = str(seed_dir)
    runtime.stop()
    runtime.start(config.load_settings({k: v for k, v in env.items() if k.startswith('MYSAFE_')}))
    try:
        create_user(username)
    finally:
        runtime.stop()


def _drop_database(name: str) -> None:
    maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
