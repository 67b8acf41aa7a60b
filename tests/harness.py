"""The one way tests and benchmarks run MySafe: `python main.py` as the product runs, on a free port with a data
dir of its own, waited for until it answers, stopped the way a service manager stops it (SIGTERM).

It is started without PYTEST_CURRENT_TEST (NiceGUI would believe it runs under its own screen test) and without
the caller's MYSAFE_* / NICEGUI_* variables, so only what a test passes reaches it.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 20.0


class AppServer:
    """A MySafe server process; `start()` returns it once `/login` answers, `stop()` is safe to call twice."""

    def __init__(self, data_dir: Path, log_dir: Path | None = None, *, port: int | None = None, **env: str) -> None:
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.log_dir = Path(log_dir) if log_dir else self.data_dir
        self.stdout_path, self.stderr_path = self.log_dir / 'server.stdout', self.log_dir / 'server.stderr'
        self.env = env
        self.process: subprocess.Popen | None = None

    def environ(self) -> dict[str, str]:
        environ = {name: value for name, value in os.environ.items()
                   if name != 'PYTEST_CURRENT_TEST' and not name.startswith(('MYSAFE_', 'NICEGUI_'))}
        environ.update(MYSAFE_DATA_DIR=str(self.data_dir), MYSAFE_HOST='127.0.0.1', MYSAFE_PORT=str(self.port),
                       **self.env)
        return environ

    def start(self) -> AppServer:
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.stdout_path, 'wb') as stdout, open(self.stderr_path, 'wb') as stderr:
            self.process = subprocess.Popen([sys.executable, str(ROOT / 'main.py')], cwd=ROOT, env=self.environ(),
                                            stdout=stdout, stderr=stderr)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f'main.py exited with {self.process.returncode}:\n{self.log()}')
            try:
                with urllib.request.urlopen(f'{self.url}/login', timeout=2):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f'main.py did not answer within {START_TIMEOUT:.0f} s:\n{self.log()}')

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def logs(self) -> bytes:
        """Everything the server printed (stdout, then stderr)."""
        return b''.join(path.read_bytes() for path in (self.stdout_path, self.stderr_path) if path.exists())

    def log(self) -> str:
        return self.logs().decode(errors='replace')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]
