#!/usr/bin/env python3
"""Client-secret reads through the API with an access key (SPEC section 6): requests/s and latency.

    .venv/bin/python bench/api.py [--requests 5000] [--concurrency 8] [--backend sqlite|postgresql|both]

Seeds one user with 20 API secrets and one access key for all of them, starts `main.py` (the tests'
server harness), and sends `GET /api/v1/api-secrets/{id}/client-secret` with the key, each read audited
(a Reveal event, Last use, the key's last use). The load comes from ApacheBench (`ab`, Debian's
apache2-utils), which costs the server's 2 cores far less than a Python client would; without it, a
thread pool of httpx clients is used and the figures are pessimistic. Prints requests/s, p50/p95/p99 and
the failures, and checks afterwards that every read was recorded.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from figures import cpu_seconds, postgres_cpu_seconds  # noqa: E402 - bench/figures.py

from store import access_keys, config, runtime  # noqa: E402
from store.models import Event  # noqa: E402
from store.records import AccessKeyInput, Actor  # noqa: E402
from tests.postgres import maintenance  # noqa: E402
from tests.security.conftest import MySafeServer  # noqa: E402
from tests.seeding import create_user, secret_maker  # noqa: E402



def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--requests', type=int, default=5000)
    parser.add_argument('--concurrency', type=int, default=8)
    parser.add_argument('--backend', choices=('sqlite', 'postgresql', 'both'), default='both')
    args = parser.parse_args()
    print(f'machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; '
          f'load: {"ab" if shutil.which("ab") else "httpx threads"}, {args.concurrency} at once')
    for backend in ('sqlite', 'postgresql') if args.backend == 'both' else (args.backend,):
        with tempfile.TemporaryDirectory(prefix='mysafe-bench-api-') as tmp:
            if backend == 'sqlite':
                _measure(backend, Path(tmp), {}, args)
            else:
                with _postgres_database() as url:
                    _measure(backend, Path(tmp), {'MYSAFE_DATABASE_URL': url}, args)


def _measure(backend: str, base: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    token, secret_ids = _seed(base / 'data', env)
    server = MySafeServer(base / 'data', base, **env).start()
    try:
        url = f'{server.url}/api/v1/api-secrets/{secret_ids[0]}/client-secret'
        _load(url, token, 200, args.concurrency)  # warm-up: connections, caches
        cpu_before, database_before = cpu_seconds(server.process.pid), postgres_cpu_seconds()
        started = time.perf_counter()
        result = _load(url, token, args.requests, args.concurrency)
        elapsed, cpu = time.perf_counter() - started, cpu_seconds(server.process.pid) - cpu_before
        database_cpu = postgres_cpu_seconds() - database_before
    finally:
        server.stop()
    recorded = _recorded(base / 'data', env, secret_ids[0])
    per_read = cpu / args.requests * 1000
    print(f'{backend:<10} {result["rps"]:7.0f} reads/s | p50 {result["p50"]:.1f} ms  p95 {result["p95"]:.1f} ms  '
          f'p99 {result["p99"]:.1f} ms | {args.requests} reads in {elapsed:.1f} s, {result["failed"]} failed | '
          f'server CPU {per_read:.2f} ms a read (one core: at most {1000 / per_read:.0f}/s) | '
          + (f'PostgreSQL CPU {database_cpu / args.requests * 1000:.2f} ms a read | ' if env else '')
          + f'Reveal events recorded: {recorded}')
    print(f'{"":<10} load average while measuring: {os.getloadavg()[0]:.2f} (the machine has {os.cpu_count()} cores)')


def _seed(data_dir: Path, env: dict[str, str]) -> tuple[str, list[int]]:
    runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(data_dir), **env}))
    try:
        actor = Actor(create_user('bench').id)
        add = secret_maker()
        ids = [add(actor) for _ in range(20)]
        key = access_keys.create_access_key(actor, AccessKeyInput(name='bench', secret_ids=ids))
    finally:
        runtime.stop()
    return key.token, ids


def _load(url: str, token: str, requests: int, concurrency: int) -> dict:
    if shutil.which('ab'):
        return _ab(url, token, requests, concurrency)
    return _threads(url, token, requests, concurrency)


def _ab(url: str, token: str, requests: int, concurrency: int) -> dict:
    out = subprocess.run(['ab', '-q', '-k', '-n', str(requests), '-c', str(concurrency), '-H',
                          f'Authorization: Bearer {token}', url], capture_output=True, text=True, check=True).stdout
    percent = {int(p): float(ms) for p, ms in re.findall(r'^\s+(\d+)%\s+(\d+)', out, re.MULTILINE)}
    failed = int(re.search(r'Failed requests:\s+(\d+)', out).group(1))
    non_2xx = re.search(r'Non-2xx responses:\s+(\d+)', out)
    return {'rps': float(re.search(r'Requests per second:\s+([\d.]+)', out).group(1)), 'p50': percent[50],
            'p95': percent[95], 'p99': percent[99], 'failed': failed + (int(non_2xx.group(1)) if non_2xx else 0)}


def _threads(url: str, token: str, requests: int, concurrency: int) -> dict:
    def worker(count: int) -> list[float]:
        times = []
        with httpx.Client(headers={'Authorization': f'Bearer {token}'}) as client:
            for _ in range(count):
                started = time.perf_counter()
                client.get(url).raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
        return times

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        times = sorted(t for part in pool.map(worker, [requests // concurrency] * concurrency) for t in part)
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(times, n=100)
    return {'rps': len(times) / elapsed, 'p50': cuts[49], 'p95': cuts[94], 'p99': cuts[98], 'failed': 0}


def _recorded(data_dir: Path, env: dict[str, str], secret_id: int) -> int:
    runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(data_dir), **env}))
    try:
        return Event.select().where((Event.action == 'Reveal') & (Event.item_id == secret_id)).count()
    finally:
        runtime.stop()


class _postgres_database:
    """A PostgreSQL database for one run, dropped afterwards."""

    def __enter__(self) -> str:
        self.name = f'mysafe_bench_{secrets.token_hex(4)}'
        maintenance(f'CREATE DATABASE {self.name}')
        return f'postgresql://postgres@127.0.0.1:5432/{self.name}'

    def __exit__(self, *exc) -> None:
        maintenance(f'DROP DATABASE IF EXISTS {self.name} WITH (FORCE)')


if __name__ == '__main__':
    main()
