"""Werkdagen and the deadlines of the chain, and a simulated date per session.

A werkdag is a weekday that is no Dutch public holiday. Holidays come from the maintained
`holidays` library (``holidays.NL``, category public): Nieuwjaarsdag, Goede Vrijdag, Tweede
Paasdag, Koningsdag (the 26th when the 27th is a Sunday), Hemelvaartsdag, Tweede Pinksterdag
and both Kerstdagen. **Bevrijdingsdag** (5 May) is a werkdag except in lustrum years (2025,
2030, ...): that is what holidays.NL does, following the CAOs that give the day off once every
five years. A regio that gives it off every year says ``Kalender(bevrijdingsdag="jaarlijks")``.

Deadlines (SPEC "Process facts"), counted from the day of receipt, which itself does not count:

    retour       any retour message (302..320)        3 werkdagen after receipt of the heen
    verzoek      301 or 319 after a VOT (per product)  5 werkdagen after receipt of the verzoek
                 or after a VOW (as a whole)
    declaratie   325 after a 323                       10 werkdagen after receipt of the 323
    na_onderzoek the final answer after "in onderzoek" 8 weeks after the verzoek's Dagtekening
    levering     305 after the real start, 307 after   5 werkdagen after the start or stop
                 the stop

A deadline in calendar weeks that ends on a day off moves to the next werkdag (as the
Algemene termijnenwet does): ketentest never calls an answer late that the law calls on time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

WERKDAGEN = {"retour": 3, "verzoek": 5, "declaratie": 10, "levering": 5}
WEKEN = {"na_onderzoek": 8}
KINDS = tuple(WERKDAGEN) + tuple(WEKEN)


@lru_cache(maxsize=64)
def _holidays(year: int, yearly_bevrijdingsdag: bool) -> frozenset[date]:
    found = set(holidays.NL(years=year, categories=("public",)))
    if yearly_bevrijdingsdag:
        found.add(date(year, 5, 5))
    return frozenset(found)


BEVRIJDINGSDAG = ("lustrum", "jaarlijks")


@dataclass(frozen=True)
class Kalender:
    """Which days are werkdagen."""

    bevrijdingsdag: str = "lustrum"  # lustrum (as holidays.NL) | jaarlijks

    def __post_init__(self):
        if self.bevrijdingsdag not in BEVRIJDINGSDAG:
            raise ValueError(f"bevrijdingsdag is lustrum or jaarlijks, not {self.bevrijdingsdag!r}")

    def is_werkdag(self, d: date) -> bool:
        return d.weekday() < 5 and d not in _holidays(d.year, self.bevrijdingsdag == "jaarlijks")

    def add_werkdagen(self, d: date, n: int) -> date:
        """The day n werkdagen after d (d itself does not count; n = 0 gives d)."""
        step = 1 if n >= 0 else -1
        while n:
            d += timedelta(days=step)
            if self.is_werkdag(d):
                n -= step
        return d

    def werkdagen_between(self, a: date, b: date) -> int:
        """Werkdagen after a up to and including b (negative when b lies before a), so that
        werkdagen_between(a, add_werkdagen(a, n)) == n."""
        if b < a:
            return -self.werkdagen_between(b, a)
        return sum(self.is_werkdag(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def next_werkdag(self, d: date) -> date:
        """d itself when it is a werkdag, else the first werkdag after it."""
        while not self.is_werkdag(d):
            d += timedelta(days=1)
        return d

    def deadline(self, kind: str, received: date) -> date:
        """The last day an answer of `kind` (KINDS) is on time, for a heen message received on
        `received` (for na_onderzoek: the verzoek's Dagtekening)."""
        if kind in WERKDAGEN:
            return self.add_werkdagen(received, WERKDAGEN[kind])
        if kind in WEKEN:
            return self.next_werkdag(received + timedelta(weeks=WEKEN[kind]))
        raise KeyError(f"no deadline {kind!r}; the kinds are {', '.join(KINDS)}")

    def on_time(self, kind: str, received: date, sent: date) -> bool:
        return sent <= self.deadline(kind, received)


KALENDER = Kalender()
add_werkdagen = KALENDER.add_werkdagen
werkdagen_between = KALENDER.werkdagen_between
is_werkdag = KALENDER.is_werkdag
deadline = KALENDER.deadline
on_time = KALENDER.on_time


def deadline_kind(answer: str, heen: str, after_onderzoek: bool = False) -> str | None:
    """Which deadline applies to message id `answer` sent for message id `heen`: '302' after
    '301' is retour, '325' after '323' declaratie, '301'/'319' after '315'/'317' verzoek (or
    na_onderzoek for the final answer after a 319 "in onderzoek"); None if none applies."""
    if heen in ("301", "305", "307", "315", "317", "319") and answer == f"{int(heen) + 1}":
        return "retour"
    if (heen, answer) == ("323", "325"):
        return "declaratie"
    if heen in ("315", "317") and answer in ("301", "319"):
        return "na_onderzoek" if after_onderzoek else "verzoek"
    return None


@dataclass(frozen=True)
class Termijn:
    """One answer judged against its deadline, as a journal records it."""

    kind: str
    received: date  # of the heen message (na_onderzoek: the verzoek's Dagtekening)
    sent: date
    due: date

    @property
    def on_time(self) -> bool:
        return self.sent <= self.due

    def describe(self) -> str:
        late = "" if self.on_time else f", {werkdagen_between(self.due, self.sent)} werkdagen late"
        return (f"{self.kind}: received {self.received}, due {self.due}, sent {self.sent}"
                f" ({'on time' if self.on_time else 'LATE'}{late})")


def judge_termijn(kind: str, received: date, sent: date, kalender: Kalender = KALENDER) -> Termijn:
    return Termijn(kind, received, sent, kalender.deadline(kind, received))


class Clock:
    """The simulated date of one session: starts on a given day and only moves forward."""

    def __init__(self, today: date, kalender: Kalender = KALENDER):
        self.today, self.kalender = today, kalender

    def advance(self, days: int = 0, werkdagen: int = 0) -> date:
        if days < 0 or werkdagen < 0:
            raise ValueError("the clock only moves forward")
        self.today = self.kalender.add_werkdagen(self.today + timedelta(days=days), werkdagen)
        return self.today

    def advance_to(self, d: date) -> date:
        if d < self.today:
            raise ValueError(f"the clock only moves forward: {d} lies before {self.today}")
        self.today = d
        return d
