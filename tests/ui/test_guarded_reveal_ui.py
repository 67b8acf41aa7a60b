"""Protected information closes itself after MYSAFE_REVEAL_SECONDS (here 3 s), also for an earlier value."""
from __future__ import annotations

from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from store import api_secrets
from store.records import Actor, ApiSecretInput

from .helpers import SLOW, dialog, log_in, page_holds, press, until

REVEAL_SECONDS = 3


@pytest.fixture
def data_dir(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The conftest's data dir, and a short reveal time for the app main.py starts."""
    monkeypatch.setenv('MYSAFE_REVEAL_SECONDS', str(REVEAL_SECONDS))
    return data_dir


def _texts(element: ui.element) -> list[str]:
    return [child.text for child in element.descendants() if isinstance(child, ui.label)]


async def test_the_dialog_counts_down_and_is_deleted_with_the_value(user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    secret_id = add_secret(alice, name='Stripe', client_secret='sk_live_closes_itself')
    await log_in(user, 'alice', path=f'/login?return_to=/mysafe/api-secrets/{secret_id}')
    await user.should_see('API secret details', retries=SLOW)
    press(user, 'View the information')
    shown = await dialog(user, 'Protected information')
    assert 'sk_live_closes_itself' in _texts(shown)
    assert f'Closes in {REVEAL_SECONDS} s' in _texts(shown)
    await until(lambda: f'Closes in {REVEAL_SECONDS - 1} s' in _texts(shown), timeout=3)
    live = [child for child in shown.descendants() if child.props.get('aria-live') == 'polite']
    assert [child.text for child in live] == [f'Closes in {REVEAL_SECONDS} s']  # not announced every second

    await until(lambda: shown.is_deleted, timeout=REVEAL_SECONDS + 3)
    assert not page_holds(user, 'sk_live_closes_itself')
    assert shown.id not in user.client.elements


async def test_an_earlier_value_closes_itself_too(user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    secret_id = add_secret(alice, name='Stripe', client_secret='sk_live_earlier_value')
    version = api_secrets.get_api_secret(Actor(alice.id), secret_id).version
    api_secrets.update_api_secret(Actor(alice.id), secret_id, ApiSecretInput(
        name='Stripe', url='https://api.stripe.com', client_id='ca_1', client_secret='sk_live_current'), version)
    await log_in(user, 'alice', path=f'/login?return_to=/mysafe/api-secrets/{secret_id}')
    await user.should_see('Information history', retries=SLOW)
    revealers = [element for element in user.find(kind=ui.button).elements
                 if str(element.props.get('aria-label', '')).startswith('Reveal the value replaced')]
    assert len(revealers) == 1
    UserInteraction(user, {revealers[0]}, None).click()
    shown = await dialog(user, 'Protected information')
    assert 'sk_live_earlier_value' in _texts(shown)
    assert f'Closes in {REVEAL_SECONDS} s' in _texts(shown)
    await until(lambda: shown.is_deleted, timeout=REVEAL_SECONDS + 3)
    assert not page_holds(user, 'sk_live_earlier_value')
