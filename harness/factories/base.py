"""What the data factories share: the dicts they build, the context they hand down, and repeated
classes given as a count or as a list of overrides per item."""
from __future__ import annotations

import factory

from ..standard import release
from ..standard.registry import DEFAULT
from .values import TODAY


def default_release():
    return release(DEFAULT)


class DataFactory(factory.DictFactory):
    """A dict keyed by the table's element names. Every factory of a message's content knows
    its release (codes differ per standard) and the dagtekening its dates are relative to."""

    class Params:
        release = factory.LazyFunction(default_release)
        dagtekening = TODAY


def inherit(**more):
    """SubFactory arguments that pass the context down, plus `more`."""
    return {"release": factory.SelfAttribute("..release"),
            "dagtekening": factory.SelfAttribute("..dagtekening"), **more}


def items(spec) -> list[dict]:
    """A repeated class as the caller gives it: a count of default items, or one dict of
    overrides per item (`[{}, {"Eenheid": "04"}]`: two items, the second with Eenheid 04)."""
    if isinstance(spec, int):
        return [{} for _ in range(spec)]
    return [dict(s) for s in spec]


def build_list(factory_class, o, specs: list[dict], **per_item) -> list[dict]:
    """Build one item per spec with the context of `o`; `per_item` gives each item its own
    default (a list as long as specs) which the item's overrides may replace."""
    out = []
    for i, overrides in enumerate(specs):
        kwargs = {"release": o.release, "dagtekening": o.dagtekening}
        kwargs.update({name: values[i] for name, values in per_item.items()})
        kwargs.update(overrides)
        out.append(factory_class.build(**kwargs))
    return out


def wrapped(name: str, built: list[dict]) -> dict | None:
    """A container group holding the repeated class `name`; None (left out) when empty."""
    return {name: built} if built else None
