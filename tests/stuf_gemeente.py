"""A gemeente system that speaks only StUF, for the tests of the exchange's GGk interface:

- `GemeenteEndpoint`: its own OntvangAsynchroon, a small HTTP server receiving the envelopes the
  exchange pushes; answers a Bv03, or an error status while `failures` are scripted.
- `StufGemeente`: an ExchangeAgent with a SimulatedGemeente (content and judging, in its own
  view of the chain) that sends its messages as ggk_Di01 / ggk_Du01 to the exchange's POST /ggk
  instead of the REST API, and takes what is pushed to its endpoint instead of polling; it
  checks every pushed envelope as the GGk would (mock_gateway.stuf.check_envelope).
"""
from __future__ import annotations

import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from lxml import etree

from harness.parties import SimulatedGemeente
from harness.parties.base import Outgoing
from ketentest.agent import ExchangeAgent
from mock_gateway.stuf import (Envelope, PartyBook, Systeem, build_bv03, build_di01, build_du01,
                               check_envelope)
from mock_gateway.stuf.envelope import FO01, read_stuurgegevens
from mock_gateway.stuf.schema import SOAP_NS

SOAP_TYPE = "text/xml; charset=utf-8"
APPLICATIE = "Wmo Applicatie"


def body_element(data: bytes) -> etree._Element:
    return etree.fromstring(data).find(f"{{{SOAP_NS}}}Body")[0]


class GemeenteEndpoint:
    """Records every POST; answers 200 + Bv03, or `failures` times HTTP 503 first."""

    def __init__(self, failures: int = 0):
        self.received: list[bytes] = []
        self.failures = failures
        self.attempts = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                endpoint.attempts += 1
                if endpoint.failures > 0:
                    endpoint.failures -= 1
                    self._answer(503, b"busy")
                    return
                endpoint.received.append(data)
                self._answer(200, build_bv03(read_stuurgegevens(body_element(data)),
                                             zender=Systeem("0000", APPLICATIE)))

            def _answer(self, status: int, body: bytes):
                self.send_response(status)
                self.send_header("Content-Type", SOAP_TYPE)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/ontvang"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int, timeout: float = 20) -> list[bytes]:
        end = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < end, f"{len(self.received)} of {count} pushes arrived"
            time.sleep(0.05)
        return self.received

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class StufGemeente(ExchangeAgent):
    """The gemeente's backoffice: talks to the exchange only through StUF envelopes; what it
    receives arrives at its `endpoint` (the exchange pushes it there)."""

    def __init__(self, url: str, token: str, party: SimulatedGemeente,
                 endpoint: GemeenteEndpoint):
        super().__init__(url, token, party)
        self.endpoint = endpoint
        self.book = PartyBook({party.gemeente, party.aanbieder})  # what it knows, as the GGk
        self.answers: dict[Outgoing, str] = {}  # a retour -> the Di01 it answers
        self.fo01s: list[etree._Element] = []
        self.seen = 0

    @property
    def unseen(self) -> int:
        """Envelopes pushed since the last pump."""
        return len(self.endpoint.received) - self.seen

    def pump(self, today: date) -> int:
        """Answer every envelope pushed since the last pump, then send what is due."""
        new = self.endpoint.received[self.seen:]
        self.seen += len(new)
        for data in new:
            self._take(data, today)
        return len(new) + self._send_due(today)

    def _take(self, data: bytes, today: date) -> None:
        if body_element(data).tag == FO01:
            self.fo01s.append(body_element(data))
            return
        env = check_envelope(data, self.book)  # the pushed envelope must pass the GGk's checks
        assert isinstance(env, Envelope), f"pushed envelope refused: {env}"
        verdict = self._judge(env.payload, env.message, today)
        for out in self.party.receive(env.payload, verdict, today):
            self.answers[out] = env.stuurgegevens.referentienummer
            self.pending.append(out)

    def _deliver(self, o: Outgoing) -> None:
        zender = Systeem(self.party.gemeente, APPLICATIE)
        if o in self.answers:
            data = build_du01(o.xml, zender, self.party.aanbieder, self.answers.pop(o))
        else:
            data = build_di01(o.xml, zender, self.party.aanbieder)
            self.book.record(check_envelope(data, self.book))
        r = self.post(data)
        assert r.status_code == 200, r.text

    def post(self, data: bytes, **headers) -> requests.Response:
        c = self.client
        return c.http.post(c.url + "/ggk", data=data, timeout=30,
                           headers={**c.auth, "Content-Type": SOAP_TYPE, **headers})
