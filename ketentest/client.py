"""The one HTTP client of the exchange's API (`mock_gateway`, described in its
`/openapi.json`), with one token: the admin token (sessions, clock, journal, verdicts) or a
party token (the REST mailbox). The run, the agents and `simulate` all talk through it."""
from __future__ import annotations

from datetime import date

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
    def new_session(self, release: str, profile: str) -> dict:
        return self.request("POST", "/api/sessions",
                            json={"release": release, "profile": profile}).json()

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
