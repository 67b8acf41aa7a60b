"""API secret details: every field but the client secret, which only View the information reveals."""
from __future__ import annotations

from nicegui import ui

from store import api_secrets
from store.errors import NotAuthenticated, NotFound
from store.records import ApiSecretDetails

from .. import session
from ..components.display import not_found, page_heading, when
from ..components.protected_information import open_protected_information
from ..frame import Shell

ACCESS_COLUMNS = [
    {'name': 'user', 'label': 'User', 'field': 'user', 'align': 'left'},
    {'name': 'permission', 'label': 'Permission', 'field': 'permission', 'align': 'left'},
]


def create(shell: Shell, secret_id: str) -> None:
    if shell.enter() is None:
        return
    actor = session.actor()
    try:
        details = api_secrets.get_api_secret(actor, _as_id(secret_id))
        access = api_secrets.access_list(actor, details.id)
    except NotAuthenticated:
        session.expired()
        return
    except NotFound:
        not_found()
        return
    with ui.column().classes('w-full q-pa-md max-w-4xl'):
        with ui.row().classes('items-center gap-2'):
            ui.button(icon='arrow_back', on_click=lambda: ui.navigate.to('/mysafe/api-secrets')) \
                .props('flat round aria-label="Back to API secrets"').tooltip('Back to API secrets')
            page_heading('API secret details').classes('q-mb-none')
        if not details.enabled:
            ui.label('This API secret is disabled: it cannot be revealed or copied.') \
                .classes('text-warning text-weight-medium')
        _fields(details)
        with ui.row().classes('q-mt-md'):
            view = ui.button('View the information', icon='visibility',
                             on_click=lambda: open_protected_information(details.id, details.client_id))
            view.set_enabled(details.enabled)
        ui.label('Users with access to information').classes('text-h6 q-mt-lg').props('role=heading aria-level=2')
        ui.table(columns=ACCESS_COLUMNS, row_key='user', rows=[
            {'user': f'{entry.display_name} ({entry.username})', 'permission': entry.permission} for entry in access
        ]).classes('w-full').props('flat bordered hide-pagination :pagination="{rowsPerPage: 0}"')


def _fields(details: ApiSecretDetails) -> None:
    values = [
        ('Name', details.name), ('Owner', details.owner), ('Last use', when(details.last_used_at)),
        ('Url', details.url), ('Identifier', details.identifier or '—'), ('Client ID', details.client_id),
        ('Method', details.method), ('Tags', ', '.join(details.tags) or '—'), ('Notes', details.notes or '—'),
        ('Status', 'Enabled' if details.enabled else 'Disabled'),
    ]
    with ui.element('dl').classes('grid grid-cols-[10rem_1fr] gap-x-4 gap-y-2 w-full'):
        for label, value in values:
            with ui.element('dt').classes('text-grey-9 text-weight-medium'):
                ui.label(label)
            with ui.element('dd').classes('break-all whitespace-pre-wrap'):
                ui.label(value)


def _as_id(text: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise NotFound() from None
