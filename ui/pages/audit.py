"""Audit: the events the user may read (SPEC sections 1 and 3), filtered, sorted and paged in the database."""
from __future__ import annotations

import dataclasses

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement

from store import audit, events
from store.records import AuditEntry, AuditFilter, Page

from .. import session
from ..components.display import page_heading
from ..components.list_filters import FilterPanel, table_request
from ..components.store_call import FAILED
from ..frame import Shell

PER_PAGE = 30
COLUMNS = [
    {'name': 'name', 'label': 'Name', 'field': 'name', 'sortable': True, 'align': 'left'},
    {'name': 'type', 'label': 'Type', 'field': 'type', 'sortable': True, 'align': 'left'},
    {'name': 'event', 'label': 'Event', 'field': 'event', 'sortable': True, 'align': 'left'},
    {'name': 'details', 'label': 'Details', 'field': 'details', 'sortable': True, 'align': 'left'},
    {'name': 'user', 'label': 'User', 'field': 'user', 'sortable': True, 'align': 'left'},
    {'name': 'ip', 'label': 'User IP', 'field': 'ip', 'sortable': True, 'align': 'left'},
    {'name': 'date', 'label': 'Date', 'field': 'date', 'sortable': True, 'align': 'left'},
]
EVERY_EVENT = 'You see every event.'
OWN_SECRETS = 'You see the audit of the API secrets you own.'


def create(shell: Shell, item: str = '') -> None:
    """`item` (from /audit?item=ID, the details page's Audit button) keeps only that API secret's events."""
    user = shell.enter()
    if user is None:
        return
    with ui.column().classes('w-full q-pa-md'):
        page_heading('Audit')
        ui.label(EVERY_EVENT if user.is_admin else OWN_SECRETS).classes('text-grey-9')
        if item:
            with ui.row().classes('items-center gap-2'):
                ui.label(f'Only the events of API secret {item}.').classes('text-weight-medium')
                ui.button('Show every event', on_click=lambda: ui.navigate.to('/audit')).props('flat no-caps')
        with ui.row().classes('w-full items-center gap-2'):
            show_filters = ui.button('Show filters', icon='filter_list',
                                     on_click=lambda: filters.toggle(show_filters)).props('flat no-caps')
            show_filters.props['aria-expanded'] = 'false'
            ui.button('Update', icon='refresh', on_click=lambda: load(table.pagination)).props('flat no-caps')
            ui.space()
            ui.button('Export CSV', icon='download', on_click=lambda: export()).props('flat no-caps')
        filters = FilterPanel(on_apply=lambda: load({**table.pagination, 'page': 1}), fields=_fields,
                              record=AuditFilter)
        table = ui.table(columns=COLUMNS, rows=[], row_key='id', pagination={
            'page': 1, 'rowsPerPage': PER_PAGE, 'sortBy': 'date', 'descending': True, 'rowsNumber': 0,
        }).classes('w-full').props('flat bordered :rows-per-page-options="[10, 30, 100]" no-data-label="No events"')

        def chosen() -> AuditFilter:
            return dataclasses.replace(filters.value(), item_id=item)

        def load(pagination: dict) -> None:
            page = filters.run(lambda: audit.list_events(
                session.actor(), **table_request(pagination, 'date', PER_PAGE), filters=chosen()))
            if page is not FAILED:
                _show(table, page, pagination)

        def export() -> None:
            """Every event the filters select (not only this page)."""
            request = table_request(table.pagination, 'date', PER_PAGE)
            text = filters.run(lambda: audit.export_events_csv(
                session.actor(), sort=request['sort'], descending=request['descending'], filters=chosen()))
            if text is not FAILED:
                ui.download.content(text.encode('utf-8'), 'audit.csv', 'text/csv')

        table.on('request', lambda e: load(e.args['pagination']))
        load(table.pagination)


def _fields() -> dict[str, ValueElement]:
    """The audit's filters, named as the fields of AuditFilter."""
    return {
        'item_type': ui.select(['All', *events.ITEM_TYPES], label='Type', value='All'),
        'event': ui.select(['All', *events.ACTIONS], label='Event', value='All'),
        'user': ui.input('User'),
        'since': ui.input('From').props('type=date stack-label'),
        'until': ui.input('Until').props('type=date stack-label'),
    }


def _show(table: ui.table, page: Page, pagination: dict) -> None:
    table.rows = [_row(entry) for entry in page.items]
    table.pagination = {**pagination, 'page': page.page, 'rowsNumber': page.total}
    table.update()


def _row(entry: AuditEntry) -> dict:
    return {'id': entry.id, 'name': entry.name, 'type': entry.type, 'event': entry.event, 'details': entry.details,
            'user': entry.user,
            'ip': entry.ip, 'date': entry.at.strftime(audit.DATE_FORMAT)}
