"""The list when a person sees many secrets (issue 8): the ways it reads a large visible set (walking an index in
order, reading the last pages from the other end, counting up to a cap, text look-ups through an index) give
exactly the rows and the order the plain way gives. Small numbers stand in for the large ones."""
from __future__ import annotations

import datetime as dt
import sqlite3
import types

import pytest

from store import api_secrets, listing, permissions, sharing
from store.models import ApiSecret, User, db
from store.records import ApiSecretFilter, ApiSecretInput

SORTS = list(listing.SORTS)
PER_PAGE = 4


@pytest.fixture
def world(started_store, make_actor, add_secret):
    """alice owns 9 (two with the same name, some used, one disabled), sees 4 of bob's (one disabled that she
    may only view: hidden), and none of carol's."""
    alice, bob, carol = (make_actor('alice', display_name='Alice'), make_actor('bob', display_name='bob'),
                         make_actor('carol', display_name='Carol'))
    owned = [add_secret(alice, name=name, url=f'https://app{n}.example.com', tags=f'team{n % 3}')
             for n, name in enumerate(['Zeta', 'alpha', 'Beta', 'beta', 'Gamma "quoted"', 'Delta 100%', 'Eta',
                                       'theta', 'Iota'])]
    shared = [add_secret(bob, name=name, url=f'https://app{n}.example.org') for n, name in
              enumerate(['Kappa', 'lambda', 'Mu', 'Nu hidden'])]
    hidden = [add_secret(carol, name=name) for name in ['Alpha of carol', 'Xi']]
    sharing.share(bob, shared[:2], {alice.user_id: False})
    sharing.share(bob, shared[2:], {alice.user_id: True})
    sharing.share(bob, [shared[3]], {alice.user_id: False})
    api_secrets.set_enabled(bob, [shared[3]], False)  # a viewer does not see it disabled
    api_secrets.set_enabled(alice, [owned[6]], False)  # an owner does
    for n, secret_id in enumerate(owned[:5] + shared[:2]):
        ApiSecret.update(last_used_at=dt.datetime(2026, 1, 1 + n % 3, 12)).where(ApiSecret.id == secret_id).execute()
    return alice, owned, shared, hidden


def _every_page(actor, sort: str, descending: bool, **kwargs) -> tuple[list[int], int]:
    first = api_secrets.list_api_secrets(actor, sort=sort, descending=descending, per_page=PER_PAGE, **kwargs)
    ids = [item.id for item in first.items]
    for number in range(2, -(-first.total // PER_PAGE) + 1):
        page = api_secrets.list_api_secrets(actor, sort=sort, descending=descending, per_page=PER_PAGE, page=number,
                                            **kwargs)
        ids += [item.id for item in page.items]
    return ids, first.total


@pytest.mark.parametrize('descending', [False, True])
@pytest.mark.parametrize('sort', SORTS)
def test_walking_the_table_in_order_gives_the_rows_and_order_of_the_plain_way(world, monkeypatch, sort, descending):
    alice, owned, shared, _hidden = world
    plain, total = _every_page(alice, sort, descending)
    monkeypatch.setattr(permissions, 'MANY', 1)  # alice counts as seeing many: the other way of reading
    walked, walked_total = _every_page(alice, sort, descending)
    assert walked == plain
    assert total == walked_total == 12 == len(set(plain))
    assert set(plain) == set(owned) | set(shared[:3])


@pytest.mark.parametrize('sort', ['name', 'last_use', 'owner'])
def test_pages_past_the_middle_read_from_the_other_end_in_the_same_order(world, monkeypatch, sort):
    alice, *_ = world
    ids, _ = _every_page(alice, sort, False)
    reversed_ids, _ = _every_page(alice, sort, True)
    monkeypatch.setattr(permissions, 'MANY', 1)
    assert _every_page(alice, sort, False)[0] == ids
    # Never-used secrets come last both ways; among the used ones one order is the other reversed.
    used = {item.id for item in api_secrets.list_api_secrets(alice, per_page=50).items if item.last_used_at}
    if sort != 'last_use':
        assert reversed_ids == ids[::-1]
    else:
        assert [i for i in reversed_ids if i in used] == [i for i in ids if i in used][::-1]
        assert set(reversed_ids[len(used):]) == set(ids[len(used):]) == set(reversed_ids) - used


def test_names_sort_ignoring_case_and_ties_break_on_the_id_in_the_sort_direction(world):
    alice, *_ = world
    names = [item.name for item in api_secrets.list_api_secrets(alice, per_page=50).items]
    assert names[:4] == ['alpha', 'Beta', 'beta', 'Delta 100%']
    ascending = [item.id for item in api_secrets.list_api_secrets(alice, per_page=50).items]
    descending = [item.id for item in api_secrets.list_api_secrets(alice, per_page=50, descending=True).items]
    assert descending == ascending[::-1]


def test_the_count_stops_at_the_cap_and_says_there_are_more(world, monkeypatch):
    alice, *_ = world
    monkeypatch.setattr(listing, 'COUNT_CAP', 5)
    page = api_secrets.list_api_secrets(alice, per_page=3, page=2)
    assert (page.total, page.more) == (5, True)
    assert [item.name for item in page.items] == ['Delta 100%', 'Eta', 'Gamma "quoted"']
    monkeypatch.setattr(listing, 'COUNT_CAP', 12)
    assert (api_secrets.list_api_secrets(alice).total, api_secrets.list_api_secrets(alice).more) == (12, False)


@pytest.mark.parametrize('term, expected', [
    ('ALPHA', ['alpha']),  # carol's "Alpha of carol" is not alice's to see
    ('eta', ['Beta', 'beta', 'Eta', 'theta', 'Zeta']),  # name; case ignored
    ('"quoted"', ['Gamma "quoted"']),  # quotes are text, not search syntax
    ('100%', ['Delta 100%']),  # so is a percent sign
    ('0%', ['Delta 100%']),
    ('.example.org', ['Kappa', 'lambda', 'Mu']),  # the URL
    ('team2', ['Beta', 'Delta 100%', 'Iota']),  # a tag
    ('mu', ['Mu']),  # shorter than a trigram: read row by row, same answer
    ('a"', []),
])
def test_search_finds_a_part_of_the_name_url_or_tags_literally(world, term, expected):
    alice, *_ = world
    found = [item.name for item in api_secrets.list_api_secrets(alice, search=term, per_page=50).items]
    assert found == expected
    walked = [item.name for item in api_secrets.list_api_secrets(alice, filters=ApiSecretFilter(name=term),
                                                                 per_page=50).items]
    assert walked == [name for name in expected if term.lower() in name.lower()]


def test_the_text_look_up_follows_renames(world, add_secret):
    alice, owned, *_ = world
    details = api_secrets.get_api_secret(alice, owned[0])
    data = ApiSecretInput(name='Omega renamed', url='https://omega.example.com', client_id='c1')
    api_secrets.update_api_secret(alice, owned[0], data, details.version)
    assert [item.name for item in api_secrets.list_api_secrets(alice, search='zeta').items] == []
    assert [item.name for item in api_secrets.list_api_secrets(alice, search='omega ren').items] == ['Omega renamed']
    add_secret(alice, name='Omega two')
    assert [item.name for item in api_secrets.list_api_secrets(alice, search='OMEGA').items] == [
        'Omega renamed', 'Omega two']


FILTERED = {
    'none': {}, 'search': {'search': 'eta'}, 'search short': {'search': 'mu'},
    'name': {'filters': ApiSecretFilter(name='ETA')}, 'url': {'filters': ApiSecretFilter(url='.example.org')},
    'url app0': {'filters': ApiSecretFilter(url='app0')},  # alice's first secret, then one of bob's
    'tags': {'filters': ApiSecretFilter(tags='team2')}, 'owner': {'filters': ApiSecretFilter(owner='bob')},
    'owners': {'filters': ApiSecretFilter(owner='o')},  # bob and carol (whose secrets alice does not see)
    'own': {'filters': ApiSecretFilter(owner='alice')},
    'owners, tags': {'filters': ApiSecretFilter(owner='a', tags='1')},
    'shared yes': {'filters': ApiSecretFilter(shared='Yes')}, 'shared no': {'filters': ApiSecretFilter(shared='No')},
    'enabled no': {'filters': ApiSecretFilter(enabled='No')}, 'home': {'only_enabled': True},
}


def _pages_until_empty(actor, sort: str, descending: bool, **kwargs) -> list[int]:
    ids = []
    for number in range(1, 30):
        items = api_secrets.list_api_secrets(actor, sort=sort, descending=descending, per_page=PER_PAGE, page=number,
                                             **kwargs).items
        if not items:
            return ids
        ids += [item.id for item in items]
    raise AssertionError('more pages than rows')


def _reference(actor, sort: str, descending: bool, **kwargs) -> list[int]:
    """The straightforward way: every visible secret read, then filtered and sorted here."""
    every = api_secrets.list_api_secrets(actor, per_page=500, **kwargs).items
    key = {'id': lambda s: (), 'name': lambda s: (s.name.lower(),), 'url': lambda s: (s.url.lower(),),
           'owner': lambda s: (s.owner.lower(), _owner_ids[s.owner]), 'status': lambda s: (s.enabled,),
           'last_use': lambda s: (s.last_used_at is not None and s.last_used_at.timestamp(),)}[sort]
    ordered = sorted(every, key=lambda s: (*key(s), s.id), reverse=descending)
    if sort == 'last_use':  # never used last, both ways
        ordered = [s for s in ordered if s.last_used_at] + [s for s in ordered if not s.last_used_at]
    return [s.id for s in ordered]


_owner_ids: dict[str, int] = {}
defaults = types.SimpleNamespace(MANY=permissions.MANY, **{name: getattr(listing, name) for name in (
    'COUNT_CAP', 'WINDOW_MIN', 'WINDOW', 'WINDOW_MAX', 'WALK_MAX', 'SPLIT_MAX', 'SAMPLE', 'SCAN_MAX', 'ENTRY_COST',
    'OWNED_MAX', 'MERGED_MAX')})


@pytest.mark.parametrize('many', [False, True])
@pytest.mark.parametrize('descending', [False, True])
@pytest.mark.parametrize('sort', SORTS)
def test_reading_many_matches_in_index_order_gives_what_sorting_the_few_gives(world, monkeypatch, sort, descending,
                                                                             many):
    """Up to COUNT_CAP matches the page is sorted out of those found; beyond, it is looked for in the first rows of
    the sort's index, else gathered through the index that finds the matches, else walked to: every way gives the
    rows and order of the straightforward way."""
    alice, *_ = world
    _owner_ids.update({user.display_name: user.id for user in User.select()})
    for name, kwargs in FILTERED.items():
        # The reference reads alice's few secrets the way of whoever sees few, whichever way is tested.
        monkeypatch.setattr(permissions, 'MANY', defaults.MANY)
        expected = _reference(alice, sort, descending, **kwargs)
        if sort == 'last_use' and descending:  # the used ones newest first; the never-used by id, descending
            expected = _reference(alice, sort, True, **kwargs)
        if many:
            monkeypatch.setattr(permissions, 'MANY', 1)
        gathered = _pages_until_empty(alice, sort, descending, **kwargs)
        monkeypatch.setattr(listing, 'COUNT_CAP', 1)
        ways = [_pages_until_empty(alice, sort, descending, **kwargs)]  # in the first window
        # Small windows that may hold too few: then gathered through an index (no walk allowed), or walked to, or
        # read from the person's own rows and the shared ones apart (small windows of each, or all of them), or
        # gathered when those too hold too few.
        for window_max, walk_max, split_max in ((8, 0, 0), (8, 10**9, 0), (0, 0, 0), (0, 10**9, 0), (8, 0, 16),
                                                (0, 0, 10**9)):
            for constant, value in (('WINDOW_MIN', 1), ('WINDOW', 2), ('WINDOW_MAX', window_max),
                                    ('WALK_MAX', walk_max), ('SPLIT_MAX', split_max)):
                monkeypatch.setattr(listing, constant, value)
            ways.append(_pages_until_empty(alice, sort, descending, **kwargs))
        # A text counted row by row from the first rows in id order, when a sample of them says it is common.
        # An Owner filter read another way: its people own too many, or the page is too far to merge theirs.
        for constant, value in (('OWNED_MAX', 0), ('MERGED_MAX', 0)):
            monkeypatch.setattr(listing, constant, value)
            ways.append(_pages_until_empty(alice, sort, descending, **kwargs))
            monkeypatch.setattr(listing, constant, getattr(defaults, constant))
        # With 'url app0', the second scan ends short: not a count. The third: looked up in the text index instead
        # (PostgreSQL; the same scan on SQLite).
        for sample, scan_max, entry_cost in ((2, 8, 1), (1, 4, 1), (2, 8, 0)):
            for constant, value in (('SAMPLE', sample), ('SCAN_MAX', scan_max), ('ENTRY_COST', entry_cost)):
                monkeypatch.setattr(listing, constant, value)
            ways.append(_pages_until_empty(alice, sort, descending, **kwargs))
        for constant in ('COUNT_CAP', 'WINDOW_MIN', 'WINDOW', 'WINDOW_MAX', 'WALK_MAX', 'SPLIT_MAX', 'SAMPLE',
                         'SCAN_MAX', 'ENTRY_COST'):
            monkeypatch.setattr(listing, constant, getattr(defaults, constant))
        assert all(way == gathered for way in ways), name
        assert set(gathered) == set(expected), name
        if sort != 'last_use':
            assert gathered == expected, name


def test_a_common_text_counted_through_its_index_counts_only_what_the_person_sees(world, monkeypatch,
                                                                                  started_store):
    """On PostgreSQL a common text may be counted from its trigram index (listing.ENTRY_COST): the count holds only
    what the person sees (carol's "Alpha of carol" is not alice's), and when it finds no more than COUNT_CAP, they
    are every match."""
    if started_store.name != 'postgresql':
        pytest.skip('SQLite always scans: its trigram table took longer')
    alice, *_ = world
    monkeypatch.setattr(permissions, 'MANY', 1)
    # The first two rows (alice's Zeta and alpha) hold one match: common at these numbers, and the index is cheaper.
    for constant, value in (('COUNT_CAP', 1), ('SAMPLE', 2), ('SCAN_MAX', 8), ('ENTRY_COST', 0)):
        monkeypatch.setattr(listing, constant, value)
    answers, one_indexed_text = [], listing._one_indexed_text

    def recorded(*args):
        answers.append(one_indexed_text(*args))
        return answers[-1]
    monkeypatch.setattr(listing, '_one_indexed_text', recorded)
    page = api_secrets.list_api_secrets(alice, filters=ApiSecretFilter(name='ALPHA'))
    assert answers == [True]  # the index was asked
    assert ([item.name for item in page.items], page.total, page.more) == (['alpha'], 1, False)


def test_a_text_the_sample_thinks_rare_is_counted_whole_with_a_gather_max_below_the_count_cap(
        started_store, make_actor, add_secret, monkeypatch):
    """Regression: with GATHER_MAX below COUNT_CAP, a text that the first rows say is rare but that matches more than
    GATHER_MAX secrets (and fewer than COUNT_CAP) was gathered only up to GATHER_MAX: an empty page, a short total."""
    alice = make_actor('alice', display_name='Alice')
    for name in ['match 0', 'other 1', 'other 2', 'other 3', 'other 4', 'match 5', 'match 6', 'match 7', 'match 8',
                 'match 9']:
        add_secret(alice, name=name)
    monkeypatch.setattr(permissions, 'MANY', 1)
    # One match in the first five rows of ten: two expected, at most three gathered; not common enough to scan.
    for constant, value in (('COUNT_CAP', 8), ('GATHER_MAX', 3), ('SAMPLE', 5), ('SCAN_MAX', 10)):
        monkeypatch.setattr(listing, constant, value)
    page = api_secrets.list_api_secrets(alice, filters=ApiSecretFilter(name='match'), per_page=3)
    assert ([item.name for item in page.items], page.total, page.more) == (['match 0', 'match 5', 'match 6'], 6,
                                                                            False)


def test_the_owner_sort_follows_a_new_secret_and_a_renamed_owner(world, make_actor, add_secret):
    """The Owner sort reads each secret's copy of its owner's name (api_secret.owner_key), kept by triggers."""
    alice, *_ = world
    owners = [item.owner for item in api_secrets.list_api_secrets(alice, sort='owner', per_page=50).items]
    assert owners == sorted(owners, key=str.lower)
    User.update(display_name='Aaron').where(User.username == 'bob').execute()  # bob's secrets come first now
    add_secret(alice, name='Newest')
    items = api_secrets.list_api_secrets(alice, sort='owner', per_page=50).items
    assert [item.owner for item in items] == ['Aaron'] * 3 + ['Alice'] * 10
    assert items[-1].name == 'Newest'  # the highest id of alice's, last among hers
    assert ApiSecret.select().where(ApiSecret.owner_key.is_null()).count() == 0


def test_a_far_page_of_an_owner_filter_binds_no_more_ids_than_a_page_of_the_few(started_store, make_actor, add_secret,
                                                                               monkeypatch):
    """Regression: the Owner filter's pages merged every id up to the page's end, each bound as a parameter on
    SQLite, whose builds allow 32,766 (SQLITE_LIMIT_VARIABLE_NUMBER): page 501 of 500 rows failed with 'too many
    SQL variables'. Beyond MERGED_MAX ids the list reads the page another way. Small numbers stand in."""
    if started_store.name != 'sqlite':
        pytest.skip('a limit of SQLite')
    alice = make_actor('alice', display_name='Alice')
    for n in range(40):
        add_secret(alice, name=f'n{n:02d}')
    for constant, value in (('COUNT_CAP', 5), ('WINDOW_MIN', 4), ('WINDOW_MAX', 16), ('MERGED_MAX', 20)):
        monkeypatch.setattr(listing, constant, value)
    monkeypatch.setattr(permissions, 'MANY', 1)
    db.connection().setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 30)  # stands in for 32,766
    page = api_secrets.list_api_secrets(alice, filters=ApiSecretFilter(owner='alice'), per_page=5, page=7)
    assert [item.name for item in page.items] == [f'n{n}' for n in range(30, 35)]
