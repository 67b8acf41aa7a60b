"""GET /healthz on a real server: what a load balancer (or anyone) learns from it, and what it leaves behind."""
from __future__ import annotations

import os
import sqlite3

import httpx

from store.crypto import Keyring
from store.database import KEY_CHECK_CONTEXT, KEY_CHECK_PLAINTEXT

from .conftest import seed


def test_healthz_answers_ok_without_a_session_or_a_cookie(server_factory, tmp_path):
    seed(tmp_path / 'data', {'alice': False}, {'alice': [{'name': 'Billing API', 'client_secret': 'sk_live_x1'}]})
    server = server_factory(MYSAFE_STORAGE_SECRET='s' * 48)
    sessions = sorted((tmp_path / 'data').rglob('*'))
    for method in ('GET', 'HEAD'):
        response = httpx.request(method, f'{server.url}/healthz')
        assert response.status_code == 200
        assert 'set-cookie' not in response.headers
        assert response.headers['cache-control'] == 'no-store'
    assert httpx.get(f'{server.url}/healthz').json() == {'status': 'ok'}
    assert sorted((tmp_path / 'data').rglob('*')) == sessions  # no user storage made for a probe
    assert httpx.post(f'{server.url}/healthz').status_code == 405


def test_healthz_answers_503_with_a_reason_when_the_master_key_no_longer_matches(server_factory, tmp_path):
    seed(tmp_path / 'data', {'alice': False}, {'alice': [{'name': 'Billing API', 'client_secret': 'sk_live_x2'}]})
    server = server_factory()
    assert httpx.get(f'{server.url}/healthz').status_code == 200
    # The database is swapped under the running server for one sealed with another master key.
    verifier = Keyring(os.urandom(32)).seal_with_master(KEY_CHECK_PLAINTEXT, KEY_CHECK_CONTEXT)
    with sqlite3.connect(tmp_path / 'data' / 'mysafe.db') as connection:
        connection.execute('UPDATE key_check SET verifier = ?', (verifier,))
    connection.close()
    response = httpx.get(f'{server.url}/healthz')
    assert response.status_code == 503
    assert response.json() == {'status': 'unavailable', 'reason': 'the master key does not match the database'}
    assert 'sk_live' not in response.text and 'set-cookie' not in response.headers
