"""API secrets: the table of every secret the user may see, paged and sorted in the database."""
from __future__ import annotations

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement

from store import api_secrets
from store.records import ApiSecretFilter, ApiSecretSummary, UserInfo

from ..components.display import when
from ..components.paged_table import CHOICES, FilterPanel, PagedTable
from ..components.secret_actions import offered, set_enabled
from ..components.share_dialog import open_share_dialog
from ..frame import page, requires_user

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
# A row is plain HTML drawn by one template (Vue text interpolation, never HTML): a native checkbox and two empty
# buttons with pictures. A QCheckbox, two QBtns and a QTooltip or QMenu on each row made a 30-row redraw cost about
# 30 ms more than a one-row one in Chromium (so a filter that fills the page looked slower than one that finds a single
# secret). With plain elements, drawing 30 other rows cost 33 ms more than one row on a slower machine; patched in
# place (RowTable), 11 ms (bench/list_rows.py). A row's More actions menu is made the first time its button is
# clicked: it opens as it is made, and from then on opens and closes itself.
# The rows are patched from one update to the next (ui/components/row_table.js), checkboxes included. When a row comes
# to hold another secret, its checkbox's function ref (run on every draw) sets it to that secret's selection and lets
# go of the focus: a box ticked a moment before a sort or a filter arrived must not stay ticked on the secret that
# takes its place (Vue sets `checked` only when the value it is given changes, and the click changed the element, not
# that value), nor keep a focus that Space would turn into a tick of another secret. Making the checkbox anew for each
# secret did the same, and cost 8 ms of a 30-row redraw (bench/list_rows.py). Within one secret, `:checked` follows
# the selection (a tick the server has not echoed yet is left alone). The header's select-all is a NiceGUI slot,
# drawn anew on each update (NiceGUI makes a slot's component afresh), and a page with more rows builds new ones:
# the checkbox that had the focus is found again by its key, kept on the table while the focus is there or was lost
# with the old element (or let go of, above) a moment ago (it moved nowhere else), and takes it back once its element
# is in the page (a function ref runs while it is still being built, outside the table).
KEEP_FOCUS = r'''
@focus="(event) => { event.target.closest('table').dataset.focusedCheckbox = KEY }"
@blur="(event) => { const table = event.target.closest('table');
                    if (table && event.relatedTarget) delete table.dataset.focusedCheckbox;
                    else if (table) table.dataset.focusLostAt = Date.now() }"
:ref="(input) => {
  if (!input) return;
  if (input.dataset.key !== KEY) {  // another secret in this row (or a new checkbox): its own selection, not the
    const held = input.dataset.key !== undefined && input.ownerDocument.activeElement === input;
    input.dataset.key = KEY;        // last one's tick, and not the focus the last one had (it is looked for below)
    input.checked = props.selected === true;
    if (held) input.blur();
  }
  input.ownerDocument.defaultView.queueMicrotask(() => {
    const table = input.closest('table'), document = input.ownerDocument;
    if (table && table.dataset.focusedCheckbox === KEY && Date.now() - Number(table.dataset.focusLostAt) < 1000
        && [null, document.body].includes(document.activeElement)) {
      input.focus({ preventScroll: true });
    }
  });
}"
'''
SELECTION_HEADER = r'''
<label class="row-select-area"><input type="checkbox" class="row-select" aria-label="Select all rows on this page"
       :checked="props.selected === true" :indeterminate="props.selected === null"
       @change="(event) => { props.selected = event.target.checked }" FOCUS></label>
'''.replace('FOCUS', KEEP_FOCUS.replace('KEY', "'all'"))
ROW = r'''
<tr :class="props.__trClass">
  <td class="q-table--col-auto-width">
    <label class="row-select-area"><input type="checkbox" class="row-select"
           :aria-label="'Select ' + props.row.name"
           :checked="props.selected" @change="(event) => { props.selected = event.target.checked }" FOCUS></label>
  </td>
  CELLS
  <td class="text-center">
    <button type="button" class="row-action row-view" aria-label="View API secret" title="View API secret"
            @click="() => $parent.$emit('view', props.row)"></button>
    <button v-if="props.row.can_edit" type="button" class="row-action row-more" aria-label="More actions"
            title="More actions" aria-haspopup="menu"
            @click="() => { if (props.row.menu === undefined) props.row.menu = true; }"><q-menu
        v-if="props.row.menu !== undefined" v-model="props.row.menu" style="min-width: 8rem">
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
    </q-menu></button>
  </td>
</tr>
'''.replace('FOCUS', KEEP_FOCUS.replace('KEY', "'row ' + props.key")).replace(
    'CELLS', ''.join(f'<td class="text-left">{{{{ props.row.{column["field"]} }}}}</td>'
                     for column in COLUMNS if column['name'] != 'action'))
# Material Design's `search` and `more_vert` icons (24 x 24), drawn as the buttons' background pictures: their glyphs
# in the icon font cost about 6 ms of painting each 30-row redraw. A checkbox's label around it widens what a click
# may hit to about 40 px, as a QCheckbox's.
ICONS = (
    ('view', 'M15.5 14h-.79l-.28-.27A6.47 6.47 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l'
             '5 4.99L20.49 19l-4.99-5zm-6 0C7.01 14 5 11.99 5 9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14z'),
    ('more', 'M12 8c1.1 0 2-.9 2-2s-.9-2-2-2-2 .9-2 2 .9 2 2 2zm0 2c-1.1 0-2 .9-2 2s.9 2 2 2 2-.9 2-2-.9-2-2-2zm0 6c'
             '-1.1 0-2 .9-2 2s.9 2 2 2 2-.9 2-2-.9-2-2-2z'),
)
ROW_CSS = '''
.row-select { width: 18px; height: 18px; vertical-align: middle; cursor: pointer; accent-color: var(--q-primary); }
.row-select-area { display: inline-flex; padding: 11px; margin: -11px; vertical-align: middle; cursor: pointer; }
.row-action { width: 2rem; height: 2rem; padding: 0; border: 0; border-radius: 50%; vertical-align: middle;
  cursor: pointer; background: transparent var(--icon) center / 24px no-repeat; }
.row-action:hover, .row-action:focus-visible { background-color: rgba(0, 0, 0, .08); }
.row-action:focus-visible { outline: 2px solid var(--q-primary); }
@media (forced-colors: active) {  /* the picture's grey would vanish on a dark system theme: the icon in its colour */
  .row-action { forced-color-adjust: none; background: ButtonText; -webkit-mask: var(--icon) center / 24px no-repeat;
    mask: var(--icon) center / 24px no-repeat; }
}
''' + ''.join(f'''.row-{name} {{ --icon: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' '''
              f'''viewBox='0 0 24 24'%3E%3Cpath fill='%23212121' d='{path}'/%3E%3C/svg%3E"); }}\n'''
              for name, path in ICONS)


@requires_user
async def create(user: UserInfo) -> None:
    with page('API secrets'):
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
            ui.button('Export CSV', icon='download',
                      on_click=lambda: paged.export(api_secrets.write_api_secrets_csv, 'api-secrets.csv')) \
                .props('flat')
            ui.button('Add API secret', icon='add', on_click=lambda: ui.navigate.to('/mysafe/api-secrets/new'))
        for button in toolbar.descendants():
            if isinstance(button, ui.button):
                button.props('no-caps')
        filters = FilterPanel(on_apply=lambda: paged.first_page(), fields=_filter_fields, record=ApiSecretFilter)
        paged = PagedTable(COLUMNS, filters=filters, list_service=api_secrets.list_api_secrets, row=_row, sort='name',
                           per_page=PER_PAGE, selection='multiple', on_select=lambda: _enable_batch(table, batch),
                           on_loaded=lambda: _enable_batch(table, batch), row_template=ROW)
        table = paged.table
        table.add_slot('header-selection', SELECTION_HEADER)
        table.on('view', lambda e: _open(e.args, ''))
        table.on('edit', lambda e: _open(e.args, '/edit'))
        table.on('share', lambda e: open_share_dialog([e.args.get('id')], reload))
        table.on('toggle', lambda e: set_enabled([e.args.get('id')], not e.args.get('enabled'), reload))

        async def reload() -> None:
            table.selected = []
            await paged.load()

        await paged.load()


def _open(row: dict, suffix: str) -> None:
    """Go to a row's page; the id comes from the browser, so only digits make a path (the store checks access)."""
    secret_id = str(row.get('id', ''))
    if secret_id.isascii() and secret_id.isdigit():
        ui.navigate.to(f'/mysafe/api-secrets/{secret_id}{suffix}')


def _filter_fields() -> dict[str, ValueElement]:
    """The API secrets list's filters, named as the fields of ApiSecretFilter."""
    return {
        'id': ui.input('ID').props('inputmode=numeric'),
        'name': ui.input('Name'),
        'url': ui.input('URL'),
        'tags': ui.input('Tags'),
        'shared': ui.select(CHOICES, label='Shared', value='All'),
        'owner': ui.input('Owner'),
        'last_use_from': ui.input('Last use from').props('type=date stack-label'),
        'last_use_until': ui.input('Last use until').props('type=date stack-label'),
        'enabled': ui.select(CHOICES, label='Enabled', value='All'),
    }


def _enable_batch(table: ui.table, batch: list[ui.button]) -> None:
    """Offer an action only when the user may do it to every selected secret (the store checks again)."""
    disable, enable, share = batch
    rows = table.selected
    disable.set_enabled(bool(rows) and all(row.get('can_edit') for row in rows))
    enable.set_enabled(bool(rows) and all(row.get('can_edit') for row in rows))
    share.set_enabled(bool(rows) and all(row.get('is_owner') for row in rows))


def _selected(table: ui.table) -> list:
    return [row.get('id') for row in table.selected]


def _row(item: ApiSecretSummary) -> dict:
    return {
        'id': item.id, 'name': item.name, 'url': item.url, 'tags': ', '.join(item.tags),
        'shared': 'Yes' if item.shared else 'No', 'owner': item.owner, 'last_use': when(item.last_used_at),
        'status': 'Enabled' if item.enabled else 'Disabled', 'enabled': item.enabled,
        **offered(item.permission),
    }
