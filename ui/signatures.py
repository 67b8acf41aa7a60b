"""Whether a function expects arguments, asked once per function instead of once per call.

NiceGUI asks `inspect.signature` whether a change handler takes an argument for each of the three observed
collections (props, classes, style) of every element it makes, and that was 40 % of making an element: opening the
home with 60 cards (763 elements) took 280-345 ms, 175-230 ms with the answer kept per function (NiceGUI's `user`
fixture, the store's call included). The answer depends only on the function (and on whether it is bound to an
object), so it is kept per function, in a weak dictionary that lets go of the function with its last use. A function
whose parameters are changed after it was first asked about (its `__defaults__`, `__code__`, `__signature__`) would
keep the first answer: nothing here does that. Installed once, at start-up (main.py).
"""
from __future__ import annotations

import types
import weakref
from collections.abc import Callable

from nicegui import helpers

_asked = helpers.expects_arguments  # NiceGUI's own: inspect.signature each time
_answers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # function -> {bound: answer}


def install() -> None:
    """Make NiceGUI's helpers answer from the kept answers (it looks the helper up on each call)."""
    helpers.expects_arguments = expects_arguments


def expects_arguments(func: Callable) -> bool:
    """NiceGUI's `helpers.expects_arguments(func)`: whether `func` has a parameter without a default that is not
    *args or **kwargs (for a bound method, besides the object it is bound to)."""
    bound = isinstance(func, types.MethodType)
    function = func.__func__ if bound else func
    if not isinstance(function, types.FunctionType):  # a partial, a class, a built-in...: asked each time
        return _asked(func)
    answers = _answers.get(function)
    if answers is None:
        answers = _answers[function] = {}
    if bound not in answers:
        answers[bound] = _asked(func)
    return answers[bound]
