"""MySafe home's shortcut cards: their actions, and the search whose answer shows."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

from nicegui import ui
from nicegui.testing import User

from store import api_secrets, listing, sharing
from store.records import Actor

from ui.components.card_grid import CardGrid
from ui.pages import home

from .helpers import SLOW, answer_confirmation, field, go, home_cards, log_in, open_dialog, press_on_card, until


@pytest.mark.parametrize('arrives', ['after the later answer', 'in the turn the later search is typed'])
async def test_an_earlier_search_answered_late_does_not_add_its_cards_to_a_later_ones(
        user: User, make_user, add_secret, monkeypatch, arrives: str) -> None:
    alice = make_user('alice')
    add_secret(alice, name='Stripe')
    add_secret(alice, name='GitHub')
    await log_in(user, 'alice')
    await user.should_see(kind=CardGrid, retries=SLOW)
    assert set(home_cards(user)) == {'Stripe', 'GitHub'}

    release, answered = _held(monkeypatch, 'stripe')
    search = field(user, 'Search')
    search.value = 'stripe'
    await asyncio.sleep(0.1)  # its store call has started and waits
    if arrives == 'after the later answer':
        search.value = 'github'
        await until(lambda: set(home_cards(user)) == {'GitHub'})
        release.set()
        await until(answered.is_set)
    else:  # NiceGUI empties the cards at once and starts the new refresh a turn later: the answer comes between
        release.set()
        assert answered.wait(5)  # the worker answered; the page takes it at the event loop's next turn
        time.sleep(0.05)  # (the worker thread hands the answer over)
        search.value = 'github'
    await asyncio.sleep(0.2)  # the page has taken both answers
    assert set(home_cards(user)) == {'GitHub'}


async def test_an_answer_that_arrives_after_the_person_left_the_home_makes_no_cards(
        user: User, make_user, add_secret, monkeypatch) -> None:
    alice = make_user('alice')
    add_secret(alice, name='Stripe')
    await log_in(user, 'alice')
    await user.should_see(kind=CardGrid, retries=SLOW)
    release, answered = _held(monkeypatch, 'stripe')
    field(user, 'Search').value = 'stripe'
    await asyncio.sleep(0.1)  # its store call has started and waits
    go(user, '/mysafe/api-secrets')
    await user.should_see(kind=ui.table, retries=SLOW)
    release.set()
    await until(answered.is_set)
    await asyncio.sleep(0.2)  # the left page's refresh has taken the answer
    assert not [element for element in list(user.client.elements.values()) if isinstance(element, CardGrid)]


def _held(monkeypatch, term: str) -> tuple[threading.Event, threading.Event]:
    """The store slow for the home's search for `term` (a busy database): its call waits in its worker thread until
    the first event is set; the second is set once it has answered."""
    release, answered = threading.Event(), threading.Event()
    listing = api_secrets.list_api_secrets

    def held(actor, **kwargs):
        if kwargs.get('search') == term:
            release.wait(10)
            try:
                return listing(actor, **kwargs)
            finally:
                answered.set()
        return listing(actor, **kwargs)

    monkeypatch.setattr(api_secrets, 'list_api_secrets', held)
    return release, answered


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
    """The browser sends a card's id: an id of another person's secret, or one that is no number, opens nothing and
    asks the store nothing."""
    alice, bob = make_user('alice'), make_user('bob')
    stripe = add_secret(alice, name='Stripe', client_secret='sk_live_alice')
    bobs = add_secret(bob, name='Bob private', client_secret='sk_live_bob')
    assert stripe == 1  # so that `True`, which equals 1 as a dict key, would find Stripe's card
    await log_in(user, 'alice')
    await user.should_see(kind=CardGrid, retries=SLOW)
    grid = user.find(kind=CardGrid)
    for action in ('view', 'edit', 'share', 'toggle'):
        for forged in (bobs, str(stripe), {'id': stripe}, True):
            grid.trigger(action, forged)
    await asyncio.sleep(0.3)  # what a handler would have started has had time to show
    assert not [name for name in ('Confirmation', 'Share', 'Protected information') if open_dialog(user, name)]
    assert not user.notify.messages  # not even a refusal: the store was not asked
    assert user.back_history[-1] == '/mysafe'
    assert api_secrets.get_api_secret(Actor(bob.id), bobs).enabled


async def test_a_viewer_cannot_open_the_actions_their_card_does_not_offer(user: User, make_user, add_secret) -> None:
    """A card shared to view only has no More actions; Edit, Share or Disable sent with its id anyway does nothing."""
    alice, vera = make_user('alice'), make_user('vera')
    stripe = add_secret(alice, name='Stripe')
    sharing.share(Actor(alice.id), [stripe], {vera.id: False})
    await log_in(user, 'vera')
    await user.should_see(kind=CardGrid, retries=SLOW)
    assert home_cards(user)['Stripe']['can_edit'] is False
    for action in ('edit', 'share', 'toggle'):
        press_on_card(user, action, 'Stripe')
    await asyncio.sleep(0.3)
    assert not [name for name in ('Confirmation', 'Share') if open_dialog(user, name)]
    assert user.back_history[-1] == '/mysafe'
    press_on_card(user, 'view', 'Stripe')  # what the card does offer
    await user.should_see('Protected information', retries=SLOW)


@pytest.mark.parametrize(('secrets', 'says'), [(3, 'Showing 2 of 3.'), (5, 'Showing 2 of more than 3.')])
async def test_the_home_says_how_many_more_secrets_there_are(
        user: User, make_user, add_secret, monkeypatch, secrets: int, says: str) -> None:
    """Beyond what the store counts (listing.COUNT_CAP), the home says "more than", not a number it does not know."""
    monkeypatch.setattr(home, 'HOME_LIMIT', 2)
    monkeypatch.setattr(listing, 'COUNT_CAP', 3)
    alice = make_user('alice')
    for n in range(secrets):
        add_secret(alice, name=f'Service {n}')
    await log_in(user, 'alice')
    await user.should_see(kind=CardGrid, retries=SLOW)
    assert len(home_cards(user)) == 2
    await user.should_see(says + ' Search to narrow down, or open ')
