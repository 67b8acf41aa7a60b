"""API secrets: the table of every secret the user may see, paged and sorted in the database."""
from __future__ import annotations

from nicegui import ui

from store import api_secrets
from store.errors import NotAuthenticated
from store.records import ApiSecretSummary, Page

from .. import session
from ..components.display import page_heading, when
from ..frame import Shell

PER_PAGE = 30
COLUMNS = [
    {'name': 'id', 'label': 'ID', 'field': 'id', 'sortable': True, 'align': 'left'},
    {'name': 'name', 'label': 'Name', 'field': 'name', 'sortable': True, 'align': 'left'},
    {'name': 'url', 'label': 'URL', 'field': 'url', 'sortable': True, 'align': 'left'},
    {'name': 'tags', 'label': 'Tags', 'field': 'tags', 'align': 'left'},
    {'name': 'shared', 'label': 'Shared', 'field': 'shared', 'align': 'left'},
    {'name': 'owner', 'label': 'Owner', 'field': 'owner', 'sortable': True, 'align': 'left'},
    {'name': 'last_use', 'label': 'Last use', 'field': 'last_use', 'sortable': True, 'align': 'left'},
    {'name': 'status', 'label': 'Status', 'field': 'status', 'sortable': True, 'align': 'left'},
    {'name': 'action', 'label': 'Action', 'field': 'id', 'align': 'center'},
]
ACTION_CELL = r'''
<q-td :props="props">
  <q-btn flat round dense icon="search" aria-label="View API secret"
         @click="() => $parent.$emit('view', props.row)">
    <q-tooltip>View API secret</q-tooltip>
  </q-btn>
</q-td>
'''


def create(shell: Shell) -> None:
    if shell.enter() is None:
        return
    with ui.column().classes('w-full q-pa-md'):
        page_heading('API secrets')
        with ui.row().classes('w-full items-center'):
            ui.button('Update', icon='refresh', on_click=lambda: load(table.pagination)).props('flat')
            ui.space()
            ui.button('Add API secret', icon='add', on_click=lambda: ui.navigate.to('/mysafe/api-secrets/new'))
        table = ui.table(columns=COLUMNS, rows=[], row_key='id', pagination={
            'page': 1, 'rowsPerPage': PER_PAGE, 'sortBy': 'name', 'descending': False, 'rowsNumber': 0,
        }).classes('w-full').props('flat bordered :rows-per-page-options="[10, 30, 100]"')
        table.add_slot('body-cell-action', ACTION_CELL)
        table.on('view', lambda event: ui.navigate.to(f'/mysafe/api-secrets/{int(event.args["id"])}'))

        def load(pagination: dict) -> None:
            try:
                page = api_secrets.list_api_secrets(
                    session.actor(), page=int(pagination.get('page') or 1),
                    per_page=int(pagination.get('rowsPerPage') or PER_PAGE),
                    sort=pagination.get('sortBy') or 'name', descending=bool(pagination.get('descending')))
            except NotAuthenticated:
                session.expired()
                return
            _show(table, page, pagination)

        table.on('request', lambda event: load(event.args['pagination']))
        load(table.pagination)


def _show(table: ui.table, page: Page, pagination: dict) -> None:
    table.rows = [_row(item) for item in page.items]
    table.pagination = {**pagination, 'page': page.page, 'rowsNumber': page.total}
    table.update()


def _row(item: ApiSecretSummary) -> dict:
    return {
        'id': item.id, 'name': item.name, 'url': item.url, 'tags': ', '.join(item.tags),
        'shared': 'Yes' if item.shared else 'No', 'owner': item.owner, 'last_use': when(item.last_used_at),
        'status': 'Enabled' if item.enabled else 'Disabled',
    }
