"""ui/signatures.py: NiceGUI's question "does this handler take an argument?" answered once per function, the
same answer NiceGUI's own helper gives, at the place NiceGUI asks it."""
from __future__ import annotations

import functools

import pytest
from nicegui import helpers
from nicegui.helpers import functions
from nicegui.observables import ObservableDict

from ui import signatures


class Handlers:
    def takes(self, event): ...

    def takes_none(self): ...

    def takes_with_default(self, event=None): ...

    @classmethod
    def class_takes(cls, event): ...


def takes(event): ...


def takes_none(): ...


def takes_rest(*args, **kwargs): ...


CALLABLES = {
    'function': takes, 'function without parameters': takes_none, '*args and **kwargs': takes_rest,
    'lambda': lambda: None, 'lambda with a parameter': lambda event: None, 'bound method': Handlers().takes,
    'bound method without parameters': Handlers().takes_none, 'with a default': Handlers().takes_with_default,
    'class method': Handlers.class_takes, 'unbound method': Handlers.takes,
    'unbound method without parameters': Handlers.takes_none,  # expects its object: the answer bound is another
    'partial': functools.partial(takes, 1),
    'partial with one left': functools.partial(lambda a, b: None, 1), 'built-in': print, 'class': Handlers,
}


@pytest.mark.parametrize('name', list(CALLABLES))
def test_the_kept_answer_is_nicegui_s_answer_each_time(name: str) -> None:
    func = CALLABLES[name]
    expected = functions.expects_arguments(func)
    assert [signatures.expects_arguments(func) for _ in range(3)] == [expected] * 3


def test_a_function_is_asked_once_however_many_collections_it_watches(monkeypatch) -> None:
    asked = []
    monkeypatch.setattr(signatures, '_asked', lambda func: asked.append(func) or functions.expects_arguments(func))
    monkeypatch.setattr(helpers, 'expects_arguments', helpers.expects_arguments)  # undone after the test
    signatures.install()

    class Watching:  # a function never asked about before
        def changed(self, event): ...

    for watching in (Watching(), Watching()):
        for _ in range(3):  # NiceGUI's observed collections (an element's props, classes, style) ask the helper
            ObservableDict({}, on_change=watching.changed)
    assert [func.__func__ for func in asked] == [Watching.changed]
