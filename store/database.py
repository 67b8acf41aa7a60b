"""Opening the database chosen by MYSAFE_DATABASE_URL, and checking the master key against it."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from peewee import Database, OperationalError, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.pool import PooledSqliteDatabase

from . import crypto, migrations
from .config import Settings
from .errors import ConfigError, DecryptionError, StartupError
from .models import MODELS, KeyCheck, db

KEY_CHECK_CONTEXT = 'mysafe:v1:key_check'
KEY_CHECK_PLAINTEXT = b'mysafe master key check'
# A connection per unit of work, borrowed from a pool: at most POOL_SIZE at once (callers beyond it wait up to
# POOL_WAIT seconds); an idle one older than POOL_RECYCLE seconds is closed rather than reused. On check-out the
# PostgreSQL pool pings the connection and drops a dead one, so a restarted server costs no call that was not
# in flight.
POOL_SIZE = 32
POOL_WAIT = 10
POOL_RECYCLE = 300


def open_database(url: str) -> Database:
    """Point the shared database proxy at a connection pool for `url` (SQLite with WAL and foreign keys on),
    after checking that the database answers. No connection stays checked out: see runtime.unit_of_work."""
    pool = {'max_connections': POOL_SIZE, 'timeout': POOL_WAIT, 'stale_timeout': POOL_RECYCLE}
    if url.startswith('sqlite:///'):
        path = Path(url[len('sqlite:///'):])
        path.parent.mkdir(parents=True, exist_ok=True)
        # Pooled connections move between threads, one thread at a time.
        database = PooledSqliteDatabase(str(path), check_same_thread=False, **pool,
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
        # indexes for a few thousand visible secrets instead of hashing the whole table.
        database = connect_url(f'postgresqlext+pool://{rest}', connect_timeout=5, options='-c random_page_cost=1.1',
                               **pool)
    try:
        database.connect()
    except OperationalError as exc:
        raise ConfigError(f'Cannot open the database {_redact(url)}: {str(exc).strip()}') from None
    finally:
        database.close()
    db.initialize(database)
    return database


def open_keyring(settings: Settings) -> crypto.Keyring:
    """Load the master key and check it against the database before anything is written."""
    existing = _existing_key_check()
    master = crypto.load_master_key(settings.master_key_b64, settings.key_file, may_create=existing is None)
    keyring = crypto.Keyring(master)
    source = 'MYSAFE_MASTER_KEY' if settings.master_key_b64 else f'the key file {settings.key_file}'
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
        if not KeyCheck.select().exists():
            KeyCheck.create(key_id=keyring.key_id,
                            verifier=keyring.seal_with_master(KEY_CHECK_PLAINTEXT, KEY_CHECK_CONTEXT))
    if isinstance(db.obj, SqliteDatabase):
        # SQLite's planner chooses between the list's indexes from statistics it only has after ANALYZE;
        # a sampled one (analysis_limit) takes milliseconds at any size. PostgreSQL's autovacuum does this.
        db.execute_sql('PRAGMA analysis_limit = 1000')
        db.execute_sql('ANALYZE')


def _existing_key_check() -> KeyCheck | None:
    if not db.table_exists(KeyCheck._meta.table_name):
        return None
    return KeyCheck.select().order_by(KeyCheck.id).first()


def _redact(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f':{parsed.password}@', ':***@')
    return url
