"""A simulated party on the mock exchange: the same party objects as in the in-memory
Simulation, talking to the exchange over HTTP with its party token.

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

XML = "application/xml"


class ExchangeError(RuntimeError):
    """The exchange refused or failed a request; the text is the exchange's own answer."""


class ExchangeAgent:
    def __init__(self, url: str, token: str, party: Party, http: requests.Session | None = None):
        self.url, self.party = url.rstrip("/"), party
        self.http = http or requests.Session()
        self.auth = {"Authorization": f"Bearer {token}"}
        self.state = ChainState()
        self.pending: list[Outgoing] = []

    def send(self, *outgoing: Outgoing, today: date) -> None:
        self.pending.extend(outgoing)
        self._send_due(today)

    def pump(self, today: date) -> int:
        """Answer every message waiting in the inbox, then send what is due. Returns how many
        messages were received and sent."""
        listed = self._request("GET", "/api/messages", params={"status": "aangeboden"})
        for entry in listed.json()["messages"]:
            xml = self._request("GET", f"/api/messages/{entry['id']}").content
            verdict = self._judge(xml, entry["berichtsoort"], today)
            self.pending.extend(self.party.receive(xml, verdict, today))
            self._request("POST", f"/api/messages/{entry['id']}/ack")
        return len(listed.json()["messages"]) + self._send_due(today)

    def _send_due(self, today: date) -> int:
        due = sorted((o for o in self.pending if o.due <= today), key=lambda o: o.serial)
        for o in due:
            self.pending.remove(o)
            self._judge(o.xml, o.message, today)  # our own message joins our view of the chain
            self._deliver(o)
        return len(due)

    def _deliver(self, o: Outgoing) -> None:
        """Hand one message to the exchange (here: the REST mailbox API)."""
        self._request("POST", "/api/messages", data=o.xml, headers={"Content-Type": XML})

    def _judge(self, xml: bytes, name: str, today: date):
        verdict = judge(self.state, xml, name, self.party.profile.context(today, self.party.release))
        self.state.record(verdict)
        return verdict

    def _request(self, method: str, path: str, **kw) -> requests.Response:
        headers = {**self.auth, **kw.pop("headers", {})}
        r = self.http.request(method, self.url + path, headers=headers, timeout=30, **kw)
        if r.status_code >= 400:
            raise ExchangeError(f"{method} {path}: HTTP {r.status_code} {r.text[:500]}")
        return r
