"""Columns that database triggers keep in step with other rows (owner_order, share_flag): creating the triggers
that are missing, then filling the column for the rows written before them."""
from __future__ import annotations

from dataclasses import dataclass

from peewee import Database, PostgresqlDatabase, SqliteDatabase


@dataclass(frozen=True)
class Triggers:
    sqlite: dict[str, str]  # trigger name: what follows CREATE TRIGGER name
    postgres_functions: dict[str, str]  # function name: the body of its plpgsql BEGIN ... END
    postgres: dict[str, tuple[str, str]]  # trigger name: (what follows CREATE TRIGGER name, its table)
    fill: str  # the statement that brings every existing row in step

    def install(self, database: Database) -> list[str]:
        """Create the triggers when missing, then run `fill` (idempotent); returns the triggers created."""
        if isinstance(database, SqliteDatabase):
            present = {row[0] for row in database.execute_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
            missing = [name for name in self.sqlite if name not in present]
            for name in missing:
                database.execute_sql(f'CREATE TRIGGER IF NOT EXISTS {name} {self.sqlite[name]}')
        elif isinstance(database, PostgresqlDatabase):
            present = {row[0] for row in database.execute_sql(
                'SELECT tgname FROM pg_trigger WHERE NOT tgisinternal')}
            missing = [name for name in self.postgres if name not in present]
            if missing:
                for function, body in self.postgres_functions.items():
                    database.execute_sql(f'CREATE OR REPLACE FUNCTION {function}() RETURNS trigger '
                                         f'LANGUAGE plpgsql AS $$ BEGIN {body} END $$')
            for name in missing:
                definition, table = self.postgres[name]
                database.execute_sql(f'DROP TRIGGER IF EXISTS {name} ON {table}')
                database.execute_sql(f'CREATE TRIGGER {name} {definition}')
        else:
            return []
        if missing:  # rows written before the triggers (an older database) are brought in step now
            database.execute_sql(self.fill)
        return missing
