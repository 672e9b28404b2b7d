"""Helpers for the exchange tests: a real server in a subprocess (`ketentest serve` or
gunicorn) on 127.0.0.1, a database per run (a SQLite file, or a fresh schema in the local
PostgreSQL that is dropped afterwards), and an HTTP client that checks every request and
response against the exchange's OpenAPI document; the simulated parties as ExchangeAgents on a
session, pumped on the session's clock."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from harness.factories import bericht, to_bytes
from harness.parties import SimulatedAanbieder, SimulatedGemeente
from ketentest.agent import ExchangeAgent
from harness.profiles import Profile

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("KETENTEST_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
ADMIN = "test-admin-token"
XML = "application/xml"
SOAP = "text/xml"  # the GGk StUF endpoint (SOAP 1.1)


def _raw(value, **_params):
    return value.decode() if isinstance(value, bytes) else value


_SPEC = OpenAPI.from_dict(
    json.loads((ROOT / "mock_gateway" / "openapi.json").read_text()),
    config=Config(extra_media_type_deserializers={XML: _raw, SOAP: _raw}))


def check_against_openapi(response: requests.Response, *_args, **_kwargs):
    """A requests hook: every response must agree with openapi.json, and so must every
    request the exchange accepted (tests send invalid ones on purpose, to see them refused)."""
    if not isinstance(response.request.body, (bytes, str, type(None))):
        response.request.body = b"<streamed/>"  # a streamed upload: already sent, not kept
    request = RequestsOpenAPIRequest(response.request)
    if response.status_code < 400:
        _SPEC.validate_request(request)
    _SPEC.validate_response(request, RequestsOpenAPIResponse(response))


# -- databases ---------------------------------------------------------------------------

def pg_reachable() -> bool:
    try:
        import psycopg
        with psycopg.connect(PG_SERVER, connect_timeout=3):
            return True
    except Exception:
        return False


class PgSchema:
    """A schema of its own in the test database: runs never collide; dropped at the end."""

    def __init__(self):
        import psycopg
        self.name = f"kt_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_SERVER, autocommit=True) as c:
            c.execute(f'CREATE SCHEMA "{self.name}"')
        self.url = f"{PG_SERVER}?options={quote(f'-csearch_path={self.name}')}"

    def drop(self):
        import psycopg
        with psycopg.connect(PG_SERVER, autocommit=True) as c:
            c.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')


def database_url(kind: str, tmp_path: Path):
    """(url, cleanup) for 'sqlite' or 'postgresql'; skips when PostgreSQL is unreachable."""
    if kind == "sqlite":
        return str(tmp_path / "exchange.db"), lambda: None
    if not pg_reachable():
        pytest.skip(f"PostgreSQL is not reachable at {PG_SERVER} (KETENTEST_TEST_PG)")
    schema = PgSchema()
    return schema.url, schema.drop


# -- servers -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The exchange in a subprocess; `kill()` is kill -9."""

    def __init__(self, database: str, log: Path, gunicorn_workers: int = 0,
                 env: dict | None = None, args: tuple = (), gunicorn_args: tuple[str, ...] = (),
                 verify: str | bool = True):
        self.verify = verify  # the CA file of an exchange with TLS
        env = {**os.environ, "KETENTEST_DATABASE": database, "KETENTEST_ADMIN_TOKEN": ADMIN,
               **(env or {})}
        self.log = open(log, "ab")
        if gunicorn_workers:
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            cmd = [sys.executable, "-m", "gunicorn", *gunicorn_args, "-w", str(gunicorn_workers),
                   "-b", f"127.0.0.1:{port}", "--timeout", "120", "mock_gateway:create_app()"]
            if "--certfile" in gunicorn_args:
                self.url = self.url.replace("http:", "https:")
            self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=self.log,
                                         stderr=self.log, start_new_session=True)
        else:
            cmd = [sys.executable, "-m", "ketentest", "serve", "--port", "0", *args]
            self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                         stderr=self.log, text=True, start_new_session=True)
            first = self.proc.stdout.readline()
            if not first.startswith("ketentest exchange on "):
                self.stop()
                raise RuntimeError(f"server did not start: {first!r}; see {log}")
            self.url = first.split()[3]
            self.banner = first + self.proc.stdout.readline()
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                requests.get(self.url + "/openapi.json", timeout=2, verify=self.verify)
                return
            except requests.RequestException:  # not listening yet, or still starting
                time.sleep(0.1)
        raise RuntimeError("server did not answer in time")

    def kill(self):
        """kill -9 of the whole process group (gunicorn master and workers)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.log.close()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()


@contextmanager
def running_server(tmp: Path, kind: str = "sqlite", **kw) -> Iterator[Server]:
    """A server on a database of `kind` (sqlite, postgresql) in `tmp`; stopped and its
    database dropped afterwards."""
    url, cleanup = database_url(kind, tmp)
    srv = Server(url, tmp / "server.log", **kw)
    try:
        yield srv
    finally:
        srv.stop()
        cleanup()


# -- clients -----------------------------------------------------------------------------

def http(check: bool = True) -> requests.Session:
    s = requests.Session()
    if check:
        s.hooks["response"].append(check_against_openapi)
    return s


@dataclass
class Party:
    role: str
    code: str
    token: str

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


class Client:
    """The exchange seen by the admin, and by a session's two parties."""

    def __init__(self, url: str, check: bool = True):
        self.url, self.http = url, http(check)
        self.admin = {"Authorization": f"Bearer {ADMIN}"}

    def new_session(self, **body) -> "SessionClient":
        r = self.http.post(self.url + "/api/sessions", json=body, headers=self.admin)
        assert r.status_code == 201, r.text
        return SessionClient(self, r.json())

    def free_gemeentecodes(self, n: int) -> list[str]:
        """n CBS codes no live session holds: drawn by the exchange for throwaway sessions,
        which are deleted (the other tests on this exchange hold random ones)."""
        codes = []
        for _ in range(n):
            s = self.new_session()
            codes.append(s.gemeente.code)
            assert self.http.delete(f"{self.url}/api/sessions/{s.id}",
                                    headers=self.admin).status_code == 204
        return codes if len(set(codes)) == n else self.free_gemeentecodes(n)


class SessionClient:
    def __init__(self, client: Client, created: dict):
        self.c, self.id = client, created["id"]
        self.parties = {p["role"]: Party(p["role"], p["code"], p["token"])
                        for p in created["parties"]}
        self.gemeente, self.aanbieder = self.parties["gemeente"], self.parties["aanbieder"]
        self.today: date | None = None  # the session's date, once set_clock set it

    def build(self, rel: str, message: str, **overrides) -> bytes:
        """A valid message between this session's gemeente and aanbieder (factories)."""
        return to_bytes(bericht(rel, message, gemeente=self.gemeente.code,
                                aanbieder=self.aanbieder.code, **overrides))

    def submit(self, party: Party, data: bytes, **headers) -> requests.Response:
        return self.c.http.post(self.c.url + "/api/messages", data=data,
                                headers={**party.auth, "Content-Type": XML, **headers})

    def box(self, party: Party, box: str = "inbox", **params) -> list[dict]:
        r = self.c.http.get(self.c.url + "/api/messages", params={"box": box, **params},
                            headers=party.auth)
        assert r.status_code == 200, r.text
        return r.json()["messages"]

    def get(self, party: Party | None, path: str) -> requests.Response:
        headers = party.auth if party else self.c.admin
        return self.c.http.get(self.c.url + path, headers=headers)

    def post(self, party: Party | None, path: str, **kw) -> requests.Response:
        headers = party.auth if party else self.c.admin
        return self.c.http.post(self.c.url + path, headers=headers, **kw)

    def admin(self, method: str, path: str, **kw) -> requests.Response:
        return self.c.http.request(method, f"{self.c.url}/api/sessions/{self.id}{path}",
                                   headers=self.c.admin, **kw)

    def journal(self, **params) -> list[dict]:
        r = self.admin("GET", "/messages", params=params)
        assert r.status_code == 200, r.text
        return r.json()["messages"]

    def set_clock(self, day: date) -> date:
        r = self.admin("POST", "/clock", json={"date": day.isoformat()})
        assert r.status_code == 200, r.text
        self.today = date.fromisoformat(r.json()["today"])
        return self.today


# -- simulated parties on the exchange ---------------------------------------------------

def agents(server: Server, profile: Profile, rel: str = "iwmo-3.2", start: date | None = None,
           aanbieder_profile: Profile | None = None):
    """A new session (its clock set to `start`) and its gemeente and aanbieder as
    ExchangeAgents playing `profile` (the aanbieder may play its own)."""
    session = Client(server.url).new_session(release=rel)
    if start is not None:
        session.set_clock(start)
    g, a = session.gemeente, session.aanbieder
    gemeente = ExchangeAgent(server.url, g.token, SimulatedGemeente(profile, rel, g.code, a.code))
    aanbieder = ExchangeAgent(server.url, a.token, SimulatedAanbieder(
        aanbieder_profile or profile, rel, a.code, g.code))
    return session, gemeente, aanbieder


def run(session: SessionClient, day: date, *agents: ExchangeAgent, until: date | None = None,
        rounds: int = 200) -> date:
    """Pump the agents on the session's date `day` until nothing is pending (with `until`: up
    to that day, on which the clock then stands). When a round moves nothing, the session's
    clock (admin API) moves on to the first day a message falls due, so every message is sent,
    and stamped, on its own day. Returns the last day."""
    for _ in range(rounds):
        if sum(agent.pump(day) for agent in agents):
            continue
        due = min((o.due for agent in agents for o in agent.pending), default=None)
        if until is not None and (due is None or due > until):
            if day >= until:
                return day
            due = until
        if due is None:
            return day
        day = session.set_clock(due)
    raise AssertionError(f"still busy after {rounds} rounds")


def carried(node) -> list[str]:
    """The RetourCodes a received retour message carries, besides 0200 and 0233."""
    if isinstance(node, dict):
        own = node.get("RetourCodes", {}) or {}
        found = [c for c in own.get("RetourCode", []) if c not in ("0200", "0233")]
        return found + [c for k, v in node.items() if k != "RetourCodes" for c in carried(v)]
    if isinstance(node, list):
        return [c for item in node for c in carried(item)]
    return []


def codes(agent: ExchangeAgent, message: str) -> list[list[str]]:
    """Per message of this kind the agent received: the codes it carries (it must itself be
    accepted)."""
    got = agent.party.received(message)
    assert all(r.accepted for r in got), [r.retourcodes for r in got]
    return [carried(r.data) for r in got]
