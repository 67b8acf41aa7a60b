"""Add and edit an API secret: every field validated by the store, each message at its field."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from nicegui import ui

from store import api_secrets
from store.errors import ConflictError, Forbidden, NotAuthenticated, NotFound, ValidationError
from store.records import METHODS, ApiSecretDetails, ApiSecretInput
from store.validation import LIMITS

from .. import session
from ..components.display import page_heading, when
from ..components.forms import clear_errors, show_errors
from ..components.store_call import FAILED, load_page
from ..frame import Shell

T = TypeVar('T')


def create_new(shell: Shell) -> None:
    if shell.enter() is None:
        return
    with ui.column().classes('w-full q-pa-md max-w-3xl'):
        page_heading('Add API secret')
        fields = _fields()

        def save() -> None:
            secret_id = _submit(fields, None, lambda: api_secrets.create_api_secret(session.actor(), _input(fields)))
            if secret_id is not FAILED:
                ui.notify('API secret saved', type='positive')
                ui.navigate.to(f'/mysafe/api-secrets/{secret_id}')

        _buttons(save, '/mysafe/api-secrets')


def create_edit(shell: Shell, secret_id: str) -> None:
    if shell.enter() is None:
        return
    def load() -> ApiSecretDetails:
        details = api_secrets.get_api_secret(session.actor(), secret_id)  # the store parses the id
        if not details.can_edit:
            raise NotFound()  # a viewer's edit link reads like any secret they cannot reach
        return details

    details = load_page(load)
    if details is FAILED:
        return
    with ui.column().classes('w-full q-pa-md max-w-3xl'):
        page_heading('Edit API secret')
        ui.label(f'Created by {details.created_by or "—"} at {when(details.created_at)} · '
                 f'last changed by {details.updated_by or "—"} at {when(details.updated_at)}') \
            .classes('text-grey-9 q-mb-sm')
        conflict = ui.label('').classes('text-negative text-weight-medium').props('role=alert')
        fields = _fields(details)
        version = {'value': details.version}

        def save() -> None:
            if _submit(fields, conflict, lambda: api_secrets.update_api_secret(
                    session.actor(), details.id, _input(fields, details), version['value'])) is not FAILED:
                ui.notify('API secret updated', type='positive')
                ui.navigate.to(f'/mysafe/api-secrets/{details.id}')

        _buttons(save, f'/mysafe/api-secrets/{details.id}')


def _submit(fields: dict, conflict: ui.label | None, action: Callable[[], T]) -> T | object:
    """Save through the store: each refused field gets its message, a conflict its alert; FAILED then."""
    clear_errors(fields)
    if conflict is not None:
        conflict.text = ''
    try:
        return action()
    except NotAuthenticated:
        session.expired()
    except ValidationError as error:
        show_errors(fields, error)
    except ConflictError as error:
        if conflict is not None:
            conflict.text = str(error)
    except (NotFound, Forbidden):
        ui.notify('API secret not found', type='negative')
    return FAILED


def _fields(details: ApiSecretDetails | None = None) -> dict:
    def text(label: str, value: str = '', **kwargs) -> ui.input:
        return ui.input(label, value=value, **kwargs).classes('w-full').props('autocomplete=off')

    secret_hint = 'Leave empty to keep the current client secret' if details else ''
    fields = {
        'name': text('Name *', details.name if details else '').props('aria-required=true'),
        'url': text('URL *', details.url if details else '', placeholder='https://api.example.com')
        .props('aria-required=true type=url'),
        'client_id': text('Client ID *', details.client_id if details else '').props('aria-required=true'),
        # Never pre-filled: the current value stays on the server unless a new one is typed.
        'client_secret': text('Client secret', password=True, password_toggle_button=True)
        .props(f'autocomplete=new-password hint="{secret_hint}"'),
        'identifier': text('Identifier', details.identifier if details else '')
        .props('hint="Unique among your API secrets, e.g. stripe-prod"'),
        'method': ui.select(list(METHODS), label='Method', value=details.method if details else 'GET')
        .classes('w-full'),
        'tags': text('Tags', ', '.join(details.tags) if details else '')
        .props('hint="Comma-separated, e.g. payments, production"'),
        'notes': ui.textarea('Notes', value=details.notes if details else '').classes('w-full'),
    }
    for name, limit in LIMITS.items():
        # One past the limit: a longer paste is refused with the store's message, never cut silently, and a
        # megabyte never reaches the socket (whose message size limit would drop the connection).
        fields[name].props['maxlength'] = limit + 1
    if details is None or details.is_owner:  # only the owner decides whether revealing asks for a password
        fields['ask_password'] = ui.checkbox('Ask for my password before revealing',
                                             value=details.ask_password if details else False)
    return fields


def _buttons(save, cancel_path: str) -> None:
    with ui.row().classes('q-mt-md'):
        ui.button('Save', icon='save', on_click=save)
        ui.button('Cancel', on_click=lambda: ui.navigate.to(cancel_path)).props('flat')


def _input(fields: dict, details: ApiSecretDetails | None = None) -> ApiSecretInput:
    values = {name: element.value if name == 'ask_password' else element.value or ''
              for name, element in fields.items()}
    if 'ask_password' not in values and details is not None:  # an editor keeps the owner's choice
        values['ask_password'] = details.ask_password
    return ApiSecretInput(**values)
