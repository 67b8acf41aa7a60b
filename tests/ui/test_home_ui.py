"""MySafe home's shortcut cards: their actions, and the search whose answer shows."""
from __future__ import annotations

import asyncio
import threading

from nicegui.testing import User

from store import api_secrets
from store.records import Actor

from ui.components.card_grid import CardGrid

from .helpers import SLOW, answer_confirmation, field, home_cards, log_in, open_dialog, press_on_card, until


async def test_an_earlier_search_answered_late_does_not_add_its_cards_to_a_later_ones(
        user: User, make_user, add_secret, monkeypatch) -> None:
    alice = make_user('alice')
    add_secret(alice, name='Stripe')
    add_secret(alice, name='GitHub')
    await log_in(user, 'alice')
    await user.should_see(kind=CardGrid, retries=SLOW)
    assert set(home_cards(user)) == {'Stripe', 'GitHub'}

    release, answered = threading.Event(), threading.Event()
    listing = api_secrets.list_api_secrets

    def held_for_stripe(actor, **kwargs):  # the store slow for one search (a busy database), in its worker thread
        if kwargs.get('search') == 'stripe':
            release.wait(10)
            try:
                return listing(actor, **kwargs)
            finally:
                answered.set()
        return listing(actor, **kwargs)

    monkeypatch.setattr(api_secrets, 'list_api_secrets', held_for_stripe)
    search = field(user, 'Search')
    search.value = 'stripe'
    await asyncio.sleep(0.1)  # its store call has started and waits
    search.value = 'github'
    await until(lambda: set(home_cards(user)) == {'GitHub'})

    release.set()  # the first search's answer arrives after the second's
    await until(answered.is_set)
    await asyncio.sleep(0.2)  # the page takes it
    assert set(home_cards(user)) == {'GitHub'}


async def test_disable_on_a_card_asks_then_disables_and_the_card_leaves_the_home(
        user: User, make_user, add_secret) -> None:
    alice = make_user('alice')
    stripe = add_secret(alice, name='Stripe')
    add_secret(alice, name='GitHub')
    await log_in(user, 'alice')
    await user.should_see(kind=CardGrid, retries=SLOW)

    press_on_card(user, 'toggle', 'Stripe')
    await answer_confirmation(user, f'Are you sure you want to disable the record: {stripe}?', 'Yes')
    await until(lambda: set(home_cards(user)) == {'GitHub'})
    assert not api_secrets.get_api_secret(Actor(alice.id), stripe).enabled


async def test_a_card_action_for_an_id_the_home_did_not_show_does_nothing(user: User, make_user, add_secret) -> None:
    """The browser sends a card's id: an id of another person's secret, or one that is no number, opens nothing."""
    alice, bob = make_user('alice'), make_user('bob')
    stripe = add_secret(alice, name='Stripe', client_secret='sk_live_alice')
    bobs = add_secret(bob, name='Bob private', client_secret='sk_live_bob')
    await log_in(user, 'alice')
    await user.should_see(kind=CardGrid, retries=SLOW)
    grid = user.find(kind=CardGrid)
    for action in ('view', 'edit', 'share', 'toggle'):
        for forged in (bobs, str(stripe), [stripe], {'id': stripe}, True):
            grid.trigger(action, forged)
    await asyncio.sleep(0.3)  # what a handler would have started has had time to show
    assert not [name for name in ('Confirmation', 'Share', 'Protected information') if open_dialog(user, name)]
    assert user.back_history[-1] == '/mysafe'
    assert api_secrets.get_api_secret(Actor(bob.id), bobs).enabled
