#!/usr/bin/env python3
"""Take the documentation screenshots: API secret details, and the Protected information dialog.

Starts MySafe on a temporary data dir and a free port, seeds one API secret, drives Debian's Chromium
(1280x800) and writes docs/screenshots/details.png and docs/screenshots/protected-information.png.

    .venv/bin/python bench/screenshots.py [--out docs/screenshots]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the store, for seeding

from tests.harness import AppServer  # noqa: E402
CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync',
                 '--no-first-run', '--disable-dev-shm-usage']
VIEWPORT = {'width': 1280, 'height': 800}
USERNAME, DISPLAY_NAME, PASSWORD = 'alice', 'Alice Martin', 'correct horse battery staple'
# Made-up values, shaped so that no secret scanner takes them for real keys.
SECRET = {
    'name': 'Payments API (production)', 'url': 'https://api.payments.example.com/v2',
    'client_id': 'payments-client-4f2a9c', 'client_secret': 'example-secret-7f3a9c2e41b8d6053e1f',
    'identifier': 'payments-prod', 'method': 'POST', 'tags': 'payments, production',
    'notes': 'Rotated every quarter by the platform team.',
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', type=Path, default=ROOT / 'docs' / 'screenshots', help='where to write the PNGs')
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='mysafe-screenshots-') as tmp:
        data_dir = Path(tmp)
        secret_id = _seed(data_dir)
        server = AppServer(data_dir).start()
        try:
            _take(server.url, secret_id, args.out)
        finally:
            server.stop()
    return 0


def _take(url: str, secret_id: int, out: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(base_url=url, viewport=VIEWPORT)
            page.goto(f'/mysafe/api-secrets/{secret_id}')
            page.get_by_role('textbox', name='Username').fill(USERNAME)
            page.get_by_role('textbox', name='Password').fill(PASSWORD)
            page.get_by_role('button', name='Log in').click()
            expect(page.get_by_role('heading', name='API secret details')).to_be_visible(timeout=15_000)
            _settle(page)
            page.screenshot(path=str(out / 'details.png'), animations='disabled')

            page.get_by_role('button', name='View the information').click()
            dialog = page.get_by_role('dialog')
            expect(dialog.get_by_text(SECRET['client_secret'], exact=True)).to_be_visible()
            _settle(page)
            page.screenshot(path=str(out / 'protected-information.png'), animations='disabled')
        finally:
            browser.close()
    for name in ('details.png', 'protected-information.png'):
        print(out / name)


def _settle(page: Page) -> None:
    """Let fonts, icons and Quasar's transitions finish so the picture is the resting state."""
    page.evaluate('document.fonts.ready')
    page.mouse.move(0, VIEWPORT['height'] - 1)  # no hover effect or tooltip in the picture
    page.wait_for_timeout(400)


def _seed(data_dir: Path) -> int:
    """The owner and one API secret, written through the store before the server opens the database."""
    from store import accounts, api_secrets, config, runtime
    from store.records import Actor, ApiSecretInput

    runtime.start(config.load_settings({'MYSAFE_DATA_DIR': str(data_dir)}))
    try:
        user = accounts.create_user(USERNAME, PASSWORD, display_name=DISPLAY_NAME, is_admin=True)
        return api_secrets.create_api_secret(Actor(user.id, ip='127.0.0.1', user_agent='screenshots'),
                                             ApiSecretInput(**SECRET))
    finally:
        runtime.stop()


if __name__ == '__main__':
    sys.exit(main())
