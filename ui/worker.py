"""Store calls off the event loop: each runs as one unit of work in a worker thread, so no session waits on
another's query."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import run

from store import runtime

T = TypeVar('T')


async def in_worker(service: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """The service's result (its errors raised here), run as one unit of work in a worker thread.

    NiceGUI's io_bound answers None instead of raising when the waiting task was cancelled (the person left
    the page) or the app stops; the cancellation goes on from here, so nothing more of a left page runs.
    (A service may return None itself: hence the tuple.)
    """
    answer = await run.io_bound(lambda: (runtime.unit_of_work(service, *args, **kwargs),))
    if answer is None:
        raise asyncio.CancelledError()
    return answer[0]
