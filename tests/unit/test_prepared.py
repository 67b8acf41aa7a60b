"""Prepared statements on PostgreSQL (store/prepared.py): a program's reads give the same answers and audit
with them and without them (MYSAFE_PREPARED_STATEMENTS=false, for a transaction-mode pooler), and a connection
that replaces one the server dropped prepares them again."""
from __future__ import annotations

import pytest

from store import access_keys, api_reads, runtime
from store.models import Event, db
from store.records import AccessKeyInput, Actor
from tests.postgres import terminate_backends
from tests.seeding import create_user, secret_maker


@pytest.mark.parametrize('setting', ['true', 'false'])
def test_a_programs_reads_are_the_same_with_or_without_prepared_statements(store_backend, setting):
    store_backend.start(MYSAFE_PREPARED_STATEMENTS=setting)
    alice = Actor(create_user('alice').id)
    secret_id = secret_maker()(alice, client_secret='sk_live_prepared')
    token = access_keys.create_access_key(alice, AccessKeyInput(name='job', secret_ids=[secret_id])).token

    def read() -> tuple[str, list[str]]:
        value = api_reads.read_client_secret(token, '127.0.0.1', 'pytest', secret_id)
        if store_backend.name == 'sqlite':
            return value, []
        return value, [row[0] for row in db.execute_sql('SELECT name FROM pg_prepared_statements').fetchall()]

    first, prepared = runtime.unit_of_work(read)
    if store_backend.name == 'postgresql':
        _terminate_backends(store_backend.database_url)  # as a restart would
    again, prepared_again = runtime.unit_of_work(read)
    assert first == again == 'sk_live_prepared'
    assert Event.select().where((Event.action == 'Reveal') & (Event.item_id == secret_id)).count() == 2
    expected = 5 if store_backend.name == 'postgresql' and setting == 'true' else 0  # key, secret, 3 writes
    assert len(prepared_again) == expected  # on a new connection: only what the read needs
    assert set(prepared_again) <= set(prepared)


def _terminate_backends(url: str) -> None:
    terminate_backends(url.rsplit('/', 1)[1])
