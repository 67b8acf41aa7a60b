"""Add and edit an API secret: every field validated by the store, each message at its field."""
from __future__ import annotations

from nicegui import ui

from store import api_secrets
from store.errors import NotFound
from store.records import METHODS, ApiSecretDetails, ApiSecretInput, UserInfo
from store.validation import LIMITS

from ..components.display import when
from ..components.forms import limit_length
from ..components.store_call import FAILED, call
from ..frame import page, requires_user


@requires_user
async def create_new(user: UserInfo) -> None:
    with page('Add API secret', width='max-w-3xl'):
        fields = _fields()

        async def save() -> None:
            secret_id = await call(api_secrets.create_api_secret, _input(fields), fields=fields)
            if secret_id is not FAILED:
                ui.notify('API secret saved', type='positive')
                ui.navigate.to(f'/mysafe/api-secrets/{secret_id}')

        _buttons(save, '/mysafe/api-secrets')


@requires_user
async def create_edit(user: UserInfo, secret_id: str) -> None:
    details = await call(_editable, secret_id, not_found_page=True)
    if details is FAILED:
        return
    with page('Edit API secret', width='max-w-3xl'):
        ui.label(f'Created by {details.created_by or "—"} at {when(details.created_at)} · '
                 f'last changed by {details.updated_by or "—"} at {when(details.updated_at)}') \
            .classes('text-grey-9 q-mb-sm')
        conflict = ui.label('').classes('text-negative text-weight-medium').props('role=alert')
        fields = _fields(details)

        async def save() -> None:
            if await call(api_secrets.update_api_secret, details.id, _input(fields, details), details.version,
                          fields=fields, conflict=conflict) is not FAILED:
                ui.notify('API secret updated', type='positive')
                ui.navigate.to(f'/mysafe/api-secrets/{details.id}')

        _buttons(save, f'/mysafe/api-secrets/{details.id}')


def _editable(actor, secret_id: str) -> ApiSecretDetails:
    """The details, for someone who may edit them (the edit form is no visit: no View event)."""
    details = api_secrets.get_api_secret(actor, secret_id, record_view=False)  # the store parses the id
    if not details.can_edit:
        raise NotFound()  # a viewer's edit link reads like any secret they cannot reach
    return details


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
        .props('autocomplete=new-password'),
        'identifier': text('Identifier', details.identifier if details else '')
        .props('hint="Unique among your API secrets, e.g. stripe-prod"'),
        'method': ui.select(list(METHODS), label='Method', value=details.method if details else 'GET')
        .classes('w-full'),
        'tags': text('Tags', ', '.join(details.tags) if details else '')
        .props('hint="Comma-separated, e.g. payments, production"'),
        'notes': ui.textarea('Notes', value=details.notes if details else '').classes('w-full'),
    }
    fields['client_secret'].props['hint'] = secret_hint
    for name, limit in LIMITS.items():
        limit_length(fields[name], limit)  # a longer paste is refused with the store's message, never cut
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
