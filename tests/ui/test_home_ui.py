"""MySafe home's shortcut cards: the search whose answer shows."""
from __future__ import annotations

import asyncio
import threading

from nicegui.testing import User

from store import api_secrets

from .helpers import SLOW, field, home_cards, log_in, until


async def test_an_earlier_search_answered_late_does_not_add_its_cards_to_a_later_ones(
        user: User, make_user, add_secret, monkeypatch) -> None:
    alice = make_user('alice')
    add_secret(alice, name='Stripe')
    add_secret(alice, name='GitHub')
    await log_in(user, 'alice')
    await user.should_see('View api secret', retries=SLOW)
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
