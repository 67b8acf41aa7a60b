"""Menu entries with the roles assistive technology expects inside Quasar's role=menu."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui


def menu_item(text: str = '', on_click: Callable | None = None) -> ui.menu_item:
    # Quasar gives items role=listitem, which is not allowed inside role=menu.
    return ui.menu_item(text, on_click=on_click).props('role=menuitem')
