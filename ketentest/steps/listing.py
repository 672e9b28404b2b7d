"""`ketentest steps`: the step library as a tester reads it, from the steps' docstrings, with
the action each step asks of a system under test."""
from __future__ import annotations

import importlib
import inspect
import re
import types

from ..run.actions import Action
from . import library

KEYWORDS = ("Gegeven", "Als", "Dan", "En")


def step_functions() -> list:
    """The step functions, in the order of the library's modules and their source."""
    found = []
    for name in library.MODULES:
        module = importlib.import_module(f"{library.__package__}.{name}")
        found += sorted((f for _, f in inspect.getmembers(module, inspect.isfunction)
                         if f.__module__ == module.__name__ and not f.__name__.startswith("_")
                         and f.__doc__ and f.__doc__.split()[0] in KEYWORDS),
                        key=lambda f: inspect.getsourcelines(f)[1])
    return found


def _names(code: types.CodeType) -> set[str]:
    """The global and attribute names a function's code uses, its lambdas' included."""
    out = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            out |= _names(const)
    return out


def actions(f) -> list[Action]:
    """The actions a step fires: named in its code, or by the library's helpers it calls
    (which may take the action as a default argument); none for a deliberately faulty step."""
    names = _names(f.__code__)
    if "send_faulty" in names:  # a deliberately faulty message: only a simulated party
        return []
    fired = [a for a in Action if a.name in names and "Action" in names]
    module = inspect.getmodule(f)
    for name in sorted(names):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper.__module__.startswith(__package__) \
                and helper is not f and not fired:
            fired = actions(helper) or [d for d in helper.__defaults__ or ()
                                        if isinstance(d, Action)]
    return fired


def step_listing() -> str:
    out = []
    for f in step_functions():
        doc = inspect.cleandoc(f.__doc__)
        phrase, rest = re.split(r":\s", doc, maxsplit=1)
        fires = actions(f)
        trigger = f"\n    system under test: {', '.join(fires)}" if fires else ""
        out.append(f"{phrase}\n    {' '.join(rest.split())}{trigger}")
    return "\n\n".join(out)


def phrases() -> list[str]:
    """Each step's phrase without its keyword, as `ketentest steps` shows it."""
    out = []
    for f in step_functions():
        phrase = re.split(r":\s", inspect.cleandoc(f.__doc__), maxsplit=1)[0]
        out.append(phrase.split(" ", 1)[1])
    return out


def suggestions(text: str, n: int = 3) -> list[str]:
    """The library's phrases closest to an undefined step's text (difflib's ratio)."""
    import difflib

    return difflib.get_close_matches(text, phrases(), n=n, cutoff=0.45)
