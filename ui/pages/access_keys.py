"""Access keys: a person's keys for programs (SPEC section 1): create one (shown once), see them, revoke."""
from __future__ import annotations

import asyncio
import datetime as dt

from nicegui import ui

from store import access_keys, runtime
from store.records import AccessKeyInfo, AccessKeyInput, CreatedAccessKey, UserInfo
from store.validation import LIMITS

from ..components.confirmation import confirm
from ..components.forms import limit_length
from ..components.display import when
from ..components.protected_information import copy_to_clipboard
from ..components.store_call import FAILED, call
from ..frame import page, requires_user

PICKER_RESULTS = 20  # the store is searched as the person types: no cap on how many secrets there are
COLUMNS = [
    {'name': 'name', 'label': 'Name', 'field': 'name', 'align': 'left', 'sortable': True},
    {'name': 'secrets', 'label': 'API secrets', 'field': 'secrets', 'align': 'left'},
    {'name': 'expires', 'label': 'Expires', 'field': 'expires', 'align': 'left', 'sortable': True},
    {'name': 'last_use', 'label': 'Last use', 'field': 'last_use', 'align': 'left'},
    {'name': 'status', 'label': 'Status', 'field': 'status', 'align': 'left', 'sortable': True},
    {'name': 'actions', 'label': 'Actions', 'field': 'id', 'align': 'left'},
]
# Row values reach the browser as data and are shown as text by Vue, never parsed as markup.
ACTIONS_CELL = r'''
<q-td :props="props">
  <q-btn v-if="props.row.status !== 'Revoked'" flat dense no-caps icon="block" label="Revoke"
         @click="() => $parent.$emit('revoke', props.row)" />
</q-td>
'''


@requires_user
async def create(user: UserInfo) -> None:
    with page('Access keys') as body:
        ui.label('Programs read the API secrets you choose for a key through the API (see /api/docs). '
                 'A key is shown once, when it is created.').classes('text-grey-9')
        with ui.row().classes('w-full'):
            ui.space()
            new_key = ui.button('New access key', icon='add')
        table = ui.table(columns=COLUMNS, rows=[], row_key='id').classes('w-full') \
            .props('flat bordered no-data-label="No access keys yet."')
        table.add_slot('body-cell-actions', ACTIONS_CELL)

        async def refresh() -> None:
            keys = await call(access_keys.list_access_keys)
            if keys is not FAILED:
                table.rows = [_row(key) for key in keys]
                table.update()

        new_key.on_click(lambda: _new_key_dialog(body, refresh))
        table.on('revoke', lambda e: _revoke(e.args.get('id'), str(e.args.get('name', '')), refresh))
        await refresh()


def _row(key: AccessKeyInfo) -> dict:
    last_use = f'{when(key.last_used_at)} from {key.last_used_ip}' if key.last_used_at else 'Never'
    return {'id': key.id, 'name': key.name, 'secrets': ', '.join(s.name for s in key.secrets) or '—',
            'expires': f'{key.expires_at - dt.timedelta(days=1):%Y-%m-%d}', 'last_use': last_use,
            'status': key.status}


async def _new_key_dialog(body: ui.element, on_done) -> None:
    today = dt.datetime.now(dt.UTC).date()
    with ui.dialog().props('aria-label="New access key"') as dialog, ui.card().classes('min-w-[28rem]'):
        ui.label('New access key').classes('text-h6').props('role=heading aria-level=2')
        fields = {
            'name': ui.input('Name *').classes('w-full').props('autocomplete=off aria-required=true'),
            'expires': ui.input('Expires', value=(today + access_keys.DEFAULT_LIFETIME).isoformat())
            .classes('w-full').props('type=date hint="At most one year ahead (UTC)"'),
            'secret_ids': ui.select({}, label='API secrets', multiple=True, with_input=True, value=[])
            .classes('w-full').props('use-chips input-debounce=250 hint="Search by name; the key reads only these"'),
            'allowed_ips': ui.textarea('Allowed IPs').classes('w-full')
            .props('hint="Optional: addresses or CIDR ranges, one per line"'),
        }
        limit_length(fields['name'], LIMITS['name'])
        limit_length(fields['allowed_ips'], access_keys.MAX_ALLOWED_IPS_TEXT)
        fields['expires'].props['min'] = today.isoformat()
        fields['expires'].props['max'] = (today + access_keys.MAX_LIFETIME).isoformat()
        picker = fields['secret_ids']
        chosen: dict[int, str] = {}

        async def search(text: object) -> None:
            found = await call(access_keys.secret_choices, text if isinstance(text, str) else '',
                               limit=PICKER_RESULTS)
            if found is not FAILED:
                chosen.update({key: name for key, name in picker.options.items() if key in (picker.value or [])})
                picker.set_options({**chosen, **{item.id: item.name for item in found}}, value=picker.value)

        picker.on('input-value', lambda event: search(event.args), throttle=0.2)
        await search('')

        async def submit() -> None:
            data = AccessKeyInput(name=fields['name'].value or '', expires=fields['expires'].value or '',
                                  secret_ids=list(picker.value or []), allowed_ips=fields['allowed_ips'].value or '')
            created = await call(access_keys.create_access_key, data, fields=fields)
            if created is FAILED:
                return
            dialog.close()
            with body:  # not inside this dialog, which is deleted once it has closed
                _show_created(created)
            await on_done()

        with ui.row().classes('w-full justify-end q-mt-md'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Create', icon='vpn_key', on_click=submit)
    dialog.on('hide', dialog.delete)
    dialog.open()


def _show_created(created: CreatedAccessKey) -> None:
    """The key, once: the dialog is deleted (not hidden) when it closes, so the page keeps no copy."""
    with ui.dialog().props('aria-label="Access key created" persistent') as dialog, \
            ui.card().classes('min-w-[28rem] max-w-2xl'):
        ui.label('Access key created').classes('text-h6').props('role=heading aria-level=2')
        ui.label(f'Copy the key of {created.name} now: it is shown only this once. '
                 f'It expires on {created.expires_at - dt.timedelta(days=1):%Y-%m-%d}.')
        with ui.row().classes('w-full items-center no-wrap gap-2'):
            token = ui.label(created.token).classes('font-mono break-all grow bg-grey-2 q-pa-sm rounded')

            ui.button('Copy', icon='content_copy',
                      on_click=lambda: copy_to_clipboard(token, 'Access key', runtime.guard_seconds()[1])) \
                .props('flat dense')
        with ui.row().classes('w-full justify-end'):
            ui.button('Close', on_click=lambda: _close_and_delete(dialog)).props('flat')
    dialog.on('hide', lambda: None if dialog.is_deleted else dialog.delete())
    dialog.open()


async def _close_and_delete(dialog: ui.dialog) -> None:
    """Close (the browser animates it away), then delete: the key must not stay in the page."""
    dialog.close()
    await asyncio.sleep(0.3)
    if not dialog.is_deleted:
        dialog.delete()


async def _revoke(key_id: object, name: str, on_done) -> None:
    if not await confirm(f'Are you sure you want to revoke the access key: {name}?'):
        return
    if await call(access_keys.revoke_access_key, key_id) is not FAILED:
        ui.notify('Access key revoked', type='positive')
    await on_done()
