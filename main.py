#!/usr/bin/env python3
"""MySafe: serve the app, or manage it from the command line (`python main.py --help`)."""
from __future__ import annotations

import argparse
import getpass
import os
import resource
import secrets
import sys

from store import accounts, runtime
from store.config import Settings, load_settings
from store.errors import ConfigError, StartupError, ValidationError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == 'get':  # a client of a running server: it never opens the store
        from client import get
        return get.run(args.secret, args.field)
    os.umask(0o077)  # the database, its journal, sessions and secrets files: readable by this account only
    try:
        settings = load_settings()
        runtime.start(settings)
        if args.command == 'create-user':
            return _create_user(args)
        return _serve(settings)
    except (ConfigError, StartupError) as error:
        print(f'mysafe: {error}', file=sys.stderr)
        return 2


def _serve(settings: Settings) -> int:
    from nicegui import app, ui
    from nicegui.storage import Storage

    from ui import health, redis_storage, rest_api, security_headers, session, signatures
    from ui.app import root

    _raise_open_files_limit()
    settings.sessions_dir.mkdir(parents=True, exist_ok=True)
    Storage.path = settings.sessions_dir
    app.on_shutdown(runtime.stop)  # after uvicorn's graceful shutdown: lets a save in flight finish first
    security_headers.install(app)
    health.install(app)
    session.install(app)
    redis_storage.install()
    rest_api.install(app)
    signatures.install()
    ui.run(root, host=settings.host, port=settings.port, title='MySafe', language='en-US', reload=False,
           show=False, favicon='🔐', storage_secret=_storage_secret(settings), show_welcome_message=False,
           # The cookie outlives no session (12 h absolute); over HTTPS it is never sent in clear.
           session_middleware_kwargs={'max_age': 12 * 60 * 60, 'https_only': settings.secure_cookies},
           # X-Forwarded-For is believed from the proxies named in MYSAFE_TRUSTED_PROXIES only (uvicorn would
           # believe 127.0.0.1 by default); otherwise the audit's User IP is the socket's peer.
           proxy_headers=bool(settings.trusted_proxies), forwarded_allow_ips=','.join(settings.trusted_proxies),
           # No access log: uvicorn would format a line per request (a program may read hundreds a second) only to
           # drop it below the warning level; the audit records what matters.
           access_log=False, reconnect_timeout=RECONNECT_SECONDS,
           # UnoCSS's runtime, not Tailwind's, makes the utility classes: Tailwind's watched every change of the page
           # and read the whole page again each time (8 ms an update of the list, 15 ms with 30 rows on screen);
           # UnoCSS reads the classes of what was added, once each. The wind4 preset is Tailwind 4's classes.
           unocss='wind4')
    return 0


# How long a page's socket may stay silent, and a page wait for its browser to come back. NiceGUI derives its
# socket.io ping from it (every 0.8x, answered within 0.4x: 24 s and 12 s here, near socket.io's own 25 s and
# 20 s). Its default, 3 s (a ping every 4 s, answered within 2 s), dropped every page of a server whose event loop
# was busy for 6 s: 100 log-ins at once on one instance of a loaded 2-core machine (bench/sessions.py).
RECONNECT_SECONDS = 30.0


def _raise_open_files_limit() -> None:
    """Each open page holds sockets: its websocket and, with the user storage in Redis, that storage's connections
    (about 8 files an open page in bench/sessions.py). Raise the soft limit on open files to the hard one, as
    systemd expects of a program that needs more: its default soft limit, 1024, would stop an instance at about
    120 open pages."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else OPEN_FILES
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass  # the system refuses more: serve within the limit we have


OPEN_FILES = 65536  # when the hard limit is unlimited


def _create_user(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip('\n')
    else:
        password = getpass.getpass('Password: ')
        if getpass.getpass('Confirm password: ') != password:
            print('mysafe: the passwords do not match', file=sys.stderr)
            return 1
    try:
        user = accounts.create_user(args.name, password, display_name=args.display_name or '', is_admin=args.admin)
    except ValidationError as error:
        for field, message in error.errors.items():
            print(f'mysafe: {field}: {message}', file=sys.stderr)
        return 1
    print(f'Created {"administrator" if user.is_admin else "user"} {user.username}')
    return 0


def _storage_secret(settings: Settings) -> str:
    """The secret that signs session cookies: from the environment, else a file made once in the data dir."""
    if settings.storage_secret:
        return settings.storage_secret
    path = settings.storage_secret_file
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='main.py', description='MySafe: a self-hosted safe for API secrets. With no command, serves the app.',
        epilog='Configuration comes from MYSAFE_DATA_DIR, MYSAFE_DATABASE_URL, MYSAFE_HOST, MYSAFE_PORT, '
               'MYSAFE_MASTER_KEY / MYSAFE_KEY_FILE and MYSAFE_STORAGE_SECRET; `get` reads MYSAFE_URL and '
               'MYSAFE_ACCESS_KEY (see README).')
    commands = parser.add_subparsers(dest='command', metavar='COMMAND')
    commands.add_parser('serve', help='serve the web app (the default)')
    create = commands.add_parser('create-user', help='add a user')
    create.add_argument('name', help='the username (letters, digits, . _ - @)')
    create.add_argument('--admin', action='store_true', help='make the user an administrator')
    create.add_argument('--display-name', help='the name shown to others (default: the username)')
    create.add_argument('--password-stdin', action='store_true',
                        help='read the password from the first line of standard input instead of prompting')
    get = commands.add_parser(
        'get', help='print an API secret read from a running server with an access key',
        description='Read an API secret from a running MySafe server (MYSAFE_URL) with an access key '
                    "(MYSAFE_ACCESS_KEY). Exit codes: 0 printed, 1 not found or outside the key's scope, "
                    '2 bad usage or configuration, 3 key refused, 4 other server error.')
    get.add_argument('secret', metavar='ID_OR_IDENTIFIER', help="the API secret's ID, or its Identifier")
    get.add_argument('--field', choices=('client_secret', 'client_id', 'url', 'json'), default='client_secret',
                     help='what to print (default: client_secret; json: the item with its client secret)')
    return parser


if __name__ in {'__main__', '__mp_main__'}:
    # Under NiceGUI's test `user` fixture this file runs with pytest's arguments: serve instead.
    code = main([] if os.environ.get('NICEGUI_USER_SIMULATION') else None)
    if code:
        sys.exit(code)
