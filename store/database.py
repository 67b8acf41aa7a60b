"""Opening the database chosen by MYSAFE_DATABASE_URL, and checking the master key against it."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from urllib.parse import urlparse

from peewee import Database, OperationalError, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.pool import PooledSqliteDatabase

from . import crypto, migrations, prepared
from .config import Settings
from .errors import ConfigError, DecryptionError, StartupError
from .models import MODELS, ApiSecret, ClientSecretHistory, KeyCheck, db

KEY_CHECK_CONTEXT = 'mysafe:v1:key_check'
KEY_CHECK_PLAINTEXT = b'mysafe master key check'
# A connection per unit of work, borrowed from a pool: at most POOL_SIZE at once (callers beyond it wait up to
# POOL_WAIT seconds); an idle one older than POOL_RECYCLE seconds is closed rather than reused. On check-out the
# PostgreSQL pool pings the connection and drops a dead one, so a restarted server costs no call that was not
# in flight.
POOL_SIZE = 32
POOL_WAIT = 10
POOL_RECYCLE = 300


def open_database(url: str, prepared_statements: bool = True) -> Database:
    """Point the shared database proxy at a connection pool for `url` (SQLite with WAL and foreign keys on),
    after checking that the database answers. No connection stays checked out: see runtime.unit_of_work.
    On PostgreSQL the compiled queries are prepared on each connection unless `prepared_statements` is false."""
    pool = {'max_connections': POOL_SIZE, 'timeout': POOL_WAIT, 'stale_timeout': POOL_RECYCLE}
    if url.startswith('sqlite:///'):
        path = Path(url[len('sqlite:///'):])
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():  # made here so that it is private whatever the umask (SQLite's journals follow it)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        # Pooled connections move between threads, one thread at a time. Every transaction of the store writes,
        # so each takes the write lock when it begins (BEGIN IMMEDIATE, waited for up to busy_timeout): one that
        # began by reading could not take it once another connection had committed since ("database is locked"
        # at once, whatever busy_timeout), which failed log-ins finishing at the same moment.
        database = PooledSqliteDatabase(str(path), check_same_thread=False, lock_type='IMMEDIATE', **pool,
                                        pragmas={'journal_mode': 'wal', 'foreign_keys': 1,
                                                 'busy_timeout': 5000, 'synchronous': 'normal'})
    else:
        parsed = urlparse(url)
        if not parsed.hostname and not parsed.path.strip('/'):
            raise ConfigError('MYSAFE_DATABASE_URL names no PostgreSQL database')
        scheme, rest = url.split('://', 1)
        if scheme not in ('postgres', 'postgresql'):
            raise ConfigError('MYSAFE_DATABASE_URL must start with sqlite:/// or postgresql://')
        # The ext flavour adds server-side cursors (store.tabular.stream).
        # random_page_cost 1.1 (the planner's default, 4, is for spinning disks): with it PostgreSQL probes the
        # indexes for a few thousand visible secrets instead of hashing the whole table. No JIT: it compiled each
        # query the planner thought costly (a text look-up at a million), 10 ms of every 5 ms statement.
        database = connect_url(f'postgresqlext+pool://{rest}', connect_timeout=5,
                               options='-c random_page_cost=1.1 -c jit=off', **pool)
        if prepared_statements:
            prepared.enable(database)
    try:
        database.connect()
    except OperationalError as exc:
        raise ConfigError(f'Cannot open the database {_redact(url)}: {str(exc).strip()}') from None
    finally:
        database.close()
    db.initialize(database)
    return database


def open_keyring(settings: Settings) -> crypto.Keyring:
    """Load the master key and check it against the database before anything is written.

    A new key is made only for a database that holds nothing encrypted: with the key check gone but
    encrypted rows present, start-up stops rather than serve data no key here can read.
    """
    existing = _existing_key_check()
    encrypted = _an_encrypted_row() if existing is None else None
    master = crypto.load_master_key(settings.master_key_b64, settings.key_file,
                                    may_create=existing is None and encrypted is None)
    keyring = crypto.Keyring(master)
    source = 'MYSAFE_MASTER_KEY' if settings.master_key_b64 else f'the key file {settings.key_file}'
    if encrypted is not None:
        try:
            keyring.unwrap(bytes(encrypted.wrapped_data_key), ApiSecret._meta.table_name, encrypted.id)
        except DecryptionError:
            raise StartupError(f'The master key from {source} does not match the data in this database '
                               f'(key id {keyring.key_id}; its key check is missing). Nothing was changed.') from None
    if existing is not None:
        try:
            keyring.open_with_master(bytes(existing.verifier), KEY_CHECK_CONTEXT)
        except DecryptionError:
            raise StartupError(f'The master key from {source} does not match this database '
                               f'(key id {keyring.key_id}, database expects {existing.key_id}). '
                               'Nothing was changed.') from None
    return keyring


def create_schema(keyring: crypto.Keyring) -> None:
    """Create missing tables and indexes and, on a new database, record which master key it uses."""
    with db.atomic():
        db.create_tables(MODELS, safe=True)
        migrations.upgrade(db.obj)
        migrations.add_indexes(db.obj)
        if not KeyCheck.select().exists():
            KeyCheck.create(key_id=keyring.key_id,
                            verifier=keyring.seal_with_master(KEY_CHECK_PLAINTEXT, KEY_CHECK_CONTEXT))
    if isinstance(db.obj, SqliteDatabase):
        # SQLite's planner chooses between the list's indexes from statistics it only has after ANALYZE;
        # a sampled one (analysis_limit) takes milliseconds at any size. PostgreSQL's autovacuum does this.
        db.execute_sql('PRAGMA analysis_limit = 1000')
        db.execute_sql('ANALYZE')


def check_private_files(settings: Settings) -> None:
    """Refuse a data dir, database file, key file or storage secret file that other users can open,
    naming the chmod that fixes it; files that do not exist yet are made private when they are created."""
    paths = [(settings.data_dir, '700')]
    if settings.database_url.startswith('sqlite:///'):
        database = Path(settings.database_url[len('sqlite:///'):])
        paths += [(Path(f'{database}{suffix}'), '600') for suffix in ('', '-wal', '-shm')]
    if not settings.master_key_b64:
        paths.append((settings.key_file, '600'))
    paths.append((settings.storage_secret_file, '600'))
    for path, mode in paths:
        try:
            current = path.stat().st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ConfigError(f'Cannot read {path}: {exc.strerror}') from None
        if current & 0o077:
            what = 'The data dir' if stat.S_ISDIR(current) else 'The file'
            how = 'readable' if current & 0o044 else 'open'
            raise ConfigError(f'{what} {path} is {how} by other users (mode {stat.S_IMODE(current):o}); '
                              f'run: chmod {mode} {path}')


def _an_encrypted_row() -> ApiSecret | None:
    """An API secret with an encrypted data key, if the database holds any encrypted value at all."""
    if not db.table_exists(ApiSecret._meta.table_name):
        return None
    row = ApiSecret.select().where(ApiSecret.wrapped_data_key.is_null(False)).order_by(ApiSecret.id).first()
    if row is None and db.table_exists(ClientSecretHistory._meta.table_name) and \
            ClientSecretHistory.select().exists():
        raise StartupError('The key check of this database is missing and it holds encrypted history; '
                           'MySafe will not make a new master key for it. Restore its key check or the database.')
    return row


def _existing_key_check() -> KeyCheck | None:
    if not db.table_exists(KeyCheck._meta.table_name):
        return None
    return KeyCheck.select().order_by(KeyCheck.id).first()


def _redact(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f':{parsed.password}@', ':***@')
    return url
