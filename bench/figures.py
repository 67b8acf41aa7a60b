"""What the benchmarks read off a server process and a sample of times: CPU time, resident memory, p50 and p95."""
from __future__ import annotations

import os
import statistics
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) the process has used: what the work costs the server, whatever
    else the machine is running."""
    fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


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
