"""MySafe home: a shortcut card per enabled API secret; View api secret opens Protected information."""
from __future__ import annotations

import itertools

from nicegui import ui

from store import api_secrets
from store.records import ApiSecretSummary, UserInfo
from store.validation import MAX_FILTER_LENGTH

from ..components.forms import limit_length
from ..components.menus import menu_item
from ..components.protected_information import open_protected_information
from ..components.secret_actions import more_actions
from ..components.store_call import FAILED, call
from ..frame import page, requires_user

HOME_LIMIT = 60


@requires_user
async def create(user: UserInfo) -> None:
    with page('MySafe'):
        with ui.row().classes('w-full items-center'):
            # 200 ms after the last keystroke: the answer then shows within SPEC's 400 ms of it
            search = ui.input('Search', on_change=lambda: cards.refresh()).props('clearable debounce=200 dense')
            search.props('type=search')
            limit_length(search, MAX_FILTER_LENGTH)
            ui.space()
            with ui.button('Add', icon='add'):
                with ui.menu():
                    menu_item('Add API secret', on_click=lambda: ui.navigate.to('/mysafe/api-secrets/new'))

        searches = itertools.count()
        latest = [0]  # the search whose cards the page shows (each refresh starts a new one)

        @ui.refreshable
        async def cards() -> None:
            asked = latest[0] = next(searches)
            page_of = await call(api_secrets.list_api_secrets, search=search.value or '', only_enabled=True,
                                 per_page=HOME_LIMIT, fields={'search': search})
            # A later search was typed meanwhile: its cards, not these, are the answer (NiceGUI does not stop a
            # refresh that is still running; its cards would be added to the later search's).
            if page_of is FAILED or asked != latest[0]:
                return
            if not page_of.items:
                _empty(bool(search.value))
                return
            with ui.element('div').classes('w-full grid gap-4 grid-cols-[repeat(auto-fill,minmax(16rem,1fr))]'):
                for item in page_of.items:
                    _card(item, cards.refresh)
            if page_of.total > len(page_of.items):
                ui.label(f'Showing {len(page_of.items)} of {page_of.total}. Search to narrow down, or open ') \
                    .classes('text-grey-9')
                ui.link('API secrets', '/mysafe/api-secrets')

        await cards()


def _card(item: ApiSecretSummary, on_change) -> None:
    card = ui.card().classes('w-full')
    card.props.update({'role': 'article', 'aria-label': item.name})
    with card:
        with ui.row().classes('w-full items-start no-wrap'):
            ui.icon('vpn_key', size='md').classes('text-primary')
            with ui.column().classes('gap-0 grow min-w-0'):
                ui.link(item.name, f'/mysafe/api-secrets/{item.id}').classes('text-subtitle1 text-weight-medium')
                ui.label(item.owner).classes('text-caption text-grey-9')
        with ui.row().classes('gap-1'):
            for tag in item.tags:
                ui.badge(tag).props('outline color=grey-9')
            if item.shared:
                ui.badge('Shared').props('color=teal-9')
        with ui.row().classes('w-full items-center'):
            ui.button('View api secret', icon='visibility',
                      on_click=lambda item=item: open_protected_information(item.id)).props('flat no-caps')
            ui.space()
            more_actions(item.id, item.permission, item.enabled, on_change)


def _empty(searching: bool) -> None:
    with ui.column().classes('w-full items-center q-pa-xl'):
        if searching:
            ui.label('No API secret matches your search.')
            return
        ui.label('Your safe is empty.').classes('text-h6')
        ui.label('Add the API secrets of the services you integrate with; they are encrypted at rest.')
        ui.button('Add API secret', icon='add', on_click=lambda: ui.navigate.to('/mysafe/api-secrets/new'))
