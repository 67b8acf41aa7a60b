#!/usr/bin/env python3
"""What drawing the API secrets list's rows costs in Debian's Chromium, apart from the store: a bare NiceGUI page
holds the list's table (its columns, row template and CSS, ui/pages/api_secrets_list.py) and buttons that replace its
rows, as the server's update after a filter or a sort does. Prints p50 ms from the click to the paint of the update,
by the page's clock (bench/browser_scale.py's IN_PAGE), for 30 rows -> 1, 1 -> 30 and 30 -> 30 others.

    .venv/bin/python bench/list_rows.py [--runs 30]

A filter that finds one secret among 100 and the same filter filling the page among 100,000 differ by the
1 -> 30 and 30 -> 1 figures' gap, whatever the server does.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'bench'))

REDRAWS = {'30 -> 1': 1, '1 -> 30': 30, '30 -> 30': 30}  # timed in this order, each after the one before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--runs', type=int, default=30)
    parser.add_argument('--serve', type=int, help=argparse.SUPPRESS)  # the page, on this port (a subprocess)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve)
    else:
        _measure(args.runs)


def _measure(runs: int) -> None:
    from playwright.sync_api import sync_playwright

    from browser_scale import IN_PAGE, TABLE_UPDATE, drawn_after_acting
    from screenshots import CHROMIUM, CHROMIUM_ARGS, VIEWPORT
    from tests.harness import free_port

    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, '--serve', str(port)], stdout=subprocess.DEVNULL,
                              env={key: value for key, value in os.environ.items() if key != 'PYTEST_CURRENT_TEST'})
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=VIEWPORT)
            context.add_init_script(IN_PAGE)
            page = context.new_page()
            _open(page, f'http://127.0.0.1:{port}/')
            times: dict[str, list[float]] = {redraw: [] for redraw in REDRAWS}
            for _ in range(runs + 1):
                for redraw, rows in REDRAWS.items():
                    page.evaluate('() => { window.__drawn = []; }')
                    page.get_by_role('button', name=f'{rows} rows').click()
                    drawn = drawn_after_acting(page, TABLE_UPDATE)
                    page.wait_for_timeout(50)
                    times[redraw].append(drawn)
            browser.close()
    finally:
        server.kill()
    print(f"The list's rows redrawn in Chromium, click to paint (p50 of {runs} ms, after a warm-up):")
    for redraw, figures in times.items():
        print(f'| {redraw} rows | {statistics.median(figures[1:]):.1f} |')


def _open(page, url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            page.goto(url)
            break
        except Exception:  # not listening yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    page.get_by_role('button', name='30 rows').click()
    page.locator('tbody tr').nth(29).wait_for()


def _serve(port: int) -> None:
    from nicegui import ui

    from ui.components.row_table import RowTable
    from ui.pages.api_secrets_list import COLUMNS, ROW, ROW_CSS, SELECTION_HEADER

    @ui.page('/')
    def index() -> None:
        ui.add_css(ROW_CSS)
        table = RowTable(columns=COLUMNS, rows=[], row_key='id', selection='multiple', row_template=ROW, pagination={
            'page': 1, 'rowsPerPage': 30, 'sortBy': 'name', 'descending': False, 'rowsNumber': 0,
        }).classes('w-full').props('flat bordered binary-state-sort')
        table.add_slot('header-selection', SELECTION_HEADER)
        first = [0]

        def show(count: int) -> None:
            first[0] += 1000  # other secrets each time, as a new filter or sort brings
            table.rows = [_row(first[0] + index) for index in range(count)]
            table.pagination = {**table.pagination, 'rowsNumber': first[0]}
            table.update()

        for count in sorted(set(REDRAWS.values())):
            ui.button(f'{count} rows', on_click=lambda count=count: show(count))

    ui.run(port=port, reload=False, show=False, unocss='wind4')  # as main.py


def _row(secret_id: int) -> dict:
    """A row as the list's `_row` makes it, of a secret its viewer owns."""
    return {'id': secret_id, 'name': f'Service {secret_id}', 'url': f'https://api{secret_id}.example.com/v1',
            'tags': 'team3, region1', 'shared': 'Yes', 'owner': 'Owner 7', 'last_use': '2026-11-29 12:00 UTC',
            'status': 'Enabled', 'enabled': True, 'can_edit': True, 'is_owner': True}


if __name__ in {'__main__', '__mp_main__'}:
    main()
