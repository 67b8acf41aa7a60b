"""HTTP headers every response carries: no framing (clickjacking), no sniffing, no referrer, no caching."""
from __future__ import annotations

from fastapi import FastAPI, Request

HEADERS = {
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
}
# Pages (not the static framework files) must not be kept by the browser or a proxy.
NO_STORE = 'no-store'


def install(app: FastAPI) -> None:
    @app.middleware('http')
    async def add_security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith('/_nicegui/'):
            response.headers['Cache-Control'] = NO_STORE
        return response
