"""Reading what the store wrote, as an attacker with the database (or an auditor) would see it."""
from __future__ import annotations

from store.models import Event, db


def label(event: Event) -> str:
    """An event's item name and details as one string, e.g. 'Stripe · Client secret'."""
    return f'{event.item_name} · {event.details}' if event.details else event.item_name


def events_for(secret_id: int, action: str) -> list[Event]:
    return list(Event.select().where(Event.item_id == secret_id, Event.action == action).order_by(Event.id))


def raw_rows(table: str) -> list[bytes]:
    """Every row of `table` as the database returns it, each column turned into bytes."""
    cursor = db.execute_sql(f'SELECT * FROM "{table}"')  # quoted: "user" is a reserved word
    return [b'|'.join(_as_bytes(value) for value in row) for row in cursor.fetchall()]


def _as_bytes(value: object) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return str(value).encode('utf-8')
