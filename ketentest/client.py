"""The one HTTP client of the exchange's API (`mock_gateway`, described in its
`/openapi.json`), with one token: the admin token (sessions, clock, journal, verdicts) or a
party token (the REST mailbox). The run, the agents and `simulate` all talk through it."""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import requests

XML = "application/xml"


class ExchangeError(RuntimeError):
    """The exchange refused or failed a request; the text is the exchange's own answer."""


class ExchangeClient:
    def __init__(self, url: str, token: str, http: requests.Session | None = None):
        self.url = url.rstrip("/")
        self.http = http or requests.Session()
        self.auth = {"Authorization": f"Bearer {token}"}

    def as_party(self, token: str) -> "ExchangeClient":
        """The same exchange (and connection pool) with a party's token."""
        return ExchangeClient(self.url, token, self.http)

    def request(self, method: str, path: str, **kw) -> requests.Response:
        headers = {**self.auth, **kw.pop("headers", {})}
        r = self.http.request(method, self.url + path, headers=headers, timeout=30, **kw)
        if r.status_code >= 400:
            raise ExchangeError(f"{method} {path}: HTTP {r.status_code} {r.text[:500]}")
        return r

    # ------------------------------------------------------------ admin
    def new_session(self, release: str, profile: str, system: str | None = None,
                    gemeenten: int | None = None) -> dict:
        """A session; with `system`, a registered system plays its role (its own code); with
        `gemeenten` > 1, that many gemeenten sharing the aanbieder."""
        body = {"release": release, "profile": profile}
        if system:
            body["system"] = system
        if gemeenten and gemeenten > 1:
            body["gemeenten"] = gemeenten
        return self.request("POST", "/api/sessions", json=body).json()

    def party_http(self, party: dict) -> requests.Session:
        """The connection for a simulated party of a new session: on an exchange with TLS
        with the client certificate the exchange issued it (written to a temporary folder),
        else this client's own (the party's token then says who it is)."""
        if "certificate" not in party:
            return self.http
        http = requests.Session()
        http.verify, http.trust_env = self.http.verify, self.http.trust_env
        folder = Path(tempfile.mkdtemp(prefix="ketentest-party-"))
        (folder / "cert.pem").write_text(party["certificate"]["pem"])
        (folder / "key.pem").write_text(party["certificate"]["key"])
        (folder / "key.pem").chmod(0o600)
        http.cert = (str(folder / "cert.pem"), str(folder / "key.pem"))
        return http

    def has_system(self, name: str) -> bool:
        """Does the exchange have a system registered under this name?"""
        r = self.http.get(f"{self.url}/api/systems/{name}", headers=self.auth, timeout=30)
        if r.status_code == 404:
            return False
        if r.status_code >= 400:
            raise ExchangeError(f"GET /api/systems/{name}: HTTP {r.status_code} {r.text[:500]}")
        return True

    def set_clock(self, session: str, day: date) -> None:
        self.request("POST", f"/api/sessions/{session}/clock", json={"date": day.isoformat()})

    def journal(self, session: str, after: int = 0) -> list[dict]:
        return self.request("GET", f"/api/sessions/{session}/messages",
                            params={"after": after, "limit": 1000}).json()["messages"]

    def verdict(self, message_id: str) -> dict | None:
        return self.request("GET", f"/api/messages/{message_id}/verdict").json()["verdict"]

    # ------------------------------------------------------------ a party's mailbox
    def inbox(self, status: str = "aangeboden") -> list[dict]:
        return self.request("GET", "/api/messages", params={"status": status}).json()["messages"]

    def xml(self, message_id: str) -> bytes:
        return self.request("GET", f"/api/messages/{message_id}").content

    def ack(self, message_id: str) -> None:
        self.request("POST", f"/api/messages/{message_id}/ack")

    def submit(self, xml: bytes) -> dict:
        return self.request("POST", "/api/messages", data=xml,
                            headers={"Content-Type": XML}).json()
