#!/usr/bin/env python3
"""The log-in throttle on SQLite and PostgreSQL: what it lets through under a race, and what it costs.

    .venv/bin/python bench/login_throttle.py

Prints, per database: how many passwords were checked (Argon2) when 15 wrong guesses for one username
arrive at once (the limit is 5), the throttle's own bookkeeping per attempt (count before the check,
uncount after a right password), and a whole successful log-in. PostgreSQL runs in a temporary
database on 127.0.0.1:5432, dropped at the end.
"""
from __future__ import annotations

import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store import accounts, config, runtime, throttle  # noqa: E402
from store.errors import LoginThrottled, NotAuthenticated  # noqa: E402
from store.models import db  # noqa: E402
from tests.postgres import maintenance  # noqa: E402
from tests.seeding import PASSWORD, create_user  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory(prefix='mysafe-bench-') as tmp:
        measure('SQLite', {'MYSAFE_DATA_DIR': f'{tmp}/sqlite'})
        name = f'mysafe_bench_{secrets.token_hex(4)}'
        maintenance(f'CREATE DATABASE {name}')
        try:
            measure('PostgreSQL', {'MYSAFE_DATA_DIR': f'{tmp}/postgresql',
                                   'MYSAFE_DATABASE_URL': f'postgresql://postgres@127.0.0.1:5432/{name}'})
        finally:
            runtime.stop()
            maintenance(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')


def measure(label: str, environ: dict[str, str]) -> None:
    runtime.stop()
    runtime.start(config.load_settings(environ))
    try:
        create_user('racer')
        create_user('alice')
        checked = race('racer', 15)
        bookkeeping = []
        for n in range(300):
            started = time.perf_counter()
            throttle.succeeded(throttle.begin_attempt('alice', f'10.0.{n // 200}.{n % 200}'))
            bookkeeping.append(time.perf_counter() - started)
        log_ins = []
        for _ in range(20):
            started = time.perf_counter()
            accounts.authenticate('alice', PASSWORD, ip='10.1.0.1')
            log_ins.append(time.perf_counter() - started)
        print(f'{label}: 15 parallel wrong guesses, passwords checked: {checked} (limit {throttle.USERNAME_FAILURES}); '
              f'throttle bookkeeping per attempt p50 {_ms(bookkeeping, 50)} / p95 {_ms(bookkeeping, 95)}; '
              f'whole log-in p50 {_ms(log_ins, 50)}')
    finally:
        runtime.stop()


def race(username: str, attempts: int) -> int:
    """Fire `attempts` wrong guesses at once; returns how many reached Argon2."""
    checked, lock, start = [], threading.Lock(), threading.Barrier(attempts)
    real = accounts.verify_password

    def counting(password_hash, password):
        with lock:
            checked.append(password)
        return real(password_hash, password)

    def guess(n: int) -> None:
        try:
            start.wait()
            accounts.authenticate(username, f'guess {n}', ip=f'203.0.113.{n}')
        except (NotAuthenticated, LoginThrottled):
            pass
        finally:
            db.close()
    accounts.verify_password = counting
    try:
        threads = [threading.Thread(target=guess, args=(n,)) for n in range(attempts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        accounts.verify_password = real
    return len(checked)


def _ms(samples: list[float], percentile: int) -> str:
    value = statistics.quantiles(samples, n=100)[percentile - 1] if percentile != 50 else statistics.median(samples)
    return f'{value * 1000:.2f} ms'


if __name__ == '__main__':
    main()
