"""The Share dialog: pick users, give Can view (always) or Can edit, remove access, Share."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from store import api_secrets, sharing
from store.errors import Forbidden, NotAuthenticated, NotFound, ValidationError
from store.records import CAN_EDIT, OWNER

from .. import session
from .confirmation import confirm

PICKER_LIMIT = 500


def open_share_dialog(secret_ids: list[int], on_done: Callable[[], None] | None = None) -> None:
    """Share one secret (the dialog shows and edits its current access) or several (grants are added)."""
    single = len(secret_ids) == 1
    try:
        actor = session.actor()
        people = {entry.user_id: {'name': f'{entry.display_name} ({entry.username})', 'can_edit':
                                  entry.permission == CAN_EDIT}
                  for entry in api_secrets.access_list(actor, secret_ids[0]) if entry.permission != OWNER} \
            if single else {}
        candidates = {user.id: f'{user.display_name} ({user.username})'
                      for user in sharing.find_users(actor, '', limit=PICKER_LIMIT)}
    except NotAuthenticated:
        session.expired()
        return
    except NotFound as error:
        ui.notify(str(error), type='negative')
        return

    with ui.dialog().props('aria-label="Share"') as dialog, ui.card().classes('min-w-[28rem]'):
        ui.label('Share' if single else f'Share {len(secret_ids)} API secrets').classes('text-h6') \
            .props('role=heading aria-level=2')
        picker = ui.select(candidates, label='User', with_input=True, clearable=True).classes('w-full') \
            .props('hint="Search by username or name"').props(remove='fill-input')  # empty again once added

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
                    ui.button(icon='person_remove', on_click=lambda _, u=user_id: (people.pop(u), rows.refresh())) \
                        .props(f'flat round dense aria-label="Remove access of {person["name"]}"') \
                        .tooltip('Remove access')

        def add(event) -> None:
            if event.value is not None and event.value not in people:
                people[event.value] = {'name': candidates[event.value], 'can_edit': False}
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
            try:
                if single:
                    sharing.set_access(session.actor(), secret_ids[0], grants)
                else:
                    sharing.share(session.actor(), secret_ids, grants)
            except NotAuthenticated:
                dialog.close()
                session.expired()
                return
            except (NotFound, Forbidden) as exc:
                error.text = str(exc) if isinstance(exc, NotFound) else 'Only the owner can share an API secret'
                return
            except ValidationError as exc:
                error.text = ' '.join(exc.errors.values())
                return
            dialog.close()
            ui.notify('Shared', type='positive')
            if on_done:
                on_done()

        with ui.row().classes('w-full justify-end q-mt-md'):
            ui.button('Cancel', on_click=dialog.close).props('flat')
            ui.button('Share', icon='share', on_click=submit)
    dialog.on('hide', dialog.delete)
    dialog.open()
