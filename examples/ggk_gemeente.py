"""A reference gemeente system that talks to the exchange exactly as to the GGk: StUF envelopes
(ggk_Di01, ggk_Du01) POSTed to /ggk over mutual TLS with its own (PKIoverheid-like) client
certificate and one fixed gemeentecode, and its own OntvangAsynchroon endpoint, to which the
exchange pushes what is meant for it. The gemeente-side twin of vsp_aanbieder.py, run by
ketentest's test of the done criterion (tests/test_examples.py).

    curl -s --cacert ketentest-exchange-tls/ca.pem -X POST https://127.0.0.1:8443/api/systems \\
      -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \\
      -d '{"name": "wmo-0014", "role": "gemeente", "code": "0014",
           "push_url": "http://127.0.0.1:8766/ggk"}' > gemeente.json
    python examples/ggk_gemeente.py --exchange https://127.0.0.1:8443 \\
      --ca ketentest-exchange-tls/ca.pem --cert gemeente.pem --key gemeente.key \\
      --gemeente 0014 --port 8766
    ketentest run --sut gemeente --system wmo-0014 ... \\
      --trigger toewijzing=http://127.0.0.1:8766/trigger ...   (every gemeente action)

The envelopes are built with mock_gateway.stuf (a vendor has its own StUF stack or a client
generated from GET /ggk?wsdl); what a message says comes from ketentest's simulated gemeente
(harness.parties); everything goes over plain HTTPS with `requests`.
"""
from __future__ import annotations

import argparse
import json
import queue
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from lxml import etree

from harness.chain import ChainState, judge
from harness.parties import SimulatedGemeente
from harness.profiles import builtin, load_profile
from harness.standard import find_message
from harness.standard.registry import DEFAULT
from mock_gateway.stuf import (Envelope, PartyBook, Systeem, build_bv03, build_di01, build_du01,
                               check_envelope)
from mock_gateway.stuf.envelope import FO01, read_stuurgegevens
from mock_gateway.stuf.schema import SOAP_NS

SOAP_TYPE = "text/xml; charset=utf-8"
APPLICATIE = "Wmo Applicatie"
NO_DELAY = dict(retour=0, verzoek=0, declaratie=0, na_onderzoek=0)
ONDERZOEK = 3.0  # seconds: a verzoek taken "in onderzoek" is decided this much later


def body_element(data: bytes) -> etree._Element:
    return etree.fromstring(data).find(f"{{{SOAP_NS}}}Body")[0]


def is_retour(message: str) -> bool:
    """302, 306, ... 320: a retour message (the GGk carries it in a Du01)."""
    return find_message(message)[1].kind == "retour"


def profile_named(name: str):
    profile = load_profile(Path(name)) if name.endswith((".yaml", ".yml")) else builtin(name)
    return profile.with_termijnen(**NO_DELAY)


class Ggk:
    """The GGk's OntvangAsynchroon at the exchange, with a client certificate."""

    def __init__(self, base: str, ca: str, cert: str, key: str):
        self.url = base.rstrip("/") + "/ggk"
        self.http = requests.Session()
        self.http.trust_env = False  # else REQUESTS_CA_BUNDLE would replace our CA
        self.http.verify, self.http.cert = ca, (cert, key)

    def send(self, envelope: bytes) -> None:
        r = self.http.post(self.url, data=envelope, headers={"Content-Type": SOAP_TYPE},
                           timeout=60)
        if r.status_code != 200:
            raise RuntimeError(f"GGk refused: HTTP {r.status_code} {r.text[:500]}")


class Dossier:
    """What the system keeps per aanbieder: its chain, its date, the Di01s to answer."""

    def __init__(self, gemeente: str, aanbieder: str, release: str, profile: str):
        self.party = SimulatedGemeente(profile_named(profile), release, gemeente, aanbieder)
        self.state = ChainState()
        self.today = date.today()
        self.pending = []
        self.answers = {}  # an outgoing retour -> the referentienummer of the Di01 it answers
        self.held = {}  # an answer after "in onderzoek" -> when it may go (time.monotonic())
        self.book = PartyBook({gemeente, aanbieder})

    def judge(self, xml: bytes, name: str):
        verdict = judge(self.state, xml, name,
                        self.party.profile.context(self.today, self.party.release))
        self.state.record(verdict)
        return verdict


class Gemeente:
    def __init__(self, ggk: Ggk, code: str, profile: str = "regio-accepteert"):
        self.ggk, self.code, self.profile = ggk, code, profile
        self.dossiers: dict[str, Dossier] = {}
        self.lock = threading.Lock()
        self.inbox: queue.Queue = queue.Queue()
        self.errors: list[str] = []

    def dossier(self, aanbieder: str, release: str = DEFAULT,
                profile: str | None = None) -> Dossier:
        d = self.dossiers.get(aanbieder)
        if d is None:
            d = self.dossiers[aanbieder] = Dossier(self.code, aanbieder, release,
                                                   profile or self.profile)
        return d

    def send_due(self, d: Dossier) -> None:
        now = time.monotonic()
        due = sorted((o for o in d.pending if o.due <= d.today and d.held.get(o, 0) <= now),
                     key=lambda o: o.serial)
        for o in due:
            d.pending.remove(o)
            d.judge(o.xml, o.message)
            zender = Systeem(self.code, APPLICATIE)
            if o in d.answers:
                envelope = build_du01(o.xml, zender, d.party.aanbieder, d.answers.pop(o))
            else:
                envelope = build_di01(o.xml, zender, d.party.aanbieder)
                d.book.record(check_envelope(envelope, d.book))
            self.ggk.send(envelope)

    def take(self, data: bytes) -> None:
        """An envelope the exchange pushed to our endpoint."""
        body = body_element(data)
        if body.tag == FO01:  # one of our envelopes refused after all: nothing to answer
            return
        aanbieder = read_stuurgegevens(body).zender.organisatie
        d = self.dossier(aanbieder)
        env = check_envelope(data, d.book)
        if not isinstance(env, Envelope):
            raise RuntimeError(f"pushed envelope not understood: {env}")
        verdict = d.judge(env.payload, env.message)
        onderzoek = False
        for out in d.party.receive(env.payload, verdict, d.today):
            if is_retour(out.message):  # a Du01 answering this Di01; a 301 or 319 is a Di01
                d.answers[out] = env.stuurgegevens.referentienummer
            elif onderzoek:  # the decision after "in onderzoek" waits (another verzoek for
                d.held[out] = time.monotonic() + ONDERZOEK  # the client finds it open)
            onderzoek = onderzoek or out.message.endswith("319")
            d.pending.append(out)
        self.send_due(d)

    def work(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                data = self.inbox.get(timeout=0.2)
            except queue.Empty:
                try:
                    with self.lock:  # decisions after onderzoek that fell due
                        for d in self.dossiers.values():
                            self.send_due(d)
                except Exception as e:
                    self.errors.append(repr(e))
                continue
            try:
                with self.lock:
                    self.take(data)
            except Exception as e:
                self.errors.append(repr(e))

    def trigger(self, facts: dict) -> None:
        with self.lock:
            d = self.dossier(facts["other_code"], facts["release"], facts.get("profile"))
            d.today = date.fromisoformat(facts["today"])
            action, bsn = facts["action"], facts.get("bsn") or None
            nummer = int(facts["toewijzing"]) if facts.get("toewijzing") else None
            if action in ("sessie", "klok"):  # a new date: send what fell due
                self.send_due(d)
                return
            if action == "toewijzing":  # the dates and volume asked, or its own
                day = {k: date.fromisoformat(facts[k]) if facts.get(k) else None
                       for k in ("ingangsdatum", "einddatum")}
                volume = int(facts["volume"]) if facts.get("volume") else None
                d.pending.append(d.party.toewijzing(
                    d.today, facts["product"].split(), bsn=bsn, volume=volume,
                    categorie=facts.get("categorie") or None,
                    frequentie=facts.get("frequentie") or None, **day))
            elif action == "toewijzing-intrekken":
                d.pending.append(d.party.intrekking(d.today, bsn, nummer))
            elif action == "toewijzing-verwijderen":
                d.pending.append(d.party.verwijdering(d.today, bsn, nummer))
            elif action == "toewijzing-verlengen":  # a later Einddatum, dated today
                d.pending.append(d.party.wijziging(d.today, bsn, nummer,
                                                   date.fromisoformat(facts["einddatum"]),
                                                   gedateerd=True))
            else:
                raise ValueError(f"a gemeente does not do {action!r}")
            self.send_due(d)


def serve(gemeente: Gemeente, port: int = 0) -> tuple[ThreadingHTTPServer, threading.Event]:
    """POST /ggk: the exchange pushes envelopes (answered with a Bv03 at once, handled after);
    POST /trigger: ketentest's triggers."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path.startswith("/trigger"):
                try:
                    gemeente.trigger(json.loads(data))
                    self._answer(204, b"", "text/plain")
                except Exception as e:
                    gemeente.errors.append(repr(e))
                    self._answer(500, repr(e).encode(), "text/plain")
                return
            gemeente.inbox.put(data)
            bv03 = build_bv03(read_stuurgegevens(body_element(data)),
                              zender=Systeem(gemeente.code, APPLICATIE))
            self._answer(200, bv03, SOAP_TYPE)

        def _answer(self, status: int, body: bytes, content_type: str):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    stop = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=gemeente.work, args=(stop,), daemon=True).start()
    return server, stop


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--exchange", required=True, help="https://host:port (the GGk's host)")
    p.add_argument("--ca", required=True, help="the exchange's CA certificate (GET /ca.pem)")
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--gemeente", required=True, help="this system's own CBS gemeentecode")
    p.add_argument("--port", type=int, default=8766,
                   help="our endpoint: pushes on /ggk, ketentest's triggers on /trigger")
    args = p.parse_args()
    gemeente = Gemeente(Ggk(args.exchange, args.ca, args.cert, args.key), args.gemeente)
    server, _ = serve(gemeente, args.port)
    print(f"gemeente {args.gemeente}: pushes to http://127.0.0.1:{server.server_port}/ggk, "
          f"triggers on /trigger", flush=True)
    try:
        while True:
            time.sleep(5)
            while gemeente.errors:
                print("error:", gemeente.errors.pop(0), flush=True)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
