"""One scenario's chain on the exchange.

A `Keten` opens a session of its own (so every scenario has its own chain, clock and journal,
and its journal permalinks stay valid after the run), plays the simulated parties as
ExchangeAgents and leaves the system under test (if any) to act through the exchange like any
client. The steps ask it three things: do this (a simulated party acts, or the system under
test is asked to and its message awaited), wait until this party has received that message,
and what happened (the journal, with every message's verdict).

Time: the session clock is the chain's today. When every party is simulated and nothing is in
flight, the clock jumps to the day the next answer falls due (a party answers after the
profile's delay in werkdagen), so a run takes seconds whatever the delays. Beside a system
under test the clock moves one werkdag per `werkdag` seconds the harness waits on it, and a
step moves it on only once the system fetched what it was delivered and sent what it owes
(behaviour.py judges both at the scenario's end).
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from harness.breakers import Case
from harness.parties import SimulatedAanbieder, SimulatedGemeente
from harness.parties.base import Outgoing, Party
from harness.parties.read import read
from harness.profiles import Profile
from harness.standard.codes import FILLERS, ROLES, Role

from ..agent import ExchangeAgent
from ..client import ExchangeClient
from . import behaviour
from .actions import Action



class ChainFailure(AssertionError):
    """A step's expectation failed; the text says what was expected and what happened."""


@dataclass
class Facts:
    """What a scenario's steps remember, so that later steps can refer to it ("de client",
    "de toewijzing", "het verzoek"), and what the triggers of the system under test get."""

    bsn: str | None = None  # the scenario's client
    andere_client: str | None = None  # a second client (a ToewijzingNummer used again: TR332)
    product: str | None = None  # the first product code asked for
    toewijzingen: list[int] = field(default_factory=list)  # the client's ToewijzingNummers
    verzoeken: list[str] = field(default_factory=list)  # ReferentieAanbieder of its verzoeken
    verlengd_tot: "date | None" = None  # the Einddatum an extension moved the toewijzing to
    declaratie_antwoord: "Exchanged | None" = None  # the last 325 a step checked
    skipped: bool = False  # a step skipped the scenario: the system under test cannot play it
    breaker: "Case | None" = None  # the certification's rule breaker (harness.breakers)
    breaking: str | None = None  # the Identificatie of its breaking message, once sent


@dataclass
class Exchanged:
    """A message in the session's journal, with what the run learned about it."""

    entry: dict
    client: ExchangeClient = field(repr=False)

    @property
    def id(self) -> str:
        return self.entry["id"]

    @property
    def code(self) -> str:  # '302'
        return (self.entry["berichtsoort"] or "???")[-3:]

    @property
    def name(self) -> str:  # 'WMO302'
        return self.entry["berichtsoort"] or "(unknown)"

    @property
    def sender(self) -> str:
        return self.entry["sender"]["role"]

    @property
    def receiver(self) -> str:
        return self.entry["receiver"]["role"]

    @property
    def refused(self) -> bool:
        return self.entry["status"] == "afgekeurd"

    @cached_property
    def verdict(self) -> dict | None:
        return self.client.verdict(self.id)

    @cached_property
    def data(self) -> dict:
        return read(self.client.xml(self.id))[2]

    @property
    def permalink(self) -> str:
        return f"{self.client.url}{self.entry['verdict']}"

    def fault(self) -> str | None:
        """What is wrong with the message in the exchange's eyes (refused, or breaking rules:
        'TR019 (9019) at /path: text' per finding), with its permalink; None when accepted."""
        if self.refused:
            refusal = self.entry["refusal"] or {}
            return (f"the exchange refused it: {refusal.get('code')} {refusal.get('message')} "
                    f"({self.permalink})")
        v = self.verdict or {}
        if v.get("accepted", False):
            return None
        return ("it breaks the standard's rules: "
                + "; ".join(f"{f['rule']} ({f['retourcode'] or '-'}) at {f['path']}: {f['text']}"
                            for f in v.get("findings", [])) + f" ({self.permalink})")

    def describe(self) -> str:
        return f"{self.name} from the {self.sender} to the {self.receiver} ({self.entry['status']})"


def carried(node) -> list[str]:
    """The RetourCodes a received retour message or 325 carries, besides 0200 and 0233."""
    if isinstance(node, dict):
        own = (node.get("RetourCodes") or {}).get("RetourCode", [])
        found = [c for c in own if c not in FILLERS]
        return found + [c for k, v in node.items() if k != "RetourCodes" for c in carried(v)]
    if isinstance(node, list):
        return [c for item in node for c in carried(item)]
    return []


def rejected_prestaties(data: dict) -> list[dict]:
    """The prestaties a 325 lists: those it rejects."""
    antwoord = data.get("DeclaratieAntwoord") or {}
    return [p for client in (antwoord.get("Clienten") or {}).get("Client", [])
            for p in client["Prestaties"]["Prestatie"]]


class Keten:
    """A scenario's chain: a session, its two parties (simulated or the system under test),
    its clock and its journal."""

    def __init__(self, client: ExchangeClient, profile: Profile, release: str, start: date,
                 sut: str | None = None, sut_driver=None, timeout: float = 60.0,
                 werkdag: float | None = None, profile_name: str | None = None,
                 system: str | None = None, gemeenten: list[str] | int | None = None):
        self.client, self.profile, self.release = client, profile, release
        self.profile_name = profile_name or profile.naam
        self.sut, self.sut_driver, self.timeout = sut, sut_driver, timeout
        self.werkdag = werkdag  # seconds of waiting for the system under test per werkdag
        names = gemeenten if isinstance(gemeenten, list) else None
        count = len(gemeenten) if isinstance(gemeenten, list) else gemeenten
        s = client.new_session(release, self.profile_name, system, gemeenten=count)
        self.session = s["id"]
        parties = {p["role"]: p for p in s["parties"]}
        self.codes = {role: parties[role]["code"] for role in ROLES}
        self.tokens = {role: parties[role]["token"] for role in ROLES}
        self.today = start
        client.set_clock(self.session, start)
        self.days = behaviour.DayLog(start)  # when the session's date moved (acknowledgements)
        g, a = self.codes["gemeente"], self.codes["aanbieder"]
        if sut is not None:
            # beside a real system the clock may not run ahead of the system's own: the
            # simulated party answers on the day (the deadlines are the system's to keep)
            profile = profile.with_termijnen(retour=0, verzoek=0, declaratie=0, na_onderzoek=0)
        made = {"gemeente": lambda: SimulatedGemeente(profile, release, g, a),
                "aanbieder": lambda: SimulatedAanbieder(profile, release, a, g)}
        self.agents = {role: ExchangeAgent(client.url, self.tokens[role], made[role](),
                                           client.party_http(parties[role]))
                       for role in ROLES if role != sut}
        self.exchanged: list[Exchanged] = []
        self._taken: set[tuple[str, str]] = set()  # (message id, 'received' | 'sent')
        self.facts = Facts()
        # a regio (run/regio.py): a session per gemeente, the steps speak of `focus`'s
        self.sessions, self.focus, self.sides = [self.session], None, {}
        self._after: dict[str, int] = {}  # per session: the last journal seq read
        if "gemeenten" in s or names:
            from .regio import open_regio
            open_regio(self, s, names, profile)
        self.strict = False  # --strict: a warning (advisory check, ketentest's reading) fails
        self.warnings: list[dict] = []  # run.review.Remark.as_dict() of every warning

    # ------------------------------------------------------------ parties
    def simulated(self, role: str) -> bool:
        return role in self.agents

    def party(self, role: str) -> Party:
        return self.agents[role].party

    def use(self, name: str) -> None:
        """The steps from now on speak of gemeente `name` of the regio: its chain with the
        aanbieder, its simulated party and facts, its code in the triggers' facts."""
        side = self.sides.get(name)
        if side is None:
            raise ChainFailure(f"no gemeente {name!r} in this scenario's regio (it has "
                               f"{', '.join(self.sides) or 'one gemeente'}): name it in "
                               "'Gegeven een regio met de gemeenten ...'")
        self.agents, self.facts, self.focus = side.agents, side.facts, side.session
        self.codes["gemeente"], self.tokens["gemeente"] = side.code, side.token

    def all_agents(self) -> list:
        if not self.sides:
            return list(self.agents.values())
        return [a for side in self.sides.values() for a in side.agents.values()]

    def act(self, role: str, action: str, code: str, simulate: Callable[[Party, date], Outgoing],
            **params) -> Exchanged | None:
        """`role` performs `action`, which sends a `code` message: a simulated party builds it
        with `simulate(party, today)`; the system under test is asked to (trigger or person)
        and its message awaited, which must pass the exchange's rules."""
        if self.simulated(role):
            self.agents[role].send(simulate(self.party(role), self.today), today=self.today)
            return None
        self.sut_driver.fire(self, action, params)
        sent = self.wait(lambda e: e.sender == role and e.code == code, "sent",
                         f"the {role} (system under test) to send a {code} for '{action}'",
                         from_sut=True)
        found = behaviour.on_sent(self, sent)
        if found:
            raise ChainFailure(found[0])
        if sent.fault():
            why = behaviour.acting_on_refused_vow(self, sent, self.exchanged) or \
                behaviour.acting_on_rejected(self, sent, self.exchanged)
            raise ChainFailure(f"the {role} sent a {sent.name}, but "
                               + (f"{why}: " if why else "") + f"{sent.fault()}")
        return sent

    # ------------------------------------------------------------ time
    def set_today(self, day: date, paced: bool = False) -> None:
        if day < self.today:
            raise ValueError(f"the clock only moves forward ({self.today} -> {day})")
        if not paced and day > self.today:
            self._until_fetched()
            day = max(day, self.today)  # the pace may have moved it while the system took long
        self.today = day
        self.client.set_clock(self.session, day)
        self.days.moved(day)
        if self.sut_driver is not None:
            self.sut_driver.fire(self, Action.KLOK, {})  # the system's date moves along

    def month_over(self) -> None:
        """Everything in flight is answered, then the clock moves to the first werkdag of the
        next month (when a month's care is declared)."""
        self.settle()
        first = (self.today.replace(day=28) + timedelta(days=4)).replace(day=1)
        self.set_today(self.profile.kalender.next_werkdag(first))

    def _pump(self) -> int:
        return sum(agent.pump(self.today) for agent in self.all_agents())

    def _next_due(self) -> date | None:
        due = [o.due for agent in self.all_agents() for o in agent.pending]
        return min(due) if due else None

    def settle(self) -> None:
        """Let the simulated parties answer everything in flight, moving the clock on to the
        day each answer is due; returns when nothing is left to send. The system under test
        (if any) gets no time here: steps that expect its messages wait for them."""
        while True:
            if self._pump():
                continue
            due = self._next_due()
            if due is None:
                return
            self.set_today(max(due, self.today))

    # ------------------------------------------------------------ the journal
    def refresh(self) -> list[Exchanged]:
        new = []
        for session in self.sessions:  # one, or a regio's gemeenten: a journal each
            got = [Exchanged(e, self.client)
                   for e in self.client.journal(session, self._after.get(session, 0))]
            if got:
                self._after[session] = got[-1].entry["seq"]
            new += got
        self.exchanged.extend(new)
        return new

    def _find(self, match: Callable[[Exchanged], bool], how: str) -> Exchanged | None:
        for e in self.exchanged:
            if self.focus is not None and e.entry["session"] != self.focus:
                continue  # a regio: another gemeente's chain
            if (e.id, how) not in self._taken and match(e):
                self._taken.add((e.id, how))
                return e
        return None

    def wait(self, match: Callable[[Exchanged], bool], how: str, what: str,
             from_sut: bool) -> Exchanged:
        """The first journal entry not taken before that matches. While the simulated parties
        have something to do they do it; a message they send is awaited by moving the clock on
        to the day their next answer is due, one from the system under test by polling up to
        the time limit."""
        started = time.monotonic()
        deadline, werkdagen = started + self.timeout, 0
        try:
            return self._wait(match, how, what, from_sut, started, deadline, werkdagen)
        finally:
            if from_sut and self.sut_driver is not None:
                self.sut_driver.waited()

    def _wait(self, match, how, what, from_sut, started, deadline, werkdagen) -> Exchanged:
        while True:
            self.refresh()
            found = self._find(match, how)
            if found is not None:
                return found
            if self._pump():
                continue
            due = self._next_due()
            if not from_sut and due is not None:
                self.set_today(max(due, self.today))
                continue
            if not from_sut or time.monotonic() > deadline:
                waited = f" within {self.timeout:g} s" if from_sut else ""
                raise ChainFailure(f"expected {what}, but none came{waited}. "
                                   f"The chain so far: {self.story()}")
            if self.sut_driver is not None:
                self.sut_driver.waiting(self, what, deadline - time.monotonic())
            behind = int((time.monotonic() - started) / self.werkdag) - werkdagen \
                if self.werkdag else 0
            if behind > 0:  # the system takes its time: so does the session's clock (all the
                werkdagen += behind  # werkdagen it took, however slowly this loop came round)
                self.set_today(self.profile.kalender.add_werkdagen(self.today, behind),
                               paced=True)
            time.sleep(0.1)

    def checkpoint(self) -> None:
        """A precondition (a Gegeven step) is met: what arrived so far is its history, and
        later steps look only at what arrives from now on."""
        self.refresh()
        self._taken |= {(e.id, "received") for e in self.exchanged}

    def receive(self, role: str, code: str) -> Exchanged:
        """The next `code` message delivered to `role`."""
        return self.wait(lambda e: e.receiver == role and e.code == code and not e.refused,
                         "received", f"the {role} to receive a {code}",
                         from_sut=Role(role).other == self.sut)

    def final_check(self, grace: float = 1.0) -> None:
        """After a scenario's steps: every message the system under test sent in it (also
        those no step looked at, e.g. a second answer to one verzoek) passes the rules."""
        if self.sut is None and os.environ.get("KETENTEST_REVIEW_SIMULATED") and \
                not self.facts.skipped:  # a self-check: the simulated parties' own answers
            from .review import review
            self.refresh()
            self.reviewed(review(self, set(ROLES), advice=self.facts.breaker is None))
        if self.sut is None or self.facts.skipped:
            return
        time.sleep(grace)  # a message sent just after the last one awaited
        self.refresh()
        entries = self._until_served()
        found = behaviour.decisions(self, entries)
        if found:  # what it did, before the rules its message broke by it
            raise ChainFailure(found[0])
        for e in self.exchanged:
            if e.sender == self.sut and e.fault():
                raise ChainFailure(f"the {self.sut} (system under test) sent a {e.name}, but "
                                   f"{e.fault()}")
        found = behaviour.findings(self, entries)
        if found:
            raise ChainFailure("; ".join(found))
        from .review import review  # its answers against ketentest's verdicts, OP/IV advice
        self.reviewed(review(self))

    def reviewed(self, remarks) -> None:
        """Keep the review's warnings; fail on its faults (and, --strict, on its warnings)."""
        for r in remarks:  # one warning per rule and message
            if r.warning and not any((w["rule"], w["link"]) == (r.rule, r.link)
                                     for w in self.warnings):
                self.warnings.append(r.as_dict())
        failing = [r for r in remarks if not r.warning or self.strict]
        if failing:
            strict = " (--strict)" if all(r.warning for r in failing) else ""
            who = f"the {self.sut} (system under test)" if self.sut else "a simulated party"
            raise ChainFailure(f"{who}{strict}: "
                               + "; ".join(r.line() for r in failing))

    def _until_fetched(self) -> None:
        """Before a step moves the clock on: the system under test fetches what was delivered
        to it and sends the retour messages and 325s it owes, so the harness's own jump never
        makes it late."""
        if self.sut is not None:
            self._until_served(pump=False)

    def _until_served(self, pump: bool = True) -> list[Exchanged]:
        """The whole journal with each message's status now, after waiting (up to the time
        limit, the clock moving at the run's pace: the harness waits on the system) until the
        system under test fetched what was delivered to it and sent the retour messages and
        325s it owes; `pump`: the simulated party answers meanwhile."""
        started, werkdagen = time.monotonic(), 0
        while True:
            if pump:
                self._pump()
            entries = [Exchanged(e, self.client) for session in self.sessions  # a regio: each
                       for e in self.client.journal(session)]  # gemeente's journal
            waiting = behaviour.waiting_to_be_fetched(self, entries) + behaviour.owed(self, entries)
            if not waiting or time.monotonic() - started > self.timeout:
                return entries
            if self.werkdag and time.monotonic() - started > (werkdagen + 1) * self.werkdag:
                werkdagen += 1
                self.set_today(self.profile.kalender.add_werkdagen(self.today, 1), paced=True)
            time.sleep(0.1)

    def story(self) -> str:
        return "; ".join(e.describe() for e in self.exchanged) or "(no messages)"
