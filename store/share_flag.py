"""Whether anyone has access to an API secret (`api_secret.shared`), so that the list's Shared filter is a column of
the row, and the shared secrets an index of their own per sort, instead of a probe of the access table on each row.

Without it, Shared = Yes walked the sort's index and probed `access` on every row until a page was found: where the
shared secrets all sort after the person's own (their own named A to M, those shared with them N to Z), that read
half the table. Database triggers on `access` keep the flag whoever writes: a share, a removed share, a removed user
or secret (the cascades delete the access rows). On PostgreSQL, the secret's row is locked before it is counted, so
that two shares removed at once cannot both see the other one still there; sharing.py takes the same locks first,
in id order, so that two sharings never wait for each other. This holds under READ COMMITTED, the isolation MySafe's
transactions run at (a count under REPEATABLE READ would not see a share committed meanwhile). Writes that skip
row triggers (TRUNCATE, `session_replication_role = replica`, a restore with triggers disabled) leave the flags
wrong: the fill below, which runs when the triggers are created, repairs them (drop a trigger and start MySafe).
"""
from __future__ import annotations

from peewee import Database

from .triggers import Triggers

ANY_ACCESS = 'EXISTS (SELECT 1 FROM access WHERE access.secret_id = {secret})'
FILL = (f'UPDATE api_secret SET shared = {ANY_ACCESS.format(secret="api_secret.id")} '
        f'WHERE shared IS NULL OR shared <> {ANY_ACCESS.format(secret="api_secret.id")}')
_SET = 'UPDATE api_secret SET shared = {value} WHERE id = {row}.secret_id'
TRIGGERS = Triggers(
    sqlite={
        'access_shared_insert': ('AFTER INSERT ON access BEGIN '
                                 f'{_SET.format(value="1", row="new")} AND shared IS NOT 1; END'),
        'access_shared_delete': ('AFTER DELETE ON access BEGIN '
                                 f'{_SET.format(value=ANY_ACCESS.format(secret="old.secret_id"), row="old")}; END'),
        'access_shared_update': ('AFTER UPDATE OF secret_id ON access BEGIN '
                                 f'{_SET.format(value=ANY_ACCESS.format(secret="old.secret_id"), row="old")}; '
                                 f'{_SET.format(value="1", row="new")}; END'),
    },
    postgres_functions={
        'mysafe_access_shared': (
            "IF TG_OP IN ('INSERT', 'UPDATE') THEN "
            f'{_SET.format(value="true", row="NEW")} AND shared IS NOT TRUE; END IF; '
            "IF TG_OP IN ('DELETE', 'UPDATE') THEN "
            'PERFORM 1 FROM api_secret WHERE id = OLD.secret_id FOR UPDATE; '
            f'{_SET.format(value=ANY_ACCESS.format(secret="OLD.secret_id"), row="OLD")}; END IF; '
            'RETURN NULL;'),
    },
    postgres={
        'access_shared': ('AFTER INSERT OR DELETE OR UPDATE OF secret_id ON access FOR EACH ROW '
                          'EXECUTE FUNCTION mysafe_access_shared()', 'access'),
    },
    fill=FILL,
)


def install(database: Database) -> list[str]:
    """Create the triggers when missing, then set the flag of every secret from its access rows (idempotent);
    returns what was created."""
    return TRIGGERS.install(database)
