#!/usr/bin/env python3
"""A 200,000-event audit export, and what it costs everyone else (issue 7, item 9). Prints its figures.

    .venv/bin/python bench/export.py [--events 200000] [--backends sqlite,postgresql]

On SQLite (temporary data dir) and on PostgreSQL (a fresh database on 127.0.0.1:5432, dropped afterwards):
- the time of `audit.write_events_csv` for every event into a file, in a unit of work on a worker thread,
  and the time to its first byte;
- another session's list call (`list_api_secrets`, first page, in its own worker thread as the pages run it)
  on an idle server, and while the export runs: p50/p95 and the ratio (target <= 2x);
- PostgreSQL: the time for a store call to succeed again after every backend of the database is terminated
  (`pg_terminate_backend`, as a restart or fail-over does).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from stores import fresh_store  # noqa: E402
from store import api_secrets, audit, events, runtime  # noqa: E402
from store.models import Event, User, db  # noqa: E402
from store.passwords import hash_password  # noqa: E402
from store.records import Actor, ApiSecretInput  # noqa: E402
from tests.postgres import terminate_backends  # noqa: E402



def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--events', type=int, default=200_000)
    parser.add_argument('--backends', default='sqlite,postgresql')
    args = parser.parse_args()
    print(f'machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}')
    for backend in args.backends.split(','):
        with fresh_store(backend) as url:
            _run(backend, url, args.events)


def _run(backend: str, url: str, count: int) -> None:
    admin, other = _seed(count)
    with ThreadPoolExecutor(4) as workers:
        def page() -> float:
            started = time.perf_counter()
            workers.submit(runtime.unit_of_work, api_secrets.list_api_secrets, other).result()
            return (time.perf_counter() - started) * 1000

        idle = [page() for _ in range(40)]
        first_byte, done = [], threading.Event()
        with tempfile.TemporaryFile('w+', newline='') as out:
            timed = _TimedFile(out, first_byte)
            started = time.perf_counter()
            export = workers.submit(_export, admin, timed, done)
            busy = []
            while not done.is_set():
                busy.append(page())
                time.sleep(0.02)  # a person clicking, not a loop hammering the server
            rows = export.result()
            seconds = time.perf_counter() - started
            size = out.tell()
        p50i, p95i = _p(idle)
        p50b, p95b = _p(busy)
        print(f'{backend}: export of {rows} events: {seconds:.2f} s ({size / 2**20:.1f} MiB, first byte after '
              f'{(first_byte[0] - started) * 1000:.0f} ms; target < 5 s)')
        print(f"{backend}: another session's list call idle p50 {p50i:.1f} ms p95 {p95i:.1f} ms | during the export "
              f'p50 {p50b:.1f} ms p95 {p95b:.1f} ms ({len(busy)} calls) | ratio p50 {p50b / p50i:.2f}x '
              f'(target <= 2x)')
        if backend == 'postgresql':
            _reconnect(url, other, workers)
    runtime.stop()


def _export(admin: Actor, out, done: threading.Event) -> int:
    try:
        return runtime.unit_of_work(audit.write_events_csv, admin, out)
    finally:
        done.set()


def _reconnect(url: str, actor: Actor, workers: ThreadPoolExecutor) -> None:
    """Terminate every backend, then call until a call succeeds; the first call should already."""
    for _ in range(8):  # idle connections in the pool, each about to be dropped
        workers.submit(runtime.unit_of_work, api_secrets.list_api_secrets, actor).result()
    name = url.rsplit('/', 1)[1]
    killed = terminate_backends(name)
    started, failures = time.perf_counter(), 0
    while True:
        try:
            workers.submit(runtime.unit_of_work, api_secrets.list_api_secrets, actor).result()
            break
        except Exception:  # noqa: BLE001 - counted and retried, as a person would
            failures += 1
    print(f'postgresql: after terminating {killed} backends, a store call succeeded in '
          f'{(time.perf_counter() - started) * 1000:.1f} ms, {failures} failed call(s) before it')


def _seed(count: int) -> tuple[Actor, Actor]:
    """An administrator, and another user with 100 API secrets; `count` events, bulk-inserted (real rows of the
    audit's own table, as events.record writes them)."""
    digest = hash_password('benchmark password')
    with db.atomic():
        User.insert_many([{'username': name, 'username_key': name, 'display_name': name.title(),
                           'password_hash': digest, 'is_admin': name == 'root'} for name in ('root', 'alice')]
                         ).execute()
    admin, other = (Actor(user.id) for user in User.select(User.id).order_by(User.id))
    for n in range(100):
        api_secrets.create_api_secret(other, ApiSecretInput(name=f'Service {n}', url=f'https://api{n}.example.com',
                                                            client_id=f'client-{n}', client_secret='s'))
    start = dt.datetime(2026, 1, 1)
    batch = []
    for n in range(count):
        batch.append({'at': start + dt.timedelta(seconds=n), 'user': other.user_id, 'username': 'alice',
                      'action': events.ACTIONS[n % len(events.ACTIONS)], 'item_type': events.API_SECRET,
                      'item_id': n % 100 + 1, 'item_name': f'Service {n % 100}', 'details': 'Client secret',
                      'ip': '203.0.113.7', 'user_agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156'})
        if len(batch) == 5000:
            with db.atomic():
                Event.insert_many(batch).execute()
            batch = []
    if batch:
        with db.atomic():
            Event.insert_many(batch).execute()
    db.close()
    return admin, other


class _TimedFile:
    """A file that notes when the first byte reaches it."""

    def __init__(self, out, first: list[float]) -> None:
        self.out, self.first = out, first

    def write(self, text: str) -> int:
        if not self.first:
            self.first.append(time.perf_counter())
        return self.out.write(text)


def _p(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, int(len(values) * 0.95))]


if __name__ == '__main__':
    main()
