"""The one way pages call the store: its own options never take a service's argument."""
from __future__ import annotations

import asyncio

import pytest

from ui.components.store_call import OWN_OPTIONS, call

RAN: list = []
SERVICES = {  # a service with a parameter named as each of call's options
    'fields': lambda actor, fields=None: RAN.append(fields),
    'conflict': lambda actor, conflict=None: RAN.append(conflict),
    'not_found_page': lambda actor, not_found_page=None: RAN.append(not_found_page),
    'touch': lambda actor, touch=None: RAN.append(touch),
}


@pytest.mark.parametrize('option', sorted(OWN_OPTIONS))
def test_a_service_whose_parameter_is_named_as_an_option_of_call_is_refused(option):
    """Regression: `call` once had a `page` option, which took the list's page number (every page button showed
    page 1); a service whose parameter has the name of one of call's options is refused before anything runs."""
    RAN.clear()
    with pytest.raises(TypeError, match=option):
        asyncio.run(call(SERVICES[option], **{option: 'meant for the service'}))
    assert RAN == []
