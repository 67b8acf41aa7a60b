"""What a person does and sees in the simulated browser: fill fields by label, log in, read the page."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from tests.seeding import PASSWORD  # noqa: F401 - the tests import it from here
from ui.components.card_grid import CardGrid

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


def button(user: User, label: str, *, within: ui.element | None = None) -> ui.button:
    """The one visible button labelled `label` (its text, or its aria-label for icon buttons).

    With `within` (e.g. an open dialog), only the buttons inside that element count.
    """
    candidates = user.find(kind=ui.button).elements if within is None else \
        [element for element in within.descendants() if isinstance(element, ui.button) and _shown(element)]
    matches = [element for element in candidates if label in (element.text, element.props.get('aria-label'))]
    assert len(matches) == 1, f'expected one button {label!r}, found {len(matches)}'
    return matches[0]


def press(user: User, label: str, *, within: ui.element | None = None) -> None:
    """Click the one visible button labelled `label` (a disabled button ignores the click, as in a browser)."""
    UserInteraction(user, {button(user, label, within=within)}, label).click()


def button_labels(user: User) -> set[str]:
    """The labels (text, or aria-label) of every visible button on the page."""
    return {element.text or element.props.get('aria-label', '') for element in user.find(kind=ui.button).elements}


def open_dialog(user: User, name: str) -> ui.dialog | None:
    """The open dialog named `name` (its aria-label: Confirmation, Share, Add user...), or None."""
    matches = [element for element in list(user.client.elements.values()) if isinstance(element, ui.dialog)
               and not element.is_deleted and element.value and element.props.get('aria-label') == name]
    assert len(matches) <= 1, f'expected at most one open dialog {name!r}, found {len(matches)}'
    return matches[0] if matches else None


async def dialog(user: User, name: str) -> ui.dialog:
    """Wait for the dialog named `name` to open, and return it."""
    await until(lambda: open_dialog(user, name))
    return open_dialog(user, name)


async def answer_confirmation(user: User, question: str, answer: str) -> None:
    """Wait for the Confirmation dialog, check it asks `question`, press `answer` (Yes / No)."""
    confirmation = await dialog(user, 'Confirmation')
    texts = [element.text for element in confirmation.descendants() if isinstance(element, ui.label)]
    assert texts == ['Confirmation', question], texts
    press(user, answer, within=confirmation)
    await until(lambda: confirmation.is_deleted)


async def switch_user(user: User, username: str, password: str = PASSWORD, *, lands_on: str | None = '/mysafe'
                      ) -> None:
    """Log out through the user menu, then log in as `username` on the log-in page it leads to (and wait to
    land on `lands_on`, unless None)."""
    menu_item(user, 'Log out').click()
    await until(lambda: user.back_history[-1] == '/login')
    await user.should_see('Log in to MySafe', retries=SLOW)
    fill(user, Username=username, Password=password)
    user.find(kind=ui.button, content='Log in').click()
    if lands_on:
        await until(lambda: user.back_history[-1] == lands_on)


async def log_in(user: User, username: str, password: str = PASSWORD, *, path: str = '/login') -> None:
    """Open `path` (which must end on the log-in page), fill it in and press Log in."""
    await user.open(path)
    await user.should_see('Log in to MySafe')
    fill(user, Username=username, Password=password)
    user.find(kind=ui.button, content='Log in').click()


async def page_built(user: User, timeout: float = 5) -> None:
    """Wait until no page builder of the router is still running (each awaits the store in a worker thread)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        routers = [element for element in list(user.client.elements.values()) if isinstance(element, ui.sub_pages)]
        if not any(router._active_tasks for router in routers):  # pylint: disable=protected-access
            return
        await asyncio.sleep(0.02)


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
    """Wait for a background step (a handler, a navigation, a store call in a worker thread) to have had
    its effect. A condition that fails an assertion (the element it looks for is being redrawn) is not yet
    true; the last such failure is raised when time runs out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            if condition():
                return
            failure: AssertionError = AssertionError('timed out waiting for the page')
        except AssertionError as error:
            failure = error
        if loop.time() >= deadline:
            raise failure
        await asyncio.sleep(0.02)


def table_rows(user: User) -> list[dict]:
    """The rows of the one visible table on the page."""
    tables = user.find(kind=ui.table).elements
    assert len(tables) == 1, f'expected one table, found {len(tables)}'
    return list(next(iter(tables)).rows)


def home_cards(user: User) -> dict[str, dict]:
    """The shortcut cards on MySafe home (the data its card grid draws), by the API secret name each shows."""
    return {card['name']: card for grid in _home_grids(user) for card in grid.props['cards']}


def press_on_card(user: User, action: str, name: str) -> None:
    """Press a home card's button: `view` (View api secret), or a More actions item (`edit`, `share`, `toggle`); the
    browser sends the card's id."""
    grids = _home_grids(user)
    assert len(grids) == 1, f'expected one card grid, found {len(grids)}'
    UserInteraction(user, {grids[0]}, None).trigger(action, home_cards(user)[name]['id'])


def _home_grids(user: User) -> list[CardGrid]:
    return [element for element in list(user.client.elements.values())
            if isinstance(element, CardGrid) and _shown(element) and not element.is_deleted]


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


def _shown(element: ui.element) -> bool:
    return all(each.visible for each in element.ancestors(include_self=True))


def _text(element: ui.element) -> str:
    return ' '.join(child.text for child in element.descendants() if isinstance(child, ui.label))
