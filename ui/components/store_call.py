"""One way to call a store service from an event handler and show what it refuses."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from nicegui import ui

from store.errors import (
    ConflictError,
    DecryptionError,
    Forbidden,
    NotAuthenticated,
    NotFound,
    PasswordRequired,
    SecretDisabled,
)

from .. import session
from .display import not_found
from .password_prompt import with_password

T = TypeVar('T')
FAILED = object()
REFUSALS = (NotFound, Forbidden, SecretDisabled, ConflictError, DecryptionError)


def attempt(action: Callable[[], T]) -> T | object:
    """The action's result, or FAILED after ending an expired session or showing the refusal as a notice."""
    try:
        return action()
    except NotAuthenticated:
        session.expired()
    except REFUSALS as error:
        ui.notify(str(error), type='negative')
    return FAILED


async def attempt_revealing(action: Callable[[], T]) -> T | object:
    """Like `attempt`, for a reveal or a copy: when the secret asks for the password, ask for it first."""
    try:
        return await with_password(action)
    except PasswordRequired:
        pass  # the person cancelled the password prompt: nothing to show
    except NotAuthenticated:
        session.expired()
    except REFUSALS as error:
        ui.notify(str(error), type='negative')
    return FAILED


def load_page(action: Callable[[], T]) -> T | object:
    """For building a page: the action's result, or FAILED after ending an expired session or showing
    "API secret not found" (for a secret that does not exist and one the user may not see alike)."""
    try:
        return action()
    except NotAuthenticated:
        session.expired()
    except (NotFound, Forbidden):
        not_found()
    return FAILED
