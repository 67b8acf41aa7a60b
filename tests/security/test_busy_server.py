"""A server that stops answering for a few seconds (a burst of log-ins on a loaded machine: 100 at once kept one
instance's event loop busy that long in bench/sessions.py) keeps its pages: their sockets are not dropped, and
they carry on where they were. With NiceGUI's default timing (a ping every 4 s, answered within 2 s) both ends
gave up on the socket after 6 s of silence, and the page was lost."""
from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from .conftest import PASSWORD, seed
from .wire import WireClient

STALL = 8  # seconds the server is stopped (SIGSTOP): more than the 6 s NiceGUI's default timing allows


async def test_a_page_carries_on_after_the_server_stalled_for_a_few_seconds(server_factory, tmp_path: Path) -> None:
    data_dir = tmp_path / 'data'
    seed(data_dir, {'alice': False}, {'alice': [{'name': 'Alice payments'}]})
    server = server_factory(data_dir)
    browser = WireClient(server.url)
    try:
        await browser.log_in('alice', PASSWORD, '/login?return_to=%2Fmysafe%2Fapi-secrets')
        await browser.wait_for(lambda: browser.pages[-1] == '/mysafe/api-secrets' and _rows(browser), 20)
        server.process.send_signal(signal.SIGSTOP)
        try:
            await asyncio.sleep(STALL)
        finally:
            server.process.send_signal(signal.SIGCONT)
        before = len(browser.received)
        await browser.click(browser.button('Update'))
        await browser.wait_for(lambda: any(event == 'update' for event, _ in browser.received[before:]), 20,
                               'the list updated')
        assert browser.lost == '' and _rows(browser) == ['Alice payments']
        assert browser.pages[-1] == '/mysafe/api-secrets'  # the same page: not loaded again
    finally:
        await browser.close()


def _rows(browser: WireClient) -> list[str]:
    return [row['name'] for element in browser.elements.values() if element and element.get('tag') == 'nicegui-table'
            for row in element.get('props', {}).get('rows', [])]
