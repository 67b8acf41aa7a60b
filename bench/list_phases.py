#!/usr/bin/env python3
"""Where a list filter's time goes in Chromium, set by set: from the click to the event's message leaving the page,
from there to the server's update arriving (the server), and from its arrival to its paint (the browser); with
--trace, a Chrome trace of the same clicks says what the browser did between the update's arrival and its paint
(script, style, layout with the layout objects it made dirty, paint). Prints p50 ms of each.

    .venv/bin/python bench/list_phases.py --sets sqlite:100,sqlite:100000 --filter 'filter owner' [--runs 9] [--trace]

The data sets are bench/scale.py's (--keep), the pages bench/browser_scale.py's; each repetition applies the filter
and then clears it (untimed), as browser_scale does. Issue 8: a filter that finds one secret among 100 and the same
filter filling the page among 100,000 differ here by the server's answer and by the 29 more rows drawn.
"""
from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import browser_scale  # noqa: E402
from screenshots import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# When each message left for the page's server, by the page's clock (browser_scale's IN_PAGE says when each update
# arrived and was painted, and stamps both in a trace); added to the page before its own scripts.
SENT = r'''
(() => {
  window.__sent = [];
  const send = window.WebSocket.prototype.send;
  window.WebSocket.prototype.send = function (data) {
    window.__sent.push(performance.now());
    return send.call(this, data);
  };
})();
'''
PHASES = ('click -> sent', 'server', 'arrived -> painted', 'click -> painted')
TRACED = ('v8.callFunction', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit')
CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.console']


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--keep', default='/tmp/scale-data')
    parser.add_argument('--sets', default='sqlite:100,sqlite:100000')
    parser.add_argument('--filter', default='filter name', help="one of bench/browser_scale.py's FILTERS")
    parser.add_argument('--runs', type=int, default=9)
    parser.add_argument('--trace', action='store_true', help='also a Chrome trace from arrival to paint')
    args = parser.parse_args()
    field, value = {label: (field, value) for label, field, value in browser_scale.FILTERS}[args.filter]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for data_set in args.sets.split(','):
            session = browser_scale.Session(browser, data_set, args.keep, 'all', init_scripts=(SENT,))
            try:
                phases, traced = _measure(browser, session, field, value, args.runs, args.trace)
            finally:
                session.close()
            print(f'{data_set} {args.filter} (p50 ms of {args.runs}): ' + ', '.join(
                f'{name} {statistics.median(figures):.1f}' for name, figures in phases.items()), flush=True)
            if args.trace:
                print('  arrived -> painted, traced: ' + ', '.join(
                    f'{name} {statistics.median(figures):.1f}' for name, figures in traced.items()), flush=True)
        browser.close()


def _measure(browser, session, field: str, value: str, runs: int, trace: bool) -> tuple[dict, dict]:
    page = session.page
    browser_scale._open_list(session)
    browser_scale._show_filters(session)
    apply = page.get_by_role('button', name='Filter', exact=True)
    phases: dict[str, list[float]] = {name: [] for name in PHASES}
    traced: dict[str, list[float]] = collections.defaultdict(list)
    for run in range(runs + 1):  # the first warms up
        browser_scale._set(page, field, value)
        browser_scale._settle(session)
        page.evaluate('() => { window.__sent = []; }')
        if trace and run:
            browser.start_tracing(page=page, categories=CATEGORIES)
        painted = browser_scale._timed_update(session, apply.click, browser_scale.TABLE_UPDATE)[1]
        events = json.loads(browser.stop_tracing()) if trace and run else None
        clock = page.evaluate('() => ({acted: window.__acted, sent: window.__sent, drawn: window.__drawn})')
        if run:
            sent = min(at for at in clock['sent'] if at >= clock['acted'])
            arrived = next(update['arrived'] for update in clock['drawn']
                           if browser_scale.TABLE_UPDATE in update['markers'])
            for name, figure in zip(PHASES, (sent - clock['acted'], arrived - sent,
                                             clock['acted'] + painted - arrived, painted)):
                phases[name].append(figure)
            if events is not None:
                for name, figure in _between_arrival_and_paint(events).items():
                    traced[name].append(figure)
        browser_scale._clear(page, field)
        browser_scale._timed_update(session, apply.click, browser_scale.TABLE_UPDATE)
    return phases, traced


def _between_arrival_and_paint(trace: dict | list) -> dict[str, float]:
    """The renderer's main thread between the two time stamps: ms per kind of work, and the objects laid out."""
    events = trace['traceEvents'] if isinstance(trace, dict) else trace
    main = {(event['pid'], event['tid']) for event in events
            if event.get('name') == 'thread_name' and event['args'].get('name') == 'CrRendererMain'}
    stamps = sorted((event['ts'], event['args'].get('data', {}).get('message')) for event in events
                    if event.get('name') == 'TimeStamp')
    arrived = next(at for at, message in stamps if message == 'update arrived')
    painted = next(at for at, message in stamps if message == 'update painted' and at > arrived)
    figures = dict.fromkeys(TRACED, 0.0)
    figures['layout objects made dirty'] = 0
    for event in events:
        if ((event.get('pid'), event.get('tid')) in main and event.get('ph') == 'X' and event.get('name') in TRACED
                and arrived <= event['ts'] <= painted):
            figures[event['name']] += event.get('dur', 0) / 1000
            if event['name'] == 'Layout':
                figures['layout objects made dirty'] += event['args'].get('beginData', {}).get('dirtyObjects', 0)
    return figures


if __name__ == '__main__':
    main()
