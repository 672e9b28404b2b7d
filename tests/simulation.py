"""Run a simulated gemeente and aanbieder against each other in memory, on a simulated clock.

Each message a party sends waits until its due date; on that day it is judged as its
receiver would (``harness.chain.judge`` with the regio profile's products, on the day of
delivery, against the chain so far) and handed to the receiver, whose answers join the
queue. The journal records every delivery with its verdict and, for an answer, whether it
came within its deadline: linked to what it answers by its content (``harness.answers``, as
the exchange's journal does).

    sim = Simulation(builtin("regio-accepteert"), "iwmo-3.2", start=date(2026, 11, 2))
    sim.send(sim.gemeente.toewijzing(sim.today, "02A01"))
    sim.run()                        # until nothing is in flight
    sim.advance(werkdagen=3)         # or move the clock yourself
    sim.aanbieder.received("301")    # what a party received
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from harness.answers import Keys, answered, keys
from harness.clock import KALENDER, Clock, Kalender, Termijn
from harness.profiles import Profile
from harness.standard import release as get_release
from harness.standard.model import Release
from harness.validation.findings import Verdict
from harness.chain import ChainState, judge
from harness.parties.aanbieder import SimulatedAanbieder
from harness.parties.base import Outgoing
from harness.parties.gemeente import SimulatedGemeente


@dataclass(frozen=True)
class Delivery:
    outgoing: Outgoing
    day: date
    receiver: str
    verdict: Verdict
    termijn: Termijn | None

    @property
    def message(self) -> str:
        return self.outgoing.message


class Simulation:
    def __init__(self, profile: Profile, rel: Release | str, start: date,
                 gemeentecode: str | None = None, aanbieder_agb: str = "12345678",
                 kalender: Kalender = KALENDER):
        self.profile = profile
        self.release = get_release(rel) if isinstance(rel, str) else rel
        self.clock = Clock(start, kalender)
        gemeentecode = gemeentecode or profile.gemeenten[0]
        self.gemeente = SimulatedGemeente(profile, self.release, gemeentecode, aanbieder_agb,
                                          kalender=kalender)
        self.aanbieder = SimulatedAanbieder(profile, self.release, aanbieder_agb, gemeentecode,
                                            kalender=kalender)
        self.queue: list[Outgoing] = []
        self.journal: list[Delivery] = []
        self.keys: list[Keys] = []  # of every delivered message, to link answers to
        self.state = ChainState()  # one chain between the two: both judge against it

    @property
    def today(self) -> date:
        return self.clock.today

    def party(self, role: str):
        return {"gemeente": self.gemeente, "aanbieder": self.aanbieder}[role]

    def send(self, *outgoing: Outgoing) -> None:
        """Hand messages to the exchange; each is delivered on its due date."""
        self.queue.extend(outgoing)
        self._deliver_due()

    def _deliver_due(self) -> None:
        while True:
            ready = sorted((o for o in self.queue if o.due <= self.today),
                           key=lambda o: (o.due, o.serial))
            if not ready:
                return
            for o in ready:
                self.queue.remove(o)
                self._deliver(o)

    def _deliver(self, o: Outgoing) -> None:
        receiver = "aanbieder" if o.sender == "gemeente" else "gemeente"
        verdict = judge(self.state, o.xml, o.message,
                        self.profile.context(self.today, self.release))
        self.state.record(verdict)
        self.journal.append(Delivery(o, self.today, receiver, verdict, self._termijn(o, verdict)))
        self.queue.extend(self.party(receiver).receive(o.xml, verdict, self.today))

    def _termijn(self, o: Outgoing, verdict: Verdict) -> Termijn | None:
        """An answer's termijn, from what it answers; else a 305/307's report deadline."""
        k = None if verdict.view is None else keys(verdict.view, self.today,
                                                   ref=str(len(self.journal)))
        if k is None:
            return o.termijn(self.clock.kalender)
        link = answered(k, self.keys, self.clock.kalender)
        self.keys.append(k)
        return link.termijn if link else o.termijn(self.clock.kalender)

    def advance(self, days: int = 0, werkdagen: int = 0) -> date:
        """Move the clock, delivering every message that falls due on the way."""
        target = self.clock.kalender.add_werkdagen(self.today + timedelta(days=days), werkdagen)
        while self.today < target:
            self.clock.advance(days=1)
            self._deliver_due()
        return self.today

    def run(self, max_days: int = 400) -> date:
        """Advance day by day until nothing is in flight."""
        limit = self.today + timedelta(days=max_days)
        self._deliver_due()
        while self.queue:
            if self.today >= limit:
                raise RuntimeError(f"still {len(self.queue)} messages in flight after {max_days} days")
            self.advance(days=1)
        return self.today

    # ------------------------------------------------------------ reading the journal
    def deliveries(self, message: str | None = None) -> list[Delivery]:
        """Deliveries of a message id ('302') or name ('WMO302'), or all."""
        return [d for d in self.journal if message in (None, d.message, d.outgoing.id)]

    def late(self) -> list[Delivery]:
        return [d for d in self.journal if d.termijn is not None and not d.termijn.on_time]

    def rejected(self) -> list[Delivery]:
        return [d for d in self.journal if not d.verdict.accepted]
