"""SPEC section 3, every cell: what the owner, an editor, a viewer, an administrator and a stranger may do.

Each cell runs through the store services on both backends. A refused action raises NotFound ('API
secret not found') when the role cannot see the secret at all, Forbidden when it can see it but not do
this, and changes nothing: not the secret, its access, its history, the users, nor the audit trail.

The matrix has some 180 cells, so the store and its people are made once per backend (module scope)
and every cell gets a secret of its own.
"""
from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import psycopg2
import pytest

from store import accounts, admin, api_secrets, config, history, runtime, sharing
from store.errors import Forbidden, NotFound
from store.models import MODELS, Access, ApiSecret, ClientSecretHistory, Event, User
from store.passwords import hash_password
from store.records import CAN_EDIT, CAN_VIEW, OWNER, Actor, ApiSecretInput
from tests.conftest import PASSWORD

ROLES = ('owner', 'editor', 'viewer', 'administrator', 'stranger')
PERMISSION = {'owner': OWNER, 'editor': CAN_EDIT, 'viewer': CAN_VIEW}
YES = 'yes'

# The rows of SPEC section 3: what each role gets.
SEE = {'owner': YES, 'editor': YES, 'viewer': YES, 'administrator': NotFound, 'stranger': NotFound}
EDIT = {**SEE, 'viewer': Forbidden}
SHARE = {**EDIT, 'editor': Forbidden}
# A disabled secret stays listed only for those who may enable it: to a viewer it is not there.
ENABLE = {**EDIT, 'viewer': NotFound}
MANAGE_USERS = {'owner': Forbidden, 'editor': Forbidden, 'viewer': Forbidden, 'administrator': YES,
                'stranger': Forbidden}


@dataclass(frozen=True)
class World:
    """One cell's secret: owned by `owner`, shared Can edit with `editor` and Can view with `viewer`."""
    people: dict[str, Actor]
    secret_id: int
    name: str
    current: str  # the client secret now
    earlier: str  # the one it replaced, kept in the history
    history_id: int
    version: int

    def user_id(self, name: str) -> int:
        return self.people[name].user_id


@dataclass(frozen=True)
class State:
    """Everything an action could change, as stored."""
    secret: dict
    access: frozenset
    history: tuple
    events: Counter
    users: tuple
    user_events: Counter


@dataclass(frozen=True)
class Action:
    do: Callable[[World, Actor], object]
    table_row: dict
    check: Callable[[World, str, object, State, State], None]  # (world, role, result, before, after)
    prepare: Callable[[World], None] = lambda world: None


# --- the store, once per backend ----------------------------------------------------------------

@pytest.fixture(scope='module', params=['sqlite', 'postgresql'])
def people(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Actor]]:
    """The store started on an empty database, with the five roles and two bystanders."""
    runtime.stop()
    environ = {'MYSAFE_DATA_DIR': str(tmp_path_factory.mktemp('data'))}
    if request.param == 'postgresql':
        environ['MYSAFE_DATABASE_URL'] = request.getfixturevalue('postgres_database')
        _drop_tables(environ['MYSAFE_DATABASE_URL'])
    runtime.start(config.load_settings(environ))
    password_hash = hash_password(PASSWORD)  # one real Argon2id hash shared by everyone made here
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(accounts, 'hash_password', lambda password: password_hash)
            names = (*ROLES, 'guest', 'target')  # guest: someone to share with; target: for user administration
            people = {name: Actor(accounts.create_user(name, PASSWORD, display_name=name.title(),
                                                       is_admin=name == 'administrator').id,
                                  ip='198.51.100.4', user_agent='pytest')
                      for name in names}
        yield people
    finally:
        runtime.stop()


@pytest.fixture
def world(people: dict[str, Actor]) -> World:
    n = next(_numbers)
    owner, name = people['owner'], f'Cell {n:05}'  # the list is searched by name: no name contains another
    fields = {'name': name, 'url': f'https://api{n}.example.com', 'client_id': f'client-{n}'}
    secret_id = api_secrets.create_api_secret(owner, ApiSecretInput(**fields, client_secret=f'sk_earlier_{n}'))
    sharing.share(owner, [secret_id], {people['editor'].user_id: True, people['viewer'].user_id: False})
    api_secrets.update_api_secret(owner, secret_id, ApiSecretInput(**fields, client_secret=f'sk_current_{n}'), 1)
    [entry] = history.list_history(owner, secret_id)
    return World(people, secret_id, name, f'sk_current_{n}', f'sk_earlier_{n}', entry.id, version=2)


_numbers = itertools.count(1)


# --- the table ------------------------------------------------------------------------------------

@pytest.mark.parametrize('role', ROLES)
def test_the_list_and_the_home_show_the_secret_to_those_who_may_see_it(world, role):
    actor = world.people[role]
    listed = api_secrets.list_api_secrets(actor, search=world.name)
    home = api_secrets.list_api_secrets(actor, search=world.name, only_enabled=True)
    if SEE[role] is YES:
        [item] = listed.items
        assert (item.id, item.permission, item.shared, item.owner) == (world.secret_id, PERMISSION[role], True,
                                                                       'Owner')
        assert [item.id for item in home.items] == [world.secret_id]
    else:
        assert listed.items == home.items == []
        assert listed.total == home.total == 0


def _changed(before: State, after: State, **fields) -> None:
    """Assert that the secret now holds `fields` and nothing else of it changed."""
    assert {key: value for key, value in after.secret.items() if key in fields or before.secret[key] != value} == fields


def _reveal(world, actor):
    return api_secrets.reveal_client_secret(actor, world.secret_id)


def _check_details(world, role, result, before, after):
    assert (result.id, result.name, result.permission) == (world.secret_id, world.name, PERMISSION[role])
    assert after.events - before.events == Counter({'View': 1})
    assert after.secret == before.secret


def _check_use(kind: str) -> Callable:
    def check(world, role, result, before, after):
        if kind == 'Reveal':
            assert result == world.current
        assert after.events - before.events == Counter({kind: 1})
        assert before.secret['last_used_at'] is None and after.secret['last_used_at'] is not None
        _changed(before, after, last_used_at=after.secret['last_used_at'])
    return check


def _edit(world, actor):
    return api_secrets.update_api_secret(actor, world.secret_id, ApiSecretInput(
        name='Edited', url='https://edited.example.com', client_id='edited-client', client_secret=''), world.version)


def _check_edit(world, role, result, before, after):
    _changed(before, after, name='Edited', url='https://edited.example.com', client_id='edited-client',
             version=world.version + 1, updated_at=after.secret['updated_at'], updated_by=world.user_id(role))
    assert after.events - before.events == Counter({'Change': 1})
    assert after.history == before.history  # the client secret was left empty: it stays


def _check_enabled(enabled: bool) -> Callable:
    def check(world, role, result, before, after):
        assert result == 1
        _changed(before, after, enabled=enabled, version=world.version + 1, updated_at=after.secret['updated_at'],
                 updated_by=world.user_id(role))
        assert after.events - before.events == Counter({'Activation' if enabled else 'Disabling': 1})
    return check


def _disable(world):
    ApiSecret.update(enabled=False).where(ApiSecret.id == world.secret_id).execute()


def _check_access(expected: dict[str, bool], events: Counter) -> Callable:
    def check(world, role, result, before, after):
        assert after.access == frozenset((world.user_id(name), can_edit) for name, can_edit in expected.items())
        assert after.events - before.events == events
        assert after.secret == before.secret
    return check


def _check_history(world, role, result, before, after):
    assert [(entry.id, entry.set_by, entry.replaced_by) for entry in result] == [(world.history_id, 'Owner', 'Owner')]
    assert after == before


def _check_earlier_value(world, role, result, before, after):
    assert result == world.earlier
    assert after.events - before.events == Counter({'Reveal': 1})
    _changed(before, after, last_used_at=after.secret['last_used_at'])


def _check_restore(world, role, result, before, after):
    assert after.events - before.events == Counter({'Change': 1})
    assert len(after.history) == len(before.history) + 1
    assert after.secret['version'] == world.version + 1 and after.secret['updated_by'] == world.user_id(role)
    assert api_secrets.reveal_client_secret(world.people['owner'], world.secret_id) == world.earlier


def _check_list_users(world, role, result, before, after):
    assert {user.username for user in result} >= set(world.people)
    assert after == before


def _check_add_user(world, role, result, before, after):
    assert len(after.users) == len(before.users) + 1 and result.username in {user[1] for user in after.users}
    assert after.user_events - before.user_events == Counter({'New': 1})


def _target(state: State, world: World) -> tuple:
    return next(user for user in state.users if user[0] == world.user_id('target'))


def _check_reset(world, role, result, before, after):
    assert _target(after, world)[2] != _target(before, world)[2]
    assert after.user_events - before.user_events == Counter({'Change': 1})


def _check_user_active(active: bool) -> Callable:
    def check(world, role, result, before, after):
        assert (_target(before, world)[3], _target(after, world)[3]) == (not active, active)
        assert after.user_events - before.user_events == Counter({'Activation' if active else 'Disabling': 1})
    return check


def _set_target_active(active: bool) -> Callable:
    def prepare(world):
        User.update(is_active=active).where(User.id == world.user_id('target')).execute()
    return prepare


ACTIONS = {
    'details': Action(lambda world, actor: api_secrets.get_api_secret(actor, world.secret_id), SEE, _check_details),
    'reveal': Action(_reveal, SEE, _check_use('Reveal')),
    'copy': Action(lambda world, actor: api_secrets.record_copy(actor, world.secret_id, 'client_secret'), SEE,
                   _check_use('Copy')),
    'edit': Action(_edit, EDIT, _check_edit),
    'disable': Action(lambda world, actor: api_secrets.set_enabled(actor, [world.secret_id], False), EDIT,
                      _check_enabled(False)),
    'enable': Action(lambda world, actor: api_secrets.set_enabled(actor, [world.secret_id], True), ENABLE,
                     _check_enabled(True), prepare=_disable),
    'share': Action(lambda world, actor: sharing.share(actor, [world.secret_id], {world.user_id('guest'): False}),
                    SHARE, _check_access({'editor': True, 'viewer': False, 'guest': False}, Counter({'Sharing': 1}))),
    'change access': Action(
        lambda world, actor: sharing.set_access(actor, world.secret_id, {world.user_id('editor'): False,
                                                                         world.user_id('viewer'): True}),
        SHARE, _check_access({'editor': False, 'viewer': True}, Counter({'Sharing': 2}))),
    'remove access': Action(lambda world, actor: sharing.remove_access(actor, world.secret_id, world.user_id('viewer')),
                            SHARE, _check_access({'editor': True}, Counter({'Unsharing': 1}))),
    'history': Action(lambda world, actor: history.list_history(actor, world.secret_id), EDIT, _check_history),
    'reveal earlier value': Action(
        lambda world, actor: history.reveal_history_value(actor, world.secret_id, world.history_id), EDIT,
        _check_earlier_value),
    'restore earlier value': Action(
        lambda world, actor: history.restore_history_value(actor, world.secret_id, world.history_id, world.version),
        EDIT, _check_restore),
    'list users': Action(lambda world, actor: admin.list_users(actor), MANAGE_USERS, _check_list_users),
    'add user': Action(lambda world, actor: admin.add_user(actor, f'new-{world.secret_id}', 'New', PASSWORD),
                       MANAGE_USERS, _check_add_user),
    'reset password': Action(lambda world, actor: admin.reset_password(actor, world.user_id('target'),
                                                                       'a brand new passphrase'),
                             MANAGE_USERS, _check_reset),
    'deactivate user': Action(lambda world, actor: admin.set_user_active(actor, world.user_id('target'), False),
                              MANAGE_USERS, _check_user_active(False), prepare=_set_target_active(True)),
    'activate user': Action(lambda world, actor: admin.set_user_active(actor, world.user_id('target'), True),
                            MANAGE_USERS, _check_user_active(True), prepare=_set_target_active(False)),
}


@pytest.mark.parametrize('role', ROLES)
@pytest.mark.parametrize('action', ACTIONS)
def test_the_permission_table(world, action, role):
    step = ACTIONS[action]
    step.prepare(world)
    before = _state(world)
    expected = step.table_row[role]
    if expected is YES:
        result = step.do(world, world.people[role])
        step.check(world, role, result, before, _state(world))
        return
    with pytest.raises(expected) as refused:
        step.do(world, world.people[role])
    assert type(refused.value) is expected
    if expected is NotFound:
        assert str(refused.value) == 'API secret not found'  # the same as for a secret that does not exist
    assert _state(world) == before


# --- helpers ------------------------------------------------------------------------------------------

def _state(world: World) -> State:
    secret = ApiSecret.get_by_id(world.secret_id)
    return State(
        secret={key: _plain(value) for key, value in secret.__data__.items()},
        access=frozenset((row.user_id, row.can_edit)
                         for row in Access.select().where(Access.secret == world.secret_id)),
        history=tuple((row.id, _plain(row.client_secret)) for row in ClientSecretHistory.select()
                      .where(ClientSecretHistory.secret == world.secret_id).order_by(ClientSecretHistory.id)),
        events=Counter(event.action for event in Event.select().where(
            (Event.item_type == 'API secret') & (Event.item_id == world.secret_id))),
        users=tuple((user.id, user.username, user.password_hash, user.is_active, user.is_admin)
                    for user in User.select().order_by(User.id)),
        user_events=Counter(event.action for event in Event.select().where(Event.item_type == 'User')),
    )


def _plain(value: object) -> object:
    return bytes(value) if isinstance(value, memoryview) else value  # psycopg2 returns bytea as memoryview


def _drop_tables(url: str) -> None:
    """The session's PostgreSQL database may still hold another test's tables (and master key check)."""
    tables = ', '.join(f'"{model._meta.table_name}"' for model in MODELS)  # "user" is a reserved word
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS {tables} CASCADE')
    connection.close()
