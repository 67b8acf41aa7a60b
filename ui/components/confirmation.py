"""The Confirmation dialog: Yes / No, answered as a boolean."""
from __future__ import annotations

from nicegui import ui


async def confirm(text: str) -> bool:
    with ui.dialog().props('aria-label="Confirmation"') as dialog, ui.card():
        ui.label('Confirmation').classes('text-h6').props('role=heading aria-level=2')
        ui.label(text)
        with ui.row().classes('w-full justify-end'):
            ui.button('No', on_click=lambda: dialog.submit(False)).props('flat')
            ui.button('Yes', on_click=lambda: dialog.submit(True)).props('autofocus')
    answer = await dialog
    dialog.delete()
    return bool(answer)
