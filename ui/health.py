"""GET /healthz for load balancers: 200 when the store can serve, 503 with the reason otherwise.

Answered before NiceGUI's middlewares see the request, so a probe creates no session, no user storage and no
cookie.
"""
from __future__ import annotations

import json

from fastapi import FastAPI
from nicegui import run

from store import health

from .ahead import in_front

PATH = '/healthz'


def install(app: FastAPI) -> None:
    """Put the health check in front of the app's middleware stack (built when the server starts)."""
    in_front(app, 'health', _HealthCheck)


class _HealthCheck:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope['type'] != 'http' or scope['path'] != PATH:
            await self.app(scope, receive, send)
            return
        if scope['method'] not in ('GET', 'HEAD'):
            await _respond(send, 405, {'status': 'method not allowed'}, scope['method'])
            return
        result = await run.io_bound(health.check)  # None once the server is stopping
        if result is not None and result.ok:
            await _respond(send, 200, {'status': 'ok'}, scope['method'])
        else:
            reason = result.reason if result is not None else 'the server is stopping'
            await _respond(send, 503, {'status': 'unavailable', 'reason': reason}, scope['method'])


async def _respond(send, status: int, body: dict, method: str) -> None:
    payload = json.dumps(body).encode()
    headers = [(b'content-type', b'application/json'), (b'content-length', str(len(payload)).encode()),
               (b'cache-control', b'no-store')]
    await send({'type': 'http.response.start', 'status': status, 'headers': headers})
    await send({'type': 'http.response.body', 'body': b'' if method == 'HEAD' else payload})
