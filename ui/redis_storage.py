"""NiceGUI's storage in Redis (several instances) through one client and one subscription per instance.

NiceGUI gives each storage it holds in Redis (a browser's user storage, a tab's storage) a Redis client of its own
and a subscription to that storage's changes on a connection of its own: about 7 connections to Redis and as many
open files in the instance for each page open after a log-in, so Redis's default limit of 10,000 clients was reached
near 1,400 open pages. Here every storage of the instance shares one client (its connection pool) and one
subscription to the changes of every user and tab storage under the key prefix, which hands each change to the
storages held here (and, after the subscription was lost and came back, reads them all again). What is stored, its
keys, its expiry and what is published are NiceGUI's (RedisPersistentDict's own code); only where the connections
come from differs.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import re
import socket
from collections import defaultdict
from contextlib import suppress

import redis.asyncio as redis
from nicegui import app, background_tasks, core, json
from nicegui.persistence import RedisPersistentDict
from nicegui.persistence.persistent_dict import PersistentDict
from nicegui.storage import TAB_PREFIX, USER_PREFIX, Storage

log = logging.getLogger('mysafe.redis_storage')
CHANGES = 'changes'  # NiceGUI publishes a storage's new content on its key followed by this
RETRY_SECONDS, RETRY_MAX = 1.0, 30.0  # after the subscription was lost, before subscribing again (doubling)
# At most this many connections to Redis: one holds the subscription, the others serve reads and writes. A write
# waits for a free connection (up to POOL_TIMEOUT seconds) rather than opening one more.
POOL_SIZE, POOL_TIMEOUT = 5, 10


def install() -> None:
    """Make every user and tab storage NiceGUI creates from now on a SharedRedisDict, when NICEGUI_REDIS_URL is set
    (NiceGUI's one general storage, made when it was imported, keeps its own client)."""
    if not Storage.redis_url:
        return
    create = Storage._create_persistent_dict  # pylint: disable=protected-access

    def create_shared(id: str) -> PersistentDict:  # pylint: disable=redefined-builtin
        made = create(id)
        return SharedRedisDict(made) if isinstance(made, RedisPersistentDict) else made

    Storage._create_persistent_dict = staticmethod(create_shared)  # pylint: disable=protected-access
    app.on_shutdown(_hub().close)


class SharedRedisDict(RedisPersistentDict):
    """A RedisPersistentDict for the same key, prefix and expiry as `made` (which NiceGUI made; its client never
    connected), reading, writing and listening through the instance's _Hub."""

    def __init__(self, made: RedisPersistentDict, hub: _Hub | None = None) -> None:  # pylint: disable=super-init-not-called
        self.hub = hub = hub or _hub()
        self.url, self._redis_client_params = made.url, made._redis_client_params  # pylint: disable=protected-access
        self.key_prefix, self.key, self.ttl = made.key_prefix, made.key, made.ttl
        self.redis_client = hub.client
        self.pubsub = None
        self._listener_task = None
        self.closed = False
        PersistentDict.__init__(self, data={}, on_change=self.publish)

    def _start_listening(self) -> None:
        if not self.closed:  # closed while it was being read (a tab that went away at once)
            self.hub.hold(self)

    def receive(self, data: bytes) -> None:
        """Another instance (or this one) wrote this storage: take its content, as RedisPersistentDict's listener."""
        new_data = json.loads(data)
        if new_data != self:
            for key in set(self) - new_data.keys():  # one by one: clear() would also delete the key in Redis
                del self[key]
            self.update(new_data)

    async def close(self) -> None:
        self.closed = True
        self.hub.release(self)


class _Hub:
    """The instance's client (a bounded pool of connections, one of which holds the subscription) and its one
    subscription, to the changes of every user and tab storage under NiceGUI's key prefix, handed to the storages
    held here by their channel."""

    def __init__(self, url: str, key_prefix: str, name: str | None = None) -> None:
        """`name`: the connections' name in Redis's CLIENT LIST (by default mysafe-<host>-<process id>)."""
        name = name or f'mysafe-{socket.gethostname()}-{os.getpid()}'
        self.patterns = [_glob_escaped(key_prefix + kind) + '*' + CHANGES for kind in (USER_PREFIX, TAB_PREFIX)]
        self.client = redis.Redis(connection_pool=redis.BlockingConnectionPool.from_url(
            url, max_connections=POOL_SIZE, timeout=POOL_TIMEOUT, client_name=name,
            health_check_interval=10, socket_connect_timeout=5,
            retry_on_timeout=True, **({'socket_keepalive': True} if not url.startswith('unix://') else {})))
        self.held: defaultdict[str, dict[int, SharedRedisDict]] = defaultdict(dict)  # channel -> id() -> storage
        self.listener: asyncio.Task | None = None
        self.subscribed = asyncio.Event()  # set while the subscription is in place
        self.closing = False

    def hold(self, storage: SharedRedisDict) -> None:
        self.held[storage.key + CHANGES][id(storage)] = storage
        if (self.listener is None or self.listener.done()) and not self.closing:
            if core.is_loop_running():
                # In a context of its own: not in that of the request that happened to open the first storage (a
                # change handler must not see that person's request as the current one).
                self.listener = contextvars.Context().run(background_tasks.create, self._listen(),
                                                          name='redis-listen-storage')
            else:
                core.app.on_startup(lambda: self.hold(storage))

    def release(self, storage: SharedRedisDict) -> None:
        channel = storage.key + CHANGES
        self.held[channel].pop(id(storage), None)
        if not self.held[channel]:
            del self.held[channel]

    async def _listen(self) -> None:
        """Subscribe, hand over each change; after a loss, subscribe again (waiting longer each time, up to
        RETRY_MAX seconds) and read every held storage again: changes made meanwhile were not heard."""
        wait, ever, lost = RETRY_SECONDS, False, False
        while not self.closing:
            pubsub = self.client.pubsub()
            try:
                await pubsub.psubscribe(*self.patterns)
                async for message in pubsub.listen():
                    if self.closing:
                        break
                    if message['type'] == 'psubscribe' and message['data'] == len(self.patterns):
                        # All patterns in place (redis-py also subscribes again by itself after a loss).
                        if ever:
                            await self._read_again()
                        ever, wait = True, RETRY_SECONDS
                        self.subscribed.set()
                        if lost:
                            log.warning('Redis subscription to storage changes is back')
                            lost = False
                    elif message['type'] == 'pmessage':
                        self._hand_over(message['channel'].decode(errors='replace'), message['data'])
            except asyncio.CancelledError:
                raise
            except Exception:
                self.subscribed.clear()
                if not lost:
                    log.warning('Redis subscription to storage changes lost; trying again', exc_info=True)
                    lost = True
                await asyncio.sleep(wait)
                wait = min(2 * wait, RETRY_MAX)
            finally:
                with suppress(Exception):
                    await pubsub.aclose()

    async def _read_again(self) -> None:
        """Each held storage as Redis has it (empty when its key is gone), but for those with a write of their own
        under way: their write is newer (a log-in's first write would otherwise be undone)."""
        writing = {*background_tasks.lazy_tasks_running, *background_tasks.lazy_coroutines_waiting}
        channels = [channel for channel, held in self.held.items()
                    if not any(f'redis-{storage.key}' in writing for storage in held.values())]  # NiceGUI's names
        if channels:
            values = await self.client.mget([channel[:-len(CHANGES)] for channel in channels])
            for channel, value in zip(channels, values):
                self._hand_over(channel, value if value is not None else b'{}')

    def _hand_over(self, channel: str, data: bytes) -> None:
        for storage in list(self.held.get(channel, {}).values()):
            try:
                storage.receive(data)
            except Exception:
                log.exception('Could not take a change of %s from Redis', storage.key)

    async def close(self) -> None:
        """Stop listening and close the connections (the instance stops)."""
        self.closing = True
        for _ in range(3):  # a cancel that arrives inside one of redis-py's commands may be swallowed (Python 3.11)
            if self.listener is None or self.listener.done():
                break
            self.listener.cancel()
            await asyncio.wait({self.listener}, timeout=1)
        await self.client.connection_pool.disconnect()


def _glob_escaped(text: str) -> str:
    """`text` matched literally in a Redis glob-style pattern."""
    return re.sub(r'([*?\[\]\\])', r'\\\1', text)


_hubs: dict[tuple[str, str], _Hub] = {}


def _hub() -> _Hub:
    """The instance's hub for NiceGUI's Redis URL and key prefix."""
    where = (Storage.redis_url, Storage.redis_key_prefix)
    if where not in _hubs:
        _hubs[where] = _Hub(*where)
    return _hubs[where]
