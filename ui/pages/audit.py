"""Audit: the events the user may read (SPEC sections 1 and 3), filtered, sorted and paged in the database."""
from __future__ import annotations

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement

from store import audit, events
from store.records import AuditEntry, AuditFilter, UserInfo

from ..components.paged_table import FilterPanel, PagedTable
from ..frame import page, requires_user

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


@requires_user
async def create(user: UserInfo, item: str = '') -> None:
    """`item` (from /audit?item=ID, the details page's Audit button) keeps only that API secret's events."""
    with page('Audit'):
        ui.label(EVERY_EVENT if user.is_admin else OWN_SECRETS).classes('text-grey-9')
        if item:
            with ui.row().classes('items-center gap-2'):
                ui.label(f'Only the events of API secret {item}.').classes('text-weight-medium')
                ui.button('Show every event', on_click=lambda: ui.navigate.to('/audit')).props('flat no-caps')
        with ui.row().classes('w-full items-center gap-2'):
            show_filters = ui.button('Show filters', icon='filter_list',
                                     on_click=lambda: filters.toggle(show_filters)).props('flat no-caps')
            show_filters.props['aria-expanded'] = 'false'
            ui.button('Update', icon='refresh', on_click=lambda: paged.load()).props('flat no-caps')
            ui.space()
            ui.button('Export CSV', icon='download',
                      on_click=lambda: paged.export(audit.write_events_csv, 'audit.csv')).props('flat no-caps')
        filters = FilterPanel(on_apply=lambda: paged.first_page(), fields=_fields, record=AuditFilter,
                              fixed={'item_id': item})
        paged = PagedTable(COLUMNS, filters=filters, list_service=audit.list_events, row=_row, sort='date',
                           descending=True, per_page=PER_PAGE)
        paged.table.props['no-data-label'] = 'No events'
        await paged.load()


def _fields() -> dict[str, ValueElement]:
    """The audit's filters, named as the fields of AuditFilter."""
    return {
        'item_type': ui.select(['All', *events.ITEM_TYPES], label='Type', value='All'),
        'event': ui.select(['All', *events.ACTIONS], label='Event', value='All'),
        'user': ui.input('User'),
        'since': ui.input('From').props('type=date stack-label'),
        'until': ui.input('Until').props('type=date stack-label'),
    }


def _row(entry: AuditEntry) -> dict:
    return {'id': entry.id, 'name': entry.name, 'type': entry.type, 'event': entry.event, 'details': entry.details,
            'user': entry.user, 'ip': entry.ip, 'date': entry.at.strftime(audit.DATE_FORMAT)}
