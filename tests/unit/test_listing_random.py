"""The list against a plain reference on random data, filters and constants (issue 8): every way of reading a page
(the few sorted, merged index ranges, per-owner reads, windows, walks, gathers, the counts) gives the rows, the order,
the total and `more` of filtering and sorting every visible secret here. A fixed seed: the same cases every run.
Written first by a reviewer of the list at scale, who found nothing with it; kept so that later changes are held to it.
"""
from __future__ import annotations

import datetime as dt
import random

import pytest

from store import api_secrets, listing, permissions, sharing
from store.errors import ValidationError
from store.models import Access, ApiSecret, User
from store.records import ApiSecretFilter

NAMES = ['alpha', 'Alpha', 'beta', 'gamma api', 'zeta', 'api key', 'Zed', 'mu', 'eta', 'theta']
ROUNDS = 120
CONSTANTS = {  # each round picks one value of each, small so that every way of reading is taken
    'COUNT_CAP': [1, 2, 3, 5, 8, 100], 'WINDOW_MIN': [1, 2, 4], 'WINDOW': [2, 3], 'WINDOW_MAX': [0, 4, 8, 32],
    'WALK_MAX': [0, 5, 10**9], 'SAMPLE': [1, 2, 5, 20], 'SCAN_MAX': [2, 4, 8, 20, 1000],
    'OWNERS_MAX': [0, 1, 2, 20], 'OWNED_MAX': [0, 10, 10**6], 'MERGED_MAX': [0, 6, 2000],
    'GATHER_MAX': [0, 4, 10**6], 'ENTRY_COST': [0, 1],
}


@pytest.fixture
def people(started_store, make_actor, add_secret):
    """Five people (two whose display names differ only in case), 45 secrets with repeated names, shares to view
    and to edit, disabled secrets, and Last use times that tie or are missing."""
    rnd = random.Random(1)
    users = [make_actor('alice', display_name='Alice'), make_actor('bob', display_name='Bob'),
             make_actor('bobby', display_name='bob'), make_actor('carol', display_name='Carol'),
             make_actor('dave', display_name='Dave o')]
    secrets = []
    for n in range(45):
        owner = rnd.choice(users[:1] * 2 + users[1:])
        secrets.append((add_secret(owner, name=rnd.choice(NAMES), url=f'https://app{rnd.randint(0, 5)}.example.com',
                                   tags=rnd.choice(['', 'team1', 'team2', 'api']), client_id=f'c{n}'), owner))
    for secret_id, owner in secrets:
        if owner is not users[0] and rnd.random() < 0.6:
            sharing.share(owner, [secret_id], {users[0].user_id: rnd.random() < 0.4})
        if owner is not users[1] and rnd.random() < 0.2:
            sharing.share(owner, [secret_id], {users[1].user_id: rnd.random() < 0.5})
        if rnd.random() < 0.3:
            api_secrets.set_enabled(owner, [secret_id], False)
        draw = rnd.random()
        if draw < 0.5:
            ApiSecret.update(last_used_at=dt.datetime(2026, 1, rnd.randint(1, 4), 12 if draw < 0.3 else 13)
                             ).where(ApiSecret.id == secret_id).execute()
    return users


def test_every_way_of_reading_a_page_gives_what_the_plain_way_gives(people, monkeypatch):
    rnd = random.Random(8)
    failures = []
    for number in range(ROUNDS):
        constants = {name: rnd.choice(values) for name, values in CONSTANTS.items()}
        for name, value in constants.items():
            monkeypatch.setattr(listing, name, value)
        monkeypatch.setattr(permissions, 'MANY', rnd.choice([1, 1, 10**6]))
        actor = rnd.choice(people[:1] * 3 + people[1:2])
        sort, descending = rnd.choice(list(listing.SORTS)), rnd.random() < 0.5
        search = rnd.choice(['', '', '', 'api', 'a', 'ALP', '  ', 'team1', 'zz'])
        only_enabled, filters, per_page = rnd.random() < 0.3, _random_filters(rnd), rnd.choice([1, 2, 3, 5])
        expected = _reference(actor.user_id, sort, descending, search, only_enabled, filters or ApiSecretFilter())
        got, counts = [], set()
        for page in range(1, len(expected) // per_page + 3):
            answer = api_secrets.list_api_secrets(actor, page=page, per_page=per_page, sort=sort,
                                                  descending=descending, search=search, only_enabled=only_enabled,
                                                  filters=filters)
            got += [item.id for item in answer.items]
            counts.add((answer.total, answer.more))
        cap = constants['COUNT_CAP']
        if got != expected or counts != {(min(len(expected), cap), len(expected) > cap)}:
            failures.append((number, constants, sort, descending, search, only_enabled, filters, expected, got))
    assert failures == []


@pytest.mark.parametrize('many', [1, 10**6])
def test_every_way_of_reading_refuses_filters_it_cannot_read_field_by_field(people, monkeypatch, many):
    monkeypatch.setattr(permissions, 'MANY', many)
    monkeypatch.setattr(listing, 'COUNT_CAP', 1)
    unreadable = [('id', ApiSecretFilter(id='abc')), ('enabled', ApiSecretFilter(enabled='Maybe')),
                  ('shared', ApiSecretFilter(shared='x')), ('name', ApiSecretFilter(name='x' * 300)),
                  ('owner', ApiSecretFilter(owner='x' * 300)), ('tags', ApiSecretFilter(tags='a\nb')),
                  ('last_use_from', ApiSecretFilter(last_use_from='2026-13-01')),
                  ('enabled', ApiSecretFilter(owner='bob', enabled='Maybe')),
                  ('id', ApiSecretFilter(name='api', id='abc'))]
    cases = [({'filters': filters}, field) for field, filters in unreadable] + [
        ({'search': 'x' * 300}, 'search'),
        ({'only_enabled': True, 'filters': ApiSecretFilter(enabled='maybe')}, 'enabled')]
    for sort in listing.SORTS:
        for arguments, field in cases:
            with pytest.raises(ValidationError) as refused:
                api_secrets.list_api_secrets(people[0], sort=sort, **arguments)
            assert field in refused.value.errors, (sort, arguments)


def _random_filters(rnd: random.Random) -> ApiSecretFilter | None:
    choices = {'name': (0.3, ['a', 'ALPHA', 'api', 'et', '  ', ' zeta ', 'e']), 'url': (0.2, ['app1', 'example', ' ']),
               'tags': (0.25, ['team', 'api', '2', '  ']),
               'owner': (0.4, ['alice', 'bob', 'o', 'a', 'BOB', '  ', 'carol', 'nobody', 'e']),
               'shared': (0.25, ['All', 'Yes', 'No']), 'enabled': (0.3, ['All', 'Yes', 'No', ' No', 'Yes ']),
               'last_use_from': (0.15, ['2026-01-02', ' ', '2026-01-01']),
               'last_use_until': (0.15, ['2026-01-03', '2026-01-02']), 'id': (0.05, [str(n) for n in range(1, 50)])}
    fields = {name: rnd.choice(values) for name, (chance, values) in choices.items() if rnd.random() < chance}
    return ApiSecretFilter(**fields) if fields or rnd.random() < 0.5 else None


def _reference(user_id: int, sort: str, descending: bool, search: str, only_enabled: bool,
               filters: ApiSecretFilter) -> list[int]:
    """Every secret the person may see, filtered and sorted here."""
    shares = {row.secret_id: row.can_edit for row in Access.select().where(Access.user == user_id)}
    people = {user.id: user for user in User.select()}
    rows = []
    for secret in ApiSecret.select():
        if not (secret.owner_id == user_id or secret.id in shares and (shares[secret.id] or secret.enabled)):
            continue
        texts = [secret.name.lower(), secret.url.lower(), (secret.tags or '').lower()]
        owner = people[secret.owner_id]
        shared = Access.select().where(Access.secret == secret.id).exists()
        assert bool(secret.shared) == shared  # the flag the triggers keep
        day = secret.last_used_at.date() if secret.last_used_at else None
        checks = [
            not search.strip() or any(search.strip().lower() in text for text in texts),
            not only_enabled or secret.enabled,
            not filters.id.strip() or secret.id == int(filters.id.strip()),
            not filters.name.strip() or filters.name.strip().lower() in texts[0],
            not filters.url.strip() or filters.url.strip().lower() in texts[1],
            not filters.tags.strip() or filters.tags.strip().lower() in texts[2],
            not filters.owner.strip() or filters.owner.strip().lower() in owner.display_name.lower()
            or filters.owner.strip().lower() in owner.username.lower(),
            {'Yes': shared, 'No': not shared}.get(filters.shared.strip(), True),
            {'Yes': secret.enabled, 'No': not secret.enabled}.get(filters.enabled.strip(), True),
            not filters.last_use_from.strip() or day is not None
            and day >= dt.date.fromisoformat(filters.last_use_from.strip()),
            not filters.last_use_until.strip() or day is not None
            and day <= dt.date.fromisoformat(filters.last_use_until.strip()),
        ]
        if all(checks):
            rows.append(secret)
    keys = {'id': lambda s: (), 'name': lambda s: (s.name.lower(),), 'url': lambda s: (s.url.lower(),),
            'owner': lambda s: (s.owner_key, s.owner_id), 'status': lambda s: (s.enabled,),
            'last_use': lambda s: (s.last_used_at or dt.datetime.min,)}
    rows.sort(key=lambda s: (*keys[sort](s), s.id), reverse=descending)
    if sort == 'last_use':  # never used last, both ways
        rows = [s for s in rows if s.last_used_at] + [s for s in rows if not s.last_used_at]
    return [s.id for s in rows]
