#!/usr/bin/env python3
"""Each statement one list call sends, with its planning and execution time on PostgreSQL (EXPLAIN ANALYZE, the
best of five) or its time to run and fetch on SQLite (the best of five; SQLite plans as it runs), set by set: where
a call's time goes, and which part grows with the data. Prints ms per statement and the call's totals.

    .venv/bin/python bench/list_plans.py --sets postgresql:100,postgresql:100000 --actions 'filter name|filter owner'
                                         [--who all|some]

The data sets are bench/scale.py's (--keep), the actions its names. Issue 8: at 100 and at 100,000 a filter's
statements took about 2 ms to plan in all (the page's rows by id: 1.4 ms to plan, 0.04 ms to run); what grew was
the execution of the statement that gathers the matches.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # noqa: E402
from store import listing, runtime  # noqa: E402
from store.models import db  # noqa: E402

TRIES = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--sets', default='postgresql:100,postgresql:100000')
    parser.add_argument('--keep', default='/tmp/scale-data')
    parser.add_argument('--actions', default='filter name', help="bench/scale.py's action names, separated by '|'")
    parser.add_argument('--who', default='all', choices=('all', 'some'))
    args = parser.parse_args()
    for data_set in args.sets.split(','):
        store, size = scale.built(data_set, args.keep)
        timed_one = _timed if data_set.startswith('postgresql:') else _run_and_fetched
        with store:
            actor = scale.kept_actor(args.who)
            for action in args.actions.split('|'):
                statements = _statements(actor, scale.actions(size)[action])
                timed = [(*runtime.unit_of_work(lambda _, sql=sql, params=params: timed_one(sql, params), actor), sql)
                         for sql, params in statements]
                print(f'{data_set} {action}: planning {sum(t[0] for t in timed):.2f} ms, execution '
                      f'{sum(t[1] for t in timed):.2f} ms, {len(timed)} statements', flush=True)
                for planning, execution, sql in timed:
                    print(f'  plan {planning:5.2f}  run {execution:5.2f}  {" ".join(sql.split())[:100]}')


def _statements(actor, kwargs: dict) -> list[tuple[str, list]]:
    """The statements of one call (after a call that warms up), as sent."""
    runtime.unit_of_work(listing.list_api_secrets, actor, **kwargs)
    sent: list[tuple[str, list]] = []
    database = type(db.obj)
    execute = database.execute_sql

    def recorded(self, sql, params=None, *args, **kw):
        sent.append((sql, params))
        return execute(self, sql, params, *args, **kw)

    database.execute_sql = recorded
    try:
        runtime.unit_of_work(listing.list_api_secrets, actor, **kwargs)
    finally:
        database.execute_sql = execute
    return sent


def _timed(sql: str, params) -> tuple[float, float]:
    """(planning, execution) ms of the statement, the run of TRIES with the least of both."""
    runs = []
    for _ in range(TRIES):
        text = '\n'.join(row[0] for row in db.execute_sql('EXPLAIN (ANALYZE, SUMMARY) ' + sql, params).fetchall())
        runs.append(tuple(float(re.search(fr'{label} Time: ([\d.]+)', text).group(1))
                          for label in ('Planning', 'Execution')))
    return min(runs, key=sum)


def _run_and_fetched(sql: str, params) -> tuple[float, float]:
    """(0, ms to run the statement and fetch its rows), the best of TRIES: SQLite has no separate planning time."""
    runs = []
    for _ in range(TRIES):
        started = time.perf_counter()
        db.execute_sql(sql, params).fetchall()
        runs.append((time.perf_counter() - started) * 1000)
    return 0.0, min(runs)


if __name__ == '__main__':
    main()
