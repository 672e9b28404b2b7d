"""A reference aanbieder system that talks to the exchange exactly as to VECOZO: only the
VSP-Koppeling REST interface (push v1, pull v1), with its own client certificate and one fixed
AGB code for every scenario. It shows a vendor what "changes only its host name" means, and it
is what ketentest's own test of the done criterion runs (tests/test_examples.py).

    ketentest serve --tls --port 8443                    # prints the admin token
    curl -s --cacert ketentest-exchange-tls/ca.pem -X POST https://127.0.0.1:8443/api/systems \\
      -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \\
      -d '{"name": "ecd", "role": "aanbieder", "code": "12345678"}' > ecd.json
    jq -r .certificate.pem ecd.json > ecd.pem; jq -r .certificate.key ecd.json > ecd.key
    python examples/vsp_aanbieder.py --exchange https://127.0.0.1:8443 \\
      --ca ketentest-exchange-tls/ca.pem --cert ecd.pem --key ecd.key --agb 12345678 --port 8765
    ketentest run --sut aanbieder --system ecd --exchange https://127.0.0.1:8443 \\
      --exchange-ca ketentest-exchange-tls/ca.pem --admin-token $ADMIN \\
      --trigger start=http://127.0.0.1:8765/trigger ...   (every aanbieder action)

What it does (as an ECD would): it pulls its messages every 0.2 s (GET /berichten, then the
payload, then DELETE to confirm receipt), keeps a dossier per gemeente it hears from (its
chain: toewijzingen, starts, declaraties), answers each message, and sends a message when
ketentest's trigger asks for an action (POST /trigger with the facts as JSON). What it says
in a message comes from ketentest's simulated aanbieder (harness.parties): a real system has
its own; everything it sends and receives goes over plain HTTPS with `requests`.
"""
from __future__ import annotations

import argparse
import json
import threading
import time
import uuid
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from lxml import etree

from harness.chain import ChainState, judge
from harness.parties import SimulatedAanbieder
from harness.profiles import builtin, load_profile
from harness.standard import find_message

PUSH = "/berichtenservice/berichten/rest-push/v1/berichten"
PULL = "/berichtenservice/berichten/rest-pull/v1/berichten"
NO_DELAY = dict(retour=0, verzoek=0, declaratie=0, na_onderzoek=0)


def is_retour(message: str) -> bool:
    """302, 306, ... 320: a retour message (the GGk carries it in a Du01)."""
    return find_message(message)[1].kind == "retour"


def profile_named(name: str):
    profile = load_profile(Path(name)) if name.endswith((".yaml", ".yml")) else builtin(name)
    return profile.with_termijnen(**NO_DELAY)  # a system answers at once


class Vsp:
    """VECOZO's VSP-Koppeling REST, with a client certificate."""

    def __init__(self, base: str, ca: str, cert: str, key: str):
        self.base = base.rstrip("/")
        self.http = requests.Session()
        self.http.trust_env = False  # else REQUESTS_CA_BUNDLE would replace our CA
        self.http.verify, self.http.cert = ca, (cert, key)

    def waiting(self) -> list[dict]:
        r = self.http.get(self.base + PULL, params={"limit": 250}, timeout=30)
        r.raise_for_status()
        return r.json()

    def payload(self, meta: dict) -> bytes:
        r = self.http.get(meta["basisgegevens"]["payload"]["url"], timeout=30)
        r.raise_for_status()
        return r.content

    def confirm(self, traceer_id: str) -> None:
        self.http.delete(f"{self.base}{PULL}/{traceer_id}", timeout=30).raise_for_status()

    def push(self, metadata: dict, payload: bytes) -> None:
        files = {"berichtMetadata": (None, json.dumps(metadata), "application/json"),
                 "payload": ("bericht.xml", payload, "application/octet-stream")}
        r = self.http.post(self.base + PUSH, files=files, timeout=60)
        if r.status_code != 204:
            raise RuntimeError(f"push refused: HTTP {r.status_code} {r.text[:500]}")


class Dossier:
    """What the system keeps per gemeente: its chain, and its date."""

    def __init__(self, agb: str, gemeente: str, release: str, profile: str):
        self.party = SimulatedAanbieder(profile_named(profile), release, agb, gemeente)
        self.state = ChainState()
        self.today = date.today()
        self.pending = []
        self.conversations: dict[str, str] = {}  # BerichtIdentificatie -> conversatieId

    def judge(self, xml: bytes, name: str):
        verdict = judge(self.state, xml, name,
                        self.party.profile.context(self.today, self.party.release))
        self.state.record(verdict)
        return verdict


def identificatie(xml: bytes) -> str | None:
    root = etree.fromstring(xml)
    found = root.find(".//{*}BerichtIdentificatie/{*}Identificatie")
    return found.text if found is not None else None


class Aanbieder:
    def __init__(self, vsp: Vsp, agb: str, profile: str = "regio-accepteert"):
        self.vsp, self.agb, self.profile = vsp, agb, profile
        self.dossiers: dict[str, Dossier] = {}
        self.lock = threading.Lock()
        self.errors: list[str] = []

    def dossier(self, gemeente: str, release: str, profile: str | None = None) -> Dossier:
        d = self.dossiers.get(gemeente)
        if d is None:
            d = self.dossiers[gemeente] = Dossier(self.agb, gemeente, release,
                                                  profile or self.profile)
        return d

    # -- sending ------------------------------------------------------------------------
    def send_due(self, d: Dossier) -> None:
        due = sorted((o for o in d.pending if o.due <= d.today), key=lambda o: o.serial)
        for o in due:
            d.pending.remove(o)
            xml = o.xml
            d.judge(xml, o.message)
            traceer = str(uuid.uuid4())
            retour = is_retour(o.message)
            conversatie = d.conversations.get(identificatie(xml)) if retour else None
            berichttype = "WMO" if o.message.startswith("WMO") else "JW"
            self.vsp.push({
                "routeringgegevens": {
                    "afzender": {"rol": "Zorgaanbieder", "code": self.agb},
                    "geadresseerden": [{"rol": "Gemeente", "code": d.party.gemeente}],
                    "berichtstroom": {"berichttype": berichttype, "berichtsubtype": o.message,
                                      "berichtversie": 3, "berichtsubversie": 2,
                                      "actie": "Retourbericht" if retour
                                      else "Heenbericht"}},
                "referentiegegevens": {"traceerId": traceer,
                                       "conversatieId": conversatie or traceer}}, xml)

    # -- receiving ----------------------------------------------------------------------
    def pull_once(self) -> int:
        waiting = self.vsp.waiting()
        for meta in waiting:
            route = meta["routeringgegevens"]
            stroom, ref = route["berichtstroom"], meta["referentiegegevens"]
            release = find_message(stroom["berichtsubtype"])[0].name  # iwmo-3.2, ijw-3.2
            d = self.dossier(route["afzender"]["code"], release)
            xml = self.vsp.payload(meta)
            d.conversations[identificatie(xml)] = ref["conversatieId"]
            verdict = d.judge(xml, stroom["berichtsubtype"])
            d.pending.extend(d.party.receive(xml, verdict, d.today))
            self.vsp.confirm(ref["traceerId"])
            self.send_due(d)
        return len(waiting)

    def loop(self, stop: threading.Event, every: float = 0.2) -> None:
        while not stop.is_set():
            try:
                with self.lock:
                    self.pull_once()
                    for d in self.dossiers.values():
                        self.send_due(d)
            except Exception as e:  # keep going; the run shows what went missing
                self.errors.append(repr(e))
            stop.wait(every)

    # -- ketentest's triggers -----------------------------------------------------------
    def trigger(self, facts: dict) -> None:
        with self.lock:
            d = self.dossier(facts["other_code"], facts["release"], facts.get("profile"))
            d.today = date.fromisoformat(facts["today"])
            action = facts["action"]
            if action in ("sessie", "klok"):  # a new date: send what fell due
                self.send_due(d)
                return
            d.pending.append(perform(d.party, facts, d.today))
            self.send_due(d)


def perform(party: SimulatedAanbieder, facts: dict, today: date):
    action, bsn = facts["action"], facts.get("bsn") or None
    nummer = int(facts["toewijzing"]) if facts.get("toewijzing") else None
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
        t = party.toewijzing(bsn, nummer)  # the volume the step asks for, else one more
        volume = int(facts.get("volume") or t["Omvang"]["Volume"] + 1)
        return party.vow(today, bsn, wijzigen={nummer: volume})
    if action == "declaratie":  # in the unit the step asks for (01: hours in minutes), at
        # the regio's revised tariffs when it names them (the rejected lines again, at them)
        herzien = dict(pair.split("=") for pair in (facts.get("tarieven") or "").split())
        return party.declaratie(today, in_minuten=facts.get("eenheid") == "01",
                                herzien={code: int(cents) for code, cents in herzien.items()})
    if action == "declaratie-correctie":
        ref, regel = list(party.gedeclareerd.items())[-1]
        return party.declaratie(today, correcties={ref: regel.prestatie["GeleverdVolume"] - 1})
    raise ValueError(f"an aanbieder does not do {action!r}")


def serve(aanbieder: Aanbieder, port: int = 0) -> tuple[ThreadingHTTPServer, threading.Event]:
    """The trigger endpoint (POST /trigger) and the pull loop, in background threads."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            facts = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            try:
                aanbieder.trigger(facts)
                self.send_response(204)
                self.end_headers()
            except Exception as e:
                aanbieder.errors.append(repr(e))
                body = repr(e).encode()
                self.send_response(500)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    stop = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=aanbieder.loop, args=(stop,), daemon=True).start()
    return server, stop


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--exchange", required=True, help="https://host:port (VECOZO's host)")
    p.add_argument("--ca", required=True, help="the exchange's CA certificate (GET /ca.pem)")
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--agb", required=True, help="this system's own AGB code")
    p.add_argument("--port", type=int, default=8765, help="where ketentest's triggers come in")
    args = p.parse_args()
    aanbieder = Aanbieder(Vsp(args.exchange, args.ca, args.cert, args.key), args.agb)
    server, _ = serve(aanbieder, args.port)
    print(f"aanbieder {args.agb}: triggers on http://127.0.0.1:{server.server_port}/trigger",
          flush=True)
    try:
        while True:
            time.sleep(5)
            while aanbieder.errors:
                print("error:", aanbieder.errors.pop(0), flush=True)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
