"""A regio of several gemeenten sharing one aanbieder (run/regio.py): opening it, and saying
which gemeente acts. Each gemeente has its own chain with the aanbieder; a step naming a
gemeente makes it the one the scenario speaks of, so the steps after it without a name (de
gemeente, de aanbieder) concern that gemeente's chain. Without a named gemeente the first acts,
so every other step works unchanged in a regio."""
from __future__ import annotations

import re

import pytest
from pytest_bdd import given, parsers, then, when

from ..run.keten import Keten
from .declaratie import _declareer
from .keten import met_retourcode, zonder_retourcodes
from .start import _start
from .toewijzing import _send_toewijzing

NAMES = re.compile(r'"([^"]+)"')
NAAM = r'gemeente "(?P<naam>[^"]+)"'


def names(phrase: str) -> list[str]:
    """'"Groningen", "Pekela" en "Het Hogeland"' -> the three names."""
    found = NAMES.findall(phrase)
    if len(found) != len(set(found)):
        raise ValueError(f"a regio names each gemeente once: {phrase}")
    return found


@given(parsers.re(r'een regio met de gemeenten (?P<namen>".+")$'), target_fixture="keten")
def regio(ketentest_run, namen: str) -> Keten:
    """Gegeven een regio met de gemeenten "A" en "B": a new session holding a simulated
    gemeente per name (real CBS codes, the run's regio profile's own first), sharing the
    aanbieder and the profile; each gemeente has its own chain, journal and token. The names
    are the scenario's; the first acts until a step names another."""
    if ketentest_run.sut == "gemeente":
        pytest.skip("a regio's gemeenten share the aanbieder: with the gemeente under test "
                    "there is no regio to play")
    return ketentest_run.open(None, gemeenten=names(namen))


@given(parsers.re(rf"{NAAM} is aan zet$"))
def aan_zet(keten: Keten, naam: str) -> None:
    """En gemeente "NAAM" is aan zet: the steps after this one without a name speak of that
    gemeente of the regio (its chain with the aanbieder, its client and toewijzingen)."""
    keten.use(naam)


@when(parsers.re(rf"{NAAM} een toewijzing stuurt voor (?P<producten>.+)$"))
def toewijzing_van(keten: Keten, naam: str, producten: str) -> None:
    """Als gemeente "NAAM" een toewijzing stuurt voor PRODUCTEN: that gemeente of the regio
    sends a 301 (as 'de gemeente een toewijzing stuurt') and is from now on the one acting."""
    keten.use(naam)
    _send_toewijzing(keten, producten)


@then(parsers.re(rf"ontvangt {NAAM} een (?P<code>\d{{3}}) zonder retourcodes$"))
def ontvangt_zonder(keten: Keten, naam: str, code: str) -> None:
    """Dan ontvangt gemeente "NAAM" een NNN zonder retourcodes: that gemeente (in its own
    chain, so an answer routed to another gemeente does not count) receives the next NNN,
    carrying no retourcodes."""
    keten.use(naam)
    zonder_retourcodes(keten, "gemeente", code)


@when(parsers.re(rf"de aanbieder bij {NAAM} de levering start$"))
def start_bij(keten: Keten, naam: str) -> None:
    """Als de aanbieder bij gemeente "NAAM" de levering start: a 305 to that gemeente for its
    client's toewijzingen."""
    keten.use(naam)
    _start(keten)


@when(parsers.re(rf"de aanbieder bij {NAAM} de vorige maand declareert$"))
def declareren_bij(keten: Keten, naam: str) -> None:
    """Als de aanbieder bij gemeente "NAAM" de vorige maand declareert: a 323 to that gemeente
    over the previous month of its client's toewijzing."""
    keten.use(naam)
    _declareer(keten)


@then(parsers.re(rf"ontvangt de aanbieder van {NAAM} een (?P<code>\d{{3}}) zonder "
                 r"retourcodes$"))
def aanbieder_ontvangt_zonder(keten: Keten, naam: str, code: str) -> None:
    """Dan ontvangt de aanbieder van gemeente "NAAM" een NNN zonder retourcodes: the next NNN
    that gemeente sent the aanbieder, in that gemeente's chain, carries no retourcodes."""
    keten.use(naam)
    zonder_retourcodes(keten, "aanbieder", code)


@then(parsers.re(rf'ontvangt de aanbieder van {NAAM} een (?P<code>\d{{3}}) met retourcode '
                 r'"(?P<rc>\w+)"$'))
def aanbieder_ontvangt_met(keten: Keten, naam: str, code: str, rc: str) -> None:
    """Dan ontvangt de aanbieder van gemeente "NAAM" een NNN met retourcode "CODE": the next
    NNN from that gemeente carries CODE (a 325: 8001 approved in full)."""
    keten.use(naam)
    met_retourcode(keten, "aanbieder", code, rc)
