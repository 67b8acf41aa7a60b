"""A browser without JavaScript: drives a real MySafe server over HTTP and NiceGUI's socket.

It loads a page, reads the element tree NiceGUI embeds in the HTML, connects to the socket as the
page's script would, and then types and clicks by sending the same events a browser sends. It keeps
every message the server pushed, so a test can assert on what reached the "browser".
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import aiohttp
import httpx
import socketio

_ELEMENTS = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.DOTALL)
_CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]+)'")

TABLE_TAGS = ('nicegui-table', 'nicegui-row_table')  # ui.table, ui/components/row_table.py
CARD_GRID_TAG = 'nicegui-card_grid'  # ui/components/card_grid.py


def is_table(element: dict) -> bool:
    """Whether a page element (as the server sent it) is a table: ui.table, or the list's RowTable."""
    return element.get('tag') in TABLE_TAGS


class WireClient:
    """One browser (one cookie jar); `open` loads a page and connects its socket."""

    def __init__(self, base_url: str, *, javascript_result: Any = True, source_address: str | None = None,
                 timeout: float = 10) -> None:
        self.base_url = base_url
        self.javascript_result = javascript_result  # the answer to every awaited ui.run_javascript
        # The local address its connections come from (any 127.x.y.z on Linux's loopback): browsers on
        # different machines, as a proxy's address-based stickiness sees them.
        self.source_address = source_address
        self.timeout = timeout
        transport = httpx.AsyncHTTPTransport(local_address=source_address) if source_address else None
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)
        self.headers: httpx.Headers = httpx.Headers()  # of the last page loaded
        self.sio: socketio.AsyncClient | None = None
        self.client_id = ''
        self.html = ''
        self.elements: dict[str, dict] = {}
        self.received: list[tuple[str, Any]] = []  # every socket message, in order
        self.pages: list[str] = []  # every page loaded over HTTP (the address bar), in order
        self.lost = ''  # why the page's socket was closed by the other end (this client does not reconnect)
        self._following: asyncio.Task | None = None
        self._news = asyncio.Event()  # set when a message arrives

    async def open(self, path: str) -> None:
        """GET `path` like a browser (keeping cookies), then connect the page's socket."""
        await self._disconnect()
        self.lost = ''
        response = await self.http.get(path, follow_redirects=True)
        assert response.status_code == 200, f'GET {path}: {response.status_code}'
        self.headers = response.headers
        self.html = response.text
        self.elements = _parse_elements(self.html)
        self.client_id = _CLIENT_ID.search(self.html).group(1)
        self.sio = sio = socketio.AsyncClient(reconnection=False, http_session=self._socket_session)
        sio.on('*', self._on_message)
        sio.on('disconnect', lambda reason='': self._on_disconnect(sio, reason))
        query = f'client_id={self.client_id}&next_message_id=0&implicit_handshake=true' \
                f'&tab_id={uuid.uuid4()}&document_id={uuid.uuid4()}'
        cookies = '; '.join(f'{name}={value}' for name, value in self.http.cookies.items())
        await self.sio.connect(f'{self.base_url}?{query}', socketio_path='/_nicegui_ws/socket.io',
                               transports=['websocket'], headers={'Cookie': cookies}, wait_timeout=self.timeout)
        # Where the page came from, after any redirect: once its socket is connected, so that a page found here
        # can be acted on (its HTML may already hold what a test waits for).
        self.pages.append(response.url.raw_path.decode())

    def _socket_session(self) -> aiohttp.ClientSession:
        """The socket's HTTP session (socket.io closes it with the socket), from the same source address."""
        local = (self.source_address, 0) if self.source_address else None
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=local))

    async def close(self) -> None:
        if self._following is not None:  # a page load the server asked for: let it end before closing
            await asyncio.gather(self._following, return_exceptions=True)
        await self._disconnect()
        await self.http.aclose()

    # --- what the "browser" holds -----------------------------------------------------------------

    def find(self, predicate: Callable[[dict], bool]) -> list[str]:
        return [element_id for element_id, element in self.elements.items() if element and predicate(element)]

    def by_text(self, text: str, tag: str | None = None) -> str:
        """The one element whose text (or label) is exactly `text`."""
        matches = self.find(lambda e: text in (e.get('text'), e.get('props', {}).get('label'))
                            and (tag is None or e.get('tag') == tag))
        assert len(matches) == 1, f'expected one element {text!r}, found {len(matches)}'
        return matches[0]

    def button(self, name: str) -> str:
        """The one button whose accessible name (label, or aria-label of an icon button) is `name`."""
        matches = self.find(lambda e: e.get('tag') == 'q-btn' and name in (
            e.get('props', {}).get('aria-label'), e.get('props', {}).get('label')))
        assert len(matches) == 1, f'expected one button {name!r}, found {len(matches)}'
        return matches[0]

    def table_rows(self) -> list[dict]:
        """The rows of every table on the page, as the server sent them."""
        return [row for element in self.tables() for row in element.get('props', {}).get('rows', [])]

    def home_cards(self) -> list[dict]:
        """The home's shortcut cards (its card grid's data, ui/components/card_grid.py), as the server sent them."""
        return [card for element in self.elements.values() if element and element.get('tag') == CARD_GRID_TAG
                for card in element.get('props', {}).get('cards', [])]

    def tables(self) -> list[dict]:
        """The page's tables (ui.table, and the list's RowTable)."""
        return [element for element in self.elements.values() if element and is_table(element)]

    def everything(self) -> str:
        """All the page's HTML and every message the socket delivered, as one text."""
        return self.html + json.dumps(self.received)

    def navigations(self) -> list[str]:
        """The JavaScript the server asked the browser to run (history.pushState targets among it)."""
        return [data.get('code', '') for event, data in self.received if event == 'run_javascript']

    def notifications(self) -> list[str]:
        return [data.get('message', '') for event, data in self.received if event == 'notify']

    # --- acting -------------------------------------------------------------------------------------

    async def log_in(self, username: str, password: str, path: str = '/login') -> int:
        """Open `path` (it must show the log-in form) and log in; returns how many messages came before the click."""
        await self.open(path)
        await self.wait_for(lambda: self.find(lambda e: e.get('props', {}).get('label') == 'Username'), self.timeout,
                            'the log-in form')
        await self.type(self.by_text('Username'), username)
        await self.type(self.by_text('Password'), password)
        before = len(self.received)
        await self.click(self.button('Log in'))
        return before

    async def type(self, element_id: str, value: str) -> None:
        event_type = next((event['type'] for event in self.elements[element_id].get('events', [])
                           if event['type'].startswith('update:')), 'update:modelValue')
        await self._emit(element_id, event_type, [json.dumps(value)])

    async def click(self, element_id: str) -> None:
        await self._emit(element_id, 'click', [])

    async def emit(self, element_id: str, event_type: str, *values: Any) -> None:
        """An event of the page's own (a table's row action, say), with its arguments as the page sends them."""
        await self._emit(element_id, event_type, [json.dumps(value) for value in values])

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10, what: str = '') -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if self.lost:
                raise ConnectionError(f'the server closed the socket ({self.lost}) while this client waited'
                                      + (f' for {what}' if what else ''))
            following = self._following
            if following is not None and following.done() and not following.cancelled() and following.exception():
                raise following.exception()  # a page load the server asked for failed: nothing more will come
            if loop.time() > deadline:
                raise AssertionError(f'timed out{" waiting for " + what if what else ""} after {timeout:g} s; '
                                     f'last messages: {self.received[-5:]}')
            self._news.clear()  # woken by the next message (a round trip is timed to it), or looks again soon
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._news.wait(), 0.05)

    async def _emit(self, element_id: str, event_type: str, args: list[str]) -> None:
        element = self.elements[element_id]
        listeners = [event['listener_id'] for event in element.get('events', []) if event['type'] == event_type]
        assert listeners, f'element {element_id} ({element.get("tag")}) has no {event_type} listener'
        if self.lost:
            raise ConnectionError(f'the server closed the socket ({self.lost}): {event_type} cannot be sent')
        for listener_id in listeners:
            await self.sio.emit('event', {'id': int(element_id), 'client_id': self.client_id,
                                          'listener_id': listener_id, 'args': args})

    async def _on_message(self, event: str, data: Any = None) -> None:
        self.received.append((event, data))
        self._news.set()
        if event == 'update':
            for element_id, element in data.items():
                if element_id != '_id':
                    self.elements[element_id] = element
        if event == 'open' and not data.get('new_tab'):  # a full page load, as a browser does it
            self._following = asyncio.create_task(self.open(data['path']))
        if event == 'run_javascript' and data.get('request_id'):
            await self.sio.emit('javascript_response', {'client_id': self.client_id, 'request_id': data['request_id'],
                                                        'result': self.javascript_result})

    def _on_disconnect(self, sio: socketio.AsyncClient, reason: str) -> None:
        if sio is self.sio:  # not one this client closed itself
            self.lost = str(reason) or 'closed'
            self.received.append(('disconnect', self.lost))

    async def _disconnect(self) -> None:
        sio, self.sio = self.sio, None
        if sio is not None and sio.connected:
            await sio.disconnect()


def _parse_elements(html: str) -> dict[str, dict]:
    raw = _ELEMENTS.search(html).group(1)
    for escaped, plain in (('&#36;', '$'), ('&#96;', '`'), ('&gt;', '>'), ('&lt;', '<'), ('&amp;', '&')):
        raw = raw.replace(escaped, plain)
    return json.loads(raw)
