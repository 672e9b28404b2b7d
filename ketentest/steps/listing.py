"""`ketentest steps`: the step library as a tester reads it, from the steps' docstrings."""
from __future__ import annotations

import inspect
import re

from . import certificering, library

MODULES = (library, certificering)  # the chain library's steps, then the certification's


def step_functions() -> list:
    return [f for module in MODULES for _, f in inspect.getmembers(module, inspect.isfunction)
            if f.__module__ == module.__name__ and not f.__name__.startswith("_")
            and f.__doc__ and f.__doc__.split()[0] in ("Gegeven", "Als", "Dan", "En")]


def step_listing() -> str:
    functions = sorted(step_functions(), key=lambda f: (MODULES.index(inspect.getmodule(f)),
                                                        inspect.getsourcelines(f)[1]))
    out = []
    for f in functions:
        doc = inspect.cleandoc(f.__doc__)
        phrase, rest = re.split(r":\s", doc, maxsplit=1)
        out.append(f"{phrase}\n    {' '.join(rest.split())}")
    return "\n\n".join(out)
