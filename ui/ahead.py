"""Answering some paths before NiceGUI's middleware stack (sessions, user storage, cookies, gzip, the pages'
headers): the health check and the API for programs. NiceGUI builds that stack when the server starts; each
`in_front` wraps what it builds, once per name (the test fixture runs main.py again in one process)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI

Scope = MutableMapping[str, Any]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Any, Send], Awaitable[None]]


def in_front(app: FastAPI, name: str, wrap: Callable[[App], App]) -> None:
    """Make the server call `wrap(stack)` instead of NiceGUI's stack; `name` keeps a second call from wrapping
    it twice."""
    build = app.build_middleware_stack
    installed = getattr(build, 'in_front', frozenset())
    if name in installed:
        return

    def build_with_front():
        return wrap(build())
    build_with_front.in_front = installed | {name}
    app.build_middleware_stack = build_with_front


def with_headers(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    """`send` that sets `headers` (lower-case names) on the response, replacing any of the same names."""
    names = {name for name, _ in headers}

    async def send_with_headers(message: MutableMapping[str, Any]) -> None:
        if message['type'] == 'http.response.start':
            kept = [(name, value) for name, value in message.get('headers', ()) if name.lower() not in names]
            message = {**message, 'headers': kept + headers}
        await send(message)
    return send_with_headers
