"""A busy server. One that stops answering for a few seconds (a burst of log-ins on a loaded machine: 100 at
once kept one instance's event loop busy that long in bench/sessions.py) keeps its pages: their sockets are not
dropped, and they carry on where they were. With NiceGUI's default timing (a ping every 4 s, answered within 2 s)
both ends gave up on the socket after 6 s of silence, and the page was lost. And one with many open pages: each
holds sockets, about 8 open files (bench/sessions.py), more than systemd's default soft limit (1024) allows for 120."""
from __future__ import annotations

import asyncio
import resource
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
        await browser.wait_for(lambda: browser.pages[-1] == '/mysafe/api-secrets' and browser.table_rows(), 20)
        server.process.send_signal(signal.SIGSTOP)
        try:
            await asyncio.sleep(STALL)
        finally:
            server.process.send_signal(signal.SIGCONT)
        before = len(browser.received)
        await browser.click(browser.button('Update'))
        await browser.wait_for(lambda: any(event == 'update' for event, _ in browser.received[before:]), 20,
                               'the list updated')
        assert browser.lost == '' and [row['name'] for row in browser.table_rows()] == ['Alice payments']
        assert browser.pages[-1] == '/mysafe/api-secrets'  # the same page: not loaded again
    finally:
        await browser.close()


def test_the_server_may_open_as_many_files_as_the_system_allows(server_factory, tmp_path: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))  # what the server inherits, as from systemd's 1024
    try:
        server = server_factory(tmp_path / 'data')
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    limits = Path(f'/proc/{server.process.pid}/limits').read_text().splitlines()
    open_files = next(line for line in limits if line.startswith('Max open files')).split()
    assert open_files[3] == open_files[4] != '256'  # the soft limit raised to the hard one
