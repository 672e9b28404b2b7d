"""A system under test built for the tests: a simulated party behind a webhook, as a vendor
would wire a real system to `ketentest run --trigger ACTION=URL`. It takes the `sessie`
trigger to connect to each scenario's session, performs each action it is triggered for,
and answers what arrives in its mailbox from a background loop, at once (a real system
does not wait for the profile's delays).

A fault (a function over the outgoing XML, per message id) makes it a faulty system, and so
does a rule it does not check (`skips`: per message id it receives, rule ids whose findings
its judgement drops, as a system that never implemented them)."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lxml import etree

from harness.parties import SimulatedAanbieder, SimulatedGemeente
from harness.parties.base import Outgoing
from ketentest.agent import ExchangeAgent
from ketentest.run.run import find_profile

NO_DELAY = dict(retour=0, verzoek=0, declaratie=0, na_onderzoek=0)


def set_text(local_name: str, change):
    """A fault: change(text) for every element of that local name."""
    def fault(root):
        for el in root.iter(f"{{*}}{local_name}"):
            el.text = change(el.text)
    return fault


class FakeSut:
    def __init__(self, role: str, faults: dict | None = None, answer_delay: float = 0.0,
                 copies: dict | None = None, deaf: set[str] = frozenset(),
                 acknowledges: bool = True, party: type | None = None,
                 skips: dict[str, set[str]] | None = None):
        self.role = role
        self.acknowledges = acknowledges  # False: reads its inbox, never confirms receipt
        self.party_class = party  # a party with its own (faulty) behaviour
        self.skips = skips or {}  # message id -> rule ids it does not check on it
        self.deaf = deaf  # facts it ignores (a system declaring in its own unit, ...)
        self.answer_delay = answer_delay  # seconds before an answer goes out (a slow system)
        self.acting = False  # performing a triggered action (not answering)
        self.faults = faults or {}  # message id -> fault(root)
        self.copies = copies or {}  # message id -> how many times an answer is sent
        self.agent: ExchangeAgent | None = None
        self.dossiers: dict[str, ExchangeAgent] = {}  # an aanbieder's: per gemeente (a regio)
        self.today = date.today()
        self.errors: list[str] = []
        self.received: list[dict] = []  # the facts of every trigger
        self.lock = threading.Lock()
        sut = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                facts = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                try:
                    sut.trigger(facts)
                    self.send_response(204)
                except Exception as e:  # the harness shows the trigger's failure
                    sut.errors.append(repr(e))
                    self.send_response(500)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/trigger"
        self._stop = threading.Event()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        threading.Thread(target=self._answer_loop, daemon=True).start()

    def triggers(self) -> list[str]:
        from ketentest.run.actions import ACTIONS
        return [f"{action}={self.url}" for action, (role, _) in ACTIONS.items()
                if role in (self.role, "beide")]

    def stop(self):
        self._stop.set()
        self.server.shutdown()

    # ------------------------------------------------------------ behaviour
    def _faulty(self, out: Outgoing) -> list[Outgoing]:
        fault = self.faults.get(out.id)
        if fault is not None:
            xml = out.xml

            def compose(xml=xml):
                root = etree.fromstring(xml)
                fault(root)
                return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            out = Outgoing(compose, out.due, out.message, out.sender, out.kind, out.received)
        copies = []
        for n in range(1, self.copies.get(out.id, 1)):
            def again(xml=out.xml, n=n):  # the same answer once more, under its own id
                root = etree.fromstring(xml)
                for el in root.iter("{*}Identificatie"):
                    el.text = (el.text[:-2] + f"{n:02d}")
                    break
                return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            copies.append(Outgoing(again, out.due, out.message, out.sender, out.kind, out.received))
        return [out, *copies]

    def _unchecked(self, receive):
        """The party's receive, judging as ketentest does but blind to the rules it skips:
        their findings are dropped before it answers (and before it acts on the message)."""
        from harness.validation import RULES

        def judged(xml, verdict, today):
            skipped = self.skips.get(verdict.definition.id if verdict.definition else "", ())
            kept = [f for f in verdict.findings
                    if (RULES[f.rule].id if f.rule in RULES else f.rule) not in skipped]
            if len(kept) != len(verdict.findings):
                verdict = replace(verdict, findings=kept)
            return receive(xml, verdict, today)
        return judged

    def trigger(self, facts: dict) -> None:
        self.received.append(facts)
        with self.lock:
            self.today = date.fromisoformat(facts["today"])
            if facts["action"] == "sessie":
                profile = find_profile(facts["profile"]).with_termijnen(**NO_DELAY)
                cls = self.party_class or (SimulatedAanbieder if self.role == "aanbieder"
                                           else SimulatedGemeente)
                codes = (facts["code"], facts["other_code"])
                party = cls(profile, facts["release"], *codes if self.role == "aanbieder"
                            else codes)
                party.receive = self._unchecked(party.receive)
                agent = ExchangeAgent(facts["exchange"], facts["token"], party)
                agent.pending = _FaultyList(self)
                if not self.acknowledges:
                    _never_acknowledge(agent)
                self.agent = agent
                self.sessie, self.dossiers = facts, {facts["other_code"]: agent}
                if self.role == "aanbieder":  # its gemeente's messages (a regio has more)
                    agent.only_from = facts["other_code"]
                return
            if facts["action"] == "klok":
                return
            if self.role == "aanbieder":
                self.agent = self._dossier(facts["other_code"])
            self.acting = True
            try:
                self.agent.send(self.perform(self.agent.party, facts), today=self.today)
            finally:
                self.acting = False

    def perform(self, party, facts: dict) -> Outgoing:
        facts = {k: v for k, v in facts.items() if k not in self.deaf}
        action, bsn, today = facts["action"], facts.get("bsn") or None, self.today
        if action == "toewijzing":
            day = {k: date.fromisoformat(facts[k]) if facts.get(k) else None
                   for k in ("ingangsdatum", "einddatum")}
            return party.toewijzing(today, facts["product"].split(), bsn=bsn,
                                    volume=int(facts["volume"]) if facts.get("volume") else None,
                                    categorie=facts.get("categorie") or None,
                                    frequentie=facts.get("frequentie") or None, **day)
        nummer = int(facts["toewijzing"]) if facts.get("toewijzing") else None
        if action == "toewijzing-intrekken":
            return party.intrekking(today, bsn, nummer)
        if action == "toewijzing-verwijderen":
            return party.verwijdering(today, bsn, nummer)
        if action == "toewijzing-verlengen":
            return party.wijziging(today, bsn, nummer, date.fromisoformat(facts["einddatum"]),
                                   gedateerd=True)
        if action in ("start", "herstart"):
            return party.start(today, bsn)
        if action == "start-verwijderen":
            return party.verwijder_start(today, bsn)
        if action == "stop-corrigeren":
            return party.corrigeer_stop(today, bsn, facts["reden"])
        if action.startswith("stop-"):
            einde = date.fromisoformat(facts["einddatum"]) if facts.get("einddatum") else None
            return party.stop(today, bsn, tijdelijk=action == "stop-tijdelijk",
                              einddatum=einde, reden=facts.get("reden") or None)
        if action == "verzoek-om-toewijzing":
            return party.vot(today, facts["product"].split(), bsn=bsn)
        if action == "verzoek-om-wijziging":
            t = party.toewijzing(bsn, nummer)
            volume = int(facts.get("volume") or t["Omvang"]["Volume"] + 2)  # deaf: any higher
            return party.vow(today, bsn, wijzigen={nummer: volume})
        if action == "declaratie":
            herzien = dict(pair.split("=") for pair in (facts.get("tarieven") or "").split())
            return party.declaratie(today, in_minuten=facts.get("eenheid") == "01",
                                    herzien={code: int(cents) for code, cents in herzien.items()})
        if action == "declaratie-correctie":
            ref, regel = list(party.gedeclareerd.items())[-1]
            return party.declaratie(today, correcties={ref: regel.prestatie["GeleverdVolume"] - 1})
        raise ValueError(f"the fake system does not know action {action}")

    def _dossier(self, gemeente: str) -> ExchangeAgent:
        """An aanbieder in a regio keeps a dossier per gemeente (its own chain with each):
        an agent per gemeente on the one token, each taking what its gemeente sent."""
        agent = self.dossiers.get(gemeente)
        if agent is None:
            first = next(iter(self.dossiers.values())).party
            party = SimulatedAanbieder(first.profile, first.release, first.aanbieder, gemeente)
            agent = ExchangeAgent(self.sessie["exchange"], self.sessie["token"], party)
            agent.pending, agent.only_from = _FaultyList(self), gemeente
            self.dossiers[gemeente] = agent
        return agent

    def _answer_loop(self):
        while not self._stop.is_set():
            time.sleep(0.1)
            with self.lock:
                if self.agent is None:
                    continue
                try:
                    if self.role == "aanbieder":  # a gemeente heard from for the first time
                        client = self.agent.client  # peek: not as reading (never_acknowledge)
                        for entry in getattr(client, "peek", client.inbox)():
                            self._dossier(entry["sender"]["code"])
                    for agent in {id(a): a for a in self.dossiers.values()}.values():
                        if agent is not self.agent:
                            agent.pump(self.today)
                    self.agent.pump(self.today)
                except Exception as e:
                    self.errors.append(repr(e))


def _never_acknowledge(agent: ExchangeAgent) -> None:
    """The agent reads each message once and never acknowledges it (it stays aangeboden)."""
    seen: set[str] = set()
    inbox = agent.client.inbox

    def unseen(status: str = "aangeboden"):
        new = [m for m in inbox(status) if m["id"] not in seen]
        seen.update(m["id"] for m in new)
        return new
    agent.client.peek, agent.client.inbox = inbox, unseen
    agent.client.ack = lambda message_id: None


class _FaultyList(list):
    """The agent's queue of outgoing messages: what goes in goes through the faults."""

    def __init__(self, sut: FakeSut):
        super().__init__()
        self.sut = sut

    def extend(self, outgoing):
        outgoing = [f for o in outgoing for f in self.sut._faulty(o)]
        if self.sut.answer_delay and not self.sut.acting and outgoing:
            threading.Timer(self.sut.answer_delay, super().extend, [outgoing]).start()
        else:
            super().extend(outgoing)

    def append(self, o):
        self.extend([o])
