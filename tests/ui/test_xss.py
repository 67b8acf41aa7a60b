"""Markup typed into a field is shown as text on every screen, never rendered as HTML."""
from __future__ import annotations

from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User

from ui.components.card_grid import CardGrid

from .helpers import SLOW, definition_list, go, home_cards, log_in, table_rows

CARD_GRID = Path(__file__).resolve().parents[2] / 'ui' / 'components' / 'card_grid.js'
PAYLOADS = ['<img src=x onerror=alert(1)>', '</script><script>alert(1)</script>']


def _rendered_as_html(user: User, text: str) -> list[ui.element]:
    """Elements that would hand `text` to the browser as markup (ui.html, ui.markdown, v-html slots)."""
    def renders_html(element: ui.element) -> bool:
        return (isinstance(element, (ui.html, ui.markdown)) and text in element.content
                or text in str(element.props.get('innerHTML', ''))
                or any('v-html' in (slot.template or '') for slot in element.slots.values()))
    return [element for element in user.client.elements.values() if renders_html(element)]


@pytest.mark.parametrize('payload', PAYLOADS)
async def test_a_name_with_markup_shows_as_text_everywhere(user: User, make_user, add_secret, payload: str) -> None:
    alice = make_user('alice')
    secret_id = add_secret(alice, name=payload, notes=payload, tags='x')
    await log_in(user, 'alice')
    await user.should_see(kind=CardGrid, retries=SLOW)
    assert list(home_cards(user)) == [payload]  # data of the card grid, which draws it as text (never as HTML)
    assert 'v-html' not in CARD_GRID.read_text() and 'innerHTML' not in CARD_GRID.read_text()
    assert not _rendered_as_html(user, payload)

    go(user, '/mysafe/api-secrets')
    await user.should_see(kind=ui.table, retries=SLOW)
    assert [row['name'] for row in table_rows(user)] == [payload]
    assert not _rendered_as_html(user, payload)

    go(user, f'/mysafe/api-secrets/{secret_id}')
    await user.should_see('API secret details', retries=SLOW)
    fields = definition_list(user)
    assert fields['Name'] == payload and fields['Notes'] == payload
    assert not _rendered_as_html(user, payload)
