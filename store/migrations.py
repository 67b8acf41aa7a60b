"""Schema changes after the first tables: each step adds what an older database lacks, and is idempotent.

`create_tables(safe=True)` makes new tables but never adds a column to an existing one; these steps do.
"""
from __future__ import annotations

from peewee import CharField, Database, Field
from playhouse.migrate import SchemaMigrator, migrate

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
)


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


def _nullable(field: Field) -> Field:
    """The column as added to an existing table: filled with the default, but nullable in the database.

    A NOT NULL column makes SQLite's migrator rebuild the whole table, and with foreign keys on, rebuilding a
    table others refer to (user, api_secret) fails. The models never write NULL, so the rows stay the same.
    """
    options = {'null': True, 'default': field.default}
    if isinstance(field, CharField):
        options['max_length'] = field.max_length
    return type(field)(**options)
