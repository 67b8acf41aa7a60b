"""The client secret reaches the browser only when a person asks for it, and leaves it when the dialog closes.

Everything the server sends is recorded: the HTML of each page load (which carries NiceGUI's element
tree) and every websocket frame (every later update), plus socket.io long-polling answers should the
connection fall back to them.
"""
from __future__ import annotations

import contextlib
import re
import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response, WebSocket, expect

from tests.e2e.support import Seeded, field_value, log_in, protected_information, side_menu_item, table_row

# NiceGUI's client-side element store (a global of nicegui.js): what a hidden element would leave behind.
ELEMENT_STORE_JS = '() => JSON.stringify(typeof mounted_app === "undefined" ? null : mounted_app.elements)'


class Recorder:
    """Everything the server sent this page: document HTML, websocket frames, long-polling answers."""

    def __init__(self, page: Page) -> None:
        self.documents: list[str] = []
        self.frames: list[str] = []
        self._polls: list[Response] = []
        page.on('websocket', self._on_websocket)
        page.on('response', self._on_response)

    def load(self, page: Page, path: str) -> None:
        """Open `path` as a new page load and keep the HTML the server answered with."""
        response = page.goto(path)
        assert response is not None and response.ok, f'{path}: {response and response.status}'
        self.documents.append(response.text())

    def received(self) -> str:
        polls = []
        for response in self._polls:
            with contextlib.suppress(PlaywrightError):  # a long poll cut short by a navigation has no body
                polls.append(response.text())
        return '\n'.join(self.documents + self.frames + polls)

    def _on_websocket(self, socket: WebSocket) -> None:
        socket.on('framereceived', lambda payload: self.frames.append(
            payload if isinstance(payload, str) else payload.decode('utf-8', 'replace')))

    def _on_response(self, response: Response) -> None:
        if '/_nicegui_ws/' in response.url:
            self._polls.append(response)


def test_client_secret_is_sent_only_on_view_the_information_and_removed_on_close(page: Page, data: Seeded) -> None:
    secret = data.github
    recorder = Recorder(page)
    recorder.load(page, '/login')
    log_in(page, data.owner)
    expect(page).to_have_url(re.compile(r'/mysafe$'))

    # The home page (a fresh load), the list and the details page (client-side navigation), and the
    # details page again as a fresh load: nothing of any client secret.
    recorder.load(page, '/mysafe')
    expect(page.get_by_role('article', name=secret.name)).to_be_visible()
    side_menu_item(page, 'API secrets').click()
    row = table_row(page, secret.name)
    row.get_by_role('button', name='View API secret').click()
    expect(field_value(page, 'Client ID')).to_have_text(secret.client_id)
    recorder.load(page, f'/mysafe/api-secrets/{secret.id}')
    expect(field_value(page, 'Client ID')).to_have_text(secret.client_id)

    received = recorder.received()
    assert len(recorder.documents) == 3 and recorder.frames, 'the recorder saw no page load or no websocket frame'
    assert secret.client_id in ''.join(recorder.frames), 'the frames do not even carry the details shown'
    for item in data.secrets:
        assert item.client_secret not in received, f'the client secret of {item.name} was sent before asked for'
        assert item.client_secret not in page.content()

    # Asking for it sends it (which also proves the recording sees it when it is there).
    page.get_by_role('button', name='View the information').click()
    dialog = protected_information(page)
    expect(dialog.get_by_text(secret.client_secret, exact=True)).to_be_visible()
    assert secret.client_secret in ''.join(recorder.frames)
    assert secret.client_secret in page.evaluate(ELEMENT_STORE_JS)
    others = [item.client_secret for item in data.secrets if item is not secret]
    assert not any(other in recorder.received() for other in others)

    # Closing the dialog deletes it: gone from the DOM and from NiceGUI's element store.
    dialog.get_by_role('button', name='Close').click()
    expect(page.get_by_role('dialog')).to_have_count(0)
    _wait_until(lambda: secret.client_secret not in page.content() + page.evaluate(ELEMENT_STORE_JS),
                'the client secret is still in the page after the dialog closed')
    assert secret.client_secret not in page.content()
    assert secret.client_secret not in page.evaluate(ELEMENT_STORE_JS)


def _wait_until(condition, message: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.05)
