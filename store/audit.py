"""The audit trail as people read it (SPEC section 1, Audit): filtered, sorted and paged in the database.

Who reads what (SPEC section 3, "read the audit of an item"): an administrator reads every event;
anyone else only the events of the API secrets they own now. Events never hold a client secret.
"""
from __future__ import annotations

import io
from typing import TextIO

from peewee import fn

from . import events
from .accounts import acting_user
from .errors import ValidationError
from .models import ApiSecret, Event, User
from .records import Actor, AuditEntry, AuditFilter, Page
from .tabular import day_range, paging, sort_key, stream, utc_text, write_csv
from .validation import run_checks, validate_filter_text

MAX_PER_PAGE = 500
ALL = 'All'
SORTS = {
    'name': fn.LOWER(Event.item_name), 'type': Event.item_type, 'event': Event.action,
    'details': fn.LOWER(Event.details), 'user': fn.LOWER(Event.username), 'ip': Event.ip, 'date': Event.at,
}
CSV_COLUMNS = ('Name', 'Type', 'Event', 'Details', 'User', 'User IP', 'Date')
DATE_FORMAT = '%Y-%m-%d %H:%M:%S UTC'


def list_events(actor: Actor, *, page: int = 1, per_page: int = 30, sort: str = 'date', descending: bool = True,
                filters: AuditFilter | None = None) -> Page:
    """One page of the events the actor may read, filtered, sorted and paged in the database.

    NotAuthenticated for a deactivated or unknown actor; ValidationError (per filter field) when a
    filter cannot be read, e.g. a date that is not YYYY-MM-DD.
    """
    user = acting_user(actor)
    page, per_page = paging(page, per_page, MAX_PER_PAGE)
    query = _query(user, filters)
    total = query.count()
    rows = list(query.order_by(*_order(sort, descending)).paginate(page, per_page))
    return Page(items=[_entry(row) for row in rows], total=total, page=page, per_page=per_page)


def write_events_csv(actor: Actor, out: TextIO, *, sort: str = 'date', descending: bool = True,
                     filters: AuditFilter | None = None) -> int:
    """Write every event the audit shows with these filters (not only one page) to `out` as CSV, row by row
    from one ordered query (nothing held in memory but a batch of rows). Returns the number of rows.

    Cells that a spreadsheet would run as a formula are prefixed with an apostrophe. Filters are checked
    before anything is written (ValidationError per field).
    """
    query = _query(acting_user(actor), filters).order_by(*_order(sort, descending))
    query = query.select(Event.item_name, Event.item_type, Event.action, Event.details, Event.username, Event.ip,
                         utc_text(Event.at, 'seconds'))
    return write_csv(out, CSV_COLUMNS, stream(query))


def export_events_csv(actor: Actor, *, sort: str = 'date', descending: bool = True,
                      filters: AuditFilter | None = None) -> str:
    """The same CSV as text (small exports; write_events_csv streams into a file)."""
    out = io.StringIO()
    write_events_csv(actor, out, sort=sort, descending=descending, filters=filters)
    return out.getvalue()


def _query(user: User, filters: AuditFilter | None):
    query = Event.select()
    if not user.is_admin:
        # Only the secrets the actor owns now: an earlier owner, an editor or a viewer reads none of it.
        owned = ApiSecret.select(ApiSecret.id).where(ApiSecret.owner == user.id)
        query = query.where((Event.item_type == events.API_SECRET) & Event.item_id.in_(owned))
    for condition in _conditions(filters or AuditFilter()):
        query = query.where(condition)
    return query


def _conditions(filters: AuditFilter) -> list:
    """The filters as SQL conditions; every unreadable field is reported at once."""
    if not isinstance(filters, AuditFilter):
        raise ValidationError({'filters': 'The filters could not be read'})
    filters = _typed(filters)
    conditions, errors = [], {}
    if filters.item_type not in (ALL, *events.ITEM_TYPES):
        errors['item_type'] = 'Choose All, ' + ' or '.join(events.ITEM_TYPES)
    elif filters.item_type != ALL:
        conditions.append(Event.item_type == filters.item_type)
    if filters.event not in (ALL, *events.ACTIONS):
        errors['event'] = 'Choose All or one of the events'
    elif filters.event != ALL:
        conditions.append(Event.action == filters.event)
    if (filters.user or '').strip():
        conditions.append(fn.LOWER(Event.username).contains(filters.user.strip().lower()))
    item_id = (filters.item_id or '').strip()
    if item_id:
        if item_id.isascii() and item_id.isdigit() and len(item_id) < 19:
            conditions.append((Event.item_type == events.API_SECRET) & (Event.item_id == int(item_id)))
        else:
            errors['item_id'] = 'Enter the ID as a number'
    conditions += day_range(Event.at, (filters.since, 'since'), (filters.until, 'until'), errors)
    if errors:
        raise ValidationError(errors)
    return conditions


def _typed(filters: AuditFilter) -> AuditFilter:
    """The typed filters as one-line texts within the limit, or every field's message at once."""
    labels = {'item_type': 'Type', 'event': 'Event', 'user': 'User', 'since': 'From', 'until': 'Until',
              'item_id': 'ID'}
    return AuditFilter(**run_checks({
        field: (lambda value, label=label: validate_filter_text(value, label), getattr(filters, field))
        for field, label in labels.items()}))


def _order(sort: str, descending: bool) -> list:
    column = sort_key(sort, SORTS)
    # Event ids follow time: the newest event of one second comes first when the newest are asked for.
    return [column.desc(), Event.id.desc()] if descending else [column.asc(), Event.id.asc()]


def _entry(row: Event) -> AuditEntry:
    return AuditEntry(id=row.id, name=row.item_name, type=row.item_type, event=row.action, user=row.username,
                      ip=row.ip, at=row.at, item_id=row.item_id, details=row.details)

