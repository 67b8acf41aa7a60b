#!/usr/bin/env python3
"""Several MySafe instances on one PostgreSQL and one Redis, behind nginx on one port (`make cluster`).

    python deploy/cluster.py [--port 8080] [--instances 2] [--database mysafe_cluster]

Creates the database if missing, a shared master key and cookie secret once (in data/cluster/), starts each
instance (`main.py` on 127.0.0.1:port+1, port+2, ...), writes an nginx configuration from
deploy/nginx-mysafe.conf and runs nginx in the foreground until Ctrl-C or SIGTERM, then stops everything
(each instance with SIGTERM, so a save in flight finishes). tests/e2e/test_cluster.py drives the same class.
"""
from __future__ import annotations

import argparse
import base64
import getpass
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = '/usr/sbin/nginx'
TEMPLATE = ROOT / 'deploy' / 'nginx-mysafe.conf'
POSTGRES = {'host': '127.0.0.1', 'port': 5432, 'user': 'postgres'}
REDIS_URL = 'redis://127.0.0.1:6379'
START_TIMEOUT = 30.0
WORKER_CONNECTIONS = 4096  # nginx's connections: about 2.4 per open page (see _start_nginx)


@dataclass
class Instance:
    number: int
    port: int
    data_dir: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    @property
    def address(self) -> str:
        """As nginx names it in $upstream_addr."""
        return f'127.0.0.1:{self.port}'

    def log(self) -> str:
        path = self.data_dir / 'server.log'
        return path.read_text(errors='replace') if path.exists() else ''


class Cluster:
    def __init__(self, base_dir: Path, *, port: int = 8080, instances: int = 2, database: str = 'mysafe_cluster',
                 redis_url: str = REDIS_URL, redis_prefix: str = 'mysafe-cluster:', fail_timeout: int = 10,
                 instance_ports: list[int] | None = None) -> None:
        self.base_dir, self.port, self.database = base_dir, port, database
        self.redis_url, self.redis_prefix, self.fail_timeout = redis_url, redis_prefix, fail_timeout
        ports = instance_ports or [port + n for n in range(1, instances + 1)]
        self.instances = [Instance(n, ports[n - 1], base_dir / f'instance{n}') for n in range(1, len(ports) + 1)]
        self.nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    @property
    def database_url(self) -> str:
        return f'postgresql://{POSTGRES["user"]}@{POSTGRES["host"]}:{POSTGRES["port"]}/{self.database}'

    def start(self) -> Cluster:
        self.prepare()
        for instance in self.instances:
            self.start_instance(instance.number)
        self._start_nginx()
        return self

    def prepare(self) -> Cluster:
        """What the instances share, made when missing: the database, the master key and the cookie secret
        (a caller may then fill the database through the store, with `shared_environ()`, before `start()`)."""
        if not os.access(NGINX, os.X_OK):
            raise RuntimeError(f"{NGINX} is missing: install Debian's nginx (make nginx, as root)")
        self.base_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        create_database(self.database)
        self._shared_secrets()
        return self

    def shared_environ(self) -> dict[str, str]:
        """What every instance has alike: the database, Redis, the master key and the cookie secret."""
        return dict(MYSAFE_DATABASE_URL=self.database_url,
                    MYSAFE_MASTER_KEY=(self.base_dir / 'master.key.b64').read_text().strip(),
                    MYSAFE_STORAGE_SECRET=(self.base_dir / 'storage.secret').read_text().strip(),
                    NICEGUI_REDIS_URL=self.redis_url, NICEGUI_REDIS_KEY_PREFIX=self.redis_prefix,
                    MYSAFE_TRUSTED_PROXIES='127.0.0.1')  # nginx: its X-Forwarded-For names the browser

    def environ(self, instance: Instance) -> dict[str, str]:
        """What each instance needs: the shared part; its own port and data dir (its logs and NiceGUI's
        per-process files)."""
        env = {name: value for name, value in os.environ.items()
               if name != 'PYTEST_CURRENT_TEST' and not name.startswith(('MYSAFE_', 'NICEGUI_'))}
        env.update(MYSAFE_DATA_DIR=str(instance.data_dir), MYSAFE_HOST='127.0.0.1', MYSAFE_PORT=str(instance.port),
                   **self.shared_environ())
        return env

    def start_instance(self, number: int) -> Instance:
        instance = self.instances[number - 1]
        instance.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        instance.data_dir.chmod(0o700)  # MySafe refuses a data dir others can read
        with open(instance.data_dir / 'server.log', 'ab') as log:
            instance.process = subprocess.Popen([sys.executable, 'main.py'], cwd=ROOT, env=self.environ(instance),
                                                stdout=log, stderr=subprocess.STDOUT)
        _wait_for(f'{instance.url}/healthz', instance.process, instance.log)
        return instance

    def stop_instance(self, number: int) -> None:
        """SIGTERM, as a service manager stops it: uvicorn's graceful shutdown, then the store's."""
        process = self.instances[number - 1].process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.terminate()  # fast shutdown: a graceful one would wait for every open websocket
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait(timeout=10)
        for instance in self.instances:
            self.stop_instance(instance.number)

    def _shared_secrets(self) -> None:
        """One master key and one cookie secret for every instance, made once, readable by this account only."""
        for name, make in (('master.key.b64', lambda: base64.b64encode(os.urandom(32)).decode()),
                           ('storage.secret', lambda: secrets.token_urlsafe(48))):
            path = self.base_dir / name
            if not path.exists():
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, 'w') as handle:
                    handle.write(make())

    def _start_nginx(self) -> None:
        run_dir = self.base_dir / 'nginx'
        for sub in ('', 'tmp'):
            (run_dir / sub).mkdir(parents=True, exist_ok=True)
        servers = ''.join(f'    server {instance.address} max_fails=1 fail_timeout={self.fail_timeout}s;\n'
                          for instance in self.instances)
        template = re.sub(r'^ *server 127\.0\.0\.1:\d+ [^\n]*\n', '', TEMPLATE.read_text(), flags=re.MULTILINE)
        config = (template.replace('    ip_hash;\n', '    ip_hash;\n' + servers)
                  .replace('listen 80;', f'listen 127.0.0.1:{self.port};'))
        # Run from the run dir as this account, with the logs and buffers there rather than in /var.
        # Each open page holds its websocket through nginx (a connection from the browser and one to the instance)
        # and the browser keeps an idle HTTP one: 200 pages took 476 connections, and nginx's default of 512 a
        # worker refused pages beyond about 210 (bench/sessions.py).
        prelude = (f'pid {run_dir}/nginx.pid;\nerror_log {run_dir}/error.log;\n'
                   f'{"user root;" if os.geteuid() == 0 else ""}\nworker_processes 1;\n'
                   f'worker_rlimit_nofile {2 * WORKER_CONNECTIONS};\n'
                   f'events {{ worker_connections {WORKER_CONNECTIONS}; }}\n')
        paths = ''.join(f'    {kind}_temp_path {run_dir}/tmp/{kind};\n'
                        for kind in ('client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'))
        http = (f'http {{\n    access_log {run_dir}/access.log;\n{paths}'
                '    # Which instance answered: for the cluster test and for operators (not in production).\n'
                '    add_header X-MySafe-Instance $upstream_addr always;\n'
                f'{config}\n}}\n')
        (run_dir / 'nginx.conf').write_text(prelude + http)
        with open(run_dir / 'nginx.stderr', 'wb') as stderr:
            self.nginx = subprocess.Popen([NGINX, '-p', str(run_dir), '-c', str(run_dir / 'nginx.conf'),
                                           '-e', str(run_dir / 'error.log'), '-g', 'daemon off;'],
                                          stdout=subprocess.DEVNULL, stderr=stderr)
        _wait_for(f'{self.url}/healthz', self.nginx, lambda: (run_dir / 'nginx.stderr').read_text())


def create_database(name: str) -> None:
    """The cluster's PostgreSQL database, created when missing."""
    import psycopg2

    connection = psycopg2.connect(dbname='postgres', connect_timeout=5, **POSTGRES)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute('SELECT 1 FROM pg_database WHERE datname = %s', (name,))
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def _wait_for(url: str, process: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f'{process.args[0]} exited with {process.returncode}:\n{log()}')
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f'{url} did not answer within {START_TIMEOUT} s:\n{log()}')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--port', type=int, default=int(os.environ.get('MYSAFE_CLUSTER_PORT', '8080')))
    parser.add_argument('--instances', type=int, default=2)
    parser.add_argument('--database', default='mysafe_cluster')
    args = parser.parse_args()
    os.umask(0o077)
    cluster = Cluster(ROOT / 'data' / 'cluster', port=args.port, instances=args.instances, database=args.database)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        cluster.start()
        print(f'MySafe on {cluster.url} (nginx, as {getpass.getuser()}) over {len(cluster.instances)} instances: '
              + ', '.join(f'{i.url} (health: {i.url}/healthz)' for i in cluster.instances))
        print(f'database {cluster.database_url}, user storage in Redis {cluster.redis_url}; Ctrl-C stops them all')
        print('a new database opens Setup (the first administrator) at that URL')
        cluster.nginx.wait()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
