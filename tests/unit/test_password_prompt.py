"""Secrets marked "Ask for my password before revealing" (SPEC section 1, Password prompt)."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from playhouse.migrate import SchemaMigrator, migrate

from store import accounts, api_secrets, history, migrations, sharing
from store.errors import LoginThrottled, PasswordRequired, ValidationError
from store.models import ApiSecret, PasswordConfirmation, db
from store.records import ApiSecretInput
from tests.conftest import PASSWORD
from tests.unit.helpers import events_for


@pytest.fixture
def guarded(started_store, make_actor, add_secret):
    """Alice's secret that asks for the password, with an earlier value; Bob may edit it."""
    alice = dataclasses.replace(make_actor('alice'), session='alice-laptop')
    bob = dataclasses.replace(make_actor('bob'), session='bob-desktop')
    secret_id = add_secret(alice, client_secret='sk_first', ask_password=True)
    api_secrets.update_api_secret(alice, secret_id, ApiSecretInput(
        name='Stripe', url='https://api.stripe.com', client_id='ca', client_secret='sk_now', ask_password=True), 1)
    sharing.share(alice, [secret_id], {bob.user_id: True})
    return alice, bob, secret_id


def _uses(actor, secret_id):
    earlier = history.list_history(actor, secret_id)[0].id
    return {
        'reveal': lambda: api_secrets.reveal_client_secret(actor, secret_id),
        'copy': lambda: api_secrets.record_copy(actor, secret_id, 'client_secret'),
        'reveal earlier value': lambda: history.reveal_history_value(actor, secret_id, earlier),
    }


def test_nothing_is_revealed_or_copied_before_the_password_is_confirmed(guarded):
    alice, bob, secret_id = guarded
    for actor in (alice, bob):  # the owner and anyone she shares with
        for use in _uses(actor, secret_id).values():
            with pytest.raises(PasswordRequired):
                use()
    assert events_for(secret_id, 'Reveal') == events_for(secret_id, 'Copy') == []
    assert ApiSecret.get_by_id(secret_id).last_used_at is None


def test_a_confirmed_password_holds_five_minutes_in_that_session_only(guarded):
    alice, _, secret_id = guarded
    accounts.confirm_password(alice, PASSWORD)
    assert api_secrets.reveal_client_secret(alice, secret_id) == 'sk_now'
    api_secrets.record_copy(alice, secret_id, 'client_secret')
    assert _uses(alice, secret_id)['reveal earlier value']() == 'sk_first'
    with pytest.raises(PasswordRequired):  # the same person in another browser has not confirmed there
        api_secrets.reveal_client_secret(dataclasses.replace(alice, session='alice-phone'), secret_id)
    with pytest.raises(PasswordRequired):  # a session without a name never counts as confirmed
        api_secrets.reveal_client_secret(dataclasses.replace(alice, session=''), secret_id)

    for row in PasswordConfirmation.select():
        row.confirmed_at -= dt.timedelta(minutes=5, seconds=1)
        row.save()
    with pytest.raises(PasswordRequired):
        api_secrets.reveal_client_secret(alice, secret_id)


def test_a_wrong_password_is_refused_at_the_field_recorded_and_throttled(guarded):
    alice, _, secret_id = guarded
    for _ in range(5):
        with pytest.raises(ValidationError) as refused:
            accounts.confirm_password(alice, 'not my password')
        assert refused.value.errors == {'password': 'Wrong password'}
    with pytest.raises(LoginThrottled):
        accounts.confirm_password(alice, PASSWORD)
    with pytest.raises(PasswordRequired):
        api_secrets.reveal_client_secret(alice, secret_id)


def test_only_the_owner_decides_whether_revealing_asks_for_a_password(guarded):
    alice, bob, secret_id = guarded
    details = api_secrets.get_api_secret(bob, secret_id)
    edit = ApiSecretInput(name='Stripe (edited)', url=details.url, client_id=details.client_id, ask_password=False)
    with pytest.raises(ValidationError) as refused:
        api_secrets.update_api_secret(bob, secret_id, edit, details.version)
    assert set(refused.value.errors) == {'ask_password'}
    assert ApiSecret.get_by_id(secret_id).ask_password is True
    api_secrets.update_api_secret(bob, secret_id, dataclasses.replace(edit, ask_password=True), details.version)
    api_secrets.update_api_secret(alice, secret_id, dataclasses.replace(edit, ask_password=False),
                                  details.version + 1)
    assert api_secrets.reveal_client_secret(bob, secret_id) == 'sk_now'


def test_an_older_database_gets_the_new_column(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    secret_id = add_secret(alice)
    migrate(SchemaMigrator.from_database(db.obj).drop_column('api_secret', 'ask_password'))
    assert migrations.upgrade(db.obj) == ['api_secret.ask_password']
    assert migrations.upgrade(db.obj) == []  # idempotent
    assert api_secrets.get_api_secret(alice, secret_id).ask_password is False
