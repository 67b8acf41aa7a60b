#!/usr/bin/env python3
"""Browser sessions at once (SPEC section 6, issue 8): no error, how long they take, and memory per session.

    .venv/bin/python bench/sessions.py [--sessions 50]                  # one instance on SQLite
    .venv/bin/python bench/sessions.py --instances 2 --sessions 200     # nginx over two instances (make cluster)

Each session is one socket client (the project's JavaScript-less browser, tests/security/wire.py: the same HTTP
and socket traffic as a page) for a user of its own, seeded through the store with API secrets whose client
secrets are known. All sessions at once: log in and land on the API secrets list; then each clicks Update (the
list round trip); then each opens its first row (View API secret) and clicks View the information (the reveal
round trip), and checks that the Client secret it receives is the one stored. Prints the errors, the times, and
each instance's resident memory idle (after one warm-up session), with its sessions, and per session.

With --instances N (N >= 2), deploy/cluster.py starts N instances on a new PostgreSQL database (dropped at the
end) with NiceGUI's user storage in Redis, behind nginx. nginx's ip_hash keys on the first three octets of a
client's IPv4 address, so each session connects from a loopback address of its own, 127.a.b.1 (Linux routes all
of 127/8 to the loopback): browsers on many networks, as nginx sees them in production. --direct instead
connects the sessions to the instances in turn, without nginx.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from figures import cpu_seconds, percentiles, rss_mib  # noqa: E402
from stores import fresh_store  # noqa: E402

from deploy.cluster import Cluster  # noqa: E402
from store import config, runtime  # noqa: E402
from store.records import Actor  # noqa: E402
from tests.harness import AppServer, free_port  # noqa: E402
from tests.postgres import maintenance  # noqa: E402
from tests.security.wire import WireClient, is_table  # noqa: E402
from tests.seeding import PASSWORD, create_user, secret_maker  # noqa: E402

TIMEOUT = 120  # seconds a session waits for any one step: a slow step is a figure, a stuck one an error
SECRETS_PER_USER = 2
WARM_UPS = 8  # sessions per instance before "idle" is measured: more than its worker threads (6 on 2 cores)
SETTLE = 5  # seconds: NiceGUI deletes a page's client a few seconds after its socket closed


@dataclass
class Instance:
    """A server process as the sessions reach it: its address (as nginx names it) and its pid."""
    address: str
    pid: int
    log: Callable[[], str]

    @property
    def url(self) -> str:
        return f'http://{self.address}'


@dataclass
class Session:
    """One person's browser: what it may reveal (secret id -> client secret) and what it measured."""
    username: str
    client: WireClient
    client_secrets: dict[int, str]
    timings: dict[str, float] = field(default_factory=dict)
    instance: str = ''
    revealed: int = 0  # the id of the API secret it reveals
    error: str = ''


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--sessions', type=int, default=50)
    parser.add_argument('--instances', type=int, default=1)
    parser.add_argument('--direct', action='store_true', help='connect to the instances in turn, without nginx')
    parser.add_argument('--database-prefix', default='mysafe_bench_', help='of the PostgreSQL database made')
    args = parser.parse_args()
    print(f'machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; '
          f'load average at the start {" ".join(f"{n:.2f}" for n in os.getloadavg())}')
    if args.instances == 1:
        _on_one_instance(args.sessions)
    else:
        _on_a_cluster(args.sessions, args.instances, args.direct, args.database_prefix)


def _on_one_instance(count: int) -> None:
    store = fresh_store('sqlite')
    with store:
        seeded = _seed(count, WARM_UPS)
        runtime.stop()
        server = AppServer(Path(store.data_dir.name)).start()
        try:
            instance = Instance(f'127.0.0.1:{server.port}', server.process.pid, server.log)
            asyncio.run(_bench(seeded, [instance], lambda n: (server.url, None), count))
        finally:
            server.stop()


def _on_a_cluster(count: int, instances: int, direct: bool, database_prefix: str) -> None:
    name = f'{database_prefix}{secrets.token_hex(4)}'
    with tempfile.TemporaryDirectory(prefix='mysafe-bench-') as tmp:
        cluster = Cluster(Path(tmp), port=free_port(), database=name, redis_prefix=f'{name}:',
                          instance_ports=[free_port() for _ in range(instances)])
        try:
            cluster.prepare()
            runtime.start(config.load_settings({**cluster.shared_environ(), 'MYSAFE_DATA_DIR': tmp}))
            try:
                seeded = _seed(count, WARM_UPS * instances)
            finally:
                runtime.stop()
            cluster.start()
            targets = [Instance(i.address, i.process.pid, i.log) for i in cluster.instances]
            entry = ((lambda n: (targets[n % instances].url, None)) if direct else
                     (lambda n: (cluster.url, f'127.{n // 250}.{n % 250 + 1}.1')))
            print(f'{count} sessions over {instances} instances '
                  f'{"directly, in turn" if direct else "through nginx (ip_hash), each from its own address"}')
            asyncio.run(_bench(seeded, targets, entry, count, cluster.redis_url))
            nginx_log = Path(tmp, 'nginx', 'error.log')
            _print_problems('nginx', nginx_log.read_text() if nginx_log.exists() else '')
        finally:
            cluster.stop()
            maintenance(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
            store = redis.Redis.from_url(cluster.redis_url)
            for key in store.scan_iter(f'{cluster.redis_prefix}*'):
                store.delete(key)


def _seed(count: int, warm_ups: int) -> dict[str, dict[int, str]]:
    """user0... (and warm-up0...), password PASSWORD, each owning SECRETS_PER_USER API secrets, through the store:
    username -> {secret id: client secret}."""
    add = secret_maker()
    seeded: dict[str, dict[int, str]] = {}
    for username in [f'user{n}' for n in range(count)] + [f'warmup{n}' for n in range(warm_ups)]:
        actor = Actor(create_user(username).id)
        seeded[username] = {}
        for k in range(SECRETS_PER_USER):
            value = f'sk_bench_{secrets.token_hex(16)}'
            seeded[username][add(actor, name=f'{username} service {k}', client_secret=value)] = value
    return seeded


async def _bench(seeded: dict[str, dict[int, str]], instances: list[Instance],
                 entry: Callable[[int], tuple[str, str | None]], count: int, redis_url: str | None = None) -> None:
    started_cpu = time.process_time()
    # "Idle" is a server that has served: code paths and caches warmed, and each worker thread has hashed a
    # password twice. Argon2 takes 19 MiB a hash; glibc gives the first back to the system but raises its mmap
    # threshold on the way, so from the second on the thread's malloc arena keeps it: up to 6 x 19 MiB an
    # instance, whatever the number of sessions. Two waves of more log-ins at once than worker threads.
    for wave in range(2):
        warm_ups = [Session(f'warmup{n}', WireClient(instances[n % len(instances)].url, timeout=TIMEOUT),
                            seeded[f'warmup{n}']) for n in range(WARM_UPS * len(instances))]
        for title in PHASES:
            await _run(title, warm_ups)
        await asyncio.gather(*(session.client.close() for session in warm_ups))
        if any(session.error for session in warm_ups):
            raise RuntimeError(f'a warm-up session failed: {next(s.error for s in warm_ups if s.error)}')
    await asyncio.sleep(SETTLE)
    idle = {i.address: rss_mib(i.pid) for i in instances}
    sessions = [Session(f'user{n}', WireClient(url, source_address=source, timeout=TIMEOUT), seeded[f'user{n}'])
                for n, (url, source) in enumerate(map(entry, range(count)))]
    walls, memory, cpu, files, redis_clients = {}, {}, {}, {}, {}
    redis_before = _redis_clients(redis_url)
    try:
        for title in PHASES:
            cpu_before = {i.address: cpu_seconds(i.pid) for i in instances}
            walls[title] = await _run(title, sessions)
            memory[title] = {i.address: rss_mib(i.pid) for i in instances}
            files[title] = {i.address: len(os.listdir(f'/proc/{i.pid}/fd')) for i in instances}
            redis_clients[title] = _redis_clients(redis_url)
            cpu[title] = {i.address: cpu_seconds(i.pid) - cpu_before[i.address] for i in instances}
    finally:
        await asyncio.gather(*(session.client.close() for session in sessions))
    await asyncio.sleep(SETTLE)
    memory['closed'] = {i.address: rss_mib(i.pid) for i in instances}
    _report(sessions, instances, walls, idle, memory, cpu)
    print('open files (sockets: websockets, database, Redis) of each instance after each phase: ' + '; '.join(
        f'{title}: {", ".join(str(n) for n in counts.values())}' for title, counts in files.items()))
    if redis_url:
        print(f'clients connected to Redis (all instances, and anything else using it): {redis_before} with the '
              'sessions not yet open; after each phase: ' + '; '.join(f'{title}: {n}'
                                                                    for title, n in redis_clients.items()))
    print(f'the benchmark client itself: {time.process_time() - started_cpu:.1f} s of CPU')
    for instance in instances:
        _print_problems(f'instance {instance.address}', instance.log())


def _redis_clients(url: str | None) -> int | None:
    return redis.Redis.from_url(url).info('clients')['connected_clients'] if url else None


async def _run(title: str, sessions: list[Session]) -> float:
    """The phase in every session still without an error, all at once or one after another; the wall time until
    the last ended."""
    phase, at_once, _ = PHASES[title]

    async def one(session: Session) -> None:
        try:
            await phase(session)
        except Exception as error:  # noqa: BLE001 - every failure is a finding to report
            session.error = (f'{session.username} on {session.instance or "?"} ({title}): '
                             f'{type(error).__name__}: {error}')[:400]
    started = time.perf_counter()
    if at_once:
        await asyncio.gather(*(one(session) for session in sessions if not session.error))
    else:
        for session in sessions:
            if not session.error:
                await one(session)
    return time.perf_counter() - started


async def log_in(session: Session) -> None:
    """Open the log-in page, log in, and wait for the API secrets list's rows (the page's own redirect)."""
    client = session.client
    await client.log_in(session.username, PASSWORD, '/login?return_to=%2Fmysafe%2Fapi-secrets')
    started = time.perf_counter()  # the click on Log in has just been sent
    await client.wait_for(lambda: client.pages[-1] == '/mysafe/api-secrets' and client.table_rows(), TIMEOUT,
                          'the list after log-in')
    session.timings['log in'] = time.perf_counter() - started
    session.instance = client.headers.get('X-MySafe-Instance') or client.base_url.removeprefix('http://')


async def update_list(session: Session, timing: str = 'list') -> None:
    """Update: the list asked of the store again and its rows pushed to the page."""
    client = session.client
    before = len(client.received)
    started = time.perf_counter()
    await client.click(client.button('Update'))
    await client.wait_for(lambda: any(event == 'update' and any(
        isinstance(element, dict) and is_table(element) for element in data.values())
        for event, data in client.received[before:]), TIMEOUT, 'the updated list')
    session.timings[timing] = time.perf_counter() - started


async def reveal(session: Session) -> None:
    """The first row's View API secret, then View the information."""
    client = session.client
    session.revealed = client.table_rows()[0]['id']
    table = client.find(is_table)[0]
    await client.emit(table, 'view', {'id': session.revealed})
    await client.wait_for(
        lambda: client.find(lambda e: e.get('props', {}).get('label') == 'View the information'), TIMEOUT,
        'the API secret details')
    await view_the_information(session, 'reveal')


async def view_the_information(session: Session, timing: str = 'reveal') -> None:
    """View the information on the details page: the client secret received must be the one stored."""
    client = session.client
    before = len(_shown_client_secrets(client))
    started = time.perf_counter()
    await client.click(client.button('View the information'))
    await client.wait_for(lambda: len(_shown_client_secrets(client)) > before, TIMEOUT, 'Protected information')
    session.timings[timing] = time.perf_counter() - started
    if _shown_client_secrets(client)[-1] != session.client_secrets[session.revealed]:
        raise AssertionError(f'the client secret shown for API secret {session.revealed} is not the one stored')


# title: (what each session does, all sessions at once or one after another, its timing)
PHASES = {
    'log in and list, all at once': (log_in, True, 'log in'),
    'Update (list), all at once': (update_list, True, 'list'),
    'Update (list), one session at a time': (lambda session: update_list(session, 'list alone'), False, 'list alone'),
    'View the information (reveal), all at once': (reveal, True, 'reveal'),
    'View the information again, one session at a time':
        (lambda session: view_the_information(session, 'reveal alone'), False, 'reveal alone'),
}
MEMORY_AFTER = ('log in and list, all at once', 'View the information (reveal), all at once')


def _shown_client_secrets(client: WireClient) -> list[str]:
    """The values Protected information shows under its "Client secret" caption (in the row after it), one for
    each time it opened (it closes by itself later), oldest first."""
    parents = {child: element for element in client.elements.values() if element
               for child in element.get('children', [])}
    values = []
    for caption in sorted(map(int, client.find(lambda e: e.get('text') == 'Client secret'))):
        siblings = parents.get(caption, {}).get('children', [])
        row = client.elements.get(str(siblings[siblings.index(caption) + 1])) if siblings[-1:] != [caption] else None
        value = client.elements.get(str(next(iter((row or {}).get('children', [])), ''))) or {}
        if 'text' in value:
            values.append(value['text'])
    return values


def _report(sessions: list[Session], instances: list[Instance], walls: dict[str, float], idle: dict[str, float],
            memory: dict[str, dict[str, float]], cpu: dict[str, dict[str, float]]) -> None:
    errors = [session.error for session in sessions if session.error]
    spread = Counter(session.instance for session in sessions if session.instance)
    print(f'sessions: {len(sessions)}; errors: {len(errors)}; sessions per instance: '
          + ', '.join(f'{address} {spread[address]}' for address in idle))
    for error in errors[:10]:
        print(f'  {error}')
    for title, wall in walls.items():
        timing = PHASES[title][2]
        times = sorted(session.timings[timing] * 1000 for session in sessions if timing in session.timings)
        if times:
            p50, p95 = percentiles(times)
            busy = ', '.join(f'{cpu[title][a] * 1000 / max(spread[a], 1):.0f} ms' for a in idle)
            print(f'{title}: {len(times)} done in {wall:.1f} s; each p50 {p50:.0f} ms, p95 {p95:.0f} ms; '
                  f'server CPU per session {busy}')
    checked = sum(timing in session.timings for session in sessions for timing in ('reveal', 'reveal alone'))
    print(f'client secrets received and checked against the stored value: {checked}')
    listing, revealing = (memory[title] for title in MEMORY_AFTER)
    for address, before in idle.items():
        count = max(spread[address], 1)
        print(f'instance {address}: {before:.0f} MiB idle; with its {spread[address]} sessions on the list '
              f'{listing[address]:.0f} MiB ({(listing[address] - before) / count:.2f} MiB per session), on the '
              f'revealed secret {revealing[address]:.0f} MiB ({(revealing[address] - before) / count:.2f} MiB per '
              f'session); {memory["closed"][address]:.0f} MiB {SETTLE} s after they closed')


def _print_problems(what: str, log: str) -> None:
    problems = [line for line in log.splitlines()
                if any(word in line for word in ('Traceback', 'ERROR', 'Error', '[error]', '[alert]', '[crit]'))]
    print(f'{what}: {len(problems)} error lines in its log')
    for line in problems[:10]:
        print(f'  {line[:300]}')


if __name__ == '__main__':
    main()
