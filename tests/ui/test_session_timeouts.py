"""Sessions end after 30 idle minutes and after 12 hours whatever happens (SPEC section 4)."""
from __future__ import annotations

import time

import pytest
from nicegui import app, ui
from nicegui.testing import User

from ui import session

from .helpers import page_built, SLOW, go, log_in, until


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """Move the session's clock forward: `clock(minutes=31)`."""
    offset = {'seconds': 0.0}
    monkeypatch.setattr(session, '_now', lambda: time.time() + offset['seconds'])

    def advance(*, minutes: float = 0, hours: float = 0) -> None:
        offset['seconds'] += minutes * 60 + hours * 3600
    return advance


async def _logged_in(user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    add_secret(alice, name='Stripe')
    await log_in(user, 'alice', path='/login?return_to=/mysafe/api-secrets')
    await user.should_see(kind=ui.table, retries=SLOW)


async def _goes_to_login(user: User, path: str) -> None:
    go(user, path)
    await until(lambda: user.back_history[-1].startswith('/login'))
    await user.should_see('Log in to MySafe', retries=SLOW)


async def _act(user: User, path: str) -> None:
    """Open `path`, and wait until its page has read the session (the person acting) before the clock moves on."""
    go(user, path)
    await until(lambda: user.back_history[-1] == path)
    await page_built(user)


async def test_thirty_idle_minutes_end_the_session(user: User, make_user, add_secret, clock) -> None:
    await _logged_in(user, make_user, add_secret)
    clock(minutes=31)
    await _goes_to_login(user, '/mysafe')


async def test_activity_keeps_the_session_alive_but_not_past_twelve_hours(
        user: User, make_user, add_secret, clock) -> None:
    await _logged_in(user, make_user, add_secret)
    paths = ('/mysafe/api-secrets', '/mysafe')  # each step opens the other page: staying put is no action
    for step in range(1, 29):  # an action every 25 minutes, up to 11 h 40 min after logging in
        clock(minutes=25)
        await _act(user, paths[step % 2])
    clock(minutes=25)  # 12 h 05 min after logging in, 25 minutes after the last action
    await _goes_to_login(user, '/mysafe')


def _seen_at() -> float:
    """The last-seen time in the logged-in browser's user storage."""
    stored = [data for data in app.storage._users.values() if data.get('user_id') is not None]  # pylint: disable=protected-access
    assert len(stored) == 1
    return stored[0]['seen_at']


async def test_clicks_close_together_write_the_last_seen_time_once(user: User, make_user, add_secret, clock) -> None:
    """Each write of the last-seen time writes the user storage out (with several instances, a Redis write that every
    instance receives): a click within SEEN_STEP of the last write writes nothing; one after it does."""
    await _logged_in(user, make_user, add_secret)
    written = _seen_at()
    clock(minutes=0.25)
    await _act(user, '/mysafe')
    assert _seen_at() == written
    clock(minutes=0.5)
    await _act(user, '/mysafe/api-secrets')
    assert _seen_at() >= written + 45


async def test_a_session_never_ends_before_thirty_idle_minutes(user: User, make_user, add_secret, clock) -> None:
    """The last click may have written no last-seen time (it came within SEEN_STEP of the one before): the session
    still lasts 30 idle minutes after that click."""
    await _logged_in(user, make_user, add_secret)
    clock(minutes=0.4)  # 24 seconds after logging in: nothing written
    await _act(user, '/mysafe')
    clock(minutes=29.9)  # 29 min 54 s idle since that click, 30 min 18 s since the time written
    await _act(user, '/mysafe/api-secrets')
    await user.should_see(kind=ui.table, retries=SLOW)
    clock(minutes=31)
    await _goes_to_login(user, '/mysafe')
