#!/usr/bin/env python3
"""A change to the list's store code, timed against the code before it: `store/listing.py` at a git revision and
the working tree's, called by turns in one process on a data set bench/scale.py keeps, so that a machine getting
busier or quieter moves both alike. Checks that both give the same page first. Prints p50 ms of each.

    .venv/bin/python bench/listing_ab.py --set postgresql:100000 --actions 'filter tags|filter name' [--rev HEAD]
                                         [--runs 31] [--who all|some]

Single figures of bench/scale.py vary by up to 1.5x from run to run; a change of a millisecond or two shows only
this way (issue 8: the page's rows read in the gather, 13.8 -> 13.2 ms for the Name filter at 100,000).
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # noqa: E402
from store import listing, runtime  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--set', default='postgresql:100000', help='backend:size, as bench/scale.py --keep built it')
    parser.add_argument('--keep', default='/tmp/scale-data')
    parser.add_argument('--actions', default='filter name', help="bench/scale.py's action names, separated by '|'")
    parser.add_argument('--rev', default='HEAD', help='the git revision whose store/listing.py is the "before"')
    parser.add_argument('--runs', type=int, default=31)
    parser.add_argument('--who', default='all', choices=('all', 'some'))
    args = parser.parse_args()
    before = _listing_at(args.rev)
    store, size = scale.built(args.set, args.keep)
    with store:
        actor = scale.kept_actor(args.who)
        for action in args.actions.split('|'):
            kwargs = scale.actions(size)[action]
            old, new = (runtime.unit_of_work(module.list_api_secrets, actor, **kwargs) for module in (before, listing))
            if old != new:
                raise SystemExit(f'{action}: the two give different pages')
            times: dict[str, list[float]] = {args.rev: [], 'working tree': []}
            for run in range(args.runs):
                turns = [(args.rev, before), ('working tree', listing)]
                for label, module in turns if run % 2 else turns[::-1]:
                    started = time.perf_counter()
                    runtime.unit_of_work(module.list_api_secrets, actor, **kwargs)
                    times[label].append((time.perf_counter() - started) * 1000)
            print(f'{args.set} {action}: ' + ', '.join(f'{label} {statistics.median(figures):.2f} ms'
                                                        for label, figures in times.items()), flush=True)


def _listing_at(revision: str):
    """store/listing.py as it was at `revision`, as a module of the store package beside the current one."""
    source = subprocess.run(['git', '-C', str(ROOT), 'show', f'{revision}:store/listing.py'], check=True,
                            capture_output=True, text=True).stdout
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader('store.listing_before', loader=None))
    module.__package__ = 'store'
    exec(compile(source, f'{revision}:store/listing.py', 'exec'), module.__dict__)  # the project's own file
    return module


if __name__ == '__main__':
    main()
