"""The logged-in session: NiceGUI user storage holds only the user id and two times."""
from __future__ import annotations

import time
from urllib.parse import quote

from nicegui import app, context

from store import accounts
from store.errors import NotAuthenticated
from store.records import Actor, UserInfo

from .worker import in_worker

IDLE_TIMEOUT = 30 * 60
ABSOLUTE_TIMEOUT = 12 * 60 * 60


def start(user: UserInfo) -> None:
    now = _now()
    app.storage.user.clear()
    app.storage.user.update(user_id=user.id, login_at=now, seen_at=now)


def end() -> None:
    app.storage.user.clear()


def is_logged_in() -> bool:
    return app.storage.user.get('user_id') is not None


async def logged_in_user() -> UserInfo | None:
    """The logged-in, still active user (read in a worker thread); ends the session when it has timed out
    or the user is gone."""
    user_id = _live_user_id()
    user = await in_worker(accounts.active_user, user_id) if user_id is not None else None
    if user is None:
        end()
    return user


async def log_out() -> None:
    """Record the log-out (when the session is still live) and end the session."""
    try:
        await in_worker(accounts.log_out, actor())
    except NotAuthenticated:
        pass  # the session had already ended: logging out is what the user wants anyway
    end()


def actor(*, touch: bool = True) -> Actor:
    """The acting user for a store call, with where the request comes from (for the audit trail).

    Raises NotAuthenticated when the session has timed out; the store then checks the user is active.
    `touch=False` is for what the page does by itself (a refresh on a timer): it is not the user acting,
    so it must not keep an idle session alive.
    """
    user_id = _live_user_id(touch)
    if user_id is None:
        end()
        raise NotAuthenticated()
    # The log-in time names this session: a password confirmation holds in it alone.
    return Actor(user_id=user_id, ip=client_ip(), user_agent=user_agent(),
                 session=repr(app.storage.user.get('login_at', '')))


def _live_user_id(touch: bool = True) -> int | None:
    """The session's user id while within the idle and absolute timeouts (and marks it seen)."""
    data = app.storage.user
    user_id, login_at, seen_at = data.get('user_id'), data.get('login_at', 0), data.get('seen_at', 0)
    now = _now()
    if user_id is None or now - seen_at > IDLE_TIMEOUT or now - login_at > ABSOLUTE_TIMEOUT:
        return None
    if touch:
        data['seen_at'] = now
    return int(user_id)


def _now() -> float:
    return time.time()  # one place to read the clock, so tests can move it


def client_ip() -> str:
    try:
        return context.client.ip or ''
    except (RuntimeError, AttributeError):
        return ''


def user_agent() -> str:
    try:
        return context.client.request.headers.get('user-agent', '')[:512]
    except (RuntimeError, AttributeError):
        return ''


def login_path(return_to: str) -> str:
    return f'/login?return_to={quote(return_to, safe="")}' if return_to not in ('', '/') else '/login'


def safe_return_path(path: str | None) -> str:
    """Only a path inside this app may be returned to after log-in (no open redirect)."""
    # Browsers drop tabs and newlines from URLs, so '/\t/evil.com' would become '//evil.com'.
    if (not path or not path.startswith('/') or path.startswith('//') or path.startswith('/login')
            or any(ch == '\\' or ord(ch) < 0x20 or ord(ch) == 0x7f for ch in path)):
        return '/mysafe'
    return path


def expired() -> None:
    """The store refused the acting user (deactivated or gone): end the session and go to log in."""
    from nicegui import ui
    end()
    ui.notify('Your session has ended. Please log in again.', type='warning')
    ui.navigate.to('/login')
