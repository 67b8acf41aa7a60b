"""MySafe home: a shortcut card per enabled API secret; View api secret opens Protected information."""
from __future__ import annotations

import itertools

from nicegui import ui

from store import api_secrets
from store.records import ApiSecretSummary, UserInfo
from store.validation import MAX_FILTER_LENGTH

from ..components.card_grid import CardGrid
from ..components.forms import limit_length
from ..components.menus import menu_item
from ..components.protected_information import open_protected_information
from ..components.secret_actions import offered, set_enabled
from ..components.share_dialog import open_share_dialog
from ..components.store_call import FAILED, call
from ..frame import page, requires_user

HOME_LIMIT = 60


@requires_user
async def create(user: UserInfo) -> None:
    with page('MySafe'):
        with ui.row().classes('w-full items-center'):
            # 200 ms after the last keystroke: the answer then shows within SPEC's 400 ms of it
            search = ui.input('Search', on_change=lambda: reload()).props('clearable debounce=200 dense')
            search.props('type=search')
            limit_length(search, MAX_FILTER_LENGTH)
            ui.space()
            with ui.button('Add', icon='add'):
                with ui.menu():
                    menu_item('Add API secret', on_click=lambda: ui.navigate.to('/mysafe/api-secrets/new'))

        searches = itertools.count(1)
        latest = [0]  # the refresh whose cards the page shows

        def reload():
            """The cards again, for the search as it is now. The refresh takes its number as it is asked for: NiceGUI
            empties the cards at once but runs the new refresh a turn of the event loop later, and an earlier answer
            arriving in that turn would otherwise still be the latest."""
            latest[0] = next(searches)
            return cards.refresh(latest[0])

        @ui.refreshable
        async def cards(asked: int = 0) -> None:
            page_of = await call(api_secrets.list_api_secrets, search=search.value or '', only_enabled=True,
                                 per_page=HOME_LIMIT, fields={'search': search})
            # A later refresh was asked for meanwhile: its cards, not these, are the answer (NiceGUI does not stop a
            # refresh that is still running; these would be added to the later one's). Or the person left the page.
            if page_of is FAILED or asked != latest[0] or search.is_deleted:
                return
            if not page_of.items:
                _empty(bool(search.value))
                return
            grid = CardGrid([_card(item) for item in page_of.items])
            grid.on_card('view', lambda card: open_protected_information(card['id']))
            # The actions the card's menu offers, and only those (the store checks again on each).
            grid.on_card('edit', lambda card: ui.navigate.to(f'/mysafe/api-secrets/{card["id"]}/edit')
                         if card['can_edit'] else None)
            grid.on_card('share', lambda card: open_share_dialog([card['id']], reload) if card['is_owner'] else None)
            grid.on_card('toggle', lambda card: set_enabled([card['id']], not card['enabled'], reload)
                         if card['can_edit'] else None)
            if page_of.total > len(page_of.items) or page_of.more:  # the store counts only so far (Page.more)
                matching = f'more than {page_of.total:,}' if page_of.more else f'{page_of.total:,}'
                ui.label(f'Showing {len(page_of.items)} of {matching}. Search to narrow down, or open ') \
                    .classes('text-grey-9')
                ui.link('API secrets', '/mysafe/api-secrets')

        await cards()


def _card(item: ApiSecretSummary) -> dict:
    """What a card shows of a secret, and which of its actions it offers (the store checks again)."""
    return {'id': item.id, 'name': item.name, 'owner': item.owner, 'tags': item.tags, 'shared': item.shared,
            'enabled': item.enabled, **offered(item.permission)}


def _empty(searching: bool) -> None:
    with ui.column().classes('w-full items-center q-pa-xl'):
        if searching:
            ui.label('No API secret matches your search.')
            return
        ui.label('Your safe is empty.').classes('text-h6')
        ui.label('Add the API secrets of the services you integrate with; they are encrypted at rest.')
        ui.button('Add API secret', icon='add', on_click=lambda: ui.navigate.to('/mysafe/api-secrets/new'))
