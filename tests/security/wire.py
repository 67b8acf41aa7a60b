"""A browser without JavaScript: drives a real MySafe server over HTTP and NiceGUI's socket.

It loads a page, reads the element tree NiceGUI embeds in the HTML, connects to the socket as the
page's script would, and then types and clicks by sending the same events a browser sends. It keeps
every message the server pushed, so a test can assert on what reached the "browser".
"""
from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import socketio

_ELEMENTS = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.DOTALL)
_CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]+)'")


class WireClient:
    """One browser (one cookie jar); `open` loads a page and connects its socket."""

    def __init__(self, base_url: str, *, javascript_result: Any = True) -> None:
        self.base_url = base_url
        self.javascript_result = javascript_result  # the answer to every awaited ui.run_javascript
        self.http = httpx.AsyncClient(base_url=base_url, timeout=10)
        self.sio: socketio.AsyncClient | None = None
        self.client_id = ''
        self.html = ''
        self.elements: dict[str, dict] = {}
        self.received: list[tuple[str, Any]] = []  # every socket message, in order
        self.pages: list[str] = []  # every page loaded over HTTP (the address bar), in order
        self._following: asyncio.Task | None = None

    async def open(self, path: str) -> None:
        """GET `path` like a browser (keeping cookies), then connect the page's socket."""
        await self._disconnect()
        response = await self.http.get(path, follow_redirects=True)
        assert response.status_code == 200, f'GET {path}: {response.status_code}'
        self.pages.append(response.url.raw_path.decode())  # where the page came from, after any redirect
        self.html = response.text
        self.elements = _parse_elements(self.html)
        self.client_id = _CLIENT_ID.search(self.html).group(1)
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on('*', self._on_message)
        query = f'client_id={self.client_id}&next_message_id=0&implicit_handshake=true' \
                f'&tab_id={uuid.uuid4()}&document_id={uuid.uuid4()}'
        cookies = '; '.join(f'{name}={value}' for name, value in self.http.cookies.items())
        await self.sio.connect(f'{self.base_url}?{query}', socketio_path='/_nicegui_ws/socket.io',
                               transports=['websocket'], headers={'Cookie': cookies}, wait_timeout=10)

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

    def everything(self) -> str:
        """All the page's HTML and every message the socket delivered, as one text."""
        return self.html + json.dumps(self.received)

    def navigations(self) -> list[str]:
        """The JavaScript the server asked the browser to run (history.pushState targets among it)."""
        return [data.get('code', '') for event, data in self.received if event == 'run_javascript']

    def notifications(self) -> list[str]:
        return [data.get('message', '') for event, data in self.received if event == 'notify']

    # --- acting -------------------------------------------------------------------------------------

    async def type(self, element_id: str, value: str) -> None:
        event_type = next((event['type'] for event in self.elements[element_id].get('events', [])
                           if event['type'].startswith('update:')), 'update:modelValue')
        await self._emit(element_id, event_type, [json.dumps(value)])

    async def click(self, element_id: str) -> None:
        await self._emit(element_id, 'click', [])

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if loop.time() > deadline:
                raise AssertionError(f'timed out; last messages: {self.received[-5:]}')
            await asyncio.sleep(0.05)

    async def _emit(self, element_id: str, event_type: str, args: list[str]) -> None:
        element = self.elements[element_id]
        listeners = [event['listener_id'] for event in element.get('events', []) if event['type'] == event_type]
        assert listeners, f'element {element_id} ({element.get("tag")}) has no {event_type} listener'
        for listener_id in listeners:
            await self.sio.emit('event', {'id': int(element_id), 'client_id': self.client_id,
                                          'listener_id': listener_id, 'args': args})

    async def _on_message(self, event: str, data: Any = None) -> None:
        self.received.append((event, data))
        if event == 'update':
            for element_id, element in data.items():
                if element_id != '_id':
                    self.elements[element_id] = element
        if event == 'open' and not data.get('new_tab'):  # a full page load, as a browser does it
            self._following = asyncio.create_task(self.open(data['path']))
        if event == 'run_javascript' and data.get('request_id'):
            await self.sio.emit('javascript_response', {'client_id': self.client_id, 'request_id': data['request_id'],
                                                        'result': self.javascript_result})

    async def _disconnect(self) -> None:
        if self.sio is not None and self.sio.connected:
            await self.sio.disconnect()
        self.sio = None


def _parse_elements(html: str) -> dict[str, dict]:
    raw = _ELEMENTS.search(html).group(1)
    for escaped, plain in (('&#36;', '$'), ('&#96;', '`'), ('&gt;', '>'), ('&lt;', '<'), ('&amp;', '&')):
        raw = raw.replace(escaped, plain)
    return json.loads(raw)
