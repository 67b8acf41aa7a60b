#!/usr/bin/env python3
"""50 sessions connected at once (SPEC section 6): no error, and the server's memory per session.

    .venv/bin/python bench/sessions.py [--sessions 50]

Seeds 100 secrets across the users, starts `main.py`, and connects one socket client per user (the
project's JavaScript-less browser, tests/security/wire.py: the same HTTP and socket traffic as a page).
Each logs in and opens the API secrets list; all stay connected while each clicks Update. Prints the
server's resident memory before and after, per session, and any error in its log.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import run as seeding  # noqa: E402
from tests.harness import AppServer  # noqa: E402

from store import config, runtime  # noqa: E402
from tests.security.wire import WireClient  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--sessions', type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='mysafe-bench-') as tmp:
        data_dir = Path(tmp)
        runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(data_dir)}))
        try:
            seeding._seed(max(100, args.sessions * 2), args.sessions)
        finally:
            runtime.stop()
        server = AppServer(Path(data_dir)).start()
        try:
            asyncio.run(_sessions(server.url, server.process.pid, args.sessions))
        finally:
            server.stop()


async def _sessions(url: str, pid: int, count: int) -> None:
    before = _rss_mib(pid)
    started = time.perf_counter()
    clients = [WireClient(url) for _ in range(count)]
    errors: list[str] = []
    try:
        await asyncio.gather(*(_one(client, f'user{n}', errors) for n, client in enumerate(clients)))
        connected = time.perf_counter() - started
        after = _rss_mib(pid)
        await asyncio.gather(*(_refresh(client, errors) for client in clients))
        print(f'sessions: {count} connected in {connected:.1f} s, each listing its API secrets; errors: {len(errors)}')
        for error in errors[:5]:
            print(f'  {error}')
        print(f'server memory: {before:.0f} MiB idle, {after:.0f} MiB with {count} sessions, '
              f'{(after - before) / count:.2f} MiB per session')
    finally:
        await asyncio.gather(*(client.close() for client in clients))


async def _one(client: WireClient, username: str, errors: list[str]) -> None:
    try:
        await client.open('/login?return_to=%2Fmysafe%2Fapi-secrets')
        await client.wait_for(lambda: client.find(lambda e: e.get('props', {}).get('label') == 'Username'), 30)
        await client.type(client.by_text('Username'), username)
        await client.type(client.by_text('Password'), seeding.PASSWORD)
        await client.click(client.button('Log in'))
        await client.wait_for(lambda: any('/mysafe/api-secrets' in code for code in client.navigations()), 60)
        await client.open('/mysafe/api-secrets')
        await client.wait_for(lambda: _table_rows(client), 30)
    except Exception as error:  # noqa: BLE001 - every failure is a finding to report
        errors.append(f'{username}: {type(error).__name__}: {error}'[:300])


async def _refresh(client: WireClient, errors: list[str]) -> None:
    try:
        await client.click(client.button('Update'))
    except Exception as error:  # noqa: BLE001
        errors.append(f'update: {type(error).__name__}: {error}'[:300])


def _table_rows(client: WireClient) -> list:
    return [row for element in client.elements.values() if element and element.get('tag') == 'nicegui-table'
            for row in element.get('props', {}).get('rows', [])]


def _rss_mib(pid: int) -> float:
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == '__main__':
    main()
