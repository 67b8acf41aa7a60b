#!/usr/bin/env python3
"""MySafe benchmarks (SPEC section 6). Prints its figures; README shows the latest run.

    .venv/bin/python bench/run.py [--secrets 100000] [--users 100]

Measures, on SQLite in a temporary data dir:
- the server-side reveal (decrypt + Last use + event), p50/p95 over 500 reveals;
- the list's first page, a sort and a search at 100 and at N secrets across the users, as the
  store serves them to the page (p50/p95 over 30 runs each), and the ratio between the two sizes;
- start-up of `python main.py` to the first page answering.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from store import api_secrets, config, runtime  # noqa: E402
from store.models import Access, ApiSecret, User, db  # noqa: E402
from store.passwords import hash_password  # noqa: E402
from store.records import Actor, ApiSecretInput  # noqa: E402
from tests.harness import AppServer  # noqa: E402


PASSWORD = 'benchmark password'  # every seeded user's


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--secrets', type=int, default=100_000)
    parser.add_argument('--users', type=int, default=100)
    args = parser.parse_args()
    print(f'machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}')
    small = _list_figures(100, 2)  # 2 users: user0 sees all 100, a full first page as at the large size
    large = _list_figures(args.secrets, args.users)
    for name in small:
        ratio = large[name][0] / small[name][0]
        print(f'list {name:<12} 100: p50 {small[name][0]:.2f} ms p95 {small[name][1]:.2f} ms | '
              f'{args.secrets}: p50 {large[name][0]:.2f} ms p95 {large[name][1]:.2f} ms | ratio {ratio:.2f}x')
    _reveal_figures()
    _startup_figures()


def _list_figures(count: int, users: int) -> dict[str, tuple[float, float]]:
    _fresh_store()
    actors = _seed(count, users)
    actor = actors[0]
    cases = {
        'first page': lambda: api_secrets.list_api_secrets(actor),
        'sort': lambda: api_secrets.list_api_secrets(actor, sort='last_use', descending=True),
        'search': lambda: api_secrets.list_api_secrets(actor, search='service 7'),
    }
    return {name: _percentiles(case, 30) for name, case in cases.items()}


def _reveal_figures() -> None:
    _fresh_store()
    actor = _seed(100, 2)[0]
    secret_id = api_secrets.list_api_secrets(actor).items[0].id
    p50, p95 = _percentiles(lambda: api_secrets.reveal_client_secret(actor, secret_id), 500)
    print(f'reveal (server side): p50 {p50:.2f} ms p95 {p95:.2f} ms (target p95 < 5 ms)')


def _startup_figures() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        server = AppServer(Path(data_dir))
        started = time.perf_counter()
        try:
            server.start()  # returns when the first page answers
            print(f'start-up to first page (new data dir): {time.perf_counter() - started:.2f} s (target < 3 s)')
        finally:
            server.stop()


def _fresh_store() -> None:
    runtime.stop()
    data_dir = tempfile.mkdtemp(prefix='mysafe-bench-')
    runtime.start(config.load_settings({'MYSAFE_DATA_DIR': data_dir}))


def _seed(count: int, users: int) -> list[Actor]:
    """`count` secrets spread over `users` owners, each shared with the next user; bulk-inserted."""
    password_hash = hash_password(PASSWORD)
    with db.atomic():
        User.insert_many([{'username': f'user{i}', 'username_key': f'user{i}', 'display_name': f'User {i}',
                           'password_hash': password_hash} for i in range(users)]).execute()
    ids = [user.id for user in User.select(User.id).order_by(User.id)]
    actors = [Actor(user_id) for user_id in ids]
    first = api_secrets.create_api_secret(actors[0], ApiSecretInput(
        name='template', url='https://api.example.com', client_id='id', client_secret='s'))
    template = ApiSecret.get_by_id(first)
    keyring = runtime.keyring()
    batch = []
    for n in range(1, count):
        owner = ids[n % users]
        batch.append({'owner': owner, 'name': f'Service {n}', 'url': f'https://api{n}.example.com/v1',
                      'client_id': f'client-{n}', 'method': 'POST', 'tags': f'team{n % 10}', 'created_by': owner,
                      'updated_by': owner, 'key_id': keyring.key_id,
                      'wrapped_data_key': template.wrapped_data_key, 'client_secret': None})
        if len(batch) == 5000:
            _insert(batch)
            batch = []
    if batch:
        _insert(batch)
    # Each secret is shared with the user after its owner, editing rights on every other one.
    shares = [(secret.id, ids[(ids.index(secret.owner_id) + 1) % users], secret.id % 2 == 0)
              for secret in ApiSecret.select(ApiSecret.id, ApiSecret.owner).where(ApiSecret.id != first)]
    with db.atomic():
        for start in range(0, len(shares), 5000):
            Access.insert_many(shares[start:start + 5000],
                               fields=[Access.secret, Access.user, Access.can_edit]).execute()
    return actors


def _insert(rows: list[dict]) -> None:
    with db.atomic():
        ApiSecret.insert_many(rows).execute()


def _percentiles(call, runs: int) -> tuple[float, float]:
    call()  # warm up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


if __name__ == '__main__':
    main()
