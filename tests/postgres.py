"""The machine's PostgreSQL server as tests and benchmarks reach it (127.0.0.1:5432, role postgres, trust): its
address, and statements on its maintenance database (create and drop a database, count or end its connections)."""
from __future__ import annotations

import psycopg2

POSTGRES = {'host': '127.0.0.1', 'port': 5432, 'user': 'postgres'}


def maintenance(sql: str, params: tuple = ()) -> list[tuple]:
    """Run one statement on the `postgres` database, outside any transaction (CREATE and DROP DATABASE need
    that); its rows, if it returns any. psycopg2.OperationalError when the server does not answer."""
    connection = psycopg2.connect(dbname='postgres', connect_timeout=5, **POSTGRES)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql, params or None)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def backends(database: str) -> int:
    """How many connections the database has (this one, to `postgres`, is never among them)."""
    return maintenance('SELECT count(*) FROM pg_stat_activity WHERE datname = %s', (database,))[0][0]


def terminate_backends(database: str) -> int:
    """End every connection to the database, as a restart of the server would; how many there were."""
    return maintenance('SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s',
                       (database,))[0][0]
