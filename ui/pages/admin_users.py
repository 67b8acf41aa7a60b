"""Administration: administrators add users, reset passwords, deactivate and activate accounts."""
from __future__ import annotations

from nicegui import run, ui

from store import admin
from store.errors import Forbidden, NotAuthenticated, NotFound, ValidationError
from store.records import UserInfo

from .. import session
from ..components.confirmation import confirm
from ..components.display import page_heading, when
from ..components.forms import clear_errors, show_errors
from ..frame import Shell

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
  <q-btn flat dense no-caps :icon="props.row.active ? 'person_off' : 'person'"
         :label="props.row.active ? 'Deactivate' : 'Activate'" @click="() => $parent.$emit('toggle', props.row)" />
</q-td>
'''


def create(shell: Shell) -> None:
    user = shell.enter()
    if user is None:
        return
    if not user.is_admin:
        with ui.column().classes('w-full items-center q-pa-xl'):
            ui.label('Only administrators can manage users.').classes('text-h6')
        return
    with ui.column().classes('w-full q-pa-md'):
        page_heading('Users')
        with ui.row().classes('w-full'):
            ui.space()
            ui.button('Add user', icon='person_add', on_click=lambda: _add_user_dialog(refresh))
        table = ui.table(columns=COLUMNS, rows=[], row_key='id').classes('w-full').props('flat bordered')
        table.add_slot('body-cell-actions', ACTIONS_CELL)
        table.on('reset', lambda e: _reset_password_dialog(int(e.args['id']), e.args['username']))
        table.on('toggle', lambda e: _toggle(int(e.args['id']), e.args['username'], not e.args['active'], refresh))

        def refresh() -> None:
            try:
                users = admin.list_users(session.actor())
            except NotAuthenticated:
                session.expired()
                return
            except Forbidden as error:
                ui.notify(str(error), type='negative')
                return
            table.rows = [_row(u) for u in users]
            table.update()

        refresh()


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
        is_admin = ui.checkbox('Administrator')

        async def save() -> None:
            clear_errors(fields)
            try:
                await run.io_bound(admin.add_user, session.actor(), fields['username'].value,
                                   fields['display_name'].value, fields['password'].value, is_admin.value)
            except ValidationError as error:
                show_errors(fields, error)
                return
            except (NotAuthenticated, Forbidden):
                dialog.close()
                session.expired()
                return
            dialog.close()
            ui.notify('User added', type='positive')
            on_done()

        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Save', on_click=save)
    dialog.on('hide', dialog.delete)
    dialog.open()


def _reset_password_dialog(user_id: int, username: str) -> None:
    with ui.dialog().props('aria-label="Reset password"') as dialog, ui.card().classes('min-w-[24rem]'):
        ui.label(f'Reset password of {username}').classes('text-h6').props('role=heading aria-level=2')
        password = ui.input('New password', password=True, password_toggle_button=True).classes('w-full') \
            .props('autocomplete=new-password')

        async def save() -> None:
            password.error = None
            try:
                await run.io_bound(admin.reset_password, session.actor(), user_id, password.value)
            except ValidationError as error:
                password.error = ' '.join(error.errors.values())
                return
            except NotAuthenticated:
                dialog.close()
                session.expired()
                return
            except (Forbidden, NotFound) as error:
                dialog.close()
                ui.notify(str(error), type='negative')
                return
            dialog.close()
            ui.notify('Password reset', type='positive')

        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Save', on_click=save)
    dialog.on('hide', dialog.delete)
    dialog.open()


async def _toggle(user_id: int, username: str, active: bool, on_done) -> None:
    verb = 'activate' if active else 'deactivate'
    if not await confirm(f'Are you sure you want to {verb} the user: {username}?'):
        return
    try:
        admin.set_user_active(session.actor(), user_id, active)
    except ValidationError as error:
        ui.notify(' '.join(error.errors.values()), type='negative')
        return
    except NotAuthenticated:
        session.expired()
        return
    except (Forbidden, NotFound) as error:
        ui.notify(str(error), type='negative')
        on_done()
        return
    ui.notify(f'User {verb}d', type='positive')
    on_done()
