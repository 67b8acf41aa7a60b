"""Disable / Enable through the Confirmation dialog, the Share dialog, and batch actions on the list
(SPEC sections 1 and 3, issue 3 items 3 to 5)."""
from __future__ import annotations

from nicegui import events, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from store import api_secrets, sharing
from store.models import db
from store.records import Actor

from ui.components.card_grid import CardGrid

from .helpers import (
    SLOW,
    answer_confirmation,
    button,
    definition_list,
    dialog,
    field,
    go,
    home_cards,
    log_in,
    press,
    switch_user,
    table_rows,
    until,
)

NOT_FOUND = 'API secret not found'


def _enabled(owner, secret_id: int) -> bool:
    return api_secrets.get_api_secret(Actor(owner.id), secret_id).enabled


async def _open_details(user: User, username: str, secret_id: int) -> None:
    await log_in(user, username, path=f'/login?return_to=/mysafe/api-secrets/{secret_id}')
    await user.should_see('API secret details', retries=SLOW)


async def _home_cards(user: User) -> set[str]:
    go(user, '/mysafe')
    await until(lambda: user.back_history[-1] == '/mysafe')
    await user.should_see(kind=CardGrid, retries=SLOW)
    return set(home_cards(user))


async def test_disable_asks_first_no_changes_nothing_and_enable_restores(user: User, make_user, add_secret) -> None:
    alice, vera = make_user('alice'), make_user('vera')
    secret_id = add_secret(alice, name='Stripe')
    add_secret(alice, name='GitHub')
    sharing.share(Actor(alice.id), [secret_id], {vera.id: False})
    details = f'/mysafe/api-secrets/{secret_id}'
    await _open_details(user, 'alice', secret_id)

    press(user, 'Disable')
    await answer_confirmation(user, f'Are you sure you want to disable the record: {secret_id}?', 'No')
    assert _enabled(alice, secret_id)
    assert button(user, 'View the information').enabled
    assert 'API secret disabled successfully' not in user.notify.messages

    press(user, 'Disable')
    await answer_confirmation(user, f'Are you sure you want to disable the record: {secret_id}?', 'Yes')
    await user.should_see('API secret disabled successfully', retries=SLOW)
    await until(lambda: not button(user, 'View the information').enabled)
    assert not _enabled(alice, secret_id)
    assert definition_list(user)['Status'] == 'Disabled'
    await user.should_see('This API secret is disabled: it cannot be revealed or copied.')
    assert 'Disable' not in {b.text for b in user.find(kind=ui.button).elements}
    assert await _home_cards(user) == {'GitHub'}

    go(user, '/mysafe/api-secrets')  # still listed for the owner, who may enable it
    await user.should_see(kind=ui.table, retries=SLOW)
    assert {row['id']: row['status'] for row in table_rows(user)}[secret_id] == 'Disabled'

    await switch_user(user, 'vera')  # for a viewer a disabled secret is gone
    await user.should_see('Your safe is empty.', retries=SLOW)
    go(user, details)
    await user.should_see(NOT_FOUND, retries=SLOW)
    await switch_user(user, 'alice')

    go(user, details)
    await user.should_see('API secret details', retries=SLOW)
    press(user, 'Enable')
    await answer_confirmation(user, f'Are you sure you want to enable the record: {secret_id}?', 'Yes')
    await user.should_see('API secret enabled successfully', retries=SLOW)
    await until(lambda: button(user, 'View the information').enabled)
    assert _enabled(alice, secret_id)
    assert definition_list(user)['Status'] == 'Enabled'
    assert await _home_cards(user) == {'Stripe', 'GitHub'}


async def test_share_gives_access_and_removing_it_takes_it_back(user: User, make_user, add_secret) -> None:
    alice = make_user('alice', display_name='Alice')
    bob = make_user('bob', display_name='Bob Baker')
    make_user('carol', display_name='Carol Diaz')
    secret_id = add_secret(alice, name='Stripe', client_id='ca_shared')
    details = f'/mysafe/api-secrets/{secret_id}'
    await _open_details(user, 'alice', secret_id)
    assert table_rows(user) == [{'user': 'Alice (alice)', 'permission': 'Owner'}]

    press(user, 'Share')
    share = await dialog(user, 'Share')
    picker = field(user, 'User')
    assert sorted(picker.options.values()) == ['Bob Baker (bob)', 'Carol Diaz (carol)']  # never the owner
    picker.value = bob.id
    await until(lambda: _checkbox(share, 'Can edit'))
    assert picker.value is None  # ready for the next person
    can_view = _checkbox(share, 'Can view')
    assert can_view.value is True and (not can_view.enabled or can_view.props.get('disable'))  # always on
    assert _checkbox(share, 'Can edit').value is False
    UserInteraction(user, {_checkbox(share, 'Can edit')}, 'Can edit').click()
    press(user, 'Share', within=share)
    await user.should_see('Shared', retries=SLOW)
    assert 'Shared' in user.notify.messages
    await until(lambda: share.is_deleted or not share.value)
    await until(lambda: len(table_rows(user)) == 2)
    assert table_rows(user) == [{'user': 'Alice (alice)', 'permission': 'Owner'},
                                {'user': 'Bob Baker (bob)', 'permission': 'Can edit'}]
    cards = await _home_cards(user)
    assert cards == {'Stripe'} and home_cards(user)['Stripe']['shared'] is True

    go(user, details)
    await user.should_see('API secret details', retries=SLOW)
    press(user, 'Share')
    share = await dialog(user, 'Share')
    assert _checkbox(share, 'Can edit').value is True  # the dialog shows the current access
    press(user, 'Remove access of Bob Baker (bob)', within=share)
    await until(lambda: not _checkbox(share, 'Can edit'))
    press(user, 'Share', within=share)
    await until(lambda: len(table_rows(user)) == 1)
    assert table_rows(user) == [{'user': 'Alice (alice)', 'permission': 'Owner'}]
    assert [entry.username for entry in api_secrets.access_list(Actor(alice.id), secret_id)] == ['alice']

    await switch_user(user, 'bob')
    await user.should_see('Your safe is empty.', retries=SLOW)
    go(user, details)
    await user.should_see(NOT_FOUND, retries=SLOW)
    await user.should_not_see('API secret details')


async def test_batch_disable_asks_once_for_the_selected_rows(user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    ids = [add_secret(alice, name=name) for name in ('Alpha', 'Beta', 'Gamma')]
    await log_in(user, 'alice', path='/login?return_to=/mysafe/api-secrets')
    await user.should_see(kind=ui.table, retries=SLOW)
    assert not button(user, 'Disable').enabled  # nothing selected yet

    _select(user, ids[:2])
    assert button(user, 'Disable').enabled
    press(user, 'Disable')
    await answer_confirmation(user, 'Are you sure you want to disable the 2 records selected?', 'Yes')
    await user.should_see('2 API secrets disabled successfully', retries=SLOW)
    assert [_enabled(alice, secret_id) for secret_id in ids] == [False, False, True]
    await until(lambda: [row['status'] for row in table_rows(user)] == ['Disabled', 'Disabled', 'Enabled'])
    assert not button(user, 'Disable').enabled  # the selection is cleared

    _select(user, ids[:2])
    press(user, 'Enable')
    await answer_confirmation(user, 'Are you sure you want to enable the 2 records selected?', 'No')
    assert [_enabled(alice, secret_id) for secret_id in ids] == [False, False, True]
    press(user, 'Enable')
    await answer_confirmation(user, 'Are you sure you want to enable the 2 records selected?', 'Yes')
    await user.should_see('2 API secrets enabled successfully', retries=SLOW)
    assert [_enabled(alice, secret_id) for secret_id in ids] == [True, True, True]


async def test_batch_share_asks_once_and_shares_every_selected_row(user: User, make_user, add_secret) -> None:
    alice, bob = make_user('alice'), make_user('bob', display_name='Bob Baker')
    ids = [add_secret(alice, name=name) for name in ('Alpha', 'Beta', 'Gamma')]
    await log_in(user, 'alice', path='/login?return_to=/mysafe/api-secrets')
    await user.should_see(kind=ui.table, retries=SLOW)

    _select(user, [ids[0], ids[2]])
    press(user, 'Share')
    share = await dialog(user, 'Share')
    await user.should_see('Share 2 API secrets')
    field(user, 'User').value = bob.id
    await until(lambda: _checkbox(share, 'Can edit'))
    press(user, 'Share', within=share)
    await answer_confirmation(user, 'Are you sure you want to share the 2 records selected?', 'Yes')
    await user.should_see('Shared', retries=SLOW)
    assert 'Shared' in user.notify.messages
    await until(lambda: [row['shared'] for row in table_rows(user)] == ['Yes', 'No', 'Yes'])
    for secret_id, shared in zip(ids, (True, False, True)):
        people = {entry.username: entry.permission for entry in api_secrets.access_list(Actor(alice.id), secret_id)}
        assert people == ({'alice': 'Owner', 'bob': 'Can view'} if shared else {'alice': 'Owner'})


def _checkbox(container: ui.element, label: str) -> ui.checkbox | None:
    matches = [element for element in container.descendants() if isinstance(element, ui.checkbox)
               and element.text == label and not element.is_deleted]
    assert len(matches) <= 1
    return matches[0] if matches else None


def _select(user: User, secret_ids: list[int], *, added: bool = True) -> None:
    """Tick (or untick) the rows' checkboxes: the browser sends the table a `selection` event with those rows."""
    (table,) = user.find(kind=ui.table).elements
    rows = [row for row in table.rows if row['id'] in secret_ids]
    assert len(rows) == len(secret_ids)
    user.find(kind=ui.table).trigger('selection', {'added': added, 'rows': rows, 'keys': secret_ids})


async def test_batch_actions_are_offered_only_when_allowed_on_every_selected_row(user: User, make_user,
                                                                                  add_secret) -> None:
    alice, bob = make_user('alice'), make_user('bob')
    own = add_secret(bob, name='Bob own')
    editable, viewable = add_secret(alice, name='Alice editable'), add_secret(alice, name='Alice viewable')
    sharing.share(Actor(alice.id), [editable], {bob.id: True})
    sharing.share(Actor(alice.id), [viewable], {bob.id: False})
    await log_in(user, 'bob', path='/login?return_to=/mysafe/api-secrets')
    await user.should_see(kind=ui.table, retries=SLOW)

    def offered() -> list[bool]:
        return [button(user, label).enabled for label in ('Disable', 'Enable', 'Share')]

    _select(user, [own])
    assert offered() == [True, True, True]
    _select(user, [editable])  # bob may edit it, not share it
    assert offered() == [True, True, False]
    _select(user, [viewable])  # bob may only view it
    assert offered() == [False, False, False]
    _select(user, [editable, viewable, own], added=False)
    assert offered() == [False, False, False]


async def test_the_share_picker_searches_the_store_as_you_type_among_a_thousand_users(
        user: User, make_user, add_secret) -> None:
    """Regression: the picker loaded the first 500 users once, so the 501st could never be shared with."""
    alice = make_user('alice', display_name='Alice')
    with db.atomic():
        for n in range(1000):
            make_user(f'user{n:04d}', display_name=f'Person {n:04d}')
    secret_id = add_secret(alice, name='Stripe')
    await _open_details(user, 'alice', secret_id)
    press(user, 'Share')
    share = await dialog(user, 'Share')
    picker = field(user, 'User')
    assert len(picker.options) < 1000  # the first page of matches, not everyone
    for listener in list(picker._event_listeners.values()):  # what the browser sends as the person types
        if listener.type == 'inputValue':  # pylint: disable=protected-access
            events.handle_event(listener.handler, events.GenericEventArguments(
                sender=picker, client=picker.client, args='user0999'))
    await until(lambda: list(picker.options.values()) == ['Person 0999 (user0999)'])
    last = next(iter(picker.options))
    picker.value = last
    await until(lambda: _checkbox(share, 'Can edit'))
    press(user, 'Share', within=share)
    await until(lambda: len(table_rows(user)) == 2)
    assert table_rows(user)[1] == {'user': 'Person 0999 (user0999)', 'permission': 'Can view'}
