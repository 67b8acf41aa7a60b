"""Small helpers shared by forms: show a store ValidationError next to each field."""
from __future__ import annotations

from nicegui import ui

from store.errors import ValidationError


def show_errors(fields: dict[str, ui.input], error: ValidationError) -> None:
    """Put each message under its field; a message for an unknown field goes to a notice."""
    for name, element in fields.items():
        _set_error(element, error.errors.get(name))
    stray = [message for name, message in error.errors.items() if name not in fields]
    if stray:
        ui.notify(' '.join(stray), type='negative')


def clear_errors(fields: dict[str, ui.input]) -> None:
    for element in fields.values():
        _set_error(element, None)


def _set_error(element: ui.element, message: str | None) -> None:
    """An input shows the message under itself; a label (a form's alert line) shows it as its text."""
    if isinstance(element, ui.label):
        element.text = message or ''
    else:
        element.error = message


def limit_length(field: ui.element, limit: int) -> ui.element:
    """Let the field take one character more than `limit`: the store's message says the limit, and a huge
    paste never travels over the socket (a message over 1 MB drops the connection)."""
    field.props['maxlength'] = limit + 1
    return field


def centered_card(title: str) -> ui.card:
    with ui.column().classes('w-full items-center q-pt-xl'):
        card = ui.card().classes('w-full max-w-md q-pa-lg')
    with card:
        ui.label(title).classes('text-h5').props('role=heading aria-level=1')
    return card
