"""Markup in a field is data: the store keeps it exactly as typed (escaping is the page's job, see test_http)."""
from __future__ import annotations

import pytest

from store import api_secrets

PAYLOADS = ['<img src=x onerror=alert(1)>', '</script><script>alert(1)</script>', '"><svg onload=alert(1)>',
            "{{ constructor.constructor('alert(1)')() }}"]


@pytest.mark.parametrize('payload', PAYLOADS)
def test_markup_is_stored_and_returned_verbatim(make_actor, add_secret, payload: str) -> None:
    alice = make_actor('alice')
    secret_id = add_secret(alice, name=payload, notes=payload, client_id=payload, tags=[payload[:32]])

    details = api_secrets.get_api_secret(alice, secret_id)
    assert (details.name, details.notes, details.client_id, details.tags) == (payload, payload, payload,
                                                                              [payload[:32]])
    assert [item.name for item in api_secrets.list_api_secrets(alice, search=payload[:10]).items] == [payload]
