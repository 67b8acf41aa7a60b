"""Forged arguments at every public entry point of the store: only the store's own errors ever come out.

A browser (or a forged websocket message) decides paging, sorting, ids, grants, versions, field names,
filters and every form field; the command line and the environment decide others. Each service is called
with valid arguments except one, which gets each bad value in turn; the call may succeed or raise a
StoreError subclass (a field message, NotFound, ...), never ValueError, KeyError, TypeError, OverflowError,
AttributeError, UnicodeEncodeError or a database error. The same on SQLite and PostgreSQL.
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import io
import pkgutil
from collections.abc import Callable

import pytest

import store
from store import (access_keys, accounts, admin, api_reads, api_secrets, audit, config, history, listing, sessions,
                   sharing, two_factor)
from store.errors import StoreError, ValidationError
from store.models import ClientSecretHistory, db
from store.records import AccessKeyInput, ApiSecretFilter, ApiSecretInput, AuditFilter
from tests.security.conftest import PASSWORD

BAD_VALUES = [None, '', 'abc', -1, 0, 10**20, 1.5, True, '\x00', 'a\x00b', '\ud800', '1\ud800', [], [1, 'x'], {},
              {'a': 1}, object(), 'x' * 1_000_000]


@dataclasses.dataclass(frozen=True)
class World:
    root: object
    alice: object
    bob: object
    secret_id: int
    history_id: int
    version: int


def _secret_input(**fields) -> ApiSecretInput:
    return ApiSecretInput(**{'name': 'Stripe', 'url': 'https://api.stripe.com', 'client_id': 'ca_1', **fields})


# service -> the valid keyword arguments for it in a World (the acting user is never a browser's to choose).
SERVICES: dict[Callable, Callable[[World], dict]] = {
    accounts.create_first_admin: lambda w: {'username': 'second', 'password': PASSWORD, 'confirmation': PASSWORD,
                                            'ip': '192.0.2.1', 'user_agent': 'ua'},
    accounts.create_user: lambda w: {'username': 'carol', 'password': PASSWORD, 'display_name': 'Carol',
                                     'is_admin': False},
    accounts.authenticate: lambda w: {'username': 'alice', 'password': PASSWORD, 'ip': '192.0.2.1',
                                      'user_agent': 'ua'},
    accounts.confirm_password: lambda w: {'actor': w.alice, 'password': PASSWORD},
    accounts.change_password: lambda w: {'actor': w.alice, 'current_password': PASSWORD,
                                         'new_password': PASSWORD + '!', 'confirmation': PASSWORD + '!'},
    accounts.active_user: lambda w: {'user_id': w.alice.user_id},
    admin.list_users: lambda w: {'actor': w.root},
    admin.add_user: lambda w: {'actor': w.root, 'username': 'dave', 'display_name': 'Dave', 'password': PASSWORD,
                               'is_admin': False},
    admin.reset_password: lambda w: {'actor': w.root, 'user_id': w.bob.user_id, 'password': PASSWORD},
    admin.set_user_active: lambda w: {'actor': w.root, 'user_id': w.bob.user_id, 'active': True},
    api_secrets.get_api_secret: lambda w: {'actor': w.alice, 'secret_id': w.secret_id},
    api_secrets.reveal_client_secret: lambda w: {'actor': w.alice, 'secret_id': w.secret_id},
    api_secrets.record_copy: lambda w: {'actor': w.alice, 'secret_id': w.secret_id, 'field': 'client_id'},
    api_secrets.create_api_secret: lambda w: {'actor': w.alice, 'data': _secret_input(name='New')},
    api_secrets.update_api_secret: lambda w: {'actor': w.alice, 'secret_id': w.secret_id,
                                              'data': _secret_input(client_secret='sk_3'), 'expected_version': 10**6},
    api_secrets.set_enabled: lambda w: {'actor': w.alice, 'secret_ids': [w.secret_id], 'enabled': True},
    api_secrets.access_list: lambda w: {'actor': w.alice, 'secret_id': w.secret_id},
    listing.list_api_secrets: lambda w: {'actor': w.alice, 'page': 1, 'per_page': 30, 'sort': 'name',
                                         'descending': False, 'search': 'str', 'only_enabled': False,
                                         'filters': ApiSecretFilter()},
    listing.export_api_secrets_csv: lambda w: {'actor': w.alice, 'sort': 'name', 'descending': False,
                                               'filters': ApiSecretFilter()},
    audit.list_events: lambda w: {'actor': w.root, 'page': 1, 'per_page': 30, 'sort': 'date', 'descending': True,
                                  'filters': AuditFilter()},
    audit.export_events_csv: lambda w: {'actor': w.root, 'sort': 'date', 'descending': True, 'filters': AuditFilter()},
    audit.write_events_csv: lambda w: {'actor': w.root, 'out': io.StringIO(), 'sort': 'date', 'descending': True,
                                       'filters': AuditFilter()},
    listing.write_api_secrets_csv: lambda w: {'actor': w.alice, 'out': io.StringIO(), 'sort': 'name',
                                              'descending': False, 'filters': ApiSecretFilter()},
    history.list_history: lambda w: {'actor': w.alice, 'secret_id': w.secret_id},
    history.reveal_history_value: lambda w: {'actor': w.alice, 'secret_id': w.secret_id, 'history_id': w.history_id},
    history.restore_history_value: lambda w: {'actor': w.alice, 'secret_id': w.secret_id,
                                              'history_id': w.history_id, 'expected_version': 10**6},
    sharing.find_users: lambda w: {'actor': w.alice, 'text': 'b', 'limit': 10},
    sharing.share: lambda w: {'actor': w.alice, 'secret_ids': [w.secret_id], 'grants': {w.bob.user_id: False}},
    sharing.set_access: lambda w: {'actor': w.alice, 'secret_id': w.secret_id, 'grants': {w.bob.user_id: False}},
    sharing.remove_access: lambda w: {'actor': w.alice, 'secret_id': w.secret_id, 'user_id': 10**6},
    two_factor.status: lambda w: {'actor': w.alice},
    two_factor.begin_setup: lambda w: {'actor': w.alice},
    two_factor.enable: lambda w: {'actor': w.alice, 'code': '123456'},
    two_factor.disable: lambda w: {'actor': w.alice, 'code': '123456'},
    two_factor.reset: lambda w: {'actor': w.root, 'user_id': w.bob.user_id},
    two_factor.is_required: lambda w: {'actor': w.root},
    two_factor.set_required: lambda w: {'actor': w.root, 'required': False},
    two_factor.complete_login: lambda w: {'user': accounts.authenticate('alice', PASSWORD), 'code': 'abcd-efgh',
                                          'ip': '192.0.2.1', 'user_agent': 'ua'},
    access_keys.create_access_key: lambda w: {'actor': w.alice, 'data': AccessKeyInput(
        name='deploy', expires='', secret_ids=[w.secret_id], allowed_ips='10.0.0.0/8')},
    access_keys.list_access_keys: lambda w: {'actor': w.alice},
    access_keys.revoke_access_key: lambda w: {'actor': w.alice, 'key_id': 10**6},
    access_keys.secret_choices: lambda w: {'actor': w.alice, 'search': 'Str', 'limit': 20},
    accounts.choose_new_password: lambda w: {'username': 'bob', 'password': PASSWORD, 'new_password': PASSWORD + '!',
                                             'confirmation': PASSWORD + '!', 'ip': '192.0.2.1', 'user_agent': 'ua'},
    sessions.redeem_login_ticket: lambda w: {'token': 'x' * 43},
    api_reads.list_secrets: lambda w: {'token': 'mysafe_' + 'x' * 43, 'client_ip': '192.0.2.1', 'user_agent': 'ua',
                                       'identifier': 'stripe', 'page': 1, 'per_page': 10},
    api_reads.get_secret: lambda w: {'token': 'mysafe_' + 'x' * 43, 'client_ip': '192.0.2.1', 'user_agent': 'ua',
                                     'secret_id': w.secret_id},
    api_reads.read_client_secret: lambda w: {'token': 'mysafe_' + 'x' * 43, 'client_ip': '192.0.2.1',
                                             'user_agent': 'ua', 'secret_id': w.secret_id},
}
# Arguments holding a record of typed fields: each field gets the bad values too.
RECORDS = {'data': ApiSecretInput, 'filters': None}
# The session's Actor and the client's address are the server's own, never sent by a browser or a program;
NOT_FROM_OUTSIDE = {'actor', 'client_ip', 'out'}  # and the file an export writes into


@pytest.fixture
def world(make_actor, add_secret) -> World:
    root, alice, bob = make_actor('root', is_admin=True), make_actor('alice'), make_actor('bob')
    secret_id = add_secret(alice, name='Stripe', client_secret='sk_1')
    sharing.share(alice, [secret_id], {bob.user_id: False})
    details = api_secrets.get_api_secret(alice, secret_id)
    api_secrets.update_api_secret(alice, secret_id, _secret_input(client_secret='sk_2'), details.version)
    history_id = ClientSecretHistory.get(ClientSecretHistory.secret == secret_id).id
    return World(root, alice, bob, secret_id, history_id, details.version + 1)


def _variants(name: str, valid: object) -> list[tuple[str, object]]:
    """(description, value) pairs: each bad value for the argument, and for each field of a record argument."""
    variants = [(f'{name}={value!r:.40}', value) for value in BAD_VALUES]
    if dataclasses.is_dataclass(valid):
        for field in dataclasses.fields(valid):
            variants += [(f'{name}.{field.name}={value!r:.40}', dataclasses.replace(valid, **{field.name: value}))
                         for value in BAD_VALUES]
    return variants


@pytest.mark.parametrize('service', list(SERVICES), ids=lambda service: f'{service.__module__}.{service.__name__}')
def test_forged_arguments_raise_only_store_errors(world: World, service: Callable) -> None:
    valid = SERVICES[service](world)
    escaped = []
    for name in valid:
        if name in NOT_FROM_OUTSIDE:
            continue
        for description, value in _variants(name, valid[name]):
            try:
                service(**{**valid, name: value})
            except StoreError:
                pass
            except Exception as error:  # noqa: BLE001 - exactly what this test looks for
                escaped.append(f'{description}: {type(error).__name__}: {str(error)[:120]}')
                if db.in_transaction():
                    db.rollback()
    assert escaped == []
    assert accounts.authenticate('root', PASSWORD, ip='192.0.2.99').username == 'root'  # the store still works


@pytest.mark.parametrize('variable', ['MYSAFE_DATA_DIR', 'MYSAFE_DATABASE_URL', 'MYSAFE_HOST', 'MYSAFE_PORT',
                                      'MYSAFE_MASTER_KEY', 'MYSAFE_KEY_FILE', 'MYSAFE_STORAGE_SECRET',
                                      'MYSAFE_SECURE_COOKIES'])
def test_forged_environment_raises_only_config_errors(tmp_path, variable: str) -> None:
    for value in ('', 'abc', '-1', '10' * 20, '\x00', 'a\x00b', '\ud800', 'x' * 100_000, 'postgresql://\x00',
                  'sqlite:///\x00', 'sqlite:///\ud800'):
        environ = {'MYSAFE_DATA_DIR': str(tmp_path / 'data'), variable: value}
        try:
            config.load_settings(environ)
        except StoreError:
            pass


def test_every_public_service_is_walked() -> None:
    """A service added later must join the table above."""
    walked = {f'{service.__module__}.{service.__name__}' for service in SERVICES}
    services = set()
    for module_info in pkgutil.iter_modules(store.__path__):
        module = importlib.import_module(f'store.{module_info.name}')
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith('_') and \
                    list(inspect.signature(function).parameters)[:1] == ['actor']:
                services.add(f'{module.__name__}.{name}')
    assert services - walked <= {'store.accounts.acting_user', 'store.accounts.log_out'}


@pytest.mark.parametrize('call, expected', [
    (lambda w: sharing.share(w.alice, [w.secret_id], {'abc': True}), {'user': 'Choose active users only'}),
    (lambda w: sharing.share(w.alice, [w.secret_id], {str(w.bob.user_id): True}), None),
    (lambda w: listing.list_api_secrets(w.alice, page='x'), {'page': 'Page must be a whole number'}),
    (lambda w: audit.list_events(w.root, page='x'), {'page': 'Page must be a whole number'}),
    (lambda w: listing.list_api_secrets(w.alice, sort='bogus'),
     {'sort': 'Sort by one of: id, name, url, owner, last_use, status'}),
    (lambda w: api_secrets.update_api_secret(w.alice, w.secret_id, _secret_input(), 'x'),
     {'version': 'The form did not send which version it edits; reload and edit again'}),
    (lambda w: listing.list_api_secrets(w.alice, filters=ApiSecretFilter(id=None)), None),
    (lambda w: api_secrets.record_copy(w.alice, w.secret_id, 'password'),
     {'field': 'Only Client secret or Client ID can be copied'}),
], ids=['grant-to-abc', 'grant-by-text-id', 'list-page-x', 'audit-page-x', 'sort-bogus', 'version-x', 'filter-id-none',
        'copy-password'])
def test_the_cases_the_review_found_get_field_messages(world: World, call, expected) -> None:
    if expected is None:
        call(world)  # read as the browser meant it
        return
    with pytest.raises(ValidationError) as refused:
        call(world)
    assert refused.value.errors == expected
