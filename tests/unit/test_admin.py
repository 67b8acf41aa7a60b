"""User administration (administrators only), and what being an administrator does not give."""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from store import accounts, admin, api_secrets, events, history, sharing
from store.errors import Forbidden, NotAuthenticated, NotFound, ValidationError
from store.models import Event, User, db
from tests.conftest import PASSWORD
from tests.unit.helpers import events_for, label

NEW_PASSWORD = 'another correct horse'
LAST_ADMIN = {'user': 'The last active administrator cannot be deactivated'}


def _users() -> list[tuple]:
    return [(user.username, user.password_hash, user.is_admin, user.is_active)
            for user in User.select().order_by(User.id)]


def _user_events() -> list[tuple]:
    return [(event.action, event.item_id, label(event), event.user_id)
            for event in Event.select().where(Event.item_type == 'User').order_by(Event.id)]


def _active(actor) -> bool:
    return User.get_by_id(actor.user_id).is_active


def test_an_administrator_lists_and_adds_users(started_store, make_actor):
    root = make_actor('root', is_admin=True)
    make_actor('Bob', display_name='Bob B.')
    assert [(user.username, user.display_name, user.is_admin, user.is_active) for user in admin.list_users(root)] == [
        ('Bob', 'Bob B.', False, True), ('root', 'root', True, True)]
    carol = admin.add_user(root, ' carol ', 'Carol C.', NEW_PASSWORD)
    assert (carol.username, carol.display_name, carol.is_admin, carol.is_active) == ('carol', 'Carol C.', False, True)
    assert accounts.authenticate('carol', NEW_PASSWORD).id == carol.id
    assert _user_events()[0] == ('New', carol.id, 'carol', root.user_id)
    assert admin.add_user(root, 'ops', '', NEW_PASSWORD, is_admin=True).is_admin
    assert [user.username for user in admin.list_users(root)] == ['Bob', 'carol', 'ops', 'root']

    before = _users()
    for username, password, field in (('CAROL', NEW_PASSWORD, 'username'), ('no spaces', NEW_PASSWORD, 'username'),
                                      ('dave', 'short', 'password')):
        with pytest.raises(ValidationError) as refused:
            admin.add_user(root, username, '', password)
        assert list(refused.value.errors) == [field], username
    assert refused.value.errors == {'password': 'Password must be at least 12 characters'}
    with pytest.raises(ValidationError, match='This username is already taken'):
        admin.add_user(root, 'Carol', '', NEW_PASSWORD)
    assert _users() == before


def test_only_administrators_manage_users(started_store, make_actor):
    root, bob = make_actor('root', is_admin=True), make_actor('bob')
    before, logged = _users(), _user_events()
    for attempt in (lambda: admin.list_users(bob), lambda: admin.add_user(bob, 'mallory', '', NEW_PASSWORD, True),
                    lambda: admin.reset_password(bob, root.user_id, NEW_PASSWORD),
                    lambda: admin.set_user_active(bob, root.user_id, False),
                    lambda: admin.set_user_active(bob, bob.user_id, True)):
        with pytest.raises(Forbidden, match='Only administrators can manage users'):
            attempt()
    assert (_users(), _user_events()) == (before, logged)


def test_the_last_active_administrator_cannot_be_deactivated(started_store, make_actor):
    root, ops = make_actor('root', is_admin=True), make_actor('ops', is_admin=True)
    admin.set_user_active(root, ops.user_id, False)  # another administrator, but an inactive one, does not count
    before, logged = _users(), _user_events()
    with pytest.raises(ValidationError) as refused:
        admin.set_user_active(root, root.user_id, False)
    assert refused.value.errors == LAST_ADMIN
    assert (_users(), _user_events()) == (before, logged)

    admin.set_user_active(root, ops.user_id, True)
    admin.set_user_active(root, root.user_id, False)  # now ops is still there
    assert not _active(root)
    with pytest.raises(NotAuthenticated):
        admin.list_users(root)
    with pytest.raises(ValidationError) as refused:
        admin.set_user_active(ops, ops.user_id, False)
    assert refused.value.errors == LAST_ADMIN
    assert [(action, item_id) for action, item_id, _, _ in _user_events()] == [
        ('Disabling', ops.user_id), ('Activation', ops.user_id), ('Disabling', root.user_id)]


def test_a_deactivated_user_cannot_log_in_or_act_until_activated(started_store, make_actor, add_secret):
    root, bob = make_actor('root', is_admin=True), make_actor('bob')
    secret_id = add_secret(bob, client_secret='sk_bob')
    assert accounts.authenticate('bob', PASSWORD).id == bob.user_id
    admin.set_user_active(root, bob.user_id, False)
    assert _user_events()[-1] == ('Disabling', bob.user_id, 'bob', root.user_id)
    with pytest.raises(NotAuthenticated, match='Invalid username or password'):
        accounts.authenticate('bob', PASSWORD)
    for attempt in (lambda: api_secrets.list_api_secrets(bob),
                    lambda: api_secrets.reveal_client_secret(bob, secret_id)):
        with pytest.raises(NotAuthenticated):
            attempt()
    assert events_for(secret_id, 'Reveal') == []
    assert [user.is_active for user in admin.list_users(root) if user.id == bob.user_id] == [False]

    admin.set_user_active(root, bob.user_id, True)
    assert accounts.authenticate('bob', PASSWORD).id == bob.user_id
    assert api_secrets.reveal_client_secret(bob, secret_id) == 'sk_bob'


def test_reset_password_replaces_the_old_one(started_store, make_actor):
    root, bob = make_actor('root', is_admin=True), make_actor('bob')
    admin.reset_password(root, bob.user_id, NEW_PASSWORD)
    with pytest.raises(NotAuthenticated):
        accounts.authenticate('bob', PASSWORD)
    assert accounts.authenticate('bob', NEW_PASSWORD).id == bob.user_id
    assert ('Change', bob.user_id, 'bob · Password reset', root.user_id) in _user_events()

    before = _users()
    with pytest.raises(ValidationError) as refused:
        admin.reset_password(root, bob.user_id, 'short')
    assert list(refused.value.errors) == ['password']
    with pytest.raises(NotFound, match='User not found'):
        admin.reset_password(root, bob.user_id + 1000, NEW_PASSWORD)
    assert _users() == before


def test_an_administrator_gains_no_access_to_others_secrets(started_store, make_actor, add_secret):
    root, alice, bob = make_actor('root', is_admin=True), make_actor('alice'), make_actor('bob')
    secret_id = add_secret(alice)
    sharing.share(alice, [secret_id], {bob.user_id: True})
    admin.reset_password(root, alice.user_id, NEW_PASSWORD)  # managing the owner gives no access either
    assert api_secrets.list_api_secrets(root).total == 0
    for attempt in (lambda: api_secrets.get_api_secret(root, secret_id),
                    lambda: api_secrets.reveal_client_secret(root, secret_id),
                    lambda: api_secrets.record_copy(root, secret_id, 'client_id'),
                    lambda: api_secrets.access_list(root, secret_id),
                    lambda: api_secrets.set_enabled(root, [secret_id], False),
                    lambda: history.list_history(root, secret_id),
                    lambda: sharing.share(root, [secret_id], {root.user_id: True}),
                    lambda: sharing.remove_access(root, secret_id, bob.user_id)):
        with pytest.raises(NotFound, match='API secret not found'):
            attempt()
    assert Counter(event.action for event in Event.select().where(Event.item_id == secret_id)) == Counter(
        {'New': 1, 'Sharing': 1})


@pytest.mark.parametrize('store_backend', ['postgresql'], indirect=True)
def test_two_administrators_deactivating_each_other_at_once_leave_one_active(started_store, make_actor, monkeypatch):
    # On SQLite writers are serialized; on PostgreSQL (read committed) both checks can run before either commits.
    root, ops = make_actor('root', is_admin=True), make_actor('ops', is_admin=True)
    both_checked = threading.Barrier(2, timeout=2)
    record = events.record

    def record_after_both_checked(action, *args, **kwargs):
        if action == events.DISABLING:
            try:
                both_checked.wait()
            except threading.BrokenBarrierError:
                pass  # a store that locks makes the other one wait for this one: go on alone
        record(action, *args, **kwargs)

    monkeypatch.setattr(events, 'record', record_after_both_checked)
    outcomes = []

    def deactivate(actor, target) -> None:
        try:
            admin.set_user_active(actor, target.user_id, False)
            outcomes.append('done')
        except ValidationError as exc:
            outcomes.append(exc.errors)
        finally:
            db.close()

    threads = [threading.Thread(target=deactivate, args=pair) for pair in ((root, ops), (ops, root))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _active(root) or _active(ops), outcomes
