"""The logged-in session: NiceGUI user storage holds only the user id, the session's generation and two times.

A log-in ends on an HTTP request (/auth/complete) that gives the browser a new id: the user storage is keyed
by it, so a browser id planted before log-in (session fixation) is worth nothing afterwards.
"""
from __future__ import annotations

import time
import uuid
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from nicegui import app, context, storage, ui
from starlette.concurrency import run_in_threadpool

from store import accounts, runtime, sessions
from store.errors import NotAuthenticated
from store.records import Actor, UserInfo

from .worker import in_worker

IDLE_TIMEOUT = 30 * 60
ABSOLUTE_TIMEOUT = 12 * 60 * 60
# The last-seen time is written at most once per SEEN_STEP seconds: each write is the user storage written out (a
# file, or with several instances a Redis write published to every instance), and most clicks come within seconds
# of the one before. It may lag the last action by up to SEEN_STEP, so a session ends after IDLE_TIMEOUT +
# SEEN_STEP since it was written: never before 30 idle minutes, at most SEEN_STEP after.
SEEN_STEP = 30


COMPLETE_PATH = '/auth/complete'


async def begin(user: UserInfo, target: str) -> None:
    """After the store accepted a log-in: a one-time ticket, redeemed by the browser over HTTP."""
    ticket = await in_worker(sessions.issue_login_ticket, user)
    ui.navigate.to(f'{COMPLETE_PATH}?ticket={quote(ticket, safe="")}&next={quote(safe_return_path(target), safe="")}')


def install(fastapi_app: FastAPI) -> None:
    """The HTTP end of a log-in: redeem the ticket, give the browser a new id with a fresh user storage."""
    @fastapi_app.get(COMPLETE_PATH, include_in_schema=False)
    async def complete_log_in(request: Request, ticket: str = '', next: str = '/mysafe') -> RedirectResponse:
        try:
            user = await run_in_threadpool(runtime.unit_of_work, sessions.redeem_login_ticket, ticket)
        except NotAuthenticated:
            return RedirectResponse('/login', status_code=303)
        old_id = request.session.get('id')
        new_id = str(uuid.uuid4())
        request.session['id'] = new_id  # the response sets the new cookie; nothing moves from the old id
        # NiceGUI has no public call to make the storage of a browser id outside a page: its own middleware uses
        # these when a request brings an id it does not know yet.
        await app.storage._create_user_storage(new_id)  # pylint: disable=protected-access
        now = _now()
        app.storage._users[new_id].update(  # pylint: disable=protected-access
            user_id=user.id, generation=user.session_generation, login_at=now, seen_at=now)
        if old_id in app.storage._users:  # pylint: disable=protected-access
            app.storage._users[old_id].clear()  # pylint: disable=protected-access
        return RedirectResponse(safe_return_path(next), status_code=303)


def end() -> None:
    _user_storage().clear()


def is_logged_in() -> bool:
    return _user_storage().get('user_id') is not None


async def logged_in_user() -> UserInfo | None:
    """The logged-in, still active user (read in a worker thread); ends the session when it has timed out,
    the user is gone, or their sessions were ended (log-out elsewhere, password reset, deactivation)."""
    user_id = _live_user_id()
    user = await in_worker(accounts.active_user, user_id, _user_storage().get('generation')) \
        if user_id is not None else None
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
                 session=repr(_user_storage().get('login_at', '')), generation=_user_storage()['generation'])


def _user_storage() -> dict:
    """The user storage of this page's browser id.

    NiceGUI finds it through the request an event listener was made in; a page's own request is the one
    its browser id belongs to, so that is the request used here, whichever task runs this.
    """
    storage.request_contextvar.set(context.client.request)
    return app.storage.user


def _live_user_id(touch: bool = True) -> int | None:
    """The session's user id while within the idle and absolute timeouts (and marks it seen)."""
    data = _user_storage()
    user_id, login_at, seen_at = data.get('user_id'), data.get('login_at', 0), data.get('seen_at', 0)
    now = _now()
    if (user_id is None or not isinstance(data.get('generation'), int) or now - seen_at > IDLE_TIMEOUT + SEEN_STEP
            or now - login_at > ABSOLUTE_TIMEOUT):
        return None
    if touch and now - seen_at >= SEEN_STEP:
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


def login_path(return_to: str, page: str = '/login') -> str:
    """The log-in page (or setup) with where to go back to afterwards."""
    return f'{page}?return_to={quote(return_to, safe="")}' if return_to not in ('', '/') else page


def safe_return_path(path: str | None) -> str:
    """Only a path inside this app may be returned to after log-in (no open redirect)."""
    # Browsers drop tabs and newlines from URLs, so '/\t/evil.com' would become '//evil.com'.
    if (not path or not path.startswith('/') or path.startswith('//') or path.startswith('/login')
            or any(ch == '\\' or ord(ch) < 0x20 or ord(ch) == 0x7f for ch in path)):
        return '/mysafe'
    return path


def expired() -> None:
    """The store refused the acting user (deactivated or gone): end the session and go to log in."""
    end()
    ui.notify('Your session has ended. Please log in again.', type='warning')
    ui.navigate.to('/login')
