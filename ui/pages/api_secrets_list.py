"""API secrets: the table of every secret the user may see, paged and sorted in the database."""
from __future__ import annotations

from nicegui import ui

from store import api_secrets
from store.records import OWNER, ApiSecretSummary, Page

from .. import session
from ..components.display import page_heading, when
from ..components.list_filters import FilterPanel, table_request
from ..components.secret_actions import can_edit, set_enabled
from ..components.share_dialog import open_share_dialog
from ..components.store_call import FAILED
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
# Quasar wraps these in the selection column's th / td; they only name the checkboxes.
SELECTION_HEADER = r'''
<q-checkbox v-model="props.selected" aria-label="Select all rows on this page" />
'''
SELECTION_CELL = r'''
<q-checkbox v-model="props.selected" :aria-label="'Select ' + props.row.name" />
'''
ACTION_CELL = r'''
<q-td :props="props">
  <q-btn flat round dense icon="search" aria-label="View API secret"
         @click="() => $parent.$emit('view', props.row)">
    <q-tooltip>View API secret</q-tooltip>
  </q-btn>
  <q-btn v-if="props.row.can_edit" flat round dense icon="more_vert" aria-label="More actions">
    <q-tooltip>More actions</q-tooltip>
    <q-menu style="min-width: 8rem">
        <q-item dense role="menuitem" clickable v-close-popup @click="() => $parent.$emit('edit', props.row)">
          <q-item-section>Edit</q-item-section>
        </q-item>
        <q-item dense role="menuitem" v-if="props.row.is_owner" clickable v-close-popup
                @click="() => $parent.$emit('share', props.row)">
          <q-item-section>Share</q-item-section>
        </q-item>
        <q-item dense role="menuitem" clickable v-close-popup @click="() => $parent.$emit('toggle', props.row)">
          <q-item-section>{{ props.row.enabled ? 'Disable' : 'Enable' }}</q-item-section>
        </q-item>
    </q-menu>
  </q-btn>
</q-td>
'''


def create(shell: Shell) -> None:
    if shell.enter() is None:
        return
    with ui.column().classes('w-full q-pa-md'):
        page_heading('API secrets')
        with ui.row().classes('w-full items-center gap-2') as toolbar:
            show_filters = ui.button('Show filters', icon='filter_list',
                                     on_click=lambda: filters.toggle(show_filters)).props('flat aria-expanded=false')
            ui.button('Update', icon='refresh', on_click=lambda: reload()).props('flat')
            batch = [
                ui.button('Disable', icon='block', on_click=lambda: set_enabled(_selected(table), False, reload)),
                ui.button('Enable', icon='check_circle', on_click=lambda: set_enabled(_selected(table), True, reload)),
                ui.button('Share', icon='share', on_click=lambda: open_share_dialog(_selected(table), reload)),
            ]
            for button in batch:
                button.props('outline').disable()
            ui.space()
            ui.button('Export CSV', icon='download', on_click=lambda: export()).props('flat')
            ui.button('Add API secret', icon='add', on_click=lambda: ui.navigate.to('/mysafe/api-secrets/new'))
        for button in toolbar.descendants():
            if isinstance(button, ui.button):
                button.props('no-caps')
        filters = FilterPanel(on_apply=lambda: load({**table.pagination, 'page': 1}))
        table = ui.table(columns=COLUMNS, rows=[], row_key='id', selection='multiple', pagination={
            'page': 1, 'rowsPerPage': PER_PAGE, 'sortBy': 'name', 'descending': False, 'rowsNumber': 0,
        }, on_select=lambda: _enable_batch(table, batch)) \
            .classes('w-full').props('flat bordered binary-state-sort :rows-per-page-options="[10, 30, 100]"')
        table.add_slot('body-cell-action', ACTION_CELL)
        table.add_slot('header-selection', SELECTION_HEADER)
        table.add_slot('body-selection', SELECTION_CELL)
        table.on('view', lambda e: ui.navigate.to(f'/mysafe/api-secrets/{int(e.args["id"])}'))
        table.on('edit', lambda e: ui.navigate.to(f'/mysafe/api-secrets/{int(e.args["id"])}/edit'))
        table.on('share', lambda e: open_share_dialog([int(e.args['id'])], reload))
        table.on('toggle', lambda e: set_enabled([int(e.args['id'])], not e.args['enabled'], reload))

        def load(pagination: dict) -> None:
            page = filters.run(lambda: api_secrets.list_api_secrets(
                session.actor(), **table_request(pagination, 'name', PER_PAGE), filters=filters.value()))
            if page is not FAILED:
                _show(table, page, pagination)
                _enable_batch(table, batch)

        def export() -> None:
            """Every row the filters select (not only this page), without any client secret."""
            request = table_request(table.pagination, 'name', PER_PAGE)
            text = filters.run(lambda: api_secrets.export_api_secrets_csv(
                session.actor(), sort=request['sort'], descending=request['descending'], filters=filters.value()))
            if text is not FAILED:
                ui.download.content(text.encode('utf-8'), 'api-secrets.csv', 'text/csv')

        def reload() -> None:
            table.selected = []
            load(table.pagination)

        table.on('request', lambda e: load(e.args['pagination']))
        load(table.pagination)


def _enable_batch(table: ui.table, batch: list[ui.button]) -> None:
    """Offer an action only when the user may do it to every selected secret (the store checks again)."""
    disable, enable, share = batch
    rows = table.selected
    disable.set_enabled(bool(rows) and all(row.get('can_edit') for row in rows))
    enable.set_enabled(bool(rows) and all(row.get('can_edit') for row in rows))
    share.set_enabled(bool(rows) and all(row.get('is_owner') for row in rows))


def _selected(table: ui.table) -> list[int]:
    return [int(row['id']) for row in table.selected]


def _show(table: ui.table, page: Page, pagination: dict) -> None:
    table.rows = [_row(item) for item in page.items]
    table.pagination = {**pagination, 'page': page.page, 'rowsNumber': page.total}
    table.update()


def _row(item: ApiSecretSummary) -> dict:
    return {
        'id': item.id, 'name': item.name, 'url': item.url, 'tags': ', '.join(item.tags),
        'shared': 'Yes' if item.shared else 'No', 'owner': item.owner, 'last_use': when(item.last_used_at),
        'status': 'Enabled' if item.enabled else 'Disabled', 'enabled': item.enabled,
        'can_edit': can_edit(item.permission), 'is_owner': item.permission == OWNER,
    }
