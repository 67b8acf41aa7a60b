"""The health check a load balancer asks (GET /healthz): the database answers and the master key matches."""
from __future__ import annotations

import os

import pytest

from store import health, runtime
from store.crypto import Keyring
from store.database import KEY_CHECK_CONTEXT, KEY_CHECK_PLAINTEXT
from store.models import KeyCheck, db
from tests.postgres import maintenance, terminate_backends


def test_a_started_store_is_healthy_and_the_check_holds_no_connection(started_store):
    db.close()
    assert health.check() == health.Health(True, 'ok')
    assert db.is_closed()


def test_a_database_sealed_with_another_master_key_is_unhealthy(started_store):
    other = Keyring(os.urandom(32))
    KeyCheck.update(verifier=other.seal_with_master(KEY_CHECK_PLAINTEXT, KEY_CHECK_CONTEXT)).execute()
    result = health.check()
    assert result == health.Health(False, 'the master key does not match the database')


def test_a_stopped_store_is_unhealthy(started_store):
    runtime.stop()
    assert health.check() == health.Health(False, 'the store is not started')


@pytest.mark.parametrize('store_backend', ['postgresql'], indirect=True)
def test_a_database_that_refuses_connections_is_unhealthy_until_it_answers_again(started_store):
    name = started_store.database_url.rsplit('/', 1)[1]
    assert health.check().ok
    maintenance(f'ALTER DATABASE {name} ALLOW_CONNECTIONS false')
    try:
        terminate_backends(name)
        assert health.check() == health.Health(False, 'the database is not answering')
    finally:
        maintenance(f'ALTER DATABASE {name} ALLOW_CONNECTIONS true')
    assert health.check() == health.Health(True, 'ok')
