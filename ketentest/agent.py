"""A simulated party on the mock exchange: a `harness.parties` party object, talking to the
exchange over HTTP with its party token (`ExchangeClient`).

    agent = ExchangeAgent(url, token, SimulatedAanbieder(profile, rel, agb, gemeentecode))
    agent.send(agent.party.start(today, bsn), today=today)   # goes out when due
    agent.pump(today)     # answer what arrived, send what is due on `today` (the session clock)

The agent judges what it receives as a receiver does, against its own view of the chain
(a ChainState holding what it sent and what it received), so its retour messages, 301s, 319s
and 325s carry the codes the standard gives.
"""
from __future__ import annotations

from datetime import date

import requests

from harness.chain import ChainState, judge
from harness.parties.base import Outgoing, Party

from .client import ExchangeClient, ExchangeError

__all__ = ["ExchangeAgent", "ExchangeError"]


class ExchangeAgent:
    def __init__(self, url: str, token: str, party: Party, http: requests.Session | None = None):
        self.client, self.party = ExchangeClient(url, token, http), party
        self.state = ChainState()
        self.pending: list[Outgoing] = []
        # the aanbieder of a session of several gemeenten: one agent per gemeente shares the
        # token and inbox; each takes only what its gemeente sent
        self.only_from: str | None = None

    def send(self, *outgoing: Outgoing, today: date) -> None:
        self.pending.extend(outgoing)
        self._send_due(today)

    def pump(self, today: date) -> int:
        """Answer every message waiting in the inbox, then send what is due. Returns how many
        messages were received and sent."""
        listed = self.client.inbox()
        if self.only_from is not None:
            listed = [e for e in listed if e["sender"]["code"] == self.only_from]
        for entry in listed:
            xml = self.client.xml(entry["id"])
            verdict = self._judge(xml, entry["berichtsoort"], today)
            self.pending.extend(self.party.receive(xml, verdict, today))
            self.client.ack(entry["id"])
        return len(listed) + self._send_due(today)

    def _send_due(self, today: date) -> int:
        due = sorted((o for o in self.pending if o.due <= today), key=lambda o: o.serial)
        for o in due:
            self.pending.remove(o)
            self._judge(o.xml, o.message, today)  # our own message joins our view of the chain
            self._deliver(o)
        return len(due)

    def _deliver(self, o: Outgoing) -> None:
        """Hand one message to the exchange (here: the REST mailbox API)."""
        self.client.submit(o.xml)

    def _judge(self, xml: bytes, name: str, today: date):
        verdict = judge(self.state, xml, name, self.party.profile.context(today, self.party.release))
        self.state.record(verdict)
        return verdict
