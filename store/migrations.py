"""Schema changes after the first tables: each step adds what an older database lacks, and is idempotent.

`create_tables(safe=True)` makes new tables but never adds a column to an existing one; these steps do.
"""
from __future__ import annotations

from peewee import Database
from playhouse.migrate import SchemaMigrator, migrate

from .models import ApiSecret, Event, User

# (table, column name, field) in the order they were introduced.
ADDED_COLUMNS = (
    (ApiSecret._meta.table_name, 'ask_password', ApiSecret.ask_password),
    (Event._meta.table_name, 'details', Event.details),
    (User._meta.table_name, 'session_generation', User.session_generation),
    (User._meta.table_name, 'must_change_password', User.must_change_password),
    (User._meta.table_name, 'password_reset_by', User.password_reset_by),
    (User._meta.table_name, 'password_reset_at', User.password_reset_at),
)


def upgrade(database: Database) -> list[str]:
    """Add every missing column; returns what was added (table.column)."""
    migrator = SchemaMigrator.from_database(database)
    added = []
    for table, column, field in ADDED_COLUMNS:
        if column not in {existing.name for existing in database.get_columns(table)}:
            migrate(migrator.add_column(table, column, field))
            added.append(f'{table}.{column}')
    return added
