"""Realistic single values: BSN, AGB code, gemeentecode, identifications, names, dates.

All randomness goes through factory-boy's generator (and Faker's, which factory-boy seeds along),
so `reseed(n)` makes every factory build repeatable.
"""
from __future__ import annotations

import calendar
import itertools
import re
import secrets
import string
from datetime import date, time, timedelta
from functools import lru_cache

import factory.random
from faker import Faker

from ..standard.cbs import gemeentecodes

TODAY = date(2026, 11, 2)

rng = factory.random.randgen  # reseeding keeps this object, so holding it is safe
fake = Faker("nl_NL")  # draws from faker's shared generator, seeded by factory.random

_ALNUM = string.ascii_uppercase + string.digits
_FIRST_NUMBER = 100_001
_BLOCK = 100_000  # numbers a seed hands out before it would reach the next seed's
_BLOCKS = 9_000  # LDT_Nummer goes up to 999999999


def _first_number(seed: int | None) -> int:
    """Where a seed's ToewijzingNummers start: each seed its own block, so messages built with
    different seeds (or in different processes, without one) do not share numbers."""
    block = secrets.randbelow(_BLOCKS) if seed is None else seed % _BLOCKS
    return _FIRST_NUMBER + block * _BLOCK


_numbers = itertools.count(_first_number(None))


def reseed(seed: int) -> None:
    """Make the following builds repeatable: same seed, same messages."""
    global _numbers
    factory.random.reseed_random(seed)
    _numbers = itertools.count(_first_number(seed))


# ---------------------------------------------------------------- identifications

def bsn() -> str:
    """A 9-digit BSN passing the elfproef, from the 999... range used for fictitious persons
    (chain tests may carry no real personal data); about 90,000 numbers."""
    while True:
        body = "999" + str(rng.randint(0, 99_999)).zfill(5)
        check = sum(int(d) * w for d, w in zip(body, range(9, 1, -1))) % 11
        if check < 10:  # a remainder of 10 has no check digit: draw again
            return body + str(check)


def distinct(draw, n: int) -> list:
    """n different values of draw(): BSNs of a declaratie's clients, references in a verzoek."""
    found: dict = {}
    while len(found) < n:
        found[draw()] = None
    return list(found)


def agb() -> str:
    """An 8-digit AGB code."""
    return str(rng.randint(10_000_000, 99_999_999))


@lru_cache(maxsize=None)
def _gemeenten() -> tuple[str, ...]:
    return tuple(sorted(gemeentecodes()))  # sorted: a frozenset's order varies per process


def gemeentecode(other_than: str | None = None) -> str:
    """A CBS gemeentecode of 2026 (other than the given one)."""
    while True:
        code = rng.choice(_gemeenten())
        if code != other_than:
            return code


def token(length: int) -> str:
    """Random capitals and digits: identifications that must not repeat."""
    return "".join(rng.choices(_ALNUM, k=length))


def referentie() -> str:
    """ReferentieAanbieder, ReferentieNummer: the sender's own reference, unique over time."""
    return format(rng.getrandbits(64), "016X")


def identificatie() -> str:
    """BerichtIdentificatie/Identificatie, IdentificatieRetour: at most 12 characters."""
    return token(12)


def toewijzingnummer() -> int:
    """The gemeente numbers its toewijzingen: a counter never repeats one within a run."""
    return next(_numbers)


# ---------------------------------------------------------------- names and contact data

_VOORVOEGSEL = re.compile(r"^((?:[a-z']+ )+)(.+)$")  # 'van der Sloot' -> 'van der', 'Sloot'
_LETTER = re.compile(r"[a-zA-ZÀ-ỳ]")  # LDT_Voorletters


def achternaam() -> dict:
    """A Dutch family name split as CDT_Achternaam wants it."""
    name = fake.last_name()
    m = _VOORVOEGSEL.match(name)
    if m is None:
        return {"Achternaam": name}
    return {"Achternaam": m[2], "Voorvoegsel": m[1].strip()}


def voornamen(geslacht: str) -> str:
    """One or two first names fitting LDT_Geslacht (1 man, 2 vrouw, 0 onbekend)."""
    draw = {"1": fake.first_name_male, "2": fake.first_name_female}.get(geslacht, fake.first_name)
    return " ".join(draw() for _ in range(rng.choice((1, 1, 2))))


def voorletters(voornamen: str) -> str:
    """The initials of the first names, letters only (LDT_Voorletters, at most 6)."""
    letters = [n[0] for n in voornamen.split() if _LETTER.match(n[0])]
    return "".join(letters)[:6] or "X"


def postcode() -> str:
    """A Dutch postcode without the space; SA, SD and SS are not used in the Netherlands."""
    while True:
        letters = "".join(rng.choices(string.ascii_uppercase, k=2))
        if letters not in ("SA", "SD", "SS"):
            return f"{rng.randint(1000, 9999)}{letters}"


def telefoonnummer() -> str:
    """A Dutch mobile number, digits only (LDT_Telefoonnummer)."""
    return f"06{rng.randint(10_000_000, 99_999_999)}"


# ---------------------------------------------------------------- dates

def years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def month_end(d: date, months_later: int = 0) -> date:
    """The last day of the month `months_later` months after d's month."""
    index = d.year * 12 + d.month - 1 + months_later
    year, month = divmod(index, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def previous_month(d: date) -> tuple[date, date]:
    """The whole calendar month before d's month: a declaratieperiode."""
    end = d.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def days(lo: int, hi: int) -> timedelta:
    return timedelta(days=rng.randint(lo, hi))


def office_time() -> time:
    return time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))


def birth_date(dagtekening: date, min_age: int, max_age: int) -> date:
    """A birth date `min_age`..`max_age` whole years before the dagtekening."""
    latest = years_before(dagtekening, min_age)
    return latest - days(0, 365 * (max_age - min_age) + 364)
