"""Administration: administrators add users, reset passwords and two-factor, deactivate and activate accounts."""
from __future__ import annotations

from nicegui import ui

from store import admin, two_factor
from store.records import UserInfo
from store.validation import MAX_DISPLAY_NAME_LENGTH, MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH

from ..components.confirmation import confirm
from ..components.display import when
from ..components.forms import limit_length
from ..components.store_call import FAILED, call
from ..frame import page, requires_admin

COLUMNS = [
    {'name': 'username', 'label': 'Username', 'field': 'username', 'align': 'left', 'sortable': True},
    {'name': 'display_name', 'label': 'Display name', 'field': 'display_name', 'align': 'left', 'sortable': True},
    {'name': 'is_admin', 'label': 'Administrator', 'field': 'is_admin', 'align': 'left'},
    {'name': 'is_active', 'label': 'Active', 'field': 'is_active', 'align': 'left'},
    {'name': 'last_login', 'label': 'Last log-in', 'field': 'last_login', 'align': 'left'},
    {'name': 'actions', 'label': 'Actions', 'field': 'id', 'align': 'left'},
]
ACTIONS_CELL = r'''
<q-td :props="props">
  <q-btn flat dense no-caps icon="key" label="Reset password" @click="() => $parent.$emit('reset', props.row)" />
  <q-btn flat dense no-caps icon="phonelink_erase" label="Reset two-factor"
         @click="() => $parent.$emit('reset_two_factor', props.row)" />
  <q-btn flat dense no-caps :icon="props.row.active ? 'person_off' : 'person'"
         :label="props.row.active ? 'Deactivate' : 'Activate'" @click="() => $parent.$emit('toggle', props.row)" />
</q-td>
'''


@requires_admin
async def create(user: UserInfo) -> None:
    with page('Users'):
        required = await call(two_factor.is_required)
        if required is FAILED:
            return
        with ui.row().classes('w-full items-center'):
            _require_two_factor_switch(required)
            ui.space()
            ui.button('Add user', icon='person_add', on_click=lambda: _add_user_dialog(refresh))
        users = await call(admin.list_users)
        if users is FAILED:
            return
        table = ui.table(columns=COLUMNS, rows=[_row(u) for u in users], row_key='id').classes('w-full') \
            .props('flat bordered')
        table.add_slot('body-cell-actions', ACTIONS_CELL)
        table.on('reset', lambda e: _reset_password_dialog(e.args.get('id'), str(e.args.get('username', ''))))
        table.on('reset_two_factor', lambda e: _reset_two_factor(e.args.get('id'), str(e.args.get('username', ''))))
        table.on('toggle', lambda e: _toggle(e.args.get('id'), str(e.args.get('username', '')),
                                             not e.args.get('active'), refresh))

        async def refresh() -> None:
            users = await call(admin.list_users)
            if users is not FAILED:
                table.rows = [_row(u) for u in users]
                table.update()


def _row(user: UserInfo) -> dict:
    return {'id': user.id, 'username': user.username, 'display_name': user.display_name,
            'is_admin': 'Yes' if user.is_admin else 'No', 'is_active': 'Yes' if user.is_active else 'No',
            'active': user.is_active, 'last_login': when(user.last_login_at)}


def _add_user_dialog(on_done) -> None:
    with ui.dialog().props('aria-label="Add user"') as dialog, ui.card().classes('min-w-[24rem]'):
        ui.label('Add user').classes('text-h6').props('role=heading aria-level=2')
        fields = {
            'username': ui.input('Username').classes('w-full').props('autocomplete=off'),
            'display_name': ui.input('Display name').classes('w-full').props('autocomplete=off'),
            'password': ui.input('Password', password=True, password_toggle_button=True).classes('w-full')
            .props('autocomplete=new-password'),
        }
        for name, limit in (('username', MAX_USERNAME_LENGTH), ('display_name', MAX_DISPLAY_NAME_LENGTH),
                            ('password', MAX_PASSWORD_LENGTH)):
            limit_length(fields[name], limit)
        is_admin = ui.checkbox('Administrator')

        async def save() -> None:
            if await call(admin.add_user, fields['username'].value, fields['display_name'].value,
                          fields['password'].value, is_admin.value, fields=fields) is FAILED:
                return
            dialog.close()
            ui.notify('User added', type='positive')
            await on_done()

        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Save', on_click=save)
    dialog.on('hide', dialog.delete)
    dialog.open()


def _reset_password_dialog(user_id: object, username: str) -> None:
    with ui.dialog().props('aria-label="Reset password"') as dialog, ui.card().classes('min-w-[24rem]'):
        ui.label(f'Reset password of {username}').classes('text-h6').props('role=heading aria-level=2')
        password = ui.input('New password', password=True, password_toggle_button=True).classes('w-full') \
            .props('autocomplete=new-password')
        limit_length(password, MAX_PASSWORD_LENGTH)

        async def save() -> None:
            if await call(admin.reset_password, user_id, password.value, fields={'password': password}) is FAILED:
                return
            dialog.close()
            ui.notify('Password reset', type='positive')

        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Save', on_click=save)
    dialog.on('hide', dialog.delete)
    dialog.open()


def _require_two_factor_switch(required: bool) -> None:
    """Require two-factor for everyone: users without it are taken to set it up (the store enforces it)."""
    switch = ui.switch('Require two-factor for everyone', value=required)
    busy = []

    async def changed() -> None:
        if busy:
            return
        wanted = bool(switch.value)
        if await call(two_factor.set_required, wanted) is FAILED:
            busy.append(True)
            switch.value = not wanted  # as it was: the store refused
            busy.clear()
            return
        ui.notify('Two-factor is now required for everyone' if wanted else 'Two-factor is no longer required',
                  type='positive')

    switch.on_value_change(changed)


async def _reset_two_factor(user_id: object, username: str) -> None:
    if not await confirm(f'Are you sure you want to reset the two-factor authentication of the user: {username}?'):
        return
    if await call(two_factor.reset, user_id) is not FAILED:
        ui.notify('Two-factor authentication reset: the user can log in with their password alone', type='positive')


async def _toggle(user_id: object, username: str, active: bool, on_done) -> None:
    verb = 'activate' if active else 'deactivate'
    if not await confirm(f'Are you sure you want to {verb} the user: {username}?'):
        return
    if await call(admin.set_user_active, user_id, active) is not FAILED:
        ui.notify(f'User {verb}d', type='positive')
    await on_done()
