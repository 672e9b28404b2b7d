"""Werkdagen: the standard's deadlines (3 werkdagen for a retour, 10 for a 325, ...) count
days that are neither a weekend day nor a Dutch public holiday, as the maintained `holidays`
library's NL calendar lists them: Nieuwjaarsdag, Goede Vrijdag, Pasen, Koningsdag,
Bevrijdingsdag (lustrum years only), Hemelvaart, Pinksteren, Kerst. (The Algemene termijnenwet
differs slightly: no Goede Vrijdag, 5 May every year.)"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _feestdagen(year: int) -> holidays.HolidayBase:
    return holidays.NL(years=year)


def is_werkdag(day: date) -> bool:
    return day.weekday() < 5 and day not in _feestdagen(day.year)


def add_werkdagen(start: date, n: int) -> date:
    """The n-th werkdag after `start` (n >= 0; n = 0 is `start` itself)."""
    if n < 0:
        raise ValueError("werkdagen must be 0 or more")
    day = start
    while n:
        day += timedelta(days=1)
        if is_werkdag(day):
            n -= 1
    return day
