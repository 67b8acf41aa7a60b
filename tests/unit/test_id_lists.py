"""Lists of ids sent to the database as one parameter (store.id_lists), on both databases."""
from __future__ import annotations

import pytest

from store.id_lists import as_rows, selected_ids
from store.models import ApiSecret


def test_a_long_list_of_ids_selects_exactly_those_rows(started_store, make_actor, add_secret):
    alice = make_actor('alice')
    ids = [add_secret(alice, name=f'Secret {n}') for n in range(5)]
    asked = [ids[4], ids[1], *range(10**6, 10**6 + 2500)]  # two that exist, 2,500 that do not
    query = ApiSecret.select(ApiSecret.id).where(ApiSecret.id.in_(as_rows(asked))).order_by(ApiSecret.id)
    assert selected_ids(query) == sorted([ids[1], ids[4]])
    assert selected_ids(ApiSecret.select(ApiSecret.id).where(ApiSecret.id.in_(as_rows([])))) == []


def test_only_whole_numbers_become_ids(started_store):
    with pytest.raises(ValueError):
        as_rows(['1) OR (1 = 1'])
