"""The filter panel of the API secrets list and the audit (SPEC section 1): typed filters, read by the store."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement

from store.errors import NotAuthenticated, ValidationError
from store.records import ApiSecretFilter

from .. import session
from .forms import clear_errors, show_errors
from .store_call import FAILED

T = TypeVar('T')

CHOICES = ['All', 'Yes', 'No']


class FilterPanel:
    """Hidden until **Show filters**; **Filter** applies what is typed, **Clear** empties it and applies."""

    def __init__(self, on_apply: Callable[[], None], fields: Callable[[], dict[str, ValueElement]] | None = None,
                 record: type = ApiSecretFilter) -> None:
        """`fields` builds the inputs, named as the fields of `record` (by default the API secrets list's)."""
        self.record = record
        with ui.card().classes('w-full').props('flat bordered') as self.card:
            ui.label('Filters').classes('text-subtitle1').props('role=heading aria-level=2')
            with ui.element('div').classes('w-full grid gap-x-4 grid-cols-[repeat(auto-fill,minmax(12rem,1fr))]'):
                self.fields: dict[str, ValueElement] = (fields or api_secret_fields)()
            self.defaults = {name: field.value for name, field in self.fields.items()}
            for field in self.fields.values():
                field.on('keydown.enter', on_apply)
            with ui.row().classes('gap-2'):
                ui.button('Filter', icon='filter_alt', on_click=on_apply)
                ui.button('Clear', on_click=lambda: (self.clear(), on_apply())).props('flat')
        self.card.set_visibility(False)

    def toggle(self, button: ui.button) -> None:
        self.card.set_visibility(not self.card.visible)
        button.props['aria-expanded'] = 'true' if self.card.visible else 'false'

    def value(self):  # an instance of `record`
        return self.record(**{name: str(field.value or '') for name, field in self.fields.items()})

    def clear(self) -> None:
        clear_errors(self.fields)
        for name, field in self.fields.items():
            field.value = self.defaults[name]

    def run(self, action: Callable[[], T]) -> T | object:
        """The store's answer to `action` (which reads these filters), or FAILED after ending an expired
        session or showing, next to each filter, what the store could not read."""
        try:
            result = action()
        except NotAuthenticated:
            session.expired()
            return FAILED
        except ValidationError as error:
            self.show(error)
            return FAILED
        self.show(None)
        return result

    def show(self, error: ValidationError | None) -> None:
        """Messages next to the filters the store could not read (none: all clear)."""
        if error is None:
            clear_errors(self.fields)
        else:
            self.card.set_visibility(True)
            show_errors(self.fields, error)


def table_request(pagination: dict, default_sort: str, per_page: int) -> dict:
    """A Quasar table's pagination as the store's paging and sorting arguments."""
    return {'page': int(pagination.get('page') or 1), 'per_page': int(pagination.get('rowsPerPage') or per_page),
            'sort': pagination.get('sortBy') or default_sort, 'descending': bool(pagination.get('descending'))}


def api_secret_fields() -> dict[str, ValueElement]:
    """The API secrets list's filters, named as the fields of ApiSecretFilter."""
    return {
        'id': ui.input('ID').props('inputmode=numeric'),
        'name': ui.input('Name'),
        'url': ui.input('URL'),
        'tags': ui.input('Tags'),
        'shared': ui.select(CHOICES, label='Shared', value='All'),
        'owner': ui.input('Owner'),
        'last_use_from': ui.input('Last use from').props('type=date stack-label'),
        'last_use_until': ui.input('Last use until').props('type=date stack-label'),
        'enabled': ui.select(CHOICES, label='Enabled', value='All'),
    }
