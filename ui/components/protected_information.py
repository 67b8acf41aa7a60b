"""The Protected information dialog: the client secret is fetched only when it opens, deleted when it closes."""
from __future__ import annotations

from nicegui import ui

from store import api_secrets

from .store_call import FAILED, call

# Copies the text of one element to the clipboard, with a fallback for pages not served over HTTPS.
_COPY_JS = '''
(async () => {
  const el = document.getElementById(%s);
  if (!el) return false;
  const text = el.innerText;
  try { await navigator.clipboard.writeText(text); return true; } catch (e) {}
  const area = document.createElement('textarea');
  area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
  document.body.appendChild(area); area.select();
  let ok = false; try { ok = document.execCommand('copy'); } catch (e) {}
  area.remove();
  return ok;
})()
'''


async def open_protected_information(secret_id: int, client_id: str | None = None) -> None:
    """Reveal the client secret of `secret_id` in a dialog; the reveal is recorded by the store."""
    revealed = await call(_reveal, secret_id, client_id)
    if revealed is not FAILED:
        client_secret, shown_client_id = revealed
        show_protected_information(secret_id, shown_client_id, client_secret)


def _reveal(actor, secret_id: int, client_id: str | None) -> tuple[str, str]:
    """The client secret, and the Client ID when the caller did not have it (the home's shortcut)."""
    value = api_secrets.reveal_client_secret(actor, secret_id)
    return value, client_id if client_id is not None else api_secrets.get_api_secret(actor, secret_id,
                                                                                      record_view=False).client_id


def show_protected_information(secret_id: int, client_id: str, client_secret: str, note: str = '') -> None:
    """Show already revealed values; the dialog is deleted, not hidden, when it closes."""
    with ui.dialog().props('aria-label="Protected information"') as dialog, \
            ui.card().classes('min-w-[24rem] max-w-2xl'):
        ui.label('Protected information').classes('text-h6').props('role=heading aria-level=2')
        if note:
            ui.label(note).classes('text-grey-9')
        _copyable_value('Client ID', client_id, secret_id, 'client_id')
        if client_secret:
            _copyable_value('Client secret', client_secret, secret_id, 'client_secret')
        else:
            ui.label('Client secret').classes('text-caption text-grey-9')
            ui.label('No client secret is stored for this API secret.').classes('italic')
        with ui.row().classes('w-full justify-end'):
            ui.button('Close', on_click=dialog.close).props('flat')
    # Deleted, not hidden: a hidden element would keep the secret in the browser's element store.
    dialog.on('hide', dialog.delete)
    dialog.open()


def _copyable_value(label: str, value: str, secret_id: int, field: str) -> None:
    ui.label(label).classes('text-caption text-grey-9 q-mt-sm')
    with ui.row().classes('w-full items-center no-wrap gap-2'):
        text = ui.label(value).classes('font-mono break-all grow bg-grey-2 q-pa-sm rounded')

        async def copy() -> None:
            # The store says yes (enabled, access, password if asked) and records the copy before it happens.
            if await call(api_secrets.record_copy, secret_id, field) is FAILED:
                return
            if await ui.run_javascript(_COPY_JS % f'"c{text.id}"'):
                ui.notify(f'{label} copied', type='positive')
            else:
                ui.notify('Copying failed: select the text and copy it yourself', type='warning')

        button = ui.button('Copy', icon='content_copy', on_click=copy).props('flat dense')
        button.props['aria-label'] = f'Copy {label}'
        button.tooltip(f'Copy {label}')
