"""Information history: earlier client secrets, for the owner and editors of an API secret."""
from __future__ import annotations

from . import events
from .accounts import acting_user
from .api_secrets import check_usable, conflict_error, mark_used, name_of, unreadable
from .errors import UNREADABLE_SECRET, DecryptionError, NotFound
from .models import ApiSecret, ClientSecretHistory, db, utcnow
from .permissions import EDITORS, find_secret, parse_id, parse_version
from .records import Actor, HistoryEntry
from .secret_values import HISTORY_TABLE, TABLE, decrypt_value, encrypt_value, keep_in_history


def list_history(actor: Actor, secret_id: int) -> list[HistoryEntry]:
    """Earlier client secrets of the API secret, newest first (owner and editors only)."""
    secret, _ = find_secret(acting_user(actor), secret_id, EDITORS)
    rows = (ClientSecretHistory.select().where(ClientSecretHistory.secret == secret.id)
            .order_by(ClientSecretHistory.replaced_at.desc(), ClientSecretHistory.id.desc()))
    return [HistoryEntry(id=row.id, set_at=row.set_at, set_by=name_of(row.set_by_id), replaced_at=row.replaced_at,
                         replaced_by=name_of(row.replaced_by_id), unreadable=row.unreadable) for row in rows]


def reveal_history_value(actor: Actor, secret_id: int, history_id: int) -> str:
    """Decrypt an earlier client secret: a reveal like any other (Last use, Reveal event)."""
    user = acting_user(actor)
    secret, _ = find_secret(user, secret_id, EDITORS)
    check_usable(secret, user, actor)
    entry = _entry(secret, history_id)
    label = f'earlier Client secret of {entry.replaced_at:%Y-%m-%d %H:%M}'
    try:
        plaintext = _decrypt(secret, entry)
    except DecryptionError as error:
        raise unreadable(secret, user, actor, label, error) from None
    mark_used(secret, user, actor, events.REVEAL, label)
    return plaintext


def restore_history_value(actor: Actor, secret_id: int, history_id: int, expected_version: int) -> None:
    """Make an earlier client secret current again; the current one goes to the history."""
    user = acting_user(actor)
    secret, _ = find_secret(user, secret_id, EDITORS)
    expected_version = parse_version(expected_version)
    entry = _entry(secret, history_id)
    try:
        plaintext = _decrypt(secret, entry)
    except DecryptionError:
        raise DecryptionError(UNREADABLE_SECRET) from None
    now = utcnow()
    with db.atomic():
        keep_in_history(secret, user, now)
        updated = (ApiSecret.update(client_secret=encrypt_value(secret, plaintext, TABLE, secret.id),
                                    secret_set_at=now, secret_set_by=user.id, updated_at=now, updated_by=user.id,
                                    version=ApiSecret.version + 1)
                   .where((ApiSecret.id == secret.id) & (ApiSecret.version == expected_version)).execute())
        if updated != 1:
            raise conflict_error(secret.id)
        events.record(events.CHANGE, actor, user=user, item_type=events.API_SECRET, item_id=secret.id,
                      item_name=secret.name,
                      details='Restored an earlier Client secret')


def _decrypt(secret: ApiSecret, entry: ClientSecretHistory) -> str:
    if entry.unreadable:  # kept as it was found: it was already undecryptable when it was replaced
        raise DecryptionError(f'Earlier value {entry.id} was marked unreadable when it was replaced')
    return decrypt_value(secret, entry.client_secret, HISTORY_TABLE, entry.id)


def _entry(secret: ApiSecret, history_id: int) -> ClientSecretHistory:
    history_id = parse_id(history_id, 'Earlier value not found')
    entry = ClientSecretHistory.get_or_none((ClientSecretHistory.id == history_id) &
                                            (ClientSecretHistory.secret == secret.id))
    if entry is None:
        raise NotFound('Earlier value not found')
    return entry
