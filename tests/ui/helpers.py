"""What a person does and sees in the simulated browser: fill fields by label, log in, read the page."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

PASSWORD = 'correct horse battery staple'
SLOW = 30  # retries of should_see (0.1 s each) for steps that hash a password or wait on a navigation


def field(user: User, label: str) -> ValueElement:
    """The one visible input, select or textarea whose label is exactly `label`."""
    matches = [element for element in user.find(kind=ValueElement).elements if element.props.get('label') == label]
    assert len(matches) == 1, f'expected one field labelled {label!r}, found {len(matches)}'
    return matches[0]


def fill(user: User, **values: str) -> None:
    """Set fields by label: fill(user, **{'Name *': 'Stripe'})."""
    for label, value in values.items():
        field(user, label).value = value


def button(user: User, label: str) -> ui.button:
    """The one visible button labelled `label` (its text, or its aria-label for icon buttons)."""
    matches = [element for element in user.find(kind=ui.button).elements
               if label in (element.text, element.props.get('aria-label'))]
    assert len(matches) == 1, f'expected one button {label!r}, found {len(matches)}'
    return matches[0]


async def log_in(user: User, username: str, password: str = PASSWORD, *, path: str = '/login') -> None:
    """Open `path` (which must end on the log-in page), fill it in and press Log in."""
    await user.open(path)
    await user.should_see('Log in to MySafe')
    fill(user, Username=username, Password=password)
    user.find(kind=ui.button, content='Log in').click()


def go(user: User, path: str) -> None:
    """Follow an in-app link (client-side routing), as the side menu does.

    Use it instead of `user.open` once a page is open and the target may redirect: the simulation
    would apply a redirect made while `open` builds a new page to the previous page instead.
    """
    user.navigate.to(path)


def menu_item(user: User, text: str) -> UserInteraction:
    """The menu item showing `text` (its text sits in a child element), ready to click."""
    items = [element for element in user.current_layout.descendants() if isinstance(element, ui.menu_item)
             and any(getattr(child, 'text', None) == text for child in element.descendants())]
    assert len(items) == 1, f'expected one menu item {text!r}, found {len(items)}'
    return UserInteraction(user, set(items), None)


async def until(condition: Callable[[], object], *, timeout: float = 5) -> None:
    """Wait for a background step (a handler, a navigation) to have had its effect."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, 'timed out waiting for the page'
        await asyncio.sleep(0.02)


def table_rows(user: User) -> list[dict]:
    """The rows of the one visible table on the page."""
    tables = user.find(kind=ui.table).elements
    assert len(tables) == 1, f'expected one table, found {len(tables)}'
    return list(next(iter(tables)).rows)


def definition_list(user: User) -> dict[str, str]:
    """The labelled values of a details page (<dt>label</dt><dd>value</dd> pairs), in order."""
    lists = [element for element in user.current_layout.descendants() if element.tag == 'dl']
    assert len(lists) == 1, f'expected one <dl>, found {len(lists)}'
    texts = [_text(child) for child in lists[0].default_slot.children]
    return dict(zip(texts[0::2], texts[1::2]))


def page_holds(user: User, text: str) -> bool:
    """True when `text` is anywhere in the client's elements, visible or not (what the browser could hold)."""
    return any(text in json.dumps(element._to_dict(), default=str)  # pylint: disable=protected-access
               for element in user.client.elements.values())


def _text(element: ui.element) -> str:
    return ' '.join(child.text for child in element.descendants() if isinstance(child, ui.label))
