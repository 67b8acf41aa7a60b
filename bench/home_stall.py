#!/usr/bin/env python3
"""How long other requests wait while one person's page is made, in Debian's Chromium: MySafe home (60 shortcut
cards) opened from the API secrets list, or (--to list) the list opened from the home.

    .venv/bin/python bench/home_stall.py [--keep /tmp/scale-data] [--set sqlite:100] [--runs 15] [--to home|list]

One server (tests/harness.py) on a data set bench/scale.py built and kept (run it first with the same --keep): the
person who sees all of it opens the page, while another client asks GET /healthz over and over (a request the
event loop answers, its database check in a worker thread). Prints, p50 over the runs: the longest a health check
waited while the page was made, the same when nothing else happens, and the time from the click to the page drawn
(the 60th card, or the list's first row). A page made in one go on the event loop holds every other request until
it is done.
"""
from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from browser_scale import Session, _settle  # noqa: E402
from screenshots import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

CARDS = 60  # ui/pages/home.py HOME_LIMIT: the data set's person sees more


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--keep', default='/tmp/scale-data')
    parser.add_argument('--set', default='sqlite:100')
    parser.add_argument('--runs', type=int, default=15)
    parser.add_argument('--to', choices=('home', 'list'), default='home')
    args = parser.parse_args()
    pages = {'home': ('Home', 'API secrets'), 'list': ('API secrets', 'Home')}
    target, start = pages[args.to]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        session = Session(browser, args.set, args.keep, 'all')
        try:
            probe = Probe(session.server.url)
            idle, held, shown = [], [], []
            for run in range(args.runs + 1):
                menu = session.page.get_by_role('navigation', name='MySafe menu')
                menu.get_by_role('link').filter(has_text=start).click()
                _drawn(session.page, start)
                _settle(session)
                idle_from = time.perf_counter()
                session.page.wait_for_timeout(300)
                started = time.perf_counter()
                menu.get_by_role('link').filter(has_text=target).click()
                _drawn(session.page, target)
                drawn = time.perf_counter()
                _settle(session)
                if run:  # the first warms up
                    idle.append(probe.longest(idle_from, started))
                    held.append(probe.longest(started, time.perf_counter()))
                    shown.append((drawn - started) * 1000)
            probe.stop()
        finally:
            session.close()
            browser.close()
    made = f'the home of {CARDS} cards' if args.to == 'home' else 'the API secrets list'
    print(f'{args.set}, {made}, p50 of {args.runs} (ms):')
    print('| longest wait of a health check while the page is made | when idle | click to the page drawn |')
    print('|---|---|---|')
    print(f'| {statistics.median(held):.0f} | {statistics.median(idle):.0f} | {statistics.median(shown):.0f} |')


def _drawn(page, link: str) -> None:
    """Wait for the page the menu's `link` opens: the home's last card, or the list's first row."""
    if link == 'Home':
        page.get_by_role('article').nth(CARDS - 1).wait_for(timeout=60_000)
    else:
        page.locator('main tbody tr').first.wait_for(timeout=60_000)


class Probe:
    """GET /healthz one after the other on a kept-alive connection, in a thread: when each was sent, how long it
    took."""

    def __init__(self, url: str) -> None:
        address = urlsplit(url)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        self.times: list[tuple[float, float]] = []
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while self.running:
            sent = time.perf_counter()
            self.connection.request('GET', '/healthz')
            self.connection.getresponse().read()
            self.times.append((sent, time.perf_counter() - sent))
            time.sleep(0.002)

    def longest(self, start: float, end: float) -> float:
        """The longest any check sent or answered between `start` and `end` took (ms)."""
        return max((took for sent, took in list(self.times) if start <= sent + took and sent <= end), default=0) * 1000

    def stop(self) -> None:
        self.running = False
        self.thread.join()


if __name__ == '__main__':
    main()
