#!/usr/bin/env python3
"""The list at scale in Debian's Chromium (issue 8, SPEC section 6): each list action, from the click (or the last
keystroke) to the new page drawn, for a person who sees N API secrets. Prints p50 (ms) and the ratio to the first set.

    .venv/bin/python bench/browser_scale.py --keep /tmp/scale-data \\
        --sets sqlite:100,sqlite:100000,postgresql:100,postgresql:100000,postgresql:1000000 [--who all] [--runs 5]

The data sets are those bench/scale.py builds and keeps (run it first with the same --keep and sizes): `all` sees
every secret of the set, `some` sees 2,000 of it. The server is the one the tests start (tests/harness.py).
Each action is timed two ways, printed as two tables:
- from Playwright: from the call that clicks (or after the last keystroke) to the paint of the server's update, as
  this process learns of it (the page tells it: nothing asks in a loop meanwhile). This counts Playwright's own work
  before a click (its checks that the element is visible, stable and enabled: 45-120 ms here) and its messages to
  the browser; it is the way issue 8's figures were taken.
- in the page (IN_PAGE): from the click, or last keystroke, to the paint of the first update from the server that
  holds the table's pagination (or the home's cards), both read by the page's own clock: the latency a person sees.
The home's search includes its 200 ms debounce either way; opening the list ends at the first frame with its rows.
All the sets' servers run at once, each with its own page, and the sets take turns within each repetition of an
action (in an order that rotates): a machine that gets busier or quieter during the run moves all sets alike.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scale import built  # noqa: E402
from screenshots import CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402
from tests.harness import AppServer  # noqa: E402

PASSWORD = 'benchmark password'  # bench/scale.py's users
SORTS = ('ID', 'Name', 'URL', 'Owner', 'Last use', 'Status')
# (label, field, value): text fields are filled, choices picked, as bench/scale.py's filters.
FILTERS = (('filter id', 'ID', '77'), ('filter name', 'Name', 'service 12'), ('filter url', 'URL', 'api12'),
           ('filter tags', 'Tags', 'team3'), ('filter owner', 'Owner', 'owner 7'),
           ('filter shared yes', 'Shared', 'Yes'), ('filter shared no', 'Shared', 'No'),
           ('filter enabled no', 'Enabled', 'No'), ('filter last use', 'Last use from', '2026-01-01'))
TABLE_UPDATE = 'rowsNumber'  # in the server's update of the table (its pagination)
# Timing in the page: when the person last clicked or pressed a key, and when each message from the server arrived and
# was drawn (a task queued from the first animation frame after the message runs once that frame is painted); a
# message with a marker is also stamped in a Chrome trace ('update arrived', 'update painted': bench/list_phases.py).
IN_PAGE = r'''
(() => {
  window.__acted = 0;
  window.__drawn = [];
  window.__waiting = [];  // DRAWN_AFTER_ACTING's checks, run again after each paint
  for (const type of ['click', 'keydown']) {
    document.addEventListener(type, () => { window.__acted = performance.now(); }, true);
  }
  const markers = ['rowsNumber', '"cards":'];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {  // before socket.io's own handler: added first
        const text = typeof event.data === 'string' ? event.data : '';
        const found = markers.filter((marker) => text.includes(marker));
        const arrived = performance.now();
        if (found.length) console.timeStamp('update arrived');
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            if (found.length) console.timeStamp('update painted');
            window.__drawn.push({ markers: found, arrived, at: performance.now() });
            window.__waiting.splice(0).forEach((check) => check());
          };
          channel.port2.postMessage(null);
        });
      });
    }
  };
})();
'''
# From the last click or keystroke to the paint of the first update holding `marker`, once painted (null after 60 s).
# The page answers when it is: a loop asking every few ms kept this process, Playwright's and the page busy while the
# server worked, on a machine of two cores (it made a filter that took the server 20 ms more look 30 ms slower).
DRAWN_AFTER_ACTING = '''(marker) => new Promise((resolve) => {
  const check = () => {
    const drawn = window.__drawn.find((update) => update.markers.includes(marker));
    if (drawn) resolve(drawn.at - window.__acted);
    else window.__waiting.push(check);
  };
  setTimeout(() => resolve(null), 60000);
  check();
})'''
WAYS = ('from Playwright', 'in the page')
CARDS_UPDATE = '"cards":'  # in the server's update of the home's cards (its card grid's data)
HOME_SEARCH = 'api42.example'  # one secret at every size (its URL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--keep', default='/tmp/scale-data')
    parser.add_argument('--sets', default='sqlite:100,sqlite:100000')
    parser.add_argument('--who', default='all')
    parser.add_argument('--runs', type=int, default=7)
    parser.add_argument('--only', default='', help='time only the actions whose names hold one of these '
                        '(comma-separated), e.g. "open,filter name"')
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        sessions: list[Session] = []
        try:
            for data_set in args.sets.split(','):  # each started inside the try: all stopped whatever fails
                sessions.append(Session(browser, data_set, args.keep, args.who))
            results = _measure(sessions, args.runs, [part for part in args.only.split(',') if part])
        finally:
            for session in sessions:
                session.close()
        browser.close()
    _print(results, args.who)


class Session:
    """One data set's server, and a page logged in to it as `who` (with `init_scripts` too, after IN_PAGE)."""

    def __init__(self, browser, data_set: str, keep: str, who: str, init_scripts: tuple[str, ...] = ()) -> None:
        self.name = data_set
        store, _ = built(data_set, keep)
        env = {'MYSAFE_DATABASE_URL': store.url} if data_set.startswith('postgresql:') else {}
        self.server = AppServer(store.data_dir, **env).start()
        self.context = browser.new_context(base_url=self.server.url, viewport=VIEWPORT)
        for script in (IN_PAGE, *init_scripts):
            self.context.add_init_script(script)
        self.page = self.context.new_page()
        self.frames: list[str] = []
        self.page.on('websocket', lambda socket: socket.on('framereceived',
                                                            lambda payload: self.frames.append(str(payload))))
        _log_in(self.page, who)

    def close(self) -> None:
        self.context.close()
        self.server.stop()


def _measure(sessions: list[Session], runs: int, only: list[str]) -> dict[str, dict[str, tuple]]:
    """Each action `runs` times (after a warm-up) on every data set, the sets taking turns within each repetition
    (in an order that rotates): a machine that gets busier or quieter during the run moves every set's figures alike,
    not one set's. `only`: the actions whose names hold one of these texts (all when empty)."""
    actions = ['open the list', *(f'sort {column} {direction}' for column in SORTS for direction in ('asc', 'desc')),
               'last page (by name)', *(label for label, _, _ in FILTERS), 'home search']
    actions = [name for name in actions if not only or any(part in name for part in only)]
    results: dict[str, dict[str, tuple]] = {session.name: dict.fromkeys(actions) for session in sessions}

    def measure(names: list[str], once, setup=None) -> None:
        """`once(session)` times one repetition of the actions `names` (a tuple of timings each)."""
        if not set(names) & set(actions):
            return
        for session in sessions:
            if setup:
                setup(session)
        times = _taking_turns(sessions, runs, once)
        for index, name in enumerate(names):
            if name not in actions:  # timed with one asked for (the other direction of a sort)
                continue
            for session in sessions:  # the first repetition warms up
                results[session.name][name] = _medians([timings[index] for timings in times[session.name][1:]])
            print(f'{name}: ' + ', '.join(f'{session.name} {results[session.name][name][0]:.0f}/'
                                          f'{results[session.name][name][1]:.0f}' for session in sessions), flush=True)

    measure(['open the list'], lambda session: (_open_list(session),))
    if 'open the list' not in actions:
        for session in sessions:  # untimed: the other actions start from the list
            _open_list(session)
    for column in SORTS:
        def twice(session: Session, column=column) -> tuple:
            header = session.page.get_by_role('columnheader', name=column, exact=True)
            return _timed_update(session, header.click, TABLE_UPDATE), _timed_update(session, header.click,
                                                                                     TABLE_UPDATE)
        # A click on the column the list is sorted by ascending flips it; on another, it sorts ascending first.
        header = sessions[0].page.get_by_role('columnheader', name=column, exact=True)
        state = (header.get_attribute('class') or '').split()
        directions = ['desc', 'asc'] if 'sorted' in state and 'sort-desc' not in state else ['asc', 'desc']
        measure([f'sort {column} {direction}' for direction in directions], twice)
    measure(['last page (by name)'], lambda session: (_last_page(session),), setup=_reset_sort)
    for label, field, value in FILTERS:
        measure([label], lambda session, field=field, value=value: (_filter(session, field, value),),
                setup=_filters_by_name)
    measure(['home search'], lambda session: (_home_search(session),), setup=_home)
    return results


def _taking_turns(sessions: list[Session], runs: int, once) -> dict[str, list]:
    times: dict[str, list] = {session.name: [] for session in sessions}
    for run in range(runs + 1):
        turn = run % len(sessions)
        for session in sessions[turn:] + sessions[:turn]:
            times[session.name].append(once(session))
    return times


def _log_in(page: Page, who: str) -> None:
    page.goto('/login')
    page.get_by_role('textbox', name='Username').fill(who)
    page.get_by_role('textbox', name='Password').fill(PASSWORD)
    page.get_by_role('button', name='Log in').click()
    expect(page).to_have_url('/mysafe', timeout=60_000)


def _open_list(session: Session) -> tuple[float, float]:
    """From the API secrets link, clicked on the home once the home has its cards (its updates over), to the first
    frame with the list's rows."""
    page = session.page
    menu = page.get_by_role('navigation', name='MySafe menu')
    menu.get_by_role('link').filter(has_text='Home').click()
    expect(page.get_by_role('heading', name='MySafe', exact=True)).to_be_visible(timeout=60_000)
    _settle(session)  # the home's cards arrived: opening the list is timed alone
    started = time.perf_counter()
    menu.get_by_role('link').filter(has_text='API secrets').click()
    page.locator('main tbody tr').first.wait_for(timeout=60_000)
    inside = page.evaluate('() => new Promise(resolve => requestAnimationFrame(() => '
                           'resolve(performance.now() - window.__acted)))')
    return (time.perf_counter() - started) * 1000, inside


def _medians(times: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def _timed_update(session: Session, act, marker: str, after_act: bool = False) -> tuple[float, float]:
    """From `act()` (or, `after_act`, from its end: the last keystroke) to the paint of the first update from the
    server holding `marker`, as this process learns of it; and the same in the page (IN_PAGE)."""
    page = session.page
    page.evaluate('() => { window.__drawn = []; }')
    started = time.perf_counter()
    act()
    if after_act:
        started = time.perf_counter()
    inside = drawn_after_acting(page, marker)
    elapsed = (time.perf_counter() - started) * 1000
    _settle(session)
    return elapsed, inside


def drawn_after_acting(page: Page, marker: str) -> float:
    """Ms from the last click or keystroke to the paint of the first update holding `marker` (IN_PAGE's clock),
    once the page says it is painted; TimeoutError after 60 s."""
    drawn = page.evaluate(DRAWN_AFTER_ACTING, marker)
    if drawn is None:
        raise TimeoutError(f'no update with {marker!r} within 60 s')
    return drawn


def _settle(session: Session, quiet_ms: int = 150) -> None:
    """Wait until the server has sent nothing for `quiet_ms`: no late update is taken for the next action's."""
    while True:
        seen = len(session.frames)
        session.page.wait_for_timeout(quiet_ms)
        if len(session.frames) == seen:
            return


def _reset_sort(session: Session) -> None:
    """Back to the list's sort, by Name ascending (after the sorts above: by Status descending), whatever it was."""
    header = session.page.get_by_role('columnheader', name='Name', exact=True)
    for _ in range(2):
        state = (header.get_attribute('class') or '').split()
        if 'sorted' in state and 'sort-desc' not in state:
            return
        _timed_update(session, header.click, TABLE_UPDATE)


def _filters_by_name(session: Session) -> None:
    """The filters are timed on the list sorted by Name (as bench/scale.py's), whichever actions came before."""
    _reset_sort(session)
    _show_filters(session)


def _last_page(session: Session) -> tuple[float, float]:
    """The pagination's Last page button (at most the counted rows' last page), then First page, untimed."""
    last, first = (session.page.get_by_role('button', name=name, exact=True) for name in ('Last page', 'First page'))
    timed = _timed_update(session, last.click, TABLE_UPDATE)
    _timed_update(session, first.click, TABLE_UPDATE)
    return timed


def _show_filters(session: Session) -> None:
    button = session.page.get_by_role('button', name='Show filters')
    if button.get_attribute('aria-expanded') != 'true':
        button.click()


def _filter(session: Session, field: str, value: str) -> tuple[float, float]:
    apply = session.page.get_by_role('button', name='Filter', exact=True)
    _set(session.page, field, value)
    timed = _timed_update(session, apply.click, TABLE_UPDATE)
    _clear(session.page, field)
    _timed_update(session, apply.click, TABLE_UPDATE)
    return timed


def _clear(page: Page, field: str) -> None:
    _set(page, field, 'All' if field in ('Shared', 'Enabled') else '')


def _set(page: Page, field: str, value: str) -> None:
    if field in ('Shared', 'Enabled'):
        page.get_by_role('combobox', name=field).click()
        page.get_by_role('option', name=value, exact=True).click()
    else:
        page.get_by_role('textbox', name=field).fill(value)


def _home(session: Session) -> None:
    """The home, its search showing one secret (the timed search starts from the cleared search's cards)."""
    session.page.get_by_role('navigation', name='MySafe menu').get_by_role('link').filter(has_text='Home').click()
    search = session.page.get_by_role('searchbox', name='Search')
    search.wait_for()
    _timed_update(session, lambda: search.fill('api4.example'), CARDS_UPDATE)


def _home_search(session: Session) -> tuple[float, float]:
    search = session.page.get_by_role('searchbox', name='Search')
    _timed_update(session, lambda: search.fill(''), CARDS_UPDATE)  # untimed: the cleared search's cards
    return _timed_update(session, lambda: search.press_sequentially(HOME_SEARCH), CARDS_UPDATE, after_act=True)


def _print(results: dict, who: str) -> None:
    sets = list(results)
    smallest = {s.split(':')[0]: s for s in reversed(sets)}
    for way, label in enumerate(WAYS):
        print(f'\nIn Chromium, timed {label}, a person who sees {who} (p50 ms; ratio to the smallest set of the same '
              'database)')
        print('| action | ' + ' | '.join(sets) + ' |')
        print('|---|' + '---|' * len(sets))
        for name in results[sets[0]]:
            cells = []
            for s in sets:
                base = smallest[s.split(':')[0]]
                ratio = '' if s == base else f' ({results[s][name][way] / results[base][name][way]:.2f}x)'
                cells.append(f'{results[s][name][way]:.0f}{ratio}')
            print(f'| {name} | ' + ' | '.join(cells) + ' |')


if __name__ == '__main__':
    main()
