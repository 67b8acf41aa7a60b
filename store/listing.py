"""The API secrets list: filtered, sorted and paged in the database, and exported as CSV.

Only what the actor may see is ever read (permissions.visible_to); client secrets never are.
"""
from __future__ import annotations

import csv
import io

from peewee import fn

from .accounts import acting_user
from .errors import ValidationError
from .models import Access, ApiSecret, User
from .permissions import permissions_for_page, visible_to
from .records import Actor, ApiSecretFilter, ApiSecretSummary, Page
from .tabular import day_range, paging, safe_cell, sort_key
from .validation import run_checks, validate_filter_text

MAX_PER_PAGE = 500
CHOICES = ('All', 'Yes', 'No')
SORTS = {
    'id': ApiSecret.id, 'name': fn.LOWER(ApiSecret.name), 'url': fn.LOWER(ApiSecret.url),
    'owner': fn.LOWER(User.display_name), 'last_use': ApiSecret.last_used_at, 'status': ApiSecret.enabled,
}
CSV_COLUMNS = ('ID', 'Name', 'URL', 'Tags', 'Shared', 'Owner', 'Last use', 'Status')


def list_api_secrets(actor: Actor, *, page: int = 1, per_page: int = 30, sort: str = 'name',
                     descending: bool = False, search: str = '', only_enabled: bool = False,
                     filters: ApiSecretFilter | None = None) -> Page:
    """One page of the secrets the actor may see, filtered, sorted and paged in the database.

    ValidationError (per filter field) when a filter cannot be read, e.g. an ID that is not a number.
    """
    user = acting_user(actor)
    page, per_page = paging(page, per_page, MAX_PER_PAGE)
    query = _query(user, search, only_enabled, filters)
    total = query.count()
    rows = list(query.order_by(*_order(sort, descending)).paginate(page, per_page))
    return Page(items=_summaries(user, rows), total=total, page=page, per_page=per_page)


def export_api_secrets_csv(actor: Actor, *, sort: str = 'name', descending: bool = False,
                           filters: ApiSecretFilter | None = None) -> str:
    """Every secret the list shows with these filters, as CSV text; never a client secret.

    Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
    """
    user = acting_user(actor)
    query = _query(user, '', False, filters).order_by(*_order(sort, descending))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for start in range(0, query.count(), MAX_PER_PAGE):
        for item in _summaries(user, list(query.offset(start).limit(MAX_PER_PAGE))):
            writer.writerow([safe_cell(value) for value in (
                item.id, item.name, item.url, ', '.join(item.tags), 'Yes' if item.shared else 'No', item.owner,
                item.last_used_at.strftime('%Y-%m-%d %H:%M UTC') if item.last_used_at else 'Never',
                'Enabled' if item.enabled else 'Disabled')])
    return out.getvalue()


def tags_of(secret: ApiSecret) -> list[str]:
    return [tag for tag in (secret.tags or '').split('\n') if tag]


def _query(user: User, search: str, only_enabled: bool, filters: ApiSecretFilter | None):
    query = visible_to(user)
    if only_enabled:
        query = query.where(ApiSecret.enabled == True)  # noqa: E712
    term = run_checks({'search': (lambda value: validate_filter_text(value, 'Search'), search)})['search'].lower()
    if term:
        query = query.where(fn.LOWER(ApiSecret.name).contains(term) | fn.LOWER(ApiSecret.url).contains(term) |
                            fn.LOWER(ApiSecret.tags).contains(term))
    if filters is not None:
        for condition in _conditions(filters):
            query = query.where(condition)
    return query


def _conditions(filters: ApiSecretFilter) -> list:
    """The filters as SQL conditions; every unreadable field is reported at once."""
    if not isinstance(filters, ApiSecretFilter):
        raise ValidationError({'filters': 'The filters could not be read'})
    filters = _typed(filters)
    conditions, errors = [], {}
    if filters.id.strip():
        if filters.id.strip().isascii() and filters.id.strip().isdigit() and len(filters.id.strip()) < 19:
            conditions.append(ApiSecret.id == int(filters.id.strip()))
        else:
            errors['id'] = 'Enter the ID as a number'
    for text, column in ((filters.name, ApiSecret.name), (filters.url, ApiSecret.url), (filters.tags, ApiSecret.tags)):
        if text.strip():
            conditions.append(fn.LOWER(column).contains(text.strip().lower()))
    if filters.owner.strip():
        term = filters.owner.strip().lower()
        conditions.append(fn.LOWER(User.display_name).contains(term) | fn.LOWER(User.username).contains(term))
    for field, value in (('shared', filters.shared), ('enabled', filters.enabled)):
        if value not in CHOICES:
            errors[field] = 'Choose All, Yes or No'
    anyone_with_access = Access.select(Access.secret)
    if filters.shared == 'Yes':
        conditions.append(ApiSecret.id.in_(anyone_with_access))
    elif filters.shared == 'No':
        conditions.append(ApiSecret.id.not_in(anyone_with_access))
    if filters.enabled in ('Yes', 'No'):
        conditions.append(ApiSecret.enabled == (filters.enabled == 'Yes'))
    conditions += day_range(ApiSecret.last_used_at, (filters.last_use_from, 'last_use_from'),
                            (filters.last_use_until, 'last_use_until'), errors)
    if errors:
        raise ValidationError(errors)
    return conditions


def _typed(filters: ApiSecretFilter) -> ApiSecretFilter:
    """The typed filters as one-line texts within the limit, or every field's message at once."""
    labels = {'id': 'ID', 'name': 'Name', 'url': 'URL', 'tags': 'Tags', 'shared': 'Shared', 'owner': 'Owner',
              'last_use_from': 'Last use from', 'last_use_until': 'Last use until', 'enabled': 'Enabled'}
    return ApiSecretFilter(**run_checks({
        field: (lambda value, label=label: validate_filter_text(value, label), getattr(filters, field))
        for field, label in labels.items()}))


def _order(sort: str, descending: bool) -> list:
    column = sort_key(sort, SORTS)
    return [column.desc(nulls='LAST') if descending else column.asc(nulls='LAST'), ApiSecret.id]


def _summaries(user: User, rows: list[ApiSecret]) -> list[ApiSecretSummary]:
    ids = [row.id for row in rows]
    shared = {row.secret_id for row in Access.select(Access.secret).where(Access.secret.in_(ids)).distinct()} \
        if ids else set()
    permissions = permissions_for_page(user, rows)
    return [ApiSecretSummary(id=row.id, name=row.name, url=row.url, tags=tags_of(row), shared=row.id in shared,
                             owner=row.owner.display_name, last_used_at=row.last_used_at, enabled=row.enabled,
                             permission=permissions[row.id]) for row in rows]

