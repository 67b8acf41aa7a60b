"""Several instances' user storage in Redis (ui/redis_storage.py): two hubs here stand for two instances, each with
the storages of its own pages, on the machine's Redis."""
from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis
from nicegui import background_tasks
from nicegui.persistence import RedisPersistentDict

from nicegui import storage as nicegui_storage
from nicegui.storage import Storage

from ui import redis_storage
from ui.redis_storage import POOL_SIZE, SharedRedisDict, _Hub

REDIS_URL = 'redis://127.0.0.1:6379'


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own, with a glob character in it; its keys are removed afterwards."""
    prefix = f'mysafe-test-{secrets.token_hex(4)}[*]:'
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    async for key in client.scan_iter(match=prefix.replace('[', '\\[').replace(']', '\\]').replace('*', '\\*') + '*'):
        await client.delete(key)
    await client.aclose()


async def storage(hub: _Hub, prefix: str, name: str) -> SharedRedisDict:
    made = SharedRedisDict(RedisPersistentDict(url=REDIS_URL, id=name, key_prefix=prefix), hub)
    await made.initialize()
    return made


async def eventually(check, seconds: float = 5) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, 'not within the time'
        await asyncio.sleep(0.02)


async def close(*hubs: _Hub) -> None:
    """As the instance stops: once the storages' writes still under way are sent."""
    await eventually(lambda: not background_tasks.lazy_tasks_running)
    for hub in hubs:
        await hub.close()


async def connections(name: str) -> int:
    """Connections to Redis named `name`."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        return sum(1 for connection in await client.client_list() if connection['name'] == name)
    finally:
        await client.aclose()


async def test_a_change_on_one_instance_reaches_the_same_storage_on_the_other(prefix: str) -> None:
    one, other = _Hub(REDIS_URL, prefix), _Hub(REDIS_URL, prefix)
    try:
        here, there = await storage(one, prefix, 'user-a'), await storage(other, prefix, 'user-a')
        elsewhere = await storage(other, prefix, 'user-b')
        await eventually(lambda: one.subscribed.is_set() and other.subscribed.is_set())
        here['logged_in'] = 7
        here['since'] = 'now'
        await eventually(lambda: there == {'logged_in': 7, 'since': 'now'})
        del here['since']
        await eventually(lambda: there == {'logged_in': 7})
        assert elsewhere == {}
        await there.close()  # that page closed: its storage no longer follows
        here['logged_in'] = 8
        await eventually(lambda: dict(here) == {'logged_in': 8})
        await asyncio.sleep(0.3)
        assert there == {'logged_in': 7}
    finally:
        await close(one, other)


async def test_a_change_from_redis_is_taken_outside_the_request_that_opened_the_first_storage(prefix: str) -> None:
    """The first storage is opened while NiceGUI serves someone's request; the subscription it starts must not
    run every later change in that request's context (app.storage.user there would be that person's)."""
    one, other = _Hub(REDIS_URL, prefix), _Hub(REDIS_URL, prefix)
    token = nicegui_storage.request_contextvar.set('the first request')
    try:
        here = await storage(one, prefix, 'user-a')
    finally:
        nicegui_storage.request_contextvar.reset(token)
    try:
        there = await storage(other, prefix, 'user-a')
        await eventually(lambda: one.subscribed.is_set() and other.subscribed.is_set())
        seen = []
        taken = here.receive
        here.receive = lambda data: (seen.append(nicegui_storage.request_contextvar.get()), taken(data))
        there['logged_in'] = 1
        await eventually(lambda: seen)
        assert set(seen) == {None}  # each change heard (one or more times), outside that request
    finally:
        await close(one, other)


async def test_a_hub_hears_nothing_of_another_installation_whose_prefix_its_glob_characters_would_match(
        prefix: str) -> None:
    ours, theirs = _Hub(REDIS_URL, prefix), _Hub(REDIS_URL, prefix.replace('[*]', '[x]'))
    try:
        held = await storage(ours, prefix, 'user-a')
        await storage(theirs, prefix.replace('[*]', '[x]'), 'user-a')
        await eventually(lambda: ours.subscribed.is_set() and theirs.subscribed.is_set())
        seen = []
        ours._hand_over = lambda channel, data: seen.append(channel)  # every message the subscription receives
        client = redis.Redis.from_url(REDIS_URL)
        await client.publish(prefix.replace('[*]', '[x]') + 'user-achanges', b'{"x": 1}')
        await client.publish(prefix + 'user-achanges', b'{"x": 2}')
        await client.aclose()
        await eventually(lambda: seen)
        assert seen == [prefix + 'user-achanges'] and held == {}
    finally:
        await close(ours, theirs)


async def test_an_instance_holds_a_few_connections_to_redis_whatever_the_number_of_pages(
        prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What NiceGUI makes for each page's storage once MySafe is installed, as main.py does with NICEGUI_REDIS_URL."""
    monkeypatch.setattr(Storage, 'redis_url', REDIS_URL)
    monkeypatch.setattr(Storage, 'redis_key_prefix', prefix)
    monkeypatch.setattr(Storage, '_create_persistent_dict', Storage.__dict__['_create_persistent_dict'])
    monkeypatch.setattr(redis_storage, '_hubs', {})
    redis_storage.install()
    held = [Storage._create_persistent_dict(f'user-{n}') for n in range(40)]
    for n, one in enumerate(held):
        await one.initialize()
        one['n'] = n
    hub = redis_storage._hub()
    try:
        await eventually(lambda: hub.subscribed.is_set())
        await eventually(lambda: not background_tasks.lazy_tasks_running)
        name = hub.client.connection_pool.connection_kwargs['client_name']
        # NiceGUI's own storages: a client and a subscription each, 80 connections or more.
        assert 1 <= await connections(name) <= POOL_SIZE
        tab = Storage._create_persistent_dict('tab-1')  # a tab's storage expires as NiceGUI has it
        await tab.initialize()
        tab['seen'] = True
        await eventually(lambda: not background_tasks.lazy_tasks_running)
        client = redis.Redis.from_url(REDIS_URL)
        assert await client.ttl(prefix + 'tab-1') > 0
        await client.aclose()
    finally:
        await close(hub)


async def test_an_instance_cut_off_from_redis_for_a_while_reads_its_storages_again_when_it_is_back(
        prefix: str) -> None:
    """A log-out on the other instance while this one could not hear it: once back, this one has the storage as
    Redis has it (a stale copy would otherwise be written back by its next change)."""
    proxy = await _Proxy.start()
    cut_off, other = _Hub(proxy.url, prefix), _Hub(REDIS_URL, prefix)
    try:
        here, there = await storage(cut_off, prefix, 'user-a'), await storage(other, prefix, 'user-a')
        await eventually(lambda: cut_off.subscribed.is_set() and other.subscribed.is_set())
        there['logged_in'] = 1
        await eventually(lambda: here == {'logged_in': 1})
        await proxy.stop()
        await eventually(lambda: not cut_off.subscribed.is_set(), seconds=10)
        there.clear()  # logged out, there
        await eventually(lambda: not background_tasks.lazy_tasks_running)
        await proxy.restart()
        await eventually(lambda: cut_off.subscribed.is_set(), seconds=20)
        await eventually(lambda: here == {})
    finally:
        await close(cut_off, other)
        await proxy.stop()


async def test_reading_the_storages_again_leaves_one_whose_own_write_is_under_way(prefix: str) -> None:
    hub = _Hub(REDIS_URL, prefix)
    try:
        here = await storage(hub, prefix, 'user-a')
        await eventually(lambda: hub.subscribed.is_set())
        here['logged_in'] = 1  # written to Redis in the background, a moment from now
        await hub._read_again()  # as after a loss of the subscription
        assert here == {'logged_in': 1}
    finally:
        await close(hub)


class _Proxy:
    """A TCP relay to Redis that can be cut (its connections closed, new ones refused) and restored."""

    def __init__(self) -> None:
        self.server: asyncio.Server | None = None
        self.port = 0
        self.writers: list[asyncio.StreamWriter] = []

    @classmethod
    async def start(cls) -> _Proxy:
        proxy = cls()
        await proxy.restart()
        return proxy

    @property
    def url(self) -> str:
        return f'redis://127.0.0.1:{self.port}'

    async def restart(self) -> None:
        self.server = await asyncio.start_server(self._relay, '127.0.0.1', self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in self.writers:
            writer.close()
        self.writers.clear()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection('127.0.0.1', 6379)
        self.writers += [writer, upstream_writer]

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except ConnectionError:
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
