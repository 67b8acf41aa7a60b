"""Schema changes after the first tables: each step adds what an older database lacks, and is idempotent.

`create_tables(safe=True)` makes new tables but never adds a column to an existing one; these steps do.
"""
from __future__ import annotations

import re

from peewee import CharField, Database, Field, PostgresqlDatabase
from playhouse.migrate import SchemaMigrator, migrate

from . import owner_order, share_flag, text_search
from .models import ApiSecret, ClientSecretHistory, Event, User

# (table, column name, field) in the order they were introduced.
ADDED_COLUMNS = (
    (ApiSecret._meta.table_name, 'ask_password', ApiSecret.ask_password),
    (Event._meta.table_name, 'details', Event.details),
    (User._meta.table_name, 'session_generation', User.session_generation),
    (User._meta.table_name, 'must_change_password', User.must_change_password),
    (User._meta.table_name, 'password_reset_by', User.password_reset_by),
    (User._meta.table_name, 'password_reset_at', User.password_reset_at),
    (ClientSecretHistory._meta.table_name, 'unreadable', ClientSecretHistory.unreadable),
    (ApiSecret._meta.table_name, 'owner_key', ApiSecret.owner_key),
    (ApiSecret._meta.table_name, 'shared', ApiSecret.shared),
)


# Indexes for the list at scale (README, "What each index is for"): each sortable column of the list with the
# id that breaks ties, in the order listing._order asks for, so that a page of a large visible set is read
# from an index in order; the same SQL on SQLite (3.9 and later) and PostgreSQL. SORT_TERMS are those orders;
# each also serves one owner's secrets (the Owner filter, listing._owners_page) and the shared ones (Shared = Yes).
SORT_TERMS = {
    'name': 'lower(name), id',
    'url': 'lower(url), id',
    'last_use': '(last_used_at IS NULL), last_used_at, id',
    'last_use_desc': '(last_used_at IS NULL), last_used_at DESC, id DESC',
    'status': 'enabled, id',
}
OWNER_SORT_TERMS = 'owner_key, owner_id, id'
# What a walk of a sort's index (listing._walk) checks on each row it passes for whoever sees many
# (permissions.visible_to: the owner, the shared flag, and for a view-only share the state), held in the index of
# each sort so that the rows a walk passes over are not read from the table: the last numbered page by Name at
# 100,000 passed 20,060 rows to keep 2,010 (PostgreSQL 7.1 -> 1.7 ms, SQLite 9.7 -> 1.9 ms). PostgreSQL reads
# them from the index alone (an index-only scan, which for lower(name) needs name as well); SQLite, which has no
# INCLUDE, holds them as the last columns of the key and checks them before it reads the row (add_indexes).
WALK_CHECKS = ('owner_id', 'shared', 'enabled')
WALKED_SORTS = {**SORT_TERMS, 'owner': OWNER_SORT_TERMS}
WALKED_TEXT = {'name': 'name', 'url': 'url'}  # the column under a sort's lower()
INDEXES = {
    **{f'api_secret_{sort}_walk': 'api_secret ({}) INCLUDE ({})'.format(terms, ', '.join(
        column for column in (WALKED_TEXT.get(sort), *WALK_CHECKS) if column and column not in terms.split(', ')))
       for sort, terms in WALKED_SORTS.items()},
    'api_secret_enabled_name_order': 'api_secret (enabled, lower(name), id)',
    'api_secret_owner_order': 'api_secret (owner_id, id)',  # a person's own secrets, by ID too
    **{f'api_secret_of_owner_{sort}_order': f'api_secret (owner_id, {terms})' for sort, terms in SORT_TERMS.items()},
    # Partial indexes: of the shared rows only.
    'api_secret_shared_id_order': 'api_secret (id) WHERE shared',
    **{f'api_secret_shared_{sort}_order': f'api_secret ({terms}) WHERE shared' for sort, terms in SORT_TERMS.items()},
    'api_secret_shared_owner_order': f'api_secret ({OWNER_SORT_TERMS}) WHERE shared',
    # One owner's shared secrets (the Owner filter, naming others than the person: only those may show).
    'api_secret_shared_of_owner_order': 'api_secret (owner_id, id) WHERE shared',
    **{f'api_secret_shared_of_owner_{sort}_order': f'api_secret (owner_id, {terms}) WHERE shared'
       for sort, terms in SORT_TERMS.items()},
    'user_display_name_order': '"user" (lower(display_name), id)',
    'access_user_secret_edit': 'access (user_id, secret_id, can_edit)',
}
# Indexes of older versions that one of INDEXES replaces (dropped once it is made), or that another index holds as
# its first columns (event_action: event_action_ip_at; each audit event wrote both).
REPLACED = (*(f'api_secret_{sort}_order' for sort in SORT_TERMS), 'api_secret_owner_name_order', 'event_action')


def upgrade(database: Database) -> list[str]:
    """Add every missing column; returns what was added (table.column)."""
    migrator = SchemaMigrator.from_database(database)
    added = []
    for table, column, field in ADDED_COLUMNS:
        if column not in {existing.name for existing in database.get_columns(table)}:
            migrate(migrator.add_column(table, column, _nullable(field)))
            if field.default is not None:  # every existing row gets the default, as a new one would
                default = field.default() if callable(field.default) else field.default
                database.execute_sql(f'UPDATE "{table}" SET "{column}" = {database.param} WHERE "{column}" IS NULL',
                                     (field.db_value(default),))
            added.append(f'{table}.{column}')
    return added


def add_indexes(database: Database) -> list[str]:
    """Create every missing index of INDEXES, the text look-ups (text_search), the owner's name on each secret
    (owner_order) and whether it is shared (share_flag); returns what was created."""
    added = owner_order.install(database) + share_flag.install(database)
    existing = {index.name for table in ('api_secret', 'user', 'access', 'event')
                for index in database.get_indexes(table)}
    for name, definition in INDEXES.items():
        if name not in existing:
            if not isinstance(database, PostgresqlDatabase):  # the included columns as the key's last ones
                definition = re.sub(r'\) INCLUDE \((.*)\)$', r', \1)', definition)
            database.execute_sql(f'CREATE INDEX IF NOT EXISTS {name} ON {definition}')
            added.append(name)
    for name in REPLACED:
        if name in existing:
            database.execute_sql(f'DROP INDEX IF EXISTS {name}')
    return added + text_search.install(database)


def _nullable(field: Field) -> Field:
    """The column as added to an existing table: filled with the default, but nullable in the database.

    A NOT NULL column makes SQLite's migrator rebuild the whole table, and with foreign keys on, rebuilding a
    table others refer to (user, api_secret) fails. The models never write NULL, so the rows stay the same.
    """
    options = {'null': True, 'default': field.default}
    if isinstance(field, CharField):
        options['max_length'] = field.max_length
    return type(field)(**options)
