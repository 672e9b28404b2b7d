"""Whole messages: a factory per message of release 3.2, and `data` / `bericht` to build one.

A heen message is its Header plus its body class, built by the content factories with the
message's release and dagtekening. A retour message (302 ... 320) is built around its heen
message (`heen`, dated up to two days earlier): the heen header plus the retour fields, and
the heen body with RetourCodes on every berichtklasse. The 325 approves a 323 (`heen`) in full.
"""
from __future__ import annotations

import copy
from datetime import date

import factory
from lxml import etree

from ..standard import release
from ..standard.registry import DEFAULT
from ..standard.codes import GEEN_OPMERKING
from ..standard.model import Element, Release
from . import values
from .base import DataFactory, inherit
from .declaratie import DeclaratieAntwoordFactory, DeclaratieFactory
from .header import DeclaratieAntwoordHeaderFactory, HeaderFactory, RetourHeaderFactory
from .levering import StartClientFactory, StopClientFactory
from .render import render
from .toewijzing import ToewijzingClientFactory
from .verzoek import AntwoordFactory, VotClientFactory, VowClientFactory


def passing(*names: str) -> dict:
    """SubFactory arguments handing the parameters of these names down unchanged."""
    return {name: factory.SelfAttribute(f"..{name}") for name in names}


class BerichtFactory(DataFactory):
    """A message of `release` dated `today`, between `gemeente` and `aanbieder`."""

    class Params:
        message = None  # its id: '301'
        definition = factory.LazyAttribute(lambda o: o.release.message(o.message))
        today = values.TODAY
        dagtekening = factory.SelfAttribute("today")
        gemeente = factory.LazyFunction(values.gemeentecode)
        aanbieder = factory.LazyFunction(values.agb)

    Header = factory.SubFactory(HeaderFactory, **inherit(**passing(
        "definition", "gemeente", "aanbieder")))


class ToewijzingBerichtFactory(BerichtFactory):
    class Params:
        message = "301"
        producten = 1
        contacten = 1
        relaties = 1

    Client = factory.SubFactory(ToewijzingClientFactory, **inherit(**passing(
        "producten", "contacten", "relaties")))


class StartBerichtFactory(BerichtFactory):
    class Params:
        message = "305"
        producten = 1

    Client = factory.SubFactory(StartClientFactory, **inherit(**passing("producten")))


class StopBerichtFactory(BerichtFactory):
    class Params:
        message = "307"
        producten = 1

    Client = factory.SubFactory(StopClientFactory, **inherit(**passing("producten")))


class VotBerichtFactory(BerichtFactory):
    class Params:
        message = "315"
        producten = 1

    Client = factory.SubFactory(VotClientFactory, **inherit(**passing("producten")))


class VowBerichtFactory(BerichtFactory):
    class Params:
        message = "317"
        ongewijzigd = 1
        te_wijzigen = 1
        nieuw = 1

    Client = factory.SubFactory(VowClientFactory, **inherit(**passing(
        "ongewijzigd", "te_wijzigen", "nieuw")))


class AntwoordBerichtFactory(BerichtFactory):
    class Params:
        message = "319"

    Antwoord = factory.SubFactory(AntwoordFactory, **inherit(**passing("gemeente")))


class DeclaratieBerichtFactory(BerichtFactory):
    class Params:
        message = "323"
        clienten = 2
        prestaties = 2
        periode = factory.LazyAttribute(lambda o: values.previous_month(o.dagtekening))

    Declaratie = factory.SubFactory(DeclaratieFactory, **inherit(**passing(
        "clienten", "prestaties", "periode")))


def _heen(heen_factory, lag: tuple[int, int]):
    """The message answered, built for the answer's release and parties, `lag` days older."""
    return factory.SubFactory(
        heen_factory, **passing("release", "gemeente", "aanbieder"),
        today=factory.LazyAttribute(lambda o: o.factory_parent.today - values.days(*lag)))


def with_retourcodes(el: Element, data, codes: list[str]):
    """A copy of heen data with RetourCodes on every berichtklasse of the retour table `el`."""
    out = copy.deepcopy(data)
    _add_codes(el, out, codes)
    return out


def _add_codes(el: Element, data, codes: list[str]) -> None:
    for item in data if isinstance(data, list) else (data,):
        if not el.is_group or not isinstance(item, dict):
            continue
        for name, value in item.items():
            child = el.child(name)
            if child is not None:
                _add_codes(child, value, codes)
        if el.klasse:
            item["RetourCodes"] = {"RetourCode": list(codes)}


def retour_factory(heen_factory: type[BerichtFactory], retour_id: str, body: str) -> type:
    """The factory of a retour message answering messages of `heen_factory`.

    `retourcodes`: the codes on every berichtklasse (default 0200, no remark); none (an empty
    list) sends the header only, as a receiver does when all is fine or a message failed the
    in-message rules (0001 on the header: set Header__RetourCodes)."""
    def answered_body(o):
        if not o.retourcodes:
            return None
        return with_retourcodes(o.definition.body, o.heen[body], o.retourcodes)

    params = type("Params", (), {
        "message": retour_id,
        "heen": _heen(heen_factory, (0, 2)),  # answered within 3 werkdagen
        "retourcodes": (GEEN_OPMERKING,),
    })
    return type(f"Retour{retour_id}Factory", (BerichtFactory,), {
        "Params": params,
        "Header": factory.SubFactory(RetourHeaderFactory, **passing("release", "definition"),
                                     today=factory.SelfAttribute("..today"),
                                     heen=factory.LazyAttribute(
                                         lambda o: o.factory_parent.heen["Header"])),
        body: factory.LazyAttribute(answered_body),
    })


class DeclaratieAntwoordBerichtFactory(BerichtFactory):
    """A 325 approving the 323 `heen` (sent up to 10 werkdagen earlier) in full."""

    class Params:
        message = "325"
        heen = _heen(DeclaratieBerichtFactory, (1, 12))

    Header = factory.SubFactory(DeclaratieAntwoordHeaderFactory, **inherit(
        **passing("definition"),
        declaratie=factory.LazyAttribute(lambda o: o.factory_parent.heen["Header"])))
    DeclaratieAntwoord = factory.SubFactory(
        DeclaratieAntwoordFactory,
        declaratie=factory.LazyAttribute(lambda o: o.factory_parent.heen["Declaratie"]))


HEEN = {"301": ToewijzingBerichtFactory, "305": StartBerichtFactory, "307": StopBerichtFactory,
        "315": VotBerichtFactory, "317": VowBerichtFactory, "319": AntwoordBerichtFactory,
        "323": DeclaratieBerichtFactory, "325": DeclaratieAntwoordBerichtFactory}


def _retours() -> dict[str, type]:
    """A retour factory per retour message of the catalogue (the same ids in iWmo and iJw)."""
    out = {}
    for msg in release(DEFAULT).messages.values():
        if msg.kind == "retour":
            out[msg.id] = retour_factory(HEEN[msg.partner], msg.id, msg.body.name)
    return out


FACTORIES: dict[str, type[BerichtFactory]] = {**HEEN, **_retours()}


def _release(rel: str | Release) -> Release:
    return release(rel) if isinstance(rel, str) else rel


def data(rel: str | Release, message: str, today: date = values.TODAY, seed: int | None = None,
         **overrides) -> dict:
    """The data of a realistic `message` ('301', 'JW301') of release `rel` dated `today`.

    `seed` makes the build repeatable; `overrides` go to the message's factory (see the
    package docstring)."""
    rel = _release(rel)
    msg = rel.message(message)
    if seed is not None:
        values.reseed(seed)
    return FACTORIES[msg.id].build(release=rel, today=today, **overrides)


def bericht(rel: str | Release, message: str, today: date = values.TODAY,
            seed: int | None = None, **overrides) -> etree._Element:
    """`data(...)` rendered: the message as an lxml tree."""
    rel = _release(rel)
    return render(rel, message, data(rel, message, today, seed, **overrides))
