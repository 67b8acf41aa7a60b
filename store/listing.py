"""The API secrets list: filtered, sorted and paged in the database, and exported as CSV.

Only what the actor may see is ever read (permissions.visible_to); client secrets never are.
"""
from __future__ import annotations

import io
from typing import TextIO

from peewee import fn

from . import text_search
from .accounts import acting_user
from .errors import ValidationError
from .models import Access, ApiSecret, User
from .permissions import permissions_for_page, visible_to
from .records import Actor, ApiSecretFilter, ApiSecretSummary, Page
from .tabular import day_range, paging, sort_key, stream, utc_text, write_csv
from .validation import run_checks, validate_filter_text

MAX_PER_PAGE = 500
COUNT_CAP = 2_000  # rows counted at most (67 pages of 30): beyond, the page says "more" (Page.more), not a number
CHOICES = ('All', 'Yes', 'No')
# The terms of each sort before the id that breaks ties; each list matches an index (migrations.INDEXES), so
# that a page is read from the index in order. `None` marks the term that keeps never-used secrets last.
SORTS = {
    'id': [], 'name': [fn.LOWER(ApiSecret.name)], 'url': [fn.LOWER(ApiSecret.url)],
    'owner': [ApiSecret.owner_key, ApiSecret.owner], 'last_use': [None, ApiSecret.last_used_at],
    'status': [ApiSecret.enabled],
}
CSV_COLUMNS = ('ID', 'Name', 'URL', 'Tags', 'Shared', 'Owner', 'Last use', 'Status')


def list_api_secrets(actor: Actor, *, page: int = 1, per_page: int = 30, sort: str = 'name',
                     descending: bool = False, search: str = '', only_enabled: bool = False,
                     filters: ApiSecretFilter | None = None) -> Page:
    """One page of the secrets the actor may see, filtered, sorted and paged in the database.

    `total` counts up to COUNT_CAP rows; when there are more, it is COUNT_CAP and `more` is True (pages past
    it can still be asked for by number, or reached by reversing the sort).
    ValidationError (per filter field) when a filter cannot be read, e.g. an ID that is not a number.
    """
    user = acting_user(actor)
    page, per_page = paging(page, per_page, MAX_PER_PAGE)
    counted = _query(user, search, only_enabled, filters, with_owner=False).select(ApiSecret.id) \
        .limit(COUNT_CAP + 1).count()
    query = _query(user, search, only_enabled, filters)
    total, more = min(counted, COUNT_CAP), counted > COUNT_CAP
    offset = (page - 1) * per_page
    if not more and offset > total // 2 and offset < total:
        # Past the middle (the last page, say): read from the other end, so the index walk stays short.
        limit = min(per_page, total - offset)
        rows = list(query.order_by(*_order(sort, descending, reverse=True)).offset(total - offset - limit)
                    .limit(limit))[::-1]
    else:
        rows = list(query.order_by(*_order(sort, descending)).offset(offset).limit(per_page))
    return Page(items=_summaries(user, rows), total=total, page=page, per_page=per_page, more=more)


def write_api_secrets_csv(actor: Actor, out: TextIO, *, sort: str = 'name', descending: bool = False,
                          filters: ApiSecretFilter | None = None) -> int:
    """Write every secret the list shows with these filters to `out` as CSV, row by row from one ordered
    query (nothing held in memory but a batch of rows); never a client secret. Returns the number of rows.

    Cells that a spreadsheet would run as a formula are prefixed with an apostrophe. Filters are checked
    before anything is written (ValidationError per field).
    """
    user = acting_user(actor)
    query = _query(user, '', False, filters).order_by(*_order(sort, descending))
    shared = fn.EXISTS(Access.select(Access.id).where(Access.secret == ApiSecret.id))
    query = query.select(ApiSecret.id, ApiSecret.name, ApiSecret.url, ApiSecret.tags, shared, User.display_name,
                         utc_text(ApiSecret.last_used_at), ApiSecret.enabled)
    return write_csv(out, CSV_COLUMNS, map(_csv_row, stream(query)))


def export_api_secrets_csv(actor: Actor, *, sort: str = 'name', descending: bool = False,
                           filters: ApiSecretFilter | None = None) -> str:
    """The same CSV as text (small exports; write_api_secrets_csv streams into a file)."""
    out = io.StringIO()
    write_api_secrets_csv(actor, out, sort=sort, descending=descending, filters=filters)
    return out.getvalue()


def tags_of(secret: ApiSecret) -> list[str]:
    return [tag for tag in (secret.tags or '').split('\n') if tag]


def _query(user: User, search: str, only_enabled: bool, filters: ApiSecretFilter | None, with_owner: bool = True):
    query = visible_to(user, with_owner)
    if only_enabled:
        query = query.where(ApiSecret.enabled == True)  # noqa: E712
    term = run_checks({'search': (lambda value: validate_filter_text(value, 'Search'), search)})['search']
    if term.strip():
        query = query.where(text_search.any_contains(term))
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
            conditions.append(text_search.contains(column, text))
    if filters.owner.strip():
        term = filters.owner.strip().lower()
        # The owners first (a few users), then their secrets through the owner index.
        owners = User.select(User.id).where(fn.LOWER(User.display_name).contains(term) |
                                            fn.LOWER(User.username).contains(term))
        conditions.append(ApiSecret.owner.in_(owners))
    for field, value in (('shared', filters.shared), ('enabled', filters.enabled)):
        if value not in CHOICES:
            errors[field] = 'Choose All, Yes or No'
    # One probe of the access index per row read, rather than a list of every shared secret first.
    anyone_with_access = fn.EXISTS(Access.select(Access.id).where(Access.secret == ApiSecret.id))
    if filters.shared == 'Yes':
        conditions.append(anyone_with_access)
    elif filters.shared == 'No':
        conditions.append(~anyone_with_access)
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


def _order(sort: str, descending: bool, reverse: bool = False) -> list:
    """The ORDER BY of a sort; with `reverse`, exactly the opposite order (to read a page from the other end).
    ValidationError at 'sort' for a column the list does not sort by."""
    terms = []
    for term in sort_key(sort, SORTS) + [ApiSecret.id]:
        # Never-used secrets (no Last use) come last both ways: `last_used_at IS NULL` first, ascending.
        expression, down = (ApiSecret.last_used_at.is_null(), False) if term is None else (term, descending)
        terms.append(expression.desc() if down != reverse else expression.asc())
    return terms


def _summaries(user: User, rows: list[ApiSecret]) -> list[ApiSecretSummary]:
    ids = [row.id for row in rows]
    shared = {row.secret_id for row in Access.select(Access.secret).where(Access.secret.in_(ids)).distinct()} \
        if ids else set()
    permissions = permissions_for_page(user, rows)
    return [ApiSecretSummary(id=row.id, name=row.name, url=row.url, tags=tags_of(row), shared=row.id in shared,
                             owner=row.owner.display_name, last_used_at=row.last_used_at, enabled=row.enabled,
                             permission=permissions[row.id]) for row in rows]



def _csv_row(row: tuple) -> tuple:
    secret_id, name, url, tags, shared, owner, last_used_at, enabled = row
    return (secret_id, name, url, ', '.join(tag for tag in (tags or '').split('\n') if tag),
            'Yes' if shared else 'No', owner, last_used_at or 'Never', 'Enabled' if enabled else 'Disabled')
