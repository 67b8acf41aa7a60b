"""What the browser tests share: the app server as a subprocess, seed data, and the steps a person repeats.

The server is the real `main.py` on a free port with a data dir of its own. It is started without
PYTEST_CURRENT_TEST in its environment: NiceGUI would otherwise believe it runs under its own screen test.
"""
from __future__ import annotations

import contextlib
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.harness import ROOT, AppServer
from tests.seeding import PASSWORD

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync',
                 '--no-first-run', '--disable-dev-shm-usage']
VIEWPORT = {'width': 1280, 'height': 800}


@dataclass
class SeededSecret:
    """An API secret as the seed wrote it; `id` is filled in once it is stored."""
    name: str
    url: str
    client_id: str
    identifier: str
    method: str
    tags: str
    notes: str
    client_secret: str = field(default_factory=lambda: f'sk_live_{secrets.token_hex(16)}')
    id: int = 0


@dataclass(frozen=True)
class Seeded:
    """What the default server holds: its owner and API secrets, by the names the tests use."""
    owner: str
    owner_display_name: str
    stripe: SeededSecret
    twilio: SeededSecret
    github: SeededSecret

    @property
    def secrets(self) -> list[SeededSecret]:
        return [self.stripe, self.twilio, self.github]


class Server(AppServer):
    """A running MySafe server (tests/harness.py), with the operator's command line at hand."""

    def create_user(self, name: str, *, admin: bool = False, password: str = PASSWORD, exist_ok: bool = False) -> None:
        """Add a user with the command line, as an operator would (the server may be running)."""
        command = [sys.executable, 'main.py', 'create-user', name, '--password-stdin'] + (['--admin'] if admin else [])
        result = subprocess.run(command, check=False, cwd=ROOT, env=self.environ(), input=f'{password}\n',
                                capture_output=True, text=True, timeout=30)
        if result.returncode != 0 and not (exist_ok and 'already taken' in result.stderr):
            raise RuntimeError(f'create-user {name} failed ({result.returncode}): {result.stderr}')


def seed(data_dir: Path, owner: str, display_name: str, items: list[SeededSecret]) -> None:
    """Create the owner and their API secrets through the store, before the server opens the database."""
    from store import accounts, api_secrets, config, runtime
    from store.records import Actor, ApiSecretInput

    runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(data_dir)}))
    try:
        user = accounts.create_user(owner, PASSWORD, display_name=display_name, is_admin=True)
        actor = Actor(user.id, ip='127.0.0.1', user_agent='e2e seed')
        for item in items:
            item.id = api_secrets.create_api_secret(actor, ApiSecretInput(
                name=item.name, url=item.url, client_id=item.client_id, client_secret=item.client_secret,
                identifier=item.identifier, method=item.method, tags=item.tags, notes=item.notes))
    finally:
        runtime.stop()


@contextlib.contextmanager
def store_on(data_dir: Path) -> Iterator[None]:
    """The store opened on a server's data dir from the test process: only while that server is not running."""
    from store import config, runtime

    runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(data_dir)}))
    try:
        yield
    finally:
        runtime.stop()


def seed_users(data_dir: Path, users: dict[str, str], share_by: str | None = None,
               grants: dict[int, dict[str, bool]] | None = None) -> dict[str, int]:
    """Add users (username: display name) through the store before the server starts; optionally let the owner
    `share_by` give them access (`grants`: secret id -> {username: can_edit}). Returns each new user's id."""
    from store import accounts, sharing
    from store.models import User
    from store.records import Actor

    with store_on(data_dir):
        ids = {name: accounts.create_user(name, PASSWORD, display_name=display).id for name, display in users.items()}
        if share_by is not None:
            owner = User.get(User.username_key == share_by.lower())
            actor = Actor(owner.id, ip='127.0.0.1', user_agent='e2e seed')
            for secret_id, people in (grants or {}).items():
                sharing.share(actor, [secret_id], {ids[name]: can_edit for name, can_edit in people.items()})
    return ids


# --- steps a person takes --------------------------------------------------------------------------

def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fill in the log-in form that is on screen and submit it."""
    expect(page.get_by_role('button', name='Log in')).to_be_visible()
    page.get_by_role('textbox', name='Username').fill(username)
    page.get_by_role('textbox', name='Password').fill(password)
    page.get_by_role('button', name='Log in').click()


def open_and_log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto('/login')
    log_in(page, username, password)
    expect(page).to_have_url(re.compile(r'/mysafe$'))


def field_value(page: Page, label: str) -> Locator:
    """The value next to a label on the details page (a <dt>/<dd> pair)."""
    return page.locator('main dl').locator(f'xpath=./dt[normalize-space()="{label}"]/following-sibling::dd[1]')


def side_menu_item(page: Page, text: str) -> Locator:
    # The link's text also holds its icon's ligature name ("vpn_key"), so match the label inside it.
    return page.get_by_role('navigation', name='MySafe menu').get_by_role('link').filter(
        has=page.get_by_text(text, exact=True))


def table_row(page: Page, name: str) -> Locator:
    """The row of the API secrets table whose Name cell reads exactly `name`."""
    return page.get_by_role('row').filter(has=page.get_by_role('cell', name=name, exact=True))


def protected_information(page: Page) -> Locator:
    return page.get_by_role('dialog').filter(has=page.get_by_role('heading', name='Protected information'))


def notice(page: Page, text: str) -> Locator:
    """A notice (Quasar notification, role alert) whose text contains `text`."""
    return page.get_by_role('alert').filter(has_text=text)


def answer_confirmation(page: Page, question: str, answer: str = 'Yes') -> None:
    """The Confirmation dialog asks exactly `question`; answer it and wait for it to close."""
    dialog = page.get_by_role('dialog', name='Confirmation')
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role('heading', name='Confirmation')).to_be_visible()
    expect(dialog.get_by_text(question, exact=True)).to_be_visible()
    dialog.get_by_role('button', name=answer, exact=True).click()
    expect(dialog).to_have_count(0)


def pick_user(dialog: Locator, option: str) -> None:
    """In the Share dialog, choose a person in the User combobox (options read "Display name (username)")."""
    dialog.get_by_role('combobox', name='User').click()
    dialog.page.get_by_role('option', name=option, exact=True).click()
    expect(dialog.get_by_role('button', name=f'Remove access of {option}')).to_be_visible()
    expect(dialog.get_by_role('combobox', name='User')).to_have_value('')  # ready for the next person


def column_index(page: Page, column: str) -> int:
    """Where the table's column headed `column` is among its cells (the list's first column holds the checkbox)."""
    header = page.get_by_role('table').get_by_role('columnheader', name=column, exact=True)
    return header.evaluate('th => Array.prototype.indexOf.call(th.parentElement.children, th)')


def list_cell(page: Page, name: str, column: str) -> Locator:
    """The cell under `column` in the API secrets table row of `name`."""
    return table_row(page, name).get_by_role('cell').nth(column_index(page, column))
