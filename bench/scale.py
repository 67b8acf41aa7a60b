#!/usr/bin/env python3
"""The list at scale (issue 8, SPEC section 6): server-side time of each list action for a person who sees
N API secrets, and for one who sees 2,000 of the same table. Prints its figures.

    .venv/bin/python bench/scale.py [--sizes 100,100000] [--backends sqlite,postgresql] [--runs 7]
                                    [--keep /tmp/scale-data] [--only 'sort owner'] [--who all|some]

With --keep, each data set is built once and kept (a data dir under that directory, and on PostgreSQL a
database named scale_100, scale_100k, scale_1m): later runs reuse it. Drop them with --forget.

For each size N the data set is built through store/ (bulk inserts, but every row is real: its own data key
wrapped by the master key, its client secret encrypted for its row, and one of them is revealed to prove it):
- `all` owns 60% of N and sees 40% of N shared by others; another 20% of N is others' that `all` cannot see;
- `some` owns 1,000 and sees 1,000 shared by others (2,000 in all), out of the same table.
Each action is `listing.list_api_secrets` as the pages call it (30 rows; the home: 60 enabled rows matching the
search); p50 of `--runs` calls after one warm-up call, in milliseconds, and the ratio to the smallest size.
"""
from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg2  # noqa: E402
from peewee import PostgresqlDatabase  # noqa: E402

from stores import fresh_store, kept_store  # noqa: E402
from store import api_secrets, listing, runtime  # noqa: E402
from store.secret_values import TABLE  # noqa: E402
from store.models import Access, ApiSecret, User, db, utcnow  # noqa: E402
from store.passwords import hash_password  # noqa: E402
from store.records import Actor, ApiSecretFilter  # noqa: E402

OTHERS = 50  # other owners
BATCH = 5000


def actions(visible: int) -> dict[str, dict]:
    """Each action as the arguments of list_api_secrets. The last page is the last one the list numbers: it
    counts up to listing.COUNT_CAP rows, and says "more" beyond."""
    last_page = max(1, -(-min(visible, listing.COUNT_CAP) // 30))
    cases: dict[str, dict] = {'open the list': {}}
    for sort in listing.SORTS:
        cases[f'sort {sort} asc'] = {'sort': sort}
        cases[f'sort {sort} desc'] = {'sort': sort, 'descending': True}
    cases.update({
        'filter id': {'filters': ApiSecretFilter(id='77')},
        'filter name': {'filters': ApiSecretFilter(name='service 12')},
        'filter url': {'filters': ApiSecretFilter(url='api12')},
        'filter tags': {'filters': ApiSecretFilter(tags='team3')},
        'filter owner': {'filters': ApiSecretFilter(owner='owner 7')},
        'filter shared yes': {'filters': ApiSecretFilter(shared='Yes')},
        'filter shared no': {'filters': ApiSecretFilter(shared='No')},
        'filter enabled no': {'filters': ApiSecretFilter(enabled='No')},
        'filter last use': {'filters': ApiSecretFilter(last_use_from='2026-01-01', last_use_until='2026-01-31')},
        'last numbered page (by name)': {'page': last_page},
        'home search': {'search': 'service 4242', 'only_enabled': True, 'per_page': 60},
        'home search, common text': {'search': 'api', 'only_enabled': True, 'per_page': 60},
        'home, no search': {'only_enabled': True, 'per_page': 60},
    })
    return cases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--sizes', default='100,100000')
    parser.add_argument('--backends', default='sqlite,postgresql')
    parser.add_argument('--runs', type=int, default=7)
    parser.add_argument('--keep', default='', help='a directory: build each data set once, keep and reuse it')
    parser.add_argument('--forget', action='store_true', help='with --keep: remove the kept data sets and stop')
    parser.add_argument('--only', default='', help='only the actions whose name holds one of these (comma-separated)')
    parser.add_argument('--who', default='all,some', help='all (sees every one), some (sees 2,000), or both')
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(',')]
    print(f'machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}')
    for backend in args.backends.split(','):
        results = {}
        for size in sizes:
            if args.keep:
                store = kept_store(backend, f'scale_{_label(size)}', args.keep)
                if args.forget:
                    store.forget()
                    continue
            else:
                store = fresh_store(backend)
            with store as built:
                if built is True:
                    everyone, some = _kept_actors()
                else:
                    started = time.perf_counter()
                    everyone, some = _seed(size)
                    print(f'{backend}: built {size} visible (+{size // 5 + 2000} more) in '
                          f'{time.perf_counter() - started:.0f} s', flush=True)
                    if args.keep:
                        store.mark_built()
                people = {'all': ('sees all', everyone, size), 'some': ('sees 2,000', some, 2000)}
                only = [name for name in args.only.split(',') if name]
                results[size] = {who: _measure(actor, visible, args.runs, only) for who, actor, visible in
                                 (people[key] for key in args.who.split(','))}
        if results:
            _print(backend, sizes, results)


def _label(size: int) -> str:
    return f'{size // 1_000_000}m' if size % 1_000_000 == 0 else f'{size // 1000}k' if size % 1000 == 0 else str(size)


def built(data_set: str, keep: str) -> tuple[kept_store, int]:
    """The kept store of `data_set` ('backend:size', as --keep built it), and its size; SystemExit when it is not
    built (the tools that reuse these data sets)."""
    backend, size = data_set.split(':')
    store = kept_store(backend, f'scale_{_label(int(size))}', keep)
    if not store.marker.exists():
        raise SystemExit(f'{store.data_dir} is not built: run bench/scale.py --keep {keep} first')
    return store, int(size)


def kept_actor(who: str) -> Actor:
    """`all` or `some` of the open kept store."""
    everyone, some = _kept_actors()
    return everyone if who == 'all' else some


def _kept_actors() -> tuple[Actor, Actor]:
    ids = {user.username: user.id for user in User.select(User.id, User.username)
           .where(User.username.in_(['all', 'some']))}
    db.close()
    return Actor(ids['all']), Actor(ids['some'])


def _measure(actor: Actor, visible: int, runs: int, only: list[str]) -> dict[str, float]:
    figures = {}
    for name, kwargs in actions(visible).items():
        if only and not any(part in name for part in only):
            continue
        def call(kwargs: dict = kwargs) -> None:
            runtime.unit_of_work(listing.list_api_secrets, actor, **kwargs)
        call()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        figures[name] = statistics.median(times)
    return figures


def _print(backend: str, sizes: list[int], results: dict) -> None:
    for who in results[sizes[0]]:
        print(f'\n{backend}, a person who {who} (p50 ms; ratio to {sizes[0]})')
        print('| action | ' + ' | '.join(f'{size:,}' for size in sizes) + ' |')
        print('|---|' + '---|' * len(sizes))
        for name in results[sizes[0]][who]:
            base = results[sizes[0]][who][name]
            cells = [f'{results[size][who][name]:.1f}' + ('' if size == sizes[0] else
                                                         f' ({results[size][who][name] / base:.2f}x)')
                     for size in sizes]
            print(f'| {name} | ' + ' | '.join(cells) + ' |')
    print(flush=True)


def _seed(size: int) -> tuple[Actor, Actor]:
    digest = hash_password('benchmark password')
    names = ['all', 'some'] + [f'owner{n}' for n in range(OTHERS)]
    with db.atomic():
        User.insert_many([{'username': name, 'username_key': name, 'display_name': name.replace('owner', 'Owner '),
                           'password_hash': digest} for name in names]).execute()
    ids = {user.username: user.id for user in User.select(User.id, User.username)}
    everyone, some, others = ids['all'], ids['some'], [ids[f'owner{n}'] for n in range(OTHERS)]
    owned, shared_in, hidden = size * 6 // 10, size - size * 6 // 10, size // 5
    rows = ([everyone] * owned + [others[n % OTHERS] for n in range(shared_in + hidden)] + [some] * 1000
            + [others[n % OTHERS] for n in range(1000)])
    first_id = _insert_secrets(rows)
    shares = [(first_id + owned + n, everyone, n % 2 == 0) for n in range(shared_in)]
    start_some = first_id + owned + shared_in + hidden + 1000
    shares += [(start_some + n, some, False) for n in range(1000)]
    with db.atomic():
        for start in range(0, len(shares), BATCH):
            Access.insert_many(shares[start:start + BATCH], fields=[Access.secret, Access.user, Access.can_edit]
                               ).execute()
    everyone_actor, some_actor = Actor(everyone), Actor(some)
    # Every row is real: the last one decrypts through the service.
    assert api_secrets.reveal_client_secret(some_actor, start_some + 999).startswith('sk_live_')
    db.close()
    if isinstance(db.obj, PostgresqlDatabase):
        _vacuum()
    return everyone_actor, some_actor


def _vacuum() -> None:
    """As autovacuum would after such a load: statistics, and the visibility map that index-only scans need.

    The data sets' databases commit without waiting for the disk (synchronous_commit = off), and VACUUM marks a page
    all-visible only once the commits of its rows are on disk: right after the load it left most pages of `access`
    unmarked (each share's probe in the Owner filter at a million then read the table too: 2,126 reads). ANALYZE
    here commits waiting for the disk, which writes out every commit before it; then VACUUM."""
    connection = psycopg2.connect(dbname=db.obj.database, **db.obj.connect_params)
    try:
        connection.autocommit = True  # VACUUM runs outside a transaction
        with connection.cursor() as cursor:
            cursor.execute('SET synchronous_commit = on')
            cursor.execute('ANALYZE')
            cursor.execute('VACUUM')
    finally:
        connection.close()


def _insert_secrets(owners: list[int]) -> int:
    """One API secret per owner in the list, ids assigned here so that each ciphertext is bound to its row."""
    keyring = runtime.keyring()
    first = (ApiSecret.select(ApiSecret.id).order_by(ApiSecret.id.desc()).scalar() or 0) + 1
    now = utcnow()
    batch = []
    for n, owner in enumerate(owners):
        secret_id = first + n
        data_key, wrapped = keyring.new_data_key(TABLE, secret_id)
        used = now.replace(month=1 + n % 12, day=1 + n % 28) if n % 3 else None
        batch.append({'id': secret_id, 'owner': owner, 'name': f'Service {n}', 'url': f'https://api{n}.example.com/v1',
                      'client_id': f'client-{n}', 'method': 'POST', 'tags': f'team{n % 10}\nregion{n % 7}',
                      'enabled': n % 17 != 0, 'created_by': owner, 'updated_by': owner, 'secret_set_by': owner,
                      'key_id': keyring.key_id, 'wrapped_data_key': wrapped, 'last_used_at': used,
                      'client_secret': keyring.encrypt(data_key, f'sk_live_{secrets.token_hex(12)}', TABLE,
                                                       secret_id, 'client_secret')})
        if len(batch) == BATCH:
            _insert(batch)
            batch = []
    if batch:
        _insert(batch)
    if isinstance(db.obj, PostgresqlDatabase):  # ids were given: move the sequence past them
        db.execute_sql("SELECT setval(pg_get_serial_sequence('api_secret', 'id'), (SELECT max(id) FROM api_secret))")
    return first


def _insert(rows: list[dict]) -> None:
    with db.atomic():
        ApiSecret.insert_many(rows).execute()


if __name__ == '__main__':
    main()
