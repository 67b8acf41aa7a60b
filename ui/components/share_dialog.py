"""The Share dialog: pick users, give Can view (always) or Can edit, remove access, Share."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from store import api_secrets, sharing
from store.records import CAN_EDIT, OWNER

from .confirmation import confirm
from .store_call import FAILED, call, done

PICKER_RESULTS = 20  # the store is searched as the person types: no cap on how many users exist


async def open_share_dialog(secret_ids: list[int], on_done: Callable[[], None] | None = None) -> None:
    """Share one secret (the dialog shows and edits its current access) or several (grants are added)."""
    single = len(secret_ids) == 1
    access = await call(api_secrets.access_list, secret_ids[0]) if single else []
    if access is FAILED:
        return
    people = {entry.user_id: {'name': _person(entry.display_name, entry.username),
                              'can_edit': entry.permission == CAN_EDIT}
              for entry in access if entry.permission != OWNER}

    with ui.dialog().props('aria-label="Share"') as dialog, ui.card().classes('min-w-[28rem]'):
        ui.label('Share' if single else f'Share {len(secret_ids)} API secrets').classes('text-h6') \
            .props('role=heading aria-level=2')
        picker = ui.select({}, label='User', with_input=True, clearable=True).classes('w-full') \
            .props('hint="Search by username or name" input-debounce=250').props(remove='fill-input')
        found: dict[int, str] = {}

        async def search(text: object) -> None:
            """Search-as-you-type: ask the store for the users matching what is typed."""
            users = await call(sharing.find_users, text if isinstance(text, str) else '', limit=PICKER_RESULTS)
            if users is FAILED:
                return
            found.clear()
            found.update({user.id: _person(user.display_name, user.username) for user in users})
            picker.set_options(dict(found))

        picker.on('input-value', lambda event: search(event.args), throttle=0.2)
        await search('')

        @ui.refreshable
        def rows() -> None:
            if not people:
                ui.label('Not shared with anyone yet.').classes('text-grey-9 q-my-sm')
            for user_id, person in people.items():
                with ui.row().classes('w-full items-center no-wrap'):
                    ui.label(person['name']).classes('grow')
                    ui.checkbox('Can view', value=True).props('disable')
                    ui.checkbox('Can edit', value=person['can_edit'],
                                on_change=lambda e, p=person: p.update(can_edit=e.value))
                    remove = ui.button(icon='person_remove',
                                       on_click=lambda _, u=user_id: (people.pop(u), rows.refresh()))
                    remove.props('flat round dense')
                    remove.props['aria-label'] = f'Remove access of {person["name"]}'  # never a props string
                    remove.tooltip('Remove access')

        def add(event) -> None:
            if event.value is not None and event.value not in people and event.value in found:
                people[event.value] = {'name': found[event.value], 'can_edit': False}
                rows.refresh()
            picker.value = None

        picker.on_value_change(add)
        rows()
        error = ui.label('').classes('text-negative').props('role=alert')

        async def submit() -> None:
            grants = {user_id: person['can_edit'] for user_id, person in people.items()}
            if not single and not await confirm(f'Are you sure you want to share the {len(secret_ids)} records '
                                                'selected?'):
                return
            error.text = ''
            if single:
                shared = await call(sharing.set_access, secret_ids[0], grants, fields={'user': error})
            else:
                shared = await call(sharing.share, secret_ids, grants, fields={'user': error})
            if shared is FAILED:
                return
            dialog.close()
            ui.notify('Shared', type='positive')
            await done(on_done)

        with ui.row().classes('w-full justify-end q-mt-md'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Share', icon='share', on_click=submit)
    dialog.on('hide', dialog.delete)
    dialog.open()


def _person(display_name: str, username: str) -> str:
    return f'{display_name} ({username})'
