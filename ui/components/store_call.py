"""The one way pages call the store (STYLE habit 7).

`call` reads the session on the event loop, runs the service in a worker thread, so that no session ever
waits on another's query, and turns every refusal of the store into what the person sees, in one place:
messages next to the fields, a notice, the not-found page, the password prompt, or log in again.
Whatever else goes wrong reaches the page's `ui.on_exception` net (ui/app.py).
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import ui

from store.errors import (ConflictError, DecryptionError, Forbidden, NotAuthenticated, NotFound, PasswordRequired,
                          StoreError, TwoFactorSetupRequired, ValidationError)

from .. import session
from ..worker import in_worker
from .display import not_found
from .forms import clear_errors, show_errors

T = TypeVar('T')
FAILED: Any = object()  # what `call` returns when the store refused; the person has been told why
OWN_OPTIONS = frozenset({'fields', 'conflict', 'not_found_page', 'touch'})  # call's keywords, never the service's


async def call(service: Callable[..., T], *args: Any, fields: dict | None = None, conflict: ui.label | None = None,
               not_found_page: bool = False, touch: bool = True, **kwargs: Any) -> T:
    """`service(actor, *args, **kwargs)` in a worker thread, or FAILED after showing why the store refused.

    `fields` maps the store's field names to the inputs that show their messages; `conflict` shows a
    ConflictError; `not_found_page=True` shows NotFound and Forbidden as the "API secret not found" page;
    `touch=False` is for what the page does by itself (a timer), which must not keep an idle session alive.
    When the secret asks for the password, the person is asked once and the call is tried again.
    TypeError for a service with a parameter named as one of these options: the option would take its argument
    (the list's `page=` was once taken for the not-found page's flag, and every page button showed page 1).
    """
    _check_parameters(service)
    try:
        actor = session.actor(touch=touch)
    except NotAuthenticated:
        session.expired()
        return FAILED
    prompted = False
    while True:
        try:
            result = await in_worker(service, actor, *args, **kwargs)
            if fields:
                clear_errors(fields)  # only now: the messages change once, when the answer is there
            if conflict is not None:
                conflict.text = ''
            return result
        except PasswordRequired as error:
            if prompted:
                ui.notify(str(error), type='warning')
                return FAILED
            prompted = True
            from .password_prompt import confirm_password  # the prompt itself calls the store through here
            if not await confirm_password():
                return FAILED
        except StoreError as error:
            show_refusal(error, fields=fields, conflict=conflict, not_found_page=not_found_page)
            return FAILED


def _check_parameters(service: Callable) -> None:
    try:
        parameters = inspect.signature(service).parameters
    except (TypeError, ValueError):  # a callable without a signature to read (a builtin)
        return
    if clashes := sorted(OWN_OPTIONS & set(parameters)):
        raise TypeError(f'{getattr(service, "__qualname__", service)} takes {", ".join(clashes)}, which '
                        'store_call.call keeps for its own options: rename the parameter')


async def call_anonymous(service: Callable[..., T], *args: Any, fields: dict | None = None,
                         message: ui.label | None = None, **kwargs: Any) -> T:
    """`service(*args, **kwargs)` for what needs no logged-in user (log-in, first-run setup), in a worker
    thread; FAILED after showing a ValidationError at `fields`, and any other refusal in `message` (or a
    notice)."""
    try:
        result = await in_worker(service, *args, **kwargs)
        if fields:
            clear_errors(fields)
        return result
    except StoreError as error:
        if message is not None and not (isinstance(error, ValidationError) and fields):
            message.text = describe(error)
        else:
            show_refusal(error, fields=fields)
        return FAILED


async def done(callback: Callable[[], Any] | None) -> None:
    """Run what a page asked to happen after a change (a reload), awaiting it when it is async."""
    result = callback() if callback else None
    if inspect.isawaitable(result):
        await result


def show_refusal(error: StoreError, *, fields: dict | None = None, conflict: ui.label | None = None,
                 not_found_page: bool = False) -> None:
    """Tell the person what the store refused, each kind of refusal its own way."""
    if conflict is not None and not isinstance(error, ConflictError):
        conflict.text = ''
    if isinstance(error, NotAuthenticated):
        session.expired()
    elif isinstance(error, TwoFactorSetupRequired):  # an administrator requires it: set it up first
        ui.notify(str(error), type='warning', multi_line=True)
        ui.navigate.to('/two-factor')
    elif isinstance(error, ValidationError) and fields:
        show_errors(fields, error)
    elif isinstance(error, ConflictError) and conflict is not None:
        conflict.text = str(error)
    elif isinstance(error, (NotFound, Forbidden)) and not_found_page:
        not_found()
    else:
        ui.notify(describe(error), type='negative', multi_line=True)


def describe(error: StoreError) -> str:
    """What a refusal says to a person."""
    if isinstance(error, ValidationError):
        return ' '.join(error.errors.values())
    if isinstance(error, DecryptionError):
        return DecryptionError.MESSAGE  # its str() names the record, for the operator's log
    return str(error)
