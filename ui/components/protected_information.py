"""The Protected information dialog: the client secret is fetched only when it opens, deleted when it closes."""
from __future__ import annotations

import math
import time

from nicegui import ui

from store import api_secrets, runtime

from .store_call import FAILED, call

# Copies the text of one element to the clipboard, with a fallback for pages not served over HTTPS. Where the page
# can read the clipboard back, it clears it %(seconds)s s later if it still holds the copied text (never what the
# person copied since); a clipboard that cannot be read now is tried again when the window next gets the focus
# (browsers refuse the clipboard to a page in the background). Only a status word goes back to the server: the value
# never does. 'clearing': cleared later; 'copied': copied, but this page cannot clear it; 'failed': not copied.
_COPY_JS = '''
(async () => {
  const el = document.getElementById(%(element)s);
  if (!el) return 'failed';
  const text = el.innerText;
  let copied = false;
  try { await navigator.clipboard.writeText(text); copied = true; } catch (e) {}
  if (!copied) {
    const area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    let ok = false; try { ok = document.execCommand('copy'); } catch (e) {}
    area.remove();
    return ok ? 'copied' : 'failed';
  }
  const read = () => Promise.race([navigator.clipboard.readText(),
                                   new Promise((_, no) => setTimeout(() => no(new Error('no answer')), 3000))]);
  try { if (await read() !== text) return 'copied'; } catch (e) { return 'copied'; }
  const clear = async () => {
    try {
      if (await read() === text) await navigator.clipboard.writeText('');
    } catch (e) { window.addEventListener('focus', clear, {once: true}); }
  };
  setTimeout(clear, %(seconds)s * 1000);
  return 'clearing';
})()
'''

# Visually hidden, still read by screen readers.
_SCREEN_READER_ONLY = 'absolute w-px h-px overflow-hidden whitespace-nowrap [clip:rect(0,0,0,0)]'
ANNOUNCE_EVERY = 15  # seconds between the polite announcements of the time left


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
    """Show already revealed values for MYSAFE_REVEAL_SECONDS; the dialog is deleted, not hidden, when it closes
    (by hand, by itself, or with the page it belongs to when the person goes elsewhere or the session ends)."""
    reveal_seconds, clipboard_seconds = runtime.guard_seconds()
    with ui.dialog().props('aria-label="Protected information"') as dialog, \
            ui.card().classes('min-w-[24rem] max-w-2xl'):
        ui.label('Protected information').classes('text-h6').props('role=heading aria-level=2')
        if note:
            ui.label(note).classes('text-grey-9')
        _copyable_value('Client ID', client_id, secret_id, 'client_id', clipboard_seconds)
        if client_secret:
            _copyable_value('Client secret', client_secret, secret_id, 'client_secret', clipboard_seconds)
        else:
            ui.label('Client secret').classes('text-caption text-grey-9')
            ui.label('No client secret is stored for this API secret.').classes('italic')
        with ui.row().classes('w-full items-center justify-between'):
            countdown = _countdown(reveal_seconds)
            ui.button('Close', on_click=dialog.close).props('flat')
        # Inside the dialog, so it is deleted (and stops) with it.
        ui.timer(1.0, lambda: countdown(close_by_itself))

    def close_by_itself() -> None:
        dialog.close()
        dialog.delete()  # at once: the browser may not answer the close (a tab asleep, a connection gone)
    # Deleted, not hidden: a hidden element would keep the secret in the browser's element store.
    dialog.on('hide', dialog.delete)
    dialog.open()


def _countdown(seconds: int):
    """"Closes in N s", shown every second; a polite live region says it every ANNOUNCE_EVERY seconds only.
    Returns the tick: it updates both and calls `on_end` once the time is up."""
    deadline = time.monotonic() + seconds
    shown = ui.label(_closes_in(seconds)).classes('text-grey-9')
    spoken = ui.label(_closes_in(seconds)).classes(_SCREEN_READER_ONLY)
    spoken.props['aria-live'] = 'polite'
    spoken.props['aria-atomic'] = 'true'

    def tick(on_end) -> None:
        left = math.ceil(deadline - time.monotonic())
        if left <= 0:
            on_end()
            return
        shown.text = _closes_in(left)
        if left % ANNOUNCE_EVERY == 0 and spoken.text != _closes_in(left):
            spoken.text = _closes_in(left)
    return tick


async def copy_to_clipboard(text: ui.label, label: str, clipboard_seconds: int) -> None:
    """Copy the label's text in the browser, have the page clear the clipboard later if it still holds it,
    and tell the person which of the two happened (or that copying failed)."""
    status = await ui.run_javascript(_COPY_JS % {'element': f'"c{text.id}"', 'seconds': clipboard_seconds},
                                     timeout=6)
    if status == 'clearing':
        ui.notify(f'{label} copied. The clipboard will be cleared in {clipboard_seconds} s.', type='positive')
    elif status == 'copied':
        ui.notify(f'{label} copied. This browser does not let MySafe read the clipboard, so it could not '
                  'be cleared: copy something else over it when you are done.', type='warning')
    else:
        ui.notify('Copying failed: select the text and copy it yourself', type='warning')


def _closes_in(seconds: int) -> str:
    return f'Closes in {seconds} s'


def _copyable_value(label: str, value: str, secret_id: int, field: str, clipboard_seconds: int) -> None:
    ui.label(label).classes('text-caption text-grey-9 q-mt-sm')
    with ui.row().classes('w-full items-center no-wrap gap-2'):
        text = ui.label(value).classes('font-mono break-all grow bg-grey-2 q-pa-sm rounded')

        async def copy() -> None:
            # The store says yes (enabled, access, password if asked) and records the copy before it happens.
            if await call(api_secrets.record_copy, secret_id, field) is FAILED:
                return
            await copy_to_clipboard(text, label, clipboard_seconds)

        button = ui.button('Copy', icon='content_copy', on_click=copy).props('flat dense')
        button.props['aria-label'] = f'Copy {label}'
        button.tooltip(f'Copy {label}')
