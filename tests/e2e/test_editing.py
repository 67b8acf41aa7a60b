"""Editing an API secret: two editors at once (optimistic locking), the information history, disable / enable.

Issue 3, items 1, 2 and 4. Alice owns the seeded secrets; Bob may edit one of them (Twilio), given through the
store before the server starts.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import (
    Seeded,
    answer_confirmation,
    field_value,
    list_cell,
    notice,
    protected_information,
    seed_users,
)

EDITOR = 'bob'
EDITOR_NAME = 'Bob Baker'
WHEN = r'\d{4}-\d\d-\d\d \d\d:\d\d'


@pytest.fixture(scope='module')
def seeded(seeded: tuple[Path, Seeded]) -> tuple[Path, Seeded]:
    """The default seed, plus Bob with Can edit on the Twilio secret."""
    data_dir, data = seeded
    seed_users(data_dir, {EDITOR: EDITOR_NAME}, share_by=data.owner, grants={data.twilio.id: {EDITOR: True}})
    return seeded


def test_the_second_of_two_concurrent_saves_is_refused_and_nothing_is_lost(
        page: Page, new_page: Callable[[], Page], log_in_as: Callable[..., Page], data: Seeded) -> None:
    secret = data.twilio
    edit = f'/mysafe/api-secrets/{secret.id}/edit'
    # Both open the edit form before either saves.
    editor = log_in_as(new_page(), EDITOR, edit)
    owner = log_in_as(page, data.owner, edit)
    for person in (editor, owner):
        expect(person.get_by_role('heading', name='Edit API secret')).to_be_visible()
        expect(person.get_by_role('textbox', name='Name *')).to_have_value(secret.name)
    expect(owner.get_by_role('main')).to_contain_text(re.compile(
        rf'Created by {data.owner_display_name} at {WHEN} UTC · '
        rf'last changed by {data.owner_display_name} at {WHEN} UTC'))
    expect(owner.get_by_role('textbox', name='Client secret')).to_have_value('')  # never pre-filled

    # Bob changes the Notes and saves first.
    notes = 'Sub-account for the EU numbers'
    editor.get_by_role('textbox', name='Notes').fill(notes)
    editor.get_by_role('button', name='Save').click()
    expect(notice(editor, 'API secret updated')).to_be_visible()
    expect(editor).to_have_url(re.compile(rf'/mysafe/api-secrets/{secret.id}$'))
    expect(field_value(editor, 'Notes')).to_have_text(notes)

    # Alice, on the form she opened before, changes the Name: refused, saying who changed it and when.
    renamed = 'Twilio SMS (EU)'
    owner.get_by_role('textbox', name='Name *').fill(renamed)
    owner.get_by_role('button', name='Save').click()
    conflict = owner.get_by_role('alert').filter(has_text='changed this API secret at')
    expect(conflict).to_have_text(re.compile(rf'^{EDITOR_NAME} changed this API secret at {WHEN}:\d\d UTC'))
    expect(owner).to_have_url(re.compile(rf'{edit}$'))
    expect(notice(owner, 'API secret updated')).to_have_count(0)
    # What she typed is still in the form.
    expect(owner.get_by_role('textbox', name='Name *')).to_have_value(renamed)
    expect(owner.get_by_role('textbox', name='Notes')).to_have_value(secret.notes)

    # Bob's change is intact, and Alice's was not written over it.
    editor.reload()
    expect(field_value(editor, 'Notes')).to_have_text(notes)
    expect(field_value(editor, 'Name')).to_have_text(secret.name)

    # Reloading shows Alice Bob's change; she edits again and saves, and both changes stand.
    owner.reload()
    expect(owner.get_by_role('textbox', name='Notes')).to_have_value(notes)
    expect(owner.get_by_role('main')).to_contain_text(re.compile(rf'last changed by {EDITOR_NAME} at {WHEN} UTC'))
    owner.get_by_role('textbox', name='Name *').fill(renamed)
    owner.get_by_role('button', name='Save').click()
    expect(notice(owner, 'API secret updated')).to_be_visible()
    expect(field_value(owner, 'Name')).to_have_text(renamed)
    expect(field_value(owner, 'Notes')).to_have_text(notes)


def test_information_history_reveals_and_restores_an_earlier_client_secret(
        logged_in: Callable[..., Page], data: Seeded) -> None:
    secret = data.github
    details = f'/mysafe/api-secrets/{secret.id}'
    page = logged_in(data.owner, details)
    expect(page.get_by_role('heading', name='Information history')).to_be_visible()
    expect(page.get_by_text('The client secret has not been changed yet.')).to_be_visible()

    # A new client secret through the edit form.
    rotated = 'ghs_rotated_0e1d2c3b4a59687f'
    page.get_by_role('main').get_by_role('button', name='Edit', exact=True).click()
    expect(page).to_have_url(re.compile(rf'{details}/edit$'))
    page.get_by_role('textbox', name='Client secret').fill(rotated)
    page.get_by_role('button', name='Save').click()
    expect(notice(page, 'API secret updated')).to_be_visible()
    expect(page).to_have_url(re.compile(rf'{details}$'))

    # The history lists the replaced value: when, and by whom.
    history = page.get_by_role('main').get_by_role('listitem')
    expect(history).to_have_count(1)
    expect(history).to_contain_text(re.compile(rf'Replaced {WHEN} UTC by {data.owner_display_name}'))
    assert secret.client_secret not in page.content()
    _view_the_information(page, rotated)

    # Reveal shows the earlier value in Protected information.
    history.get_by_role('button', name=re.compile(r'^Reveal ')).click()
    dialog = protected_information(page)
    expect(dialog.get_by_text(secret.client_secret, exact=True)).to_be_visible()
    expect(dialog).to_contain_text('Earlier client secret, replaced')
    dialog.get_by_role('button', name='Close').click()
    expect(dialog).to_have_count(0)

    # Restore makes it current again, after a confirmation; the replaced one joins the history.
    history.get_by_role('button', name=re.compile(r'^Restore ')).click()
    answer_confirmation(page, 'Are you sure you want to make this earlier client secret current again?')
    expect(notice(page, 'API secret updated')).to_be_visible()
    expect(history).to_have_count(2)
    _view_the_information(page, secret.client_secret)


def test_disable_and_enable_with_the_confirmation_dialog(logged_in: Callable[..., Page], data: Seeded) -> None:
    secret = data.stripe
    details = f'/mysafe/api-secrets/{secret.id}'
    question = f'Are you sure you want to disable the record: {secret.id}?'
    page = logged_in(data.owner, details)
    main = page.get_by_role('main')

    # "No" changes nothing.
    main.get_by_role('button', name='Disable', exact=True).click()
    answer_confirmation(page, question, 'No')
    expect(notice(page, 'disabled successfully')).to_have_count(0)
    page.reload()  # what the server holds
    expect(field_value(page, 'Status')).to_have_text('Enabled')
    expect(main.get_by_role('button', name='View the information')).to_be_enabled()

    # "Yes" disables it.
    main.get_by_role('button', name='Disable', exact=True).click()
    answer_confirmation(page, question)
    expect(notice(page, 'API secret disabled successfully')).to_be_visible()
    expect(field_value(page, 'Status')).to_have_text('Disabled')
    expect(main.get_by_role('button', name='View the information')).to_be_disabled()
    expect(main.get_by_role('button', name='Enable', exact=True)).to_be_visible()

    # Not on the home; listed with Status "Disabled".
    page.goto('/mysafe')
    expect(page.get_by_role('article', name=data.twilio.name)).to_be_visible()
    expect(page.get_by_role('article', name=secret.name)).to_have_count(0)
    page.goto('/mysafe/api-secrets')
    expect(list_cell(page, secret.name, 'Status')).to_have_text('Disabled')

    # Enable brings it back.
    page.goto(details)
    main.get_by_role('button', name='Enable', exact=True).click()
    answer_confirmation(page, f'Are you sure you want to enable the record: {secret.id}?')
    expect(notice(page, 'API secret enabled successfully')).to_be_visible()
    expect(field_value(page, 'Status')).to_have_text('Enabled')
    _view_the_information(page, secret.client_secret)
    page.goto('/mysafe')
    expect(page.get_by_role('article', name=secret.name)).to_be_visible()


def _view_the_information(page: Page, client_secret: str) -> None:
    """View the information shows `client_secret`; then close the dialog."""
    page.get_by_role('main').get_by_role('button', name='View the information').click()
    dialog = protected_information(page)
    expect(dialog.get_by_text(client_secret, exact=True)).to_be_visible()
    dialog.get_by_role('button', name='Close').click()
    expect(dialog).to_have_count(0)
