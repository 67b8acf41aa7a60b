"""Add API secret (and, in a later issue, edit): every field validated by the store, messages at the field."""
from __future__ import annotations

from nicegui import ui

from store import api_secrets
from store.errors import NotAuthenticated, ValidationError
from store.records import METHODS, ApiSecretInput

from .. import session
from ..components.display import page_heading
from ..components.forms import clear_errors, show_errors
from ..frame import Shell


def create_new(shell: Shell) -> None:
    if shell.enter() is None:
        return
    with ui.column().classes('w-full q-pa-md max-w-3xl'):
        page_heading('Add API secret')
        fields = _fields()

        def save() -> None:
            clear_errors(fields)
            try:
                secret_id = api_secrets.create_api_secret(session.actor(), _input(fields))
            except NotAuthenticated:
                session.expired()
                return
            except ValidationError as error:
                show_errors(fields, error)
                return
            ui.notify('API secret saved', type='positive')
            ui.navigate.to(f'/mysafe/api-secrets/{secret_id}')

        with ui.row().classes('q-mt-md'):
            ui.button('Save', icon='save', on_click=save)
            ui.button('Cancel', on_click=lambda: ui.navigate.to('/mysafe/api-secrets')).props('flat')


def _fields() -> dict:
    def text(label: str, **kwargs) -> ui.input:
        return ui.input(label, **kwargs).classes('w-full').props('autocomplete=off')

    return {
        'name': text('Name *').props('aria-required=true'),
        'url': text('URL *', placeholder='https://api.example.com').props('aria-required=true type=url'),
        'client_id': text('Client ID *').props('aria-required=true'),
        'client_secret': text('Client secret', password=True, password_toggle_button=True)
        .props('autocomplete=new-password'),
        'identifier': text('Identifier').props('hint="Unique among your API secrets, e.g. stripe-prod"'),
        'method': ui.select(list(METHODS), label='Method', value='GET').classes('w-full'),
        'tags': text('Tags').props('hint="Comma-separated, e.g. payments, production"'),
        'notes': ui.textarea('Notes').classes('w-full'),
    }


def _input(fields: dict) -> ApiSecretInput:
    return ApiSecretInput(**{name: element.value or '' for name, element in fields.items()})
