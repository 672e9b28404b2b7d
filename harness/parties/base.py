"""What both simulated parties share: the messages they send (Outgoing), what they remember
receiving (Received), building a message from factory data and answering with a retour."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from ..clock import KALENDER, Kalender, Termijn, judge_termijn
from ..factories import data as factory_data
from ..factories import render, to_bytes
from ..profiles import Profile
from ..standard import release as get_release
from ..standard.model import Release
from ..validation import retour
from ..validation.findings import Level, Verdict
from .read import read

_serial = itertools.count(1)


@dataclass(frozen=True, eq=False)
class Outgoing:
    """A message a party will send, and the day it is due to go out. A 305 or 307 has
    `kind` levering and `received` the real start or stop it reports: its deadline runs from
    then. (What an answer answers is read from its content: ``harness.answers``.)

    The XML is composed when `xml` is first read: read it on the due day (as the Simulation
    does), so that an answer sent later, e.g. a 301 after "in onderzoek", holds the party's
    memory of that day."""

    compose: Callable[[], bytes] = field(repr=False)
    due: date
    message: str  # WMO302
    sender: str  # gemeente | aanbieder
    kind: str | None = None
    received: date | None = None
    serial: int = field(default_factory=lambda: next(_serial))  # keeps sending order stable

    @cached_property
    def xml(self) -> bytes:
        return self.compose()

    @property
    def id(self) -> str:
        return self.message[-3:]

    def termijn(self, kalender: Kalender = KALENDER) -> Termijn | None:
        if self.kind is None or self.received is None:
            return None
        return judge_termijn(self.kind, self.received, self.due, kalender)


@dataclass
class Received:
    """A message as the party remembers it."""

    message: str  # JW301
    data: dict
    day: date
    accepted: bool
    retourcodes: list[str]

    @property
    def id(self) -> str:
        return self.message[-3:]


class Party:
    role = ""  # gemeente | aanbieder
    answers: frozenset[str] = frozenset()  # message ids this party receives

    def __init__(self, profile: Profile, rel: Release | str, gemeentecode: str,
                 aanbieder_agb: str, kalender: Kalender | None = None):
        self.profile = profile
        self.release = get_release(rel) if isinstance(rel, str) else rel
        self.gemeente, self.aanbieder = gemeentecode, aanbieder_agb
        self.kalender = kalender or profile.kalender  # the regio's werkdagen
        self.inbox: list[Received] = []
        self.sent: list[Outgoing] = []

    # ------------------------------------------------------------ what happened
    def received(self, message: str | None = None) -> list[Received]:
        """What the party received, optionally of one message id ('301') or name."""
        return [r for r in self.inbox if message in (None, r.id, r.message)]

    # ------------------------------------------------------------ building
    def due(self, today: date, werkdagen: int) -> date:
        return self.kalender.add_werkdagen(today, werkdagen)

    def build(self, message: str, day: date, **body) -> dict:
        """Factory data of `message` dated `day` between our two parties, its body replaced."""
        d = factory_data(self.release, message, today=day, gemeente=self.gemeente,
                         aanbieder=self.aanbieder)
        d.update(body)
        return d

    def emit(self, message: str, d: dict | Callable[[], dict], due: date,
             kind: str | None = None, received: date | None = None) -> Outgoing:
        """Send `message` with data `d`, or with the data `d()` gives on the due day."""
        def compose() -> bytes:
            return to_bytes(render(self.release, message, d() if callable(d) else d))
        out = Outgoing(compose, due, self.release.message(message).name, self.role, kind,
                       received)
        if not callable(d):
            out.xml  # noqa: B018  (a message of known data is checked at once)
        self.sent.append(out)
        return out

    def retour(self, verdict: Verdict, today: date) -> Outgoing | None:
        """The retour message (or 325) for a judged heen message, due after the profile's
        delay; None when the exchange refused it (no answer)."""
        declaratie = verdict.definition is not None and verdict.definition.id == "323"
        delay = self.profile.termijnen.declaratie if declaratie else self.profile.termijnen.retour
        due = self.due(today, delay)
        root = retour.answer(verdict, self.release, due)
        if root is None:
            return None
        answer = verdict.rel.messages[verdict.definition.partner]  # its retour, or the 325
        xml = to_bytes(root)
        out = Outgoing(lambda: xml, due, answer.name, self.role)
        self.sent.append(out)
        return out

    def take(self, xml: bytes, verdict: Verdict, today: date) -> Received | None:
        """Remember a delivered message; None when the exchange would have refused it."""
        if verdict.level in (Level.XML, Level.XSD) or verdict.root is None:
            return None
        rel, msg, d = read(verdict.root)
        if msg.id not in self.answers:
            raise ValueError(f"a simulated {self.role} does not receive {msg.name}")
        got = Received(msg.name, d, today, verdict.accepted, verdict.retourcodes)
        self.inbox.append(got)
        return got

