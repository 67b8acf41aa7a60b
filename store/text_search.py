"""Finding API secrets by a part of their name, URL or tags without reading every row the person may see.

PostgreSQL: trigram indexes (pg_trgm, GIN) on lower(name), lower(url) and lower(tags) serve `LIKE '%term%'`.
SQLite: an FTS5 table with the trigram tokenizer (api_secret_text), kept in step with api_secret by triggers,
serves the same question for terms of three characters or more. Both ignore case and take the term literally.
"""
from __future__ import annotations

import weakref

from peewee import (OP, SQL, Database, DatabaseError, Expression, Field, NodeList, PostgresqlDatabase, SqliteDatabase,
                    Value, fn)

from .models import ApiSecret, db

TABLE = 'api_secret_text'
COLUMNS = ('name', 'url', 'tags')
SQLITE_SCHEMA = (
    (f'CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(name, url, tags, '
     "content='api_secret', content_rowid='id', tokenize='trigram')"),
    (f'CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON api_secret BEGIN '
     f'INSERT INTO {TABLE}(rowid, name, url, tags) VALUES (new.id, new.name, new.url, new.tags); END'),
    (f'CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON api_secret BEGIN '
     f"INSERT INTO {TABLE}({TABLE}, rowid, name, url, tags) VALUES ('delete', old.id, old.name, old.url, old.tags); "
     'END'),
    (f'CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF name, url, tags ON api_secret BEGIN '
     f"INSERT INTO {TABLE}({TABLE}, rowid, name, url, tags) VALUES ('delete', old.id, old.name, old.url, old.tags); "
     f'INSERT INTO {TABLE}(rowid, name, url, tags) VALUES (new.id, new.name, new.url, new.tags); END'),
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
)
TRIGGERS = (f'{TABLE}_insert', f'{TABLE}_delete', f'{TABLE}_update')
MIN_INDEXED = 3  # trigrams: a shorter term is looked for row by row
_UTF8: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # a PostgreSQL database -> in UTF-8 (install)


def contains(column: Field, term: str, row_by_row: bool = False, among_few: bool = False):
    """The condition `column` holds `term` (ignoring case); `term` is stripped and taken literally.

    `row_by_row`: checked on each row read rather than looked up first, for a list that walks another index in
    order and stops after a page (a common term: looking up every match first would cost more).
    `among_few`: the rows are a few gathered first (the visible set of whoever sees few): on SQLite the look-up's
    ids are a list each row is checked against, never an index constraint."""
    if _indexed(term, row_by_row):
        return _match(term, column.column_name, among_few)
    return _holds(column, term.strip().lower(), row_by_row)


def any_contains(term: str, row_by_row: bool = False, among_few: bool = False):
    """The condition that the name, the URL or a tag holds `term` (the home's Search); options as `contains`."""
    if _indexed(term, row_by_row):
        return _match(term, None, among_few)
    term = term.strip().lower()
    return (_holds(ApiSecret.name, term, row_by_row) | _holds(ApiSecret.url, term, row_by_row) |
            _holds(ApiSecret.tags, term, row_by_row))


def install(database: Database) -> list[str]:
    """Create what serves these look-ups when missing (idempotent); returns what was created."""
    if isinstance(database, SqliteDatabase):
        # Rebuilding api_secret (SQLite's way to change a column) drops its triggers: check them too.
        present = {row[0] for row in database.execute_sql(
            'SELECT name FROM sqlite_master WHERE name IN (?, ?, ?, ?)', (TABLE, *TRIGGERS))}
        if present == {TABLE, *TRIGGERS}:
            return []
        for statement in SQLITE_SCHEMA:  # what is missing, then the look-up table rebuilt from api_secret
            database.execute_sql(statement)
        return [TABLE]
    if not isinstance(database, PostgresqlDatabase):
        return []
    _UTF8[database] = database.execute_sql('SHOW server_encoding').fetchone()[0] == 'UTF8'
    try:
        with database.atomic():  # a savepoint: a refused extension leaves the surrounding transaction usable
            database.execute_sql('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    except DatabaseError:
        return []  # not allowed here: look-ups stay correct, only slower on large sets
    created = []
    existing = {index.name for index in database.get_indexes('api_secret')}
    for column in COLUMNS:
        name = f'api_secret_{column}_trigram'
        if name not in existing:
            database.execute_sql(f'CREATE INDEX IF NOT EXISTS {name} ON api_secret USING gin (lower({column}) '
                                 'gin_trgm_ops)')
            created.append(name)
    return created


def _holds(column: Field, term: str, row_by_row: bool):
    """lower(column) holds the lower-cased term: LIKE (which a trigram index serves), or row by row the position of
    the term, which no index serves (so that PostgreSQL's planner does not look every match up first). A row of
    ASCII text lowers the same either way, in every locale but a Turkish or Azerbaijani one (where `I` lowers to a
    dotless `ı` and the row by row check finds `IMAGE` for `image`, as SQLite does)."""
    if not row_by_row:
        # Both sides are lower-cased: PostgreSQL's LIKE, not the ILIKE of peewee's contains() (4 ms more in 13,000
        # rows). Peewee writes SQLite's LIKE (which ignores ASCII case) for OP.ILIKE, and GLOB for OP.LIKE.
        operator = OP.LIKE if isinstance(db.obj, PostgresqlDatabase) else OP.ILIKE
        pattern = '%' + term.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_') + '%'
        return Expression(fn.LOWER(column), operator, NodeList((Value(pattern, converter=False), SQL('ESCAPE'),
                                                                 Value('\\', converter=False))))
    if not isinstance(db.obj, PostgresqlDatabase):
        return fn.INSTR(fn.LOWER(column), term) > 0  # SQLite's lower() changes ASCII letters only
    held = fn.STRPOS(fn.LOWER(column), term) > 0
    if not term.isascii() or not _UTF8.get(db.obj):  # in a one-byte encoding, no length tells other characters
        return held
    # An ASCII term: the row's ASCII letters lowered alone (lower() in the C collation: a third of the time of the
    # database's own, C.UTF-8 here: a common text's count at 100,000 read its 20,000 rows in 30 -> 21 ms), and a
    # row holding other characters, which may lower to ASCII ones (İ to i), also the database's way.
    ascii_held = fn.STRPOS(fn.LOWER(NodeList((column, SQL('COLLATE "C"')))), term) > 0
    return ascii_held | ((fn.OCTET_LENGTH(column) > fn.CHAR_LENGTH(column)) & held)


def _indexed(term: str, row_by_row: bool = False) -> bool:
    """Whether SQLite looks the term up in its trigram table. Row by row, an ASCII term is checked with LIKE, which
    gives the same rows (both ignore ASCII case); another keeps the look-up, whose case folding is Unicode's."""
    if row_by_row and term.isascii():
        return False
    return isinstance(db.obj, SqliteDatabase) and len(term.strip()) >= MIN_INDEXED


def _match(term: str, column: str | None, among_few: bool = False):
    phrase = '"' + term.strip().lower().replace('"', '""') + '"'  # an FTS5 string: every character literal
    query = f'{column} : {phrase}' if column else phrase
    # `+id` (SQLite: no index may use the term) for a few rows gathered first: as an index constraint, SQLite ran
    # through the whole list of matches for each of them (15 s for "api", 2,000 visible among 100,000).
    secret_id = NodeList((SQL('+'), ApiSecret.id), glue='') if among_few else ApiSecret.id
    return secret_id.in_(SQL(f'(SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?)', (query,)))
