"""HTTP headers every response carries, and the socket's Origin check.

The Content-Security-Policy is as strict as NiceGUI allows: its page carries inline scripts and Vue compiles
templates at run time ('unsafe-inline' and 'unsafe-eval' for scripts), and Quasar sets inline styles. Everything
else comes from this origin only: above all `connect-src 'self'`, so a script that got into a page cannot send
anything anywhere else, and `base-uri 'none'`, `object-src 'none'`, `form-action 'self'`, no framing.
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from nicegui import core

CONTENT_SECURITY_POLICY = '; '.join((
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
}
# Pages (not the static framework files) must not be kept by the browser or a proxy.
NO_STORE = 'no-store'


def install(app: FastAPI) -> None:
    # NiceGUI's socket answers any Origin; None makes engine.io accept only the page's own origin (as the
    # browser's Host, or the X-Forwarded-Host and -Proto a proxy sets), so no other site can drive a session.
    core.sio.eio.cors_allowed_origins = None

    @app.middleware('http')
    async def add_security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith('/_nicegui/'):
            response.headers['Cache-Control'] = NO_STORE
        return response
