"""Names people type never run in another person's browser (issue 6, item 1): a sweep of every screen, dialog and
menu with users, API secrets and tags named with props-breaking, quote, backslash, template and HTML payloads.

NiceGUI parses a `.props('...')` string and runs a `:name` prop as JavaScript, so a display name formatted into
one (as the Share dialog once did) ran an administrator's script in the owner's page. Each payload here would set
`window.__pwned` or open an alert if it ever became code; each must be shown as the text it is.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import PASSWORD, Seeded, SeededSecret, protected_information, seed, seed_users

OWNER_NAME = 'Owner x" :title="window.__pwned = 1" d="'
PEOPLE = {  # username: display name
    'quote': "Quote '; window.__pwned = 1; '",
    'backslash': 'CORP\\user \\" :title="window.__pwned=1',
    'template': 'Template {{ window.__pwned = 1 }}',
    'markup': 'Markup <img src=x onerror="window.__pwned=1">',
}
SECRETS = [
    SeededSecret(name='Name x" :title="window.__pwned = 1" d="', url='https://api.example.com/a', client_id='ci_a',
                 identifier='props', method='GET', tags='x" :title="alert(1)" d=", {{ window.__pwned=1 }}',
                 notes='Notes </script><script>window.__pwned=1</script>'),
    SeededSecret(name='Backslash \\ and {{ window.__pwned = 1 }}', url='https://api.example.com/b', client_id='ci_b',
                 identifier='template', method='POST', tags='<b onmouseover=alert(1)>t</b>', notes=''),
    SeededSecret(name='<img src=x onerror="window.__pwned=1">', url='https://api.example.com/c', client_id='ci_c',
                 identifier='markup', method='PUT', tags='CORP\\tag', notes=''),
]


@pytest.fixture(scope='module')
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seeded]:
    data_dir = tmp_path_factory.mktemp('mysafe-props')
    seed(data_dir, 'owner', OWNER_NAME, SECRETS)
    seed_users(data_dir, PEOPLE, share_by='owner',
               grants={secret.id: {name: index % 2 == 0 for index, name in enumerate(PEOPLE)} for secret in SECRETS})
    return data_dir, Seeded('owner', OWNER_NAME, *SECRETS)


@pytest.fixture
def trapped(page: Page) -> Callable[[], None]:
    """The page with two traps: any alert/confirm/prompt, and the `window.__pwned` marker the payloads set."""
    opened: list[str] = []
    page.on('dialog', lambda dialog: (opened.append(dialog.message), dialog.dismiss()))

    def nothing_ran() -> None:
        assert opened == [], f'a payload opened a dialog: {opened}'
        assert page.evaluate('window.__pwned') is None, 'a payload ran as script'
    return nothing_ran


def test_every_screen_dialog_and_menu_shows_the_names_as_text(page: Page, trapped, logged_in) -> None:
    logged_in('owner', '/mysafe')
    for secret in SECRETS:  # home: the shortcut cards and their tags
        expect(page.get_by_role('article', name=secret.name)).to_be_visible()
    expect(page.get_by_role('button', name=f'User menu: {OWNER_NAME}')).to_be_visible()
    page.get_by_role('article', name=SECRETS[0].name).get_by_role('button', name='More actions').click()
    expect(page.get_by_role('menuitem', name='Share')).to_be_visible()
    page.keyboard.press('Escape')
    trapped()

    page.goto('/mysafe/api-secrets')  # the list, its row menu and its tags
    for secret in SECRETS:
        expect(page.get_by_role('cell', name=secret.name, exact=True)).to_be_visible()
    expect(page.get_by_role('cell', name=re.compile(re.escape('{{ window.__pwned=1 }}')))).to_be_visible()
    page.get_by_role('row').filter(has=page.get_by_role('cell', name=SECRETS[1].name, exact=True)) \
        .get_by_role('button', name='More actions').click()
    expect(page.get_by_role('menuitem', name='Edit')).to_be_visible()
    page.keyboard.press('Escape')
    trapped()

    for secret in SECRETS:  # details, the access table, Share with its Remove access buttons, the edit form
        page.goto(f'/mysafe/api-secrets/{secret.id}')
        expect(page.get_by_role('heading', name='API secret details')).to_be_visible()
        expect(page.locator('main dl').get_by_text(secret.name, exact=True)).to_be_visible()
        for display_name in PEOPLE.values():
            expect(page.get_by_role('cell', name=re.compile(re.escape(display_name)))).to_be_visible()
        page.get_by_role('main').get_by_role('button', name='Share').click()
        share = page.get_by_role('dialog', name='Share')
        for username, display_name in PEOPLE.items():
            expect(share.get_by_role('button', name=f'Remove access of {display_name} ({username})', exact=True)) \
                .to_be_visible()
            expect(share.get_by_text(f'{display_name} ({username})', exact=True)).to_be_visible()
        share.get_by_role('button', name='Cancel').click()
        expect(share).to_have_count(0)
        page.get_by_role('button', name='View the information').click()
        expect(protected_information(page)).to_be_visible()
        page.keyboard.press('Escape')
        trapped()
    page.goto(f'/mysafe/api-secrets/{SECRETS[0].id}/edit')
    expect(page.get_by_role('textbox', name='Name *')).to_have_value(SECRETS[0].name)
    expect(page.get_by_role('textbox', name='Notes')).to_have_value(SECRETS[0].notes)
    trapped()

    page.goto('/audit')  # the audit names every item and person
    expect(page.get_by_role('cell', name=SECRETS[2].name, exact=True).first).to_be_visible()
    page.goto('/admin/users')  # administration lists every display name
    for display_name in PEOPLE.values():
        expect(page.get_by_role('cell', name=display_name, exact=True)).to_be_visible()
    page.goto('/access-keys')
    page.get_by_role('button', name='New access key').click()
    expect(page.get_by_role('dialog')).to_be_visible()
    trapped()


def test_a_person_named_with_a_payload_sees_their_own_name_as_text(page: Page, trapped, new_page) -> None:
    for username, display_name in PEOPLE.items():
        viewer = new_page()
        viewer.on('dialog', lambda dialog: pytest.fail(f'a payload opened a dialog: {dialog.message}'))
        viewer.goto('/login')
        viewer.get_by_role('textbox', name='Username').fill(username)
        viewer.get_by_role('textbox', name='Password').fill(PASSWORD)
        viewer.get_by_role('button', name='Log in').click()
        expect(viewer.get_by_role('button', name=f'User menu: {display_name}')).to_be_visible()
        expect(viewer.get_by_role('article', name=SECRETS[0].name)).to_be_visible()
        assert viewer.evaluate('window.__pwned') is None
