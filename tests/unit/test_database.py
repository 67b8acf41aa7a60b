"""Opening the database: the URL, the schema, restarts, and the constraints the database itself keeps."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from peewee import IntegrityError

from store import api_secrets, config, database, runtime
from store.errors import ConfigError, StartupError, ValidationError
from store.records import ApiSecretFilter
from store.models import MODELS, Access, ApiSecret, KeyCheck, User, db

REPO = Path(__file__).resolve().parents[2]


def test_importing_the_store_connects_to_nothing_and_writes_nothing(tmp_path):
    code = ('import store.accounts, store.api_secrets, store.runtime, store.database, store.sharing\n'
            'from store.models import db\n'
            'assert db.obj is None, "connected at import time"\n')
    subprocess.run([sys.executable, '-c', code], cwd=tmp_path, check=True, env={'PYTHONPATH': str(REPO)})
    assert list(tmp_path.iterdir()) == []


def test_services_refuse_to_run_before_start_up():
    runtime.stop()
    with pytest.raises(StartupError, match='not been started'):
        runtime.keyring()


def test_start_up_creates_every_table_and_records_the_key_once(store_backend):
    keyring = store_backend.start()
    assert all(db.table_exists(model._meta.table_name) for model in MODELS)
    assert [row.key_id for row in KeyCheck.select()] == [keyring.key_id]
    assert store_backend.start().key_id == keyring.key_id
    assert KeyCheck.select().count() == 1


def test_data_survives_a_restart(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id = add_secret(alice, name='Stripe', client_secret='sk_live_restart')
    started_store.start()
    assert [item.name for item in api_secrets.list_api_secrets(alice).items] == ['Stripe']
    assert api_secrets.reveal_client_secret(alice, secret_id) == 'sk_live_restart'


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    runtime.stop()
    try:
        runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(tmp_path / 'nested' / 'data')}))
        assert db.execute_sql('PRAGMA journal_mode').fetchone()[0] == 'wal'
        assert db.execute_sql('PRAGMA foreign_keys').fetchone()[0] == 1
        assert (tmp_path / 'nested' / 'data' / 'mysafe.db').exists()
    finally:
        runtime.stop()


def test_postgresql_connections_plan_for_fast_storage_and_compile_no_query(started_store):
    """JIT compiled each query PostgreSQL thought costly (a text look-up at a million rows): 10 ms of work for a
    5 ms statement, on every call."""
    if started_store.name != 'postgresql':
        pytest.skip('PostgreSQL settings')
    assert db.execute_sql('SHOW jit').fetchone()[0] == 'off'
    assert db.execute_sql('SHOW random_page_cost').fetchone()[0] == '1.1'


def test_the_database_refuses_access_to_a_secret_that_does_not_exist(started_store, make_actor):
    alice = make_actor('alice')
    with pytest.raises(IntegrityError), db.atomic():
        Access.create(secret=999, user=alice.user_id)
    assert Access.select().count() == 0


def test_the_database_itself_refuses_a_duplicate_identifier(started_store, make_actor, add_secret, monkeypatch):
    alice = make_actor('alice')
    add_secret(alice, identifier='stripe-prod')
    # Two saves racing past the service's own check: the unique index still refuses the second.
    monkeypatch.setattr(api_secrets, '_check_identifier_free', lambda *args, **kwargs: None)
    with pytest.raises(ValidationError) as refused:
        add_secret(alice, identifier='stripe-prod')
    assert refused.value.errors == {'identifier': api_secrets.DUPLICATE_IDENTIFIER}
    assert ApiSecret.select().count() == 1


def test_usernames_are_unique_ignoring_case_in_the_database_too(started_store, make_user):
    make_user('alice')
    with pytest.raises(IntegrityError), db.atomic():
        User.create(username='ALICE', username_key='alice', display_name='A', password_hash='x')


def test_an_unknown_database_url_is_a_config_error():
    with pytest.raises(ConfigError, match='MYSAFE_DATABASE_URL must start with sqlite:/// or postgresql://'):
        config.load_settings({'MYSAFE_DATABASE_URL': 'mysql://root@localhost/mysafe'})


def test_an_unreachable_postgresql_is_a_config_error_without_the_password():
    runtime.stop()
    with pytest.raises(ConfigError, match='Cannot open the database') as refused:
        database.open_database('postgresql://mysafe:hunter2@127.0.0.1:1/mysafe')
    assert 'hunter2' not in str(refused.value)
    assert 'postgresql://mysafe:***@127.0.0.1:1/mysafe' in str(refused.value)


@pytest.mark.parametrize('variable, value', [('MYSAFE_PORT', 'http'), ('MYSAFE_PORT', '70000')])
def test_an_unusable_port_is_a_config_error_naming_the_variable(variable, value):
    with pytest.raises(ConfigError, match=variable):
        config.load_settings({variable: value})


def test_a_database_from_before_the_added_columns_is_upgraded_with_its_data(started_store, make_actor, add_secret):
    """Regression: adding a NOT NULL column made SQLite rebuild `user`, which `api_secret` refers to, and start-up
    failed with 'FOREIGN KEY constraint failed' on a database that held any API secret."""
    from store import migrations, owner_order, share_flag, sharing
    alice, bob = make_actor('alice'), make_actor('bob')
    secret_id = add_secret(alice, name='Kept', client_secret='sk_kept')
    sharing.share(alice, [secret_id], {bob.user_id: False})
    for index, definition in migrations.INDEXES.items():  # what uses the added columns came with them
        if 'owner_key' in definition or 'shared' in definition:
            db.execute_sql(f'DROP INDEX {index}')
    for triggers in (owner_order.TRIGGERS, share_flag.TRIGGERS):
        dropped = {name: '' for name in triggers.sqlite} if started_store.name == 'sqlite' else \
            {name: f' ON {table}' for name, (_, table) in triggers.postgres.items()}
        for trigger, table in dropped.items():
            db.execute_sql(f'DROP TRIGGER IF EXISTS {trigger}{table}')
    for table, column, _ in migrations.ADDED_COLUMNS:  # the database as an older MySafe left it
        db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    keyring = started_store.start()
    assert keyring is not None
    assert api_secrets.reveal_client_secret(bob, secret_id) == 'sk_kept'
    assert api_secrets.get_api_secret(alice, secret_id).name == 'Kept'
    shared = api_secrets.list_api_secrets(alice, filters=ApiSecretFilter(shared='Yes'))  # the flag was filled in
    assert [item.name for item in shared.items] == ['Kept'] and shared.items[0].shared


def test_each_sort_index_holds_what_a_walk_checks_and_replaces_the_older_one(started_store):
    """A page past the first is found by walking a sort's index (listing._walk); each row it passes is checked for
    the person (owner, shared, state), read from the index itself (migrations.WALK_CHECKS). A database of an older
    MySafe has the indexes without them: the new ones are made at start-up and the old ones dropped."""
    from store import migrations
    db.execute_sql('DROP INDEX api_secret_name_walk')
    db.execute_sql('CREATE INDEX api_secret_name_order ON api_secret (lower(name), id)')  # as an older MySafe made it
    assert 'api_secret_name_walk' in migrations.add_indexes(db.obj)
    present = {index.name for index in db.get_indexes('api_secret')}
    assert 'api_secret_name_order' not in present
    for name in (name for name in migrations.INDEXES if name.endswith('_walk')):
        assert name in present
        if started_store.name == 'sqlite':
            held = {row[2] for row in db.execute_sql(f'PRAGMA index_xinfo({name})').fetchall()}
        else:
            definition = db.execute_sql('SELECT indexdef FROM pg_indexes WHERE indexname = %s', (name,)).fetchone()[0]
            held = set(definition.split(' INCLUDE (')[1].rstrip(')').split(', ')) | set(
                migrations.WALKED_SORTS[name[len('api_secret_'):-len('_walk')]].split(', '))
        assert set(migrations.WALK_CHECKS) <= held, (name, held)


def test_an_audit_event_is_indexed_once_by_its_action(started_store):
    """The index on (action, ip, at) finds an action's events (the audit's Event filter, the access-key failures
    per address); an older MySafe's index on the action alone, written with every event too, is dropped."""
    from store import migrations

    def indexes() -> set[str]:
        return {index.name for index in db.get_indexes('event')}

    assert 'event_action' not in indexes() and 'event_action_ip_at' in indexes()
    db.execute_sql('CREATE INDEX event_action ON event (action)')  # as an older MySafe made it
    migrations.add_indexes(db.obj)
    assert 'event_action' not in indexes() and 'event_action_ip_at' in indexes()
