"""The permission table of SPEC section 3, through the UI: what owner, editor, viewer, an administrator
without access and a stranger see on the details, edit, home and list pages (issue 3, item 8)."""
from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from store import sharing
from store.records import Actor

from ui.components.card_grid import CardGrid

from .helpers import SLOW, button_labels, go, home_cards, log_in, page_holds, table_rows

NOT_FOUND = 'API secret not found'
ACTIONS = {'Edit', 'Share', 'Disable', 'Enable'}

# role: (sees it at all, buttons on the details page, sees Information history, gets the edit form)
ROLES = {
    'owner': (True, {'Edit', 'Share', 'Disable'}, True, True),
    'editor': (True, {'Edit', 'Disable'}, True, True),
    'viewer': (True, set(), False, False),
    'administrator': (False, set(), False, False),
    'stranger': (False, set(), False, False),
}


@pytest.mark.parametrize('role', ROLES)
async def test_the_permission_table_through_the_ui(user: User, make_user, add_secret, role: str) -> None:
    owner = make_user('alice', display_name='Alice')
    editor, viewer = make_user('ed', display_name='Ed'), make_user('vera', display_name='Vera')
    make_user('root', is_admin=True, display_name='Root')
    make_user('eve', display_name='Eve')
    secret_id = add_secret(owner, name='Shared Stripe', client_id='ca_shared_stripe')
    private_id = add_secret(owner, name='Alice private', client_id='ca_alice_private')
    sharing.share(Actor(owner.id), [secret_id], {editor.id: True, viewer.id: False})
    username = {'owner': 'alice', 'editor': 'ed', 'viewer': 'vera', 'administrator': 'root', 'stranger': 'eve'}[role]
    sees, buttons, sees_history, can_edit = ROLES[role]

    # The details page: the same not-found page as for a secret that does not exist.
    details = f'/mysafe/api-secrets/{secret_id}'
    await log_in(user, username, path=f'/login?return_to={details}')
    if sees:
        await user.should_see('API secret details', retries=SLOW)
        assert button_labels(user) & ACTIONS == buttons
        assert 'View the information' in button_labels(user)
        if sees_history:
            await user.should_see('Information history')
        else:
            await user.should_not_see('Information history')
        await user.should_see('Users with access to information')
    else:
        await user.should_see(NOT_FOUND, retries=SLOW)
        await user.should_not_see('API secret details')
        assert not page_holds(user, 'Shared Stripe') and not page_holds(user, 'ca_shared_stripe')
        assert not button_labels(user) & (ACTIONS | {'View the information'})
        go(user, '/mysafe/api-secrets/99999')  # a secret that does not exist looks the same
        await user.should_see(NOT_FOUND, retries=SLOW)

    # A direct link to the edit form.
    go(user, f'{details}/edit')
    if can_edit:
        await user.should_see('Edit API secret', retries=SLOW)
        await user.should_not_see(NOT_FOUND)
    else:
        await user.should_see(NOT_FOUND, retries=SLOW)
        await user.should_not_see('Edit API secret')
        assert not page_holds(user, 'ca_shared_stripe')

    # The home page: a card for the secret, marked Shared; its flags drive the More actions menu (only for who may
    # edit: Edit, Share for the owner, Disable while enabled).
    go(user, '/mysafe')
    await user.should_see(**({'kind': CardGrid} if sees else {'content': 'Your safe is empty.'}), retries=SLOW)
    cards = home_cards(user)
    if sees:
        card = cards['Shared Stripe']
        assert (card['shared'], card['owner'], card['enabled']) == (True, 'Alice', True)
        assert (card['can_edit'], card['is_owner']) == (can_edit, role == 'owner')
    else:
        assert 'Shared Stripe' not in cards
        await user.should_see('Your safe is empty.')
    assert ('Alice private' in cards) == (role == 'owner')
    assert not page_holds(user, 'ca_shared_stripe')  # the home never carries the client id

    # The list: a row only for who may see it; its flags drive the More actions menu.
    go(user, '/mysafe/api-secrets')
    await user.should_see(kind=ui.table, retries=SLOW)
    rows = {row['id']: row for row in table_rows(user)}
    if sees:
        row = rows[secret_id]
        assert (row['name'], row['shared'], row['owner']) == ('Shared Stripe', 'Yes', 'Alice')
        assert (row['can_edit'], row['is_owner']) == (can_edit, role == 'owner')
    else:
        assert secret_id not in rows
    assert (private_id in rows) == (role == 'owner')
    assert not page_holds(user, 'ca_shared_stripe')  # the list never carries the client id
