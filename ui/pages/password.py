"""Change password (user menu): the current password, then the new one twice. Every session of the user ends
(this one too), so the next step is logging in with the new password."""
from __future__ import annotations

from nicegui import ui

from store import accounts
from store.records import UserInfo
from store.validation import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

from .. import session
from ..components.forms import limit_length
from ..components.store_call import FAILED, call
from ..frame import page, requires_user

FIELDS = (('current_password', 'Current password', 'current-password'),
          ('new_password', 'New password', 'new-password'),
          ('confirmation', 'Confirm new password', 'new-password'))


@requires_user
async def create(user: UserInfo) -> None:
    with page('Change password', width='max-w-md'):
        ui.label(f'At least {MIN_PASSWORD_LENGTH} characters. Changing it logs you out everywhere, '
                 'here too: you then log in with the new password.').classes('text-grey-9')
        fields = {}
        for name, label, autocomplete in FIELDS:
            fields[name] = ui.input(label, password=True, password_toggle_button=name != 'confirmation') \
                .classes('w-full')
            fields[name].props['autocomplete'] = autocomplete
            limit_length(fields[name], MAX_PASSWORD_LENGTH)

        async def save() -> None:
            typed = {name: field.value or '' for name, field in fields.items()}
            if await call(accounts.change_password, typed['current_password'], typed['new_password'],
                          typed['confirmation'], fields=fields) is FAILED:
                return
            session.end()
            ui.notify('Password changed. Log in with your new password.', type='positive')
            ui.navigate.to('/login')

        fields['confirmation'].on('keydown.enter', save)
        ui.button('Change password', on_click=save).classes('q-mt-md')
