"""Werkdagen skip weekends and Dutch public holidays; deadlines per answer kind."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from harness.clock import (Clock, Kalender, add_werkdagen, deadline, deadline_kind, is_werkdag,
                           judge_termijn, on_time, werkdagen_between)

D = date


@pytest.mark.parametrize("day, werkdag", [
    (D(2026, 11, 7), False), (D(2026, 11, 8), False), (D(2026, 11, 9), True),  # Sat, Sun, Mon
    (D(2026, 12, 25), False), (D(2026, 12, 26), False), (D(2026, 12, 24), True),  # Kerstmis
    (D(2027, 1, 1), False),  # Nieuwjaarsdag
    (D(2026, 4, 27), False), (D(2025, 4, 26), False),  # Koningsdag (2025: the 27th is a Sunday)
    (D(2026, 4, 6), False), (D(2027, 3, 29), False),  # Tweede Paasdag
    (D(2026, 5, 14), False), (D(2027, 5, 6), False),  # Hemelvaartsdag
    (D(2026, 5, 25), False),  # Tweede Pinksterdag
    (D(2026, 4, 3), False),  # Goede Vrijdag: a holiday in holidays.NL
    (D(2026, 5, 5), True), (D(2027, 5, 5), True), (D(2030, 5, 6), True),  # Bevrijdingsdag ...
    (D(2025, 5, 5), False), (D(2035, 5, 7), True),  # ... off in lustrum years only (2025: Mon)
])
def test_is_werkdag(day, werkdag):
    assert is_werkdag(day) is werkdag


def test_bevrijdingsdag_every_year_when_asked():
    yearly = Kalender(bevrijdingsdag="jaarlijks")
    assert not yearly.is_werkdag(D(2026, 5, 5)) and is_werkdag(D(2026, 5, 5))
    assert yearly.add_werkdagen(D(2026, 5, 4), 1) == D(2026, 5, 6)
    with pytest.raises(ValueError):
        Kalender(bevrijdingsdag="nooit")


@pytest.mark.parametrize("start, n, expected", [
    (D(2026, 11, 6), 1, D(2026, 11, 9)),  # Friday + 1 -> Monday
    (D(2026, 11, 7), 3, D(2026, 11, 11)),  # received on Saturday
    (D(2026, 12, 23), 3, D(2026, 12, 29)),  # over Christmas
    (D(2026, 12, 24), 5, D(2027, 1, 4)),  # over Christmas and New Year
    (D(2026, 4, 2), 1, D(2026, 4, 7)),  # Easter: Good Friday and Easter Monday
    (D(2026, 4, 24), 1, D(2026, 4, 28)),  # Friday before Koningsdag (Monday 27th)
    (D(2026, 5, 13), 3, D(2026, 5, 19)),  # Hemelvaart
    (D(2026, 5, 22), 1, D(2026, 5, 26)),  # Pinksteren
    (D(2026, 11, 2), 0, D(2026, 11, 2)),
    (D(2026, 11, 9), -1, D(2026, 11, 6)),
])
def test_add_werkdagen(start, n, expected):
    assert add_werkdagen(start, n) == expected
    assert werkdagen_between(start, expected) == n


def test_werkdagen_between_is_the_inverse_of_add_over_a_year():
    start = D(2026, 1, 1)
    for n in range(0, 260, 7):
        assert werkdagen_between(start, add_werkdagen(start, n)) == n
    assert werkdagen_between(D(2026, 12, 31), D(2026, 1, 1)) == -werkdagen_between(
        D(2026, 1, 1), D(2026, 12, 31))
    # 2026: 261 weekdays; 7 public holidays fall on one (Tweede Kerstdag is a Saturday)
    assert werkdagen_between(D(2025, 12, 31), D(2026, 12, 31)) == 261 - 7


@pytest.mark.parametrize("kind, received, due", [
    ("retour", D(2026, 12, 23), D(2026, 12, 29)),
    ("verzoek", D(2026, 5, 13), D(2026, 5, 21)),
    ("declaratie", D(2026, 12, 21), D(2027, 1, 6)),
    ("levering", D(2026, 11, 2), D(2026, 11, 9)),
    ("na_onderzoek", D(2026, 11, 2), D(2026, 12, 28)),  # 8 weeks: Monday 28 December
    ("na_onderzoek", D(2026, 3, 1), D(2026, 4, 28)),  # Sunday 26 April -> past Koningsdag
])
def test_deadline(kind, received, due):
    assert deadline(kind, received) == due
    assert on_time(kind, received, due) and not on_time(kind, received, due + timedelta(days=1))


def test_unknown_deadline():
    with pytest.raises(KeyError, match="retour"):
        deadline("antwoord", D(2026, 11, 2))


def test_termijn_says_how_late():
    t = judge_termijn("retour", D(2026, 11, 2), D(2026, 11, 10))
    assert t.due == D(2026, 11, 5) and not t.on_time
    assert "LATE, 3 werkdagen late" in t.describe()
    assert judge_termijn("retour", D(2026, 11, 2), D(2026, 11, 5)).on_time


@pytest.mark.parametrize("answer, heen, onderzoek, kind", [
    ("302", "301", False, "retour"), ("320", "319", False, "retour"),
    ("316", "315", False, "retour"), ("325", "323", False, "declaratie"),
    ("301", "315", False, "verzoek"), ("319", "317", False, "verzoek"),
    ("301", "317", True, "na_onderzoek"), ("301", "305", False, None),
])
def test_deadline_kind(answer, heen, onderzoek, kind):
    assert deadline_kind(answer, heen, onderzoek) == kind


def test_clock_moves_forward_in_days_and_werkdagen():
    clock = Clock(D(2026, 12, 24))
    assert clock.advance(werkdagen=1) == D(2026, 12, 28)
    assert clock.advance(days=4) == D(2027, 1, 1)
    assert clock.advance(days=0, werkdagen=1) == D(2027, 1, 4)
    with pytest.raises(ValueError):
        clock.advance(days=-1)
    with pytest.raises(ValueError):
        clock.advance_to(D(2026, 1, 1))
