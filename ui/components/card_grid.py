"""MySafe home's shortcut cards as one element, drawn in the browser from their data (card_grid.js)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import events, ui


class CardGrid(ui.element, component='card_grid.js'):
    """A grid of cards, one per dict of `cards` (id, name, owner, tags, shared, can_edit, is_owner, enabled).
    Its buttons emit `view`, `edit`, `share` and `toggle` with the card's id; `on_card(action, handler)` calls the
    handler with the card as sent (the dict of `cards`), for an id this grid holds, and never for another."""

    def __init__(self, cards: list[dict[str, Any]]) -> None:
        super().__init__()
        self.props['cards'] = cards
        self._by_id = {card['id']: card for card in cards}

    def on_card(self, action: str, handler: Callable[[dict[str, Any]], Any]) -> CardGrid:
        def handle(event: events.GenericEventArguments) -> Any:
            card = self._by_id.get(event.args) if type(event.args) is int else None  # not True: it equals 1
            return handler(card) if card is not None else None
        self.on(action, handle)
        return self
