"""The API for programs (SPEC section 7) and `main.py get` (section 5) against a real server: every endpoint
and status code as a client sees it, and the access key nowhere in the database, the logs or the audit."""
from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from peewee import OperationalError

from store import access_keys, api_secrets, config, runtime, sharing
from store.errors import DatabaseUnavailable
from store.models import AccessKey, Event, db, utcnow
from store.records import AccessKeyInput, Actor
from ui.rest_api import _ApiFirst, create_api

from .conftest import ROOT, MySafeServer, Seed, seed, start_server


@dataclass
class Api:
    server: MySafeServer
    data: Seed
    keys: dict[str, str]  # key name -> token

    def get(self, path: str, key: str | None = 'main', **params) -> httpx.Response:
        headers = {'Authorization': f'Bearer {self.keys.get(key, key)}'} if key else {}
        return httpx.get(f'{self.server.url}/api/v1{path}', headers=headers, params=params, timeout=10)

    def main_py_get(self, *args: str, key: str = 'main', url: str | None = None) -> subprocess.CompletedProcess:
        env = {'PATH': '/usr/bin:/bin', 'MYSAFE_URL': url or self.server.url,
               'MYSAFE_ACCESS_KEY': self.keys.get(key, key)}
        return subprocess.run([sys.executable, str(ROOT / 'main.py'), 'get', *args], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=60)


def start_api(base: Path) -> Api:
    """alice owns Stripe, Disabled, Guarded (asks for a password) and 'dup'; bob shares his 'dup' with her."""
    data = seed(base / 'data', {'alice': False, 'bob': False}, {
        'alice': [{'name': 'Stripe', 'identifier': 'stripe'}, {'name': 'Disabled'},
                  {'name': 'Guarded', 'ask_password': True}, {'name': 'Alice dup', 'identifier': 'dup'},
                  {'name': 'Not chosen'}],
        'bob': [{'name': 'Bob dup', 'identifier': 'dup'}, {'name': 'Bob only'}]})
    runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(base / 'data')}))
    try:
        alice, bob = Actor(data.users['alice'].id), Actor(data.users['bob'].id)
        sharing.share(bob, [data.secrets['Bob dup']], {alice.user_id: False})
        api_secrets.set_enabled(alice, [data.secrets['Disabled']], False)
        chosen = [data.secrets[name] for name in ('Stripe', 'Disabled', 'Guarded', 'Alice dup', 'Bob dup')]
        keys = {}
        for name, extra in (('main', {}), ('expired', {}), ('revoked', {}),
                            ('elsewhere', {'allowed_ips': '10.0.0.0/8'})):
            keys[name] = access_keys.create_access_key(alice, AccessKeyInput(name=name, secret_ids=chosen,
                                                                             **extra)).token
        AccessKey.update(expires_at=utcnow() - dt.timedelta(minutes=1)).where(AccessKey.name == 'expired').execute()
        access_keys.revoke_access_key(alice, AccessKey.get(AccessKey.name == 'revoked').id)
    finally:
        runtime.stop()
    return Api(start_server(base / 'data', base), data, keys)


@pytest.fixture(scope='module')
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    api = start_api(tmp_path_factory.mktemp('api'))
    try:
        yield api
    finally:
        api.server.stop()


def assert_error(response: httpx.Response, status: int, message: str = '') -> None:
    assert response.status_code == status, response.text
    assert response.headers['cache-control'] == 'no-store'
    assert message in response.json()['error']


def test_list_returns_the_keys_secrets_without_client_secrets(api):
    response = api.get('/api-secrets')
    assert response.status_code == 200 and response.headers['cache-control'] == 'no-store'
    body = response.json()
    assert body['total'] == 5
    assert {item['name'] for item in body['items']} == {'Stripe', 'Disabled', 'Guarded', 'Alice dup', 'Bob dup'}
    assert set(body['items'][0]) == {'id', 'name', 'identifier', 'url', 'client_id', 'method', 'tags', 'enabled'}
    assert not any(secret in response.text for secret in api.data.client_secrets.values())
    assert [i['name'] for i in api.get('/api-secrets', identifier='stripe').json()['items']] == ['Stripe']
    paged = api.get('/api-secrets', page=2, per_page=2).json()
    assert paged['total'] == 5 and len(paged['items']) == 2


def test_one_item_and_its_client_secret_which_is_audited(api):
    stripe = api.data.secrets['Stripe']
    item = api.get(f'/api-secrets/{stripe}')
    assert item.status_code == 200 and item.json()['identifier'] == 'stripe'
    assert item.headers['cache-control'] == 'no-store'
    read = api.get(f'/api-secrets/{stripe}/client-secret')
    assert read.status_code == 200 and read.headers['cache-control'] == 'no-store'
    assert read.json() == {'client_secret': api.data.client_secrets['Stripe']}


@pytest.mark.parametrize('path', ['/api-secrets', '/api-secrets/1', '/api-secrets/1/client-secret'])
@pytest.mark.parametrize('key, message', [(None, 'Missing'), ('mysafe_' + 'x' * 43, 'Invalid'),
                                          ('expired', 'expired'), ('revoked', 'revoked')])
def test_a_missing_unknown_expired_or_revoked_key_is_401(api, path, key, message):
    response = api.get(path, key=key)
    assert_error(response, 401, message)
    assert response.headers['www-authenticate'] == 'Bearer'


def test_an_address_outside_the_allowed_ips_and_a_secret_asking_for_a_password_are_403(api):
    assert_error(api.get('/api-secrets', key='elsewhere'), 403, 'your address')
    assert_error(api.get(f'/api-secrets/{api.data.secrets["Guarded"]}/client-secret'), 403, 'asks for a password')


def test_a_secret_outside_the_keys_scope_is_404_like_one_that_does_not_exist(api):
    outside = [api.data.secrets['Not chosen'], api.data.secrets['Bob only'], 999999]
    answers = {api.get(f'/api-secrets/{secret}{tail}').text for secret in outside for tail in ('', '/client-secret')}
    assert answers == {'{"error":"API secret not found"}'}
    assert_error(api.get(f'/api-secrets/{outside[0]}'), 404)


def test_a_disabled_secret_is_409(api):
    assert_error(api.get(f'/api-secrets/{api.data.secrets["Disabled"]}/client-secret'), 409, 'disabled')


@pytest.mark.parametrize('path, params', [('/api-secrets', {'page': 'x'}), ('/api-secrets', {'page': 0}),
                                          ('/api-secrets', {'per_page': 501}), ('/api-secrets/abc', {}),
                                          ('/api-secrets/0/client-secret', {}), ('/api-secrets/1e3', {}),
                                          (f'/api-secrets/{2**63}/client-secret', {})])
def test_a_malformed_parameter_is_422(api, path, params):
    assert_error(api.get(path, **params), 422, 'Malformed parameter')


def test_a_client_secret_is_only_read_with_get(api):
    stripe = api.data.secrets['Stripe']
    url = f'{api.server.url}/api/v1/api-secrets/{stripe}/client-secret'
    for method in ('POST', 'HEAD', 'DELETE'):
        answer = httpx.request(method, url, headers={'Authorization': f'Bearer {api.keys["main"]}'})
        assert answer.status_code == 405 and answer.headers['cache-control'] == 'no-store'
        assert api.data.client_secrets['Stripe'] not in answer.text


def test_openapi_and_docs_are_served_and_the_pages_still_work(api):
    schema = httpx.get(f'{api.server.url}/api/v1/openapi.json').json()
    assert set(schema['paths']) == {'/api-secrets', '/api-secrets/{secret_id}',
                                    '/api-secrets/{secret_id}/client-secret'}
    docs = httpx.get(f'{api.server.url}/api/docs')
    assert docs.status_code == 200 and '/api/v1/api-secrets/{secret_id}/client-secret' in docs.text
    assert '<script' not in docs.text and '<link' not in docs.text  # nothing to fetch from elsewhere
    page = httpx.get(f'{api.server.url}/login')
    assert page.status_code == 200 and page.headers['x-frame-options'] == 'DENY'
    assert docs.headers['x-frame-options'] == 'DENY'


def test_the_api_is_answered_without_the_pages_session_cookie_or_storage(api):
    """A program's request goes past NiceGUI's middlewares: no cookie to carry, no user storage made for it
    (the sessions dir gets no file), and headers of a JSON API on every answer, refusals included."""
    sessions = api.server.data_dir / 'sessions'
    before = sorted(sessions.iterdir()) if sessions.exists() else []
    stripe = api.data.secrets['Stripe']
    answers = [api.get('/api-secrets'), api.get(f'/api-secrets/{stripe}/client-secret'),
               api.get('/api-secrets', key=None), api.get('/api-secrets/x'), api.get('/nothing-here'),
               httpx.get(f'{api.server.url}/api/v1/openapi.json'), httpx.get(f'{api.server.url}/api/docs')]
    assert [answer.status_code for answer in answers] == [200, 200, 401, 422, 404, 200, 200]
    for answer in answers:
        assert 'set-cookie' not in answer.headers, answer.url
        assert answer.headers['cache-control'] == 'no-store'
        assert answer.headers['x-content-type-options'] == 'nosniff'
        assert answer.headers['x-frame-options'] == 'DENY'
    assert answers[0].headers['content-security-policy'] == "default-src 'none'; frame-ancestors 'none'"
    assert (sorted(sessions.iterdir()) if sessions.exists() else []) == before
    assert 'set-cookie' in httpx.get(f'{api.server.url}/login').headers  # a page still gets its session
    docs_post = httpx.post(f'{api.server.url}/api/docs')
    assert (docs_post.status_code, docs_post.headers['allow']) == (405, 'GET')


def test_a_database_that_does_not_answer_is_503(started_store, make_actor, add_secret, monkeypatch):
    alice = make_actor('alice')
    secret_id = add_secret(alice)
    token = access_keys.create_access_key(alice, AccessKeyInput(name='job', secret_ids=[secret_id])).token
    started_store.start()  # a new pool, holding no connection: each one is refused from here on

    def refuse(*args, **kwargs):
        raise OperationalError('could not connect to server: Connection refused')
    monkeypatch.setattr(type(db.obj), '_connect', refuse)

    async def read() -> httpx.Response:
        transport = httpx.ASGITransport(app=_ApiFirst(None, create_api()))
        async with httpx.AsyncClient(transport=transport, base_url='http://mysafe') as client:
            return await client.get(f'/api/v1/api-secrets/{secret_id}/client-secret',
                                    headers={'Authorization': f'Bearer {token}'})
    answer = asyncio.run(read())
    assert answer.status_code == 503 and answer.json() == {'error': DatabaseUnavailable().args[0]}
    assert answer.headers['cache-control'] == 'no-store'


def test_main_py_get_prints_the_value_and_exits_with_the_spec_codes(api):
    stripe = api.data.secrets['Stripe']
    by_id = api.main_py_get(str(stripe))
    assert (by_id.returncode, by_id.stdout) == (0, api.data.client_secrets['Stripe'] + '\n')
    assert api.main_py_get('stripe', '--field', 'url').stdout == 'https://api.example.com\n'
    as_json = api.main_py_get('stripe', '--field', 'json')
    assert as_json.returncode == 0 and '"client_secret": "' + api.data.client_secrets['Stripe'] in as_json.stdout
    results = {
        'not found': api.main_py_get('no-such-identifier'),
        'outside the scope': api.main_py_get(str(api.data.secrets['Bob only'])),
        'several': api.main_py_get('dup'),
        'bad usage': api.main_py_get('stripe', '--field', 'password'),
        'no key': api.main_py_get('stripe', key=''),
        'revoked': api.main_py_get('stripe', key='revoked'),
        'elsewhere': api.main_py_get('stripe', key='elsewhere'),
        'disabled': api.main_py_get(str(api.data.secrets['Disabled'])),
        'no server': api.main_py_get('stripe', url='http://127.0.0.1:9'),
    }
    assert {name: result.returncode for name, result in results.items()} == {
        'not found': 1, 'outside the scope': 1, 'several': 2, 'bad usage': 2, 'no key': 2, 'revoked': 3,
        'elsewhere': 3, 'disabled': 4, 'no server': 4}
    dups = sorted(str(api.data.secrets[name]) for name in ('Alice dup', 'Bob dup'))
    assert all(secret_id in results['several'].stderr for secret_id in dups)
    for result in results.values():
        assert result.stdout == '' and result.stderr.startswith(('mysafe: ', 'usage: '))
        assert not any(token in result.stderr for token in api.keys.values())


def test_the_key_is_nowhere_in_the_database_logs_or_audit(api):
    api.get(f'/api-secrets/{api.data.secrets["Stripe"]}/client-secret')
    api.get('/api-secrets', key='revoked')
    api.server.stop()
    stored = b''.join(path.read_bytes() for path in (api.server.data_dir).iterdir() if path.is_file())
    for token in api.keys.values():
        assert token.encode() not in stored and token[7:].encode() not in stored
        assert token.encode() not in api.server.logs()
    runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(api.server.data_dir)}))
    try:
        reveals = Event.select().where(Event.action == 'Reveal', Event.item_id == api.data.secrets['Stripe'])
        assert {(e.details, e.ip, e.username) for e in reveals} == {('via access key main', '127.0.0.1', 'alice')}
        failures = list(Event.select().where(Event.action == 'Login failed'))
        assert failures and all(e.details.startswith('access key') for e in failures)
        assert any(e.item_name == 'revoked' and e.details == 'access key revoked' for e in failures)
        last_use = AccessKey.get(AccessKey.name == 'main')
        assert last_use.last_used_at is not None and last_use.last_used_ip == '127.0.0.1'
    finally:
        runtime.stop()


def test_too_many_failures_from_one_address_are_429_with_retry_after(tmp_path):
    base = tmp_path / 'throttle'
    base.mkdir()
    api = start_api(base)
    try:
        for _ in range(access_keys.FAILURE_LIMIT):
            assert_error(api.get('/api-secrets', key='mysafe_' + 'y' * 43), 401)
        throttled = api.get('/api-secrets', key='mysafe_' + 'y' * 43)
        assert_error(throttled, 429, 'Too many failed attempts')
        assert 0 < int(throttled.headers['retry-after']) <= 15 * 60
        assert api.get('/api-secrets').status_code == 200  # a real key is not locked out by someone else's guesses
    finally:
        api.server.stop()

