"""Attacks through the store: reaching secrets one may not see, odd ids, and acting while deactivated.

A secret the actor may not see must be indistinguishable from one that does not exist (SPEC
sections 1 and 3), for a stranger and for an administrator alike; every rule lives in store/.
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

import pytest

from store import accounts, admin, api_secrets, history, listing, sharing
from store.errors import NotAuthenticated, NotFound
from store.models import ApiSecret, Event
from store.records import Actor, ApiSecretInput

MISSING_ID = 987654

# What someone with access may do to a secret; a stranger must get NotFound from each.
READ_SERVICES: dict[str, Callable[[Actor, object], object]] = {
    'get_api_secret': api_secrets.get_api_secret,
    'reveal_client_secret': api_secrets.reveal_client_secret,
    'record_copy': lambda actor, secret_id: api_secrets.record_copy(actor, secret_id, 'client_secret'),
    'access_list': api_secrets.access_list,
}
WRITE_SERVICES: dict[str, Callable[[Actor, object], object]] = {
    'update_api_secret': lambda actor, secret_id: api_secrets.update_api_secret(
        actor, secret_id, ApiSecretInput(name='Taken over', url='https://evil.example', client_id='x'), 1),
    'set_enabled': lambda actor, secret_id: api_secrets.set_enabled(actor, [secret_id], False),
    'list_history': history.list_history,
    'reveal_history_value': lambda actor, secret_id: history.reveal_history_value(actor, secret_id, 1),
    'restore_history_value': lambda actor, secret_id: history.restore_history_value(actor, secret_id, 1, 1),
    'share': lambda actor, secret_id: sharing.share(actor, [secret_id], {actor.user_id + 1000: True}),
    'set_access': lambda actor, secret_id: sharing.set_access(actor, secret_id, {}),
    'remove_access': lambda actor, secret_id: sharing.remove_access(actor, secret_id, actor.user_id),
}
ODD_IDS = ['abc', '', ' ', '1 OR 1=1', "1'; DROP TABLE api_secret; --", '0x1', None, 0, -1, -2**63 - 1, 2**63,
           2**64, 10**40, '99999999999999999999999999', 1.5e300, float('nan'),
           # Python's int() reads these as 1 or 10; an id is ASCII digits only.
           '\u0661', '\uff11', '1_0', '+1', ' 1', '1\n', True]


@pytest.fixture
def alice_secret(make_actor, add_secret) -> tuple[Actor, int]:
    alice = make_actor('alice')
    return alice, add_secret(alice, name='Alice payments', client_secret='sk_live_alice_only')


def _not_found_message(call: Callable[[], object]) -> str:
    with pytest.raises(NotFound) as caught:
        call()
    return str(caught.value)


@pytest.mark.parametrize('service', [*READ_SERVICES, *WRITE_SERVICES])
def test_a_stranger_and_an_administrator_get_the_same_not_found_as_for_a_missing_id(
        make_actor, alice_secret, service: str) -> None:
    _, secret_id = alice_secret
    call = {**READ_SERVICES, **WRITE_SERVICES}[service]
    for intruder in (make_actor('mallory'), make_actor('root', is_admin=True)):
        refused = _not_found_message(functools.partial(call, intruder, secret_id))
        missing = _not_found_message(functools.partial(call, intruder, MISSING_ID))
        assert refused == missing == 'API secret not found'


def test_refused_attempts_change_nothing_and_record_no_use(make_actor, alice_secret) -> None:
    alice, secret_id = alice_secret
    intruder = make_actor('mallory', is_admin=True)
    before = ApiSecret.get_by_id(secret_id)
    for call in (*READ_SERVICES.values(), *WRITE_SERVICES.values()):
        with pytest.raises(NotFound):
            call(intruder, secret_id)

    after = ApiSecret.get_by_id(secret_id)
    assert (after.name, after.enabled, after.version, after.last_used_at) == (before.name, True, before.version, None)
    assert not Event.select().where(Event.item_id == secret_id, Event.user == intruder.user_id).exists()
    assert [entry.username for entry in api_secrets.access_list(alice, secret_id)] == ['alice']
    assert intruder.user_id not in {item.id for item in api_secrets.list_api_secrets(intruder).items}
    assert api_secrets.list_api_secrets(intruder).total == 0


def test_sharing_is_what_opens_a_secret_and_unsharing_closes_it(make_actor, alice_secret) -> None:
    alice, secret_id = alice_secret
    bob = make_actor('bob')
    sharing.share(alice, [secret_id], {bob.user_id: False})
    assert api_secrets.reveal_client_secret(bob, secret_id) == 'sk_live_alice_only'

    sharing.remove_access(alice, secret_id, bob.user_id)
    assert _not_found_message(lambda: api_secrets.reveal_client_secret(bob, secret_id)) == 'API secret not found'


def test_odd_ids_are_not_found_rather_than_a_crash(alice_secret) -> None:
    alice, secret_id = alice_secret
    crashes = []
    for odd_id in ODD_IDS:
        for name, call in {**READ_SERVICES, **WRITE_SERVICES}.items():
            try:
                call(alice, odd_id)
            except NotFound as error:
                if str(error) != 'API secret not found':
                    crashes.append(f'{name}({odd_id!r}): NotFound({error})')
            except Exception as error:  # noqa: BLE001 - anything else is a finding
                crashes.append(f'{name}({odd_id!r}): {type(error).__name__}: {error}')
            else:
                crashes.append(f'{name}({odd_id!r}): accepted')
    assert not crashes, '\n'.join(crashes)
    assert api_secrets.get_api_secret(alice, secret_id).name == 'Alice payments'  # nothing was dropped


def test_batch_actions_refuse_ids_that_are_not_ids(alice_secret) -> None:
    alice, secret_id = alice_secret
    for batch in ([secret_id, [secret_id]], [secret_id, {'id': secret_id}], str(secret_id), None, [secret_id, '1_0']):
        with pytest.raises(NotFound):
            api_secrets.set_enabled(alice, batch, False)
        with pytest.raises(NotFound):
            sharing.share(alice, batch, {})
    assert api_secrets.get_api_secret(alice, secret_id).enabled is True


# --- a deactivated (or deleted) user's actor is refused by every service ----------------------

SERVICE_MODULES = (api_secrets, listing, history, sharing, admin, accounts)
NOT_A_SERVICE = {'accounts.log_out'}  # logging out an ended session is harmless


def _services() -> list[tuple[str, Callable]]:
    """Every public function of the store that takes the acting user first."""
    found = []
    for module in SERVICE_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            qualified = f'{module.__name__.rsplit(".", 1)[-1]}.{name}'
            if name.startswith('_') or function.__module__ != module.__name__ or qualified in NOT_A_SERVICE:
                continue
            parameters = list(inspect.signature(function).parameters)
            if parameters and parameters[0] == 'actor':
                found.append((qualified, function))
    return found


def _arguments(function: Callable, secret_id: int, other_user_id: int) -> dict:
    """Plausible arguments by parameter name; anything unknown gets None (the actor check comes first)."""
    known = {
        'secret_id': secret_id, 'secret_ids': [secret_id], 'data': ApiSecretInput(
            name='n', url='https://a.example', client_id='c'), 'expected_version': 1, 'field': 'client_secret',
        'enabled': False, 'grants': {other_user_id: False}, 'user_id': other_user_id, 'history_id': 1, 'text': '',
        'username': 'newcomer', 'display_name': '', 'password': 'a long enough password', 'active': False,
        'is_admin': False,
    }
    return {name: known.get(name) for name, parameter in list(inspect.signature(function).parameters.items())[1:]
            if parameter.default is inspect.Parameter.empty or name in known}


def test_the_store_has_the_services_this_file_expects() -> None:
    names = {name for name, _ in _services()}
    assert {'api_secrets.get_api_secret', 'api_secrets.reveal_client_secret', 'api_secrets.record_copy',
            'api_secrets.access_list', 'listing.list_api_secrets', 'listing.export_api_secrets_csv',
            'api_secrets.create_api_secret'} <= names


@pytest.mark.parametrize('how', ['deactivated', 'unknown id'])
def test_an_actor_that_is_not_an_active_user_is_refused_by_every_service(
        make_actor, add_secret, how: str) -> None:
    root = make_actor('root', is_admin=True)
    mallory = make_actor('mallory', is_admin=True)  # an administrator, owner of a secret
    secret_id = add_secret(mallory, client_secret='sk_live_of_mallory')
    other = make_actor('other')
    if how == 'deactivated':
        admin.set_user_active(root, mallory.user_id, False)
        actor = mallory
    else:
        actor = Actor(user_id=mallory.user_id + 10_000)

    accepted = []
    for name, function in _services():
        try:
            function(actor, **_arguments(function, secret_id, other.user_id))
        except NotAuthenticated:
            continue
        except Exception as error:  # noqa: BLE001 - anything but NotAuthenticated is a finding
            accepted.append(f'{name}: {type(error).__name__}: {error}')
        else:
            accepted.append(f'{name}: accepted')
    assert not accepted, 'services that did not refuse the actor:\n' + '\n'.join(accepted)
