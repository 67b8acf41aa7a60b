"""The API secrets list: filtered, sorted and paged in the database, and exported as CSV.

Only what the actor may see is ever read (permissions.visible_to); client secrets never are.
"""
from __future__ import annotations

import io
from dataclasses import replace
from typing import NamedTuple, TextIO

from peewee import JOIN, SQL, Case, Ordering, PostgresqlDatabase, Select, fn

from . import text_search
from .accounts import acting_user, name_holds
from .errors import ValidationError
from .id_lists import as_rows, selected_ids
from .models import Access, ApiSecret, User, db
from .permissions import first_visible_ids, permission_of, sees_many, share_shows, visible_to
from .records import Actor, ApiSecretFilter, ApiSecretSummary, Page
from .tabular import day_range, paging, sort_key, stream, utc_text, write_csv
from .validation import run_checks, validate_filter_text

MAX_PER_PAGE = 500
# With more than COUNT_CAP matches, a page is looked for among the first rows of the sort's index: WINDOW times
# the rows up to the page's end, at least WINDOW_MIN (index entries are cheap to read; each row checked is not).
WINDOW, WINDOW_MIN, WINDOW_MAX = 4, 200, 3200  # WINDOW > 1: each window grows
WALK_MAX = 100_000  # beyond the windows, rows a walk may read to the page's end (at the share of matches seen)
SPLIT_MAX = 12_800  # rows read at most from each part of _split_page (the person's own, the shared), a window at a time
# A text's share of matches is read from the first SAMPLE rows; when common, a count reads up to SCAN_MAX rows.
SAMPLE, SCAN_MAX = 1000, 50_000
# On PostgreSQL, what reading an entry of a text index (GIN, trigrams) costs in rows checked by a scan: a common text
# is looked up in the index when its entries cost less than the scan. Not on SQLite: its trigram table took longer.
ENTRY_COST = 1
# An Owner filter naming at most OWNERS_MAX people, who own at most OWNED_MAX secrets in all, reads each one's
# secrets in the sort's order, up to the page's end, and sorts at most MERGED_MAX of them together.
OWNERS_MAX, OWNED_MAX, MERGED_MAX = 20, 50_000, 2_000
# A text whose share in that sample says it matches at most GATHER_MAX rows of the table has every match gathered and
# sorted in the statement that counts them (the page then comes from that statement even beyond COUNT_CAP).
GATHER_MAX = 20_000
COUNT_CAP = 2_000  # rows counted at most (67 pages of 30): beyond, the page says "more" (Page.more), not a number
CHOICES = ('All', 'Yes', 'No')
# The terms of each sort before the id that breaks ties; each list matches an index (migrations.INDEXES), so
# that a page is read from the index in order. `None` marks the term that keeps never-used secrets last.
SORTS = {
    'id': [], 'name': [fn.LOWER(ApiSecret.name)], 'url': [fn.LOWER(ApiSecret.url)],
    'owner': [ApiSecret.owner_key, ApiSecret.owner], 'last_use': [None, ApiSecret.last_used_at],
    'status': [ApiSecret.enabled],
}
# What the list shows of a secret (_shown), in this order, before its owner's name and the person's share.
SHOWN = (ApiSecret.id, ApiSecret.name, ApiSecret.url, ApiSecret.tags, ApiSecret.shared, ApiSecret.owner,
         ApiSecret.last_used_at, ApiSecret.enabled)
CSV_COLUMNS = ('ID', 'Name', 'URL', 'Tags', 'Shared', 'Owner', 'Last use', 'Status')


def list_api_secrets(actor: Actor, *, page: int = 1, per_page: int = 30, sort: str = 'name',
                     descending: bool = False, search: str = '', only_enabled: bool = False,
                     filters: ApiSecretFilter | None = None) -> Page:
    """One page of the secrets the actor may see, filtered, sorted and paged in the database.

    `total` counts up to COUNT_CAP rows; when there are more, it is COUNT_CAP and `more` is True (pages past
    it can still be asked for by number, or reached by reversing the sort).
    ValidationError at 'sort' for a column the list does not sort by.
    ValidationError (per filter field) when a filter cannot be read, e.g. an ID that is not a number.
    """
    user = acting_user(actor)
    page, per_page = paging(page, per_page, MAX_PER_PAGE)
    order = _order(sort, descending)
    search = _search_term(search)
    many = sees_many(user)
    offset = (page - 1) * per_page
    found = _found(user, many, search, only_enabled, filters, order, offset, per_page)
    total, more = min(found.count, COUNT_CAP), found.count > COUNT_CAP
    if found.rows is not None:  # sorted out of every match as they were counted, and read in the same statement
        rows = found.rows
    elif not more:  # a few: the page is sorted out of those found (the database sorts at most COUNT_CAP rows)
        rows = _rows_in_order(user, found.ids, order, offset, per_page)
    elif sort in ('id', 'status') and not (search.strip() or only_enabled or _filtered(filters)):
        # By ID (or Status: one state, then the other, each by ID), unfiltered: the first ids of the person's own
        # and of those shared with them, merged.
        needed = offset + per_page
        if sort == 'id':
            ids = first_visible_ids(user, descending, needed)
        else:
            ids = first_visible_ids(user, descending, needed, enabled=descending)
            ids += first_visible_ids(user, descending, needed - len(ids), enabled=not descending) \
                if len(ids) < needed else []
        rows = _rows_in_order(user, ids[offset:], order, 0, per_page)
    elif not many or not _selective(search, filters):
        # Many match, and either the visible secrets are gathered first already (permissions.visible_to) or no
        # index finds the matches: walk the sort's index, keeping the rows that match, to the end of the page.
        rows = _walk(user, _query(user, many, search, only_enabled, filters, owners=False, row_by_row=True), order,
                     offset, per_page, many=many)
    else:
        rows = _owners_page(user, search, only_enabled, filters, order, offset, per_page)
        if rows is None:
            checked = _query(user, many, search, only_enabled, filters, owners=False, row_by_row=True)
            rows = _selective_page(user, checked, order, offset, per_page)
            if rows is None:
                rows = _split_page(user, checked, order, offset, per_page)
        if rows is None:
            # Rare near the start of the sort: gather them all through the index that finds them (with the terms
            # of the sort, read from the same rows), sort those, and read the page's rows.
            rows, _ = _gathered_rows(user, _query(user, many, search, only_enabled, filters, owners=False), order,
                                     offset, per_page)
    return Page(items=[_summary(user, row) for row in rows], total=total, page=page, per_page=per_page, more=more)


class Found(NamedTuple):
    """What matches, read up to COUNT_CAP + 1 rows."""
    count: int
    ids: list[int]  # those rows' ids (empty when `rows` holds what the list needs)
    rows: list[tuple] | None = None  # the page (_shown's rows), sorted out of every match as they were read


def _found(user: User, many: bool, search: str, only_enabled: bool, filters: ApiSecretFilter | None, order: list,
           offset: int, limit: int) -> Found:
    """The secrets that match, up to COUNT_CAP + 1 of them (what the page counts).

    Filtered by no more than a state (the home, Enabled, the list unfiltered), whoever sees many reads the first of
    their own and of those shared with them, each from its own index range: a scan of the table in whatever order
    its rows lie would read every row of others it meets first. Otherwise through whichever index finds them
    soonest; for whoever sees many, with the terms of the sort: one statement counts them and sorts out the page
    (reading the few found again to sort them cost as much as finding them). ValidationError (per field) for
    filters that cannot be read, whichever way."""
    matching = _query(user, many, search, only_enabled, filters, owners=False)
    states = _states(search, only_enabled, filters)
    if many and states is not None:
        if len(states) == 2:
            return _ids(first_visible_ids(user, False, COUNT_CAP + 1))
        return _ids(first_visible_ids(user, False, COUNT_CAP + 1, enabled=states[0]) if states else [])
    if not many:  # gathered first already (permissions.visible_to, a CTE of their own)
        return _ids(selected_ids(matching.select(ApiSecret.id).limit(COUNT_CAP + 1)))
    if _text_asked(search, filters):
        common, expected = _common_matches(user, search, only_enabled, filters)
        if common is not None:
            return _ids(common)
        # Not when the sample saw none: a text absent from the oldest rows may be common in the newest.
        if 0 < expected <= GATHER_MAX:  # likely all gathered: the page's rows are read in the same statement
            cap = max(COUNT_CAP, GATHER_MAX) + 1
            rows, count = _gathered_rows(user, matching, order, offset, limit, cap=cap)
            return Found(min(count, COUNT_CAP + 1), [], rows if count < cap else None)
    page, count = _gathered(matching, order, offset, limit, cap=COUNT_CAP + 1)
    return Found(count, [], _rows_in_order(user, page, order, 0, limit) if count <= COUNT_CAP else None)


def _ids(ids: list[int]) -> Found:
    return Found(len(ids), ids)


def _common_matches(user: User, search: str, only_enabled: bool, filters: ApiSecretFilter | None
                    ) -> tuple[list[int] | None, float]:
    """COUNT_CAP + 1 matches of a common text, read row by row from about the first SCAN_MAX rows in id order; None
    when the first SAMPLE rows say the text is too rare for that, or the scan did not find that many. And the matches
    the table would hold at that sample's share (the highest id counting the rows: never fewer).

    A text index answers a common text slowly: its trigrams (`api`, `ser`) are in most rows, so the database reads
    lists of a million entries (0.4 s for the home's Search 'api' at a million). A few thousand rows read in order
    hold the matches sooner."""
    def row_by_row():
        return _query(user, True, search, only_enabled, filters, owners=False, row_by_row=True)

    first, sample_end, highest = db.execute(Select(columns=[
        ApiSecret.select(fn.MIN(ApiSecret.id)), _nth_id(SAMPLE), ApiSecret.select(fn.MAX(ApiSecret.id))])).fetchone()
    if highest is None:
        return None, 0
    # The first SAMPLE rows as a range of ids (`id IN (the first ids)` looked each row up again: 2.1 -> 1 ms).
    sample_end = sample_end or highest  # a table shorter than the sample: all of it
    hits = row_by_row().where(ApiSecret.id <= sample_end).count()
    expected = hits / SAMPLE * highest
    if hits * SCAN_MAX < 2 * (COUNT_CAP + 1) * SAMPLE:  # at this share, the scan would likely end short
        return None, expected
    if _one_indexed_text(search, filters) and expected * ENTRY_COST < (COUNT_CAP + 1) * SAMPLE / hits:
        # The text index's entries cost less than the rows the scan would read to count them (the text in a tenth of
        # 100,000 rows: 12,200 entries against 20,000 rows, 6.6 against 12.4 ms; at a million, 122,000 entries).
        return selected_ids(_query(user, True, search, only_enabled, filters, owners=False).select(ApiSecret.id)
                            .limit(COUNT_CAP + 1)), expected
    # About the first SCAN_MAX rows, as the ids the sample's span holds that many times over (reading the
    # SCAN_MAX-th id from the index cost 4.5 ms); the scan stops sooner, at the matches it counts. Where the first
    # ids are sparse (many of the oldest secrets removed), that span says nothing of the rest: the id is read.
    span = sample_end - first + 1
    last = first + span * SCAN_MAX // SAMPLE - 1 if span <= 2 * SAMPLE else _nth_id(SCAN_MAX).scalar() or highest
    scan = row_by_row().select(ApiSecret.id).order_by(ApiSecret.id).limit(COUNT_CAP + 1)
    found = selected_ids(scan.where(ApiSecret.id <= last) if last < highest else scan)
    return (found if len(found) > COUNT_CAP or last >= highest else None), expected


def _one_indexed_text(search: str, filters: ApiSecretFilter | None) -> bool:
    """Whether one trigram index (PostgreSQL's) answers the only text asked: one filter field (the Search looks in
    three indexes), of a term with a trigram (a shorter one reads the whole index)."""
    texts = [text.strip() for text in (filters.name, filters.url, filters.tags) if text.strip()] if filters else []
    return (isinstance(db.obj, PostgresqlDatabase) and not search.strip() and len(texts) == 1
            and len(texts[0]) >= text_search.MIN_INDEXED)


def _nth_id(n: int):
    """The id of the table's n-th row in id order (none past the last row)."""
    return ApiSecret.select(ApiSecret.id).order_by(ApiSecret.id).offset(n - 1).limit(1)


def _text_asked(search: str, filters: ApiSecretFilter | None) -> bool:
    return bool(search.strip()) or filters is not None and any(
        text.strip() for text in (filters.name, filters.url, filters.tags))


def _states(search: str, only_enabled: bool, filters: ApiSecretFilter | None) -> tuple[bool, ...] | None:
    """The states (enabled: True, disabled: False) asked for, when nothing else is; None when more is asked for.
    Called after the filters were checked."""
    enabled = filters.enabled.strip() if filters is not None else 'All'
    if search.strip() or (filters is not None and _filtered(replace(filters, enabled='All'))):
        return None
    states = {'All': (True, False), 'Yes': (True,), 'No': (False,)}[enabled]
    return tuple(state for state in states if state or not only_enabled)


def write_api_secrets_csv(actor: Actor, out: TextIO, *, sort: str = 'name', descending: bool = False,
                          filters: ApiSecretFilter | None = None) -> int:
    """Write every secret the list shows with these filters to `out` as CSV, row by row from one ordered
    query (nothing held in memory but a batch of rows); never a client secret. Returns the number of rows.

    Cells that a spreadsheet would run as a formula are prefixed with an apostrophe. Filters are checked
    before anything is written (ValidationError per field).
    """
    user = acting_user(actor)
    query = _query(user, None, '', False, filters).order_by(*_order(sort, descending))
    query = query.select(ApiSecret.id, ApiSecret.name, ApiSecret.url, ApiSecret.tags, ApiSecret.shared,
                         User.display_name, utc_text(ApiSecret.last_used_at), ApiSecret.enabled)
    return write_csv(out, CSV_COLUMNS, map(_csv_row, stream(query)))


def export_api_secrets_csv(actor: Actor, *, sort: str = 'name', descending: bool = False,
                           filters: ApiSecretFilter | None = None) -> str:
    """The same CSV as text (small exports; write_api_secrets_csv streams into a file)."""
    out = io.StringIO()
    write_api_secrets_csv(actor, out, sort=sort, descending=descending, filters=filters)
    return out.getvalue()


def tags_of(secret: ApiSecret) -> list[str]:
    return _tag_list(secret.tags)


def _tag_list(tags: str | None) -> list[str]:
    return [tag for tag in (tags or '').split('\n') if tag]


def _rows_in_order(user: User, ids: list[int], order: list, offset: int, limit: int) -> list[tuple]:
    """The page of these secrets in this order (_shown's rows): the database reads these rows, then sorts them.
    The first term of the order (the same for every row) comes from the list of ids, so that no planner walks a
    sort index through the whole table to meet them."""
    if not ids:
        return []
    found = as_rows(ids).cte('found', columns=('id',), materialized=True)
    return list(_shown(user, ApiSecret.select().with_cte(found).join(found, on=(ApiSecret.id == found.c.id)))
                .order_by(found.c.id.is_null(), *order).offset(offset).limit(limit))


def _walk(user: User, matching, order: list, offset: int, limit: int, many: bool = True) -> list[tuple]:
    """The page read in the sort's order from the matching rows (_shown's rows).

    A page past the first, for whoever sees many (a walk of the table): the page's ids and sort terms first, which
    the sort's index holds with what the walk checks on each row it passes (migrations.WALK_CHECKS), then those
    rows. Read in one statement with the rest, PostgreSQL read every row passed from the table to check it (the
    last numbered page by Name at 100,000: 20,060 rows for 30, 12.9 -> 6.5 ms); for the first page, which passes
    few, the statement it adds cost more (0.3-0.4 ms). Otherwise in one statement (the few are a CTE of
    `matching`'s own, which a CTE around it would not hold)."""
    if not (many and offset):
        return list(_shown(user, matching).order_by(*order).offset(offset).limit(limit))
    names, terms = _terms(order)
    page = (matching.select(ApiSecret.id, *terms).order_by(*order).offset(offset).limit(limit)
            .cte('page', columns=('id', *names), materialized=True))
    return list(_page_rows(user, page, names, order))


def _page_rows(user: User, page, names: list[str], order: list, *ctes):
    """_shown's rows of the secrets a CTE of the page holds (reading `ctes` too), in `order` on the terms it holds
    under `names`."""
    return (_shown(user, ApiSecret.select().with_cte(*ctes, page).join(page, on=(ApiSecret.id == page.c.id)))
            .order_by(*_ordered_by(page, names, order)))


def _shown(user: User, query):
    """`query`'s secrets as tuples of what the list shows of each (SHOWN), with the owner's name and the person's
    share of the secret read in the same statement: never the client secret, its key or the notes (reading every
    column into a model cost more than the look-up of a filter's page)."""
    share = Access.alias('share')
    # Visible still (ids found a moment ago may be read here: a share removed since then leaves the page). A CASE,
    # not an OR of the two tables' columns: PostgreSQL planned the OR in 1.4 ms against 0.4 (api_secret's indexes
    # weighed for each arm), more than it took to read the page's rows.
    shows = Case(None, ((ApiSecret.owner == user.id, True),), share.id.is_null(False) & share_shows(share))
    return (query.select(*SHOWN, User.display_name, share.can_edit)
            .join_from(ApiSecret, User, on=(ApiSecret.owner == User.id))
            .join_from(ApiSecret, share, JOIN.LEFT_OUTER, on=(share.secret == ApiSecret.id) & (share.user == user.id))
            .where(shows).tuples())


def _gathered(matching, order: list, offset: int, limit: int, cap: int) -> tuple[list[int], int]:
    """The ids of one page of the first `cap` matches, sorted on the terms of `order` gathered with them, and how many
    were gathered."""
    gathered, keys, count = _gathering(matching, order, cap)
    rows = db.execute(gathered.select_from(gathered.c.id, count).order_by(*keys).offset(offset).limit(limit)
                      ).fetchall()
    return [row[0] for row in rows], rows[0][1] if rows else _count(gathered)


def _gathered_rows(user: User, matching, order: list, offset: int, limit: int, cap: int | None = None
                   ) -> tuple[list[tuple], int]:
    """`_gathered`, with the page's rows (_shown's) read in the same statement (a second one cost a round trip and a
    plan: for where the page is likely among those gathered). Without `cap`, every match is gathered, and past the
    last page the count is 0 (not counted)."""
    gathered, keys, count = _gathering(matching, order, cap)
    names = [key.node.name for key in keys]
    page = (gathered.select_from(gathered.c.id, *(key.node for key in keys), count.alias('total'))
            .order_by(*keys).offset(offset).limit(limit).cte('page', columns=('id', *names, 'total'),
                                                              materialized=True))
    rows = list(_page_rows(user, page, names, order, gathered).select_extend(page.c.total))
    return [row[:-1] for row in rows], rows[0][-1] if rows else _count(gathered) if cap else 0


def _gathering(matching, order: list, cap: int | None):
    """The matches (the first `cap`, when given) with the terms of `order`, as a CTE; its ORDER BY; and its count, as a
    subquery of a statement that holds the CTE."""
    names, terms = _terms(order)
    query = matching.select(ApiSecret.id, *terms)
    gathered = (query.limit(cap) if cap else query).cte('gathered', columns=('id', *names), materialized=True)
    return gathered, _ordered_by(gathered, names, order), Select([gathered], [fn.COUNT(SQL('*'))])


def _terms(order: list) -> tuple[list[str], list]:
    """The terms of `order` (the expressions it sorts on) and the names a CTE gives them."""
    return [f'key{n}' for n in range(len(order))], [term.node for term in order]


def _ordered_by(cte, names: list[str], order: list) -> list:
    """`order`, on the terms a CTE holds under `names`."""
    return [Ordering(getattr(cte.c, name), term.direction) for name, term in zip(names, order)]


def _count(gathered) -> int:
    """How many a gathering holds, in a statement of its own (for a page past the last, which held no row to say it)."""
    return db.execute(gathered.select_from(fn.COUNT(SQL('*')))).fetchone()[0]


def _selective_page(user: User, matching, order: list, offset: int, limit: int) -> list[tuple] | None:
    """The page read from the first rows of the sort's index, or None when they hold too few matches to say that
    walking on is cheaper than gathering every match (_window_matches)."""
    needed = offset + limit
    in_order, read, done = _window_matches(matching, order, needed)
    if done:
        page = in_order[offset:needed]
        rows = {row[0]: row for row in _shown(user, ApiSecret.select().where(ApiSecret.id.in_(page)))}
        return [rows[secret_id] for secret_id in page if secret_id in rows]
    if in_order and needed * read / len(in_order) <= WALK_MAX:  # at the share seen, a walk to the page is short
        return _walk(user, matching, order, offset, limit)
    return None


def _window_matches(matching, order: list, needed: int, within=None, most: int = WINDOW_MAX
                    ) -> tuple[list[int], int, bool]:
    """The ids of the matches among the first rows of the sort's index (of the rows `within` selects), in order:
    the ids come in order from the index alone, a window at a time (WINDOW times what the page needs, then WINDOW
    times more, up to `most` rows); one look-up a window says which of its rows match. Returns those ids, the rows
    read, and whether that is all the page needs (`needed` of them, or every match: the rows ended); it stops short
    when, at the share seen, not even the last window would hold them."""
    source = ApiSecret.select(ApiSecret.id)
    if within is not None:
        source = source.where(within)
    size, read, in_order = max(WINDOW_MIN, WINDOW * needed), 0, []
    while size <= most:
        window = selected_ids(source.order_by(*order).offset(read).limit(size - read))
        found = set(selected_ids(matching.select(ApiSecret.id).where(ApiSecret.id.in_(as_rows(window))))) \
            if window else set()
        in_order += [secret_id for secret_id in window if secret_id in found]
        read += len(window)
        if len(in_order) >= needed or read < size:  # the page is there, or the rows ended
            return in_order, read, True
        size *= WINDOW
        if len(in_order) * min(size, most) < needed * read:  # at the share seen, not even the last window
            break
    return in_order, read, False


def _split_page(user: User, matching, order: list, offset: int, limit: int) -> list[tuple] | None:
    """For whoever sees many, when the first rows of the sort are others' they cannot see (the windows of
    _selective_page found no match there: by Last use, newest first, at a million the 200 newest were others'): the
    person's own matches and the shared ones, each read a window at a time from an index of its own rows in the
    sort's order ((owner, sort terms); the shared rows' (sort terms)), up to SPLIT_MAX rows each, then the page
    sorted out of both. None when either part holds too few matches in that many rows (the text is rare there)."""
    needed = offset + limit
    ids: set[int] = set()
    # The shared part first: where others' rows shared with others lead the sort, it is the one that gives up.
    for within, part_order in ((ApiSecret.shared == True, order),  # noqa: E712
                               (ApiSecret.owner == user.id, _within_one_owner(order))):
        in_order, _, done = _window_matches(matching, part_order, needed, within=within, most=SPLIT_MAX)
        if not done:
            return None
        ids.update(in_order[:needed])
    return _rows_in_order(user, list(ids), order, offset, limit)


def _owners_page(user: User, search: str, only_enabled: bool, filters: ApiSecretFilter | None, order: list,
                 offset: int, limit: int) -> list[tuple] | None:
    """With an Owner filter that names at most OWNERS_MAX people: the first rows of each one's secrets in the sort's
    order, read from an index of (owner, sort terms) and stopping at the page's end, then sorted together. None
    without an Owner filter, or when it names more people, when they own more than OWNED_MAX secrets in all (each
    one's rows are read until the page's end: all of them, when the person sees none), or when the page is so far
    that more than MERGED_MAX rows would be sorted together."""
    if filters is None or not filters.owner.strip():
        return None
    owners = selected_ids(_owners_named(filters.owner).limit(OWNERS_MAX + 1))
    needed = offset + limit
    if len(owners) > OWNERS_MAX or needed * len(owners) > MERGED_MAX or ApiSecret.select(ApiSecret.id).where(
            ApiSecret.owner.in_(owners)).limit(OWNED_MAX + 1).count() > OWNED_MAX:
        return None
    within = _within_one_owner(order)
    ids = [secret_id for owner in owners for secret_id in selected_ids(
        _query(user, True, search, only_enabled, filters, owners=False, row_by_row=True)
        .where(ApiSecret.owner == owner).select(ApiSecret.id).order_by(*within).limit(needed))]
    return _rows_in_order(user, ids, order, offset, limit)


def _within_one_owner(order: list) -> list:
    """`order` among one owner's rows: their owner's name and id are the same on all of them, the rest orders them
    (and an index of (owner, the rest) serves it)."""
    return [term for term in order if term.node is not ApiSecret.owner_key and term.node is not ApiSecret.owner]


def _owners_named(text: str):
    """The people whose display name or username holds `text` (ignoring case): the Owner filter."""
    return User.select(User.id).where(name_holds(text.strip().lower()))


def _filtered(filters: ApiSecretFilter | None) -> bool:
    return filters is not None and filters != ApiSecretFilter()


def _selective(search: str, filters: ApiSecretFilter | None) -> bool:
    """Whether an index finds the matching secrets (text, owner) rather than the sort walking to them."""
    return bool(search.strip()) or filters is not None and any(
        text.strip() for text in (filters.name, filters.url, filters.tags, filters.owner))


def _query(user: User, many: bool | None, search: str, only_enabled: bool, filters: ApiSecretFilter | None,
           owners: bool = True, row_by_row: bool = False):
    """The visible secrets that match; `row_by_row`: text conditions checked on each row (text_search)."""
    many = sees_many(user) if many is None else many
    # Among the few secrets of whoever sees few (gathered first), a text is checked on each: cheaper than looking up
    # every match of a common text in the whole table.
    row_by_row = row_by_row or not many
    query = visible_to(user, owners, many, found_first=not row_by_row and _text_asked(search, filters))
    if only_enabled:
        query = query.where(ApiSecret.enabled == True)  # noqa: E712
    term = _search_term(search)
    if term.strip():
        query = query.where(text_search.any_contains(term, row_by_row, among_few=not many))
    if filters is not None:
        for condition in _conditions(filters, row_by_row, among_few=not many):
            query = query.where(condition)
        if many and filters.owner.strip() and not _named(user, filters.owner):
            # Others' secrets show only when shared: said outright, so that the indexes of one owner's shared rows
            # serve the Owner filter (at a million, 4,000 of the owner's unshared rows were read first).
            query = query.where(ApiSecret.shared)
    return query


def _named(user: User, text: str) -> bool:
    """Whether the Owner filter `text` names the person themself (as _owners_named finds people); asked once per
    list call (the person's model is read anew for each call) however many queries the call builds."""
    answers = vars(user).setdefault('_named_by_owner_filter', {})
    if text not in answers:
        answers[text] = _owners_named(text).where(User.id == user.id).exists()
    return answers[text]


def _search_term(search: object) -> str:
    """The search as typed, checked (one line, within the limit); ValidationError at 'search' otherwise."""
    return run_checks({'search': (lambda value: validate_filter_text(value, 'Search'), search)})['search']


def _conditions(filters: ApiSecretFilter, row_by_row: bool = False, among_few: bool = False) -> list:
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
            conditions.append(text_search.contains(column, text, row_by_row, among_few))
    if filters.owner.strip():  # the owners first (a few users), then their secrets through the owner index
        conditions.append(ApiSecret.owner.in_(_owners_named(filters.owner)))
    for field, value in (('shared', filters.shared), ('enabled', filters.enabled)):
        if value not in CHOICES:
            errors[field] = 'Choose All, Yes or No'
    # The flag the access triggers keep (share_flag); written bare, as the partial indexes of the shared rows say it.
    if filters.shared == 'Yes':
        conditions.append(ApiSecret.shared)
    elif filters.shared == 'No':  # a row an older MySafe added has no flag (NULL) until it is shared
        conditions.append(ApiSecret.shared.is_null() | ~ApiSecret.shared)
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
    """The ORDER BY of a sort. ValidationError at 'sort' for a column the list does not sort by."""
    terms = []
    for term in sort_key(sort, SORTS) + [ApiSecret.id]:
        # Never-used secrets (no Last use) come last both ways: `last_used_at IS NULL` first, ascending.
        expression, down = (ApiSecret.last_used_at.is_null(), False) if term is None else (term, descending)
        terms.append(expression.desc() if down else expression.asc())
    return terms


def _summary(user: User, row: tuple) -> ApiSecretSummary:
    """A row of _shown as the list's summary; the person's permission from the owner and their share (_shown reads
    only their own secrets and those with a share that shows them: never without a permission)."""
    secret_id, name, url, tags, shared, owner_id, last_used_at, enabled, owner, can_edit = row
    return ApiSecretSummary(id=secret_id, name=name, url=url, tags=_tag_list(tags), shared=bool(shared), owner=owner,
                            last_used_at=last_used_at, enabled=enabled,
                            permission=permission_of(user.id, owner_id, can_edit))


def _csv_row(row: tuple) -> tuple:
    secret_id, name, url, tags, shared, owner, last_used_at, enabled = row
    return (secret_id, name, url, ', '.join(_tag_list(tags)), 'Yes' if shared else 'No', owner,
            last_used_at or 'Never', 'Enabled' if enabled else 'Disabled')
