"""What the benchmarks read off a server process and a sample of times: CPU time, resident memory, p50 and p95."""
from __future__ import annotations

import os
import statistics
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) the process has used: what the work costs the server, whatever
    else the machine is running."""
    return _ticks(Path(f'/proc/{pid}/stat'))[1] / os.sysconf('SC_CLK_TCK')


def postgres_cpu_seconds() -> float:
    """CPU time of the PostgreSQL server's processes on this machine (its backends do their share of a
    request's work)."""
    found = (_ticks(stat) for stat in Path('/proc').glob('[0-9]*/stat'))
    return sum(ticks for name, ticks in found if name.startswith('postgres')) / os.sysconf('SC_CLK_TCK')


def rss_mib(pid: int) -> float:
    """The process's resident memory, in MiB."""
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
    return 0.0


def percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p95 of a sample."""
    times = sorted(times)
    return statistics.median(times), times[max(0, round(len(times) * 0.95) - 1)]


def _ticks(stat: Path) -> tuple[str, int]:
    """A process's name and its CPU clock ticks (user + system) from /proc; ('', 0) once it is gone."""
    try:
        name, rest = stat.read_text().split('(', 1)[1].rsplit(')', 1)
    except (OSError, ValueError):
        return '', 0
    fields = rest.split()
    return name, int(fields[11]) + int(fields[12])
