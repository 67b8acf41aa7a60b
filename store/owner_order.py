"""The owner's name on each API secret (`api_secret.owner_key`), so that the list sorts by Owner from one index.

Sorting by lower(user.display_name) through a join cannot be read from an index in order: the database has to
gather the rows of the first owners (hundreds of thousands for a person who owns that many) before the first
page. A copy of the lower-cased name on the secret, indexed with (owner_id, id), can. Database triggers keep it
in step whoever writes: a new secret, a secret given to another owner, an owner's name changed.
"""
from __future__ import annotations

from peewee import Database

from .triggers import Triggers

OWNER_NAME = '(SELECT lower(display_name) FROM "user" WHERE "user".id = {row}.owner_id)'
FILL = f'UPDATE api_secret SET owner_key = {OWNER_NAME.format(row="api_secret")} WHERE owner_key IS NULL'
TRIGGERS = Triggers(
    sqlite={
        'api_secret_owner_key_insert': (
            'AFTER INSERT ON api_secret BEGIN '
            f'UPDATE api_secret SET owner_key = {OWNER_NAME.format(row="new")} WHERE id = new.id; END'),
        'api_secret_owner_key_update': (
            'AFTER UPDATE OF owner_id, owner_key ON api_secret '
            f'WHEN new.owner_key IS NOT {OWNER_NAME.format(row="new")} BEGIN '
            f'UPDATE api_secret SET owner_key = {OWNER_NAME.format(row="new")} WHERE id = new.id; END'),
        'user_display_name_owner_key': (
            'AFTER UPDATE OF display_name ON "user" BEGIN '
            'UPDATE api_secret SET owner_key = lower(new.display_name) WHERE owner_id = new.id; END'),
    },
    postgres_functions={
        'mysafe_api_secret_owner_key': f'NEW.owner_key := {OWNER_NAME.format(row="NEW")}; RETURN NEW;',
        'mysafe_user_owner_key': ('UPDATE api_secret SET owner_key = lower(NEW.display_name) '
                                  'WHERE owner_id = NEW.id; RETURN NULL;'),
    },
    postgres={
        'api_secret_owner_key': ('BEFORE INSERT OR UPDATE OF owner_id, owner_key ON api_secret FOR EACH ROW '
                                 'EXECUTE FUNCTION mysafe_api_secret_owner_key()', 'api_secret'),
        'user_display_name_owner_key': ('AFTER UPDATE OF display_name ON "user" FOR EACH ROW '
                                        'WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name) '
                                        'EXECUTE FUNCTION mysafe_user_owner_key()', '"user"'),
    },
    fill=FILL,
)


def install(database: Database) -> list[str]:
    """Create the triggers when missing, then fill the column where it is empty (idempotent); returns what was
    created."""
    return TRIGGERS.install(database)
