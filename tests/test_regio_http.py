"""A session of several gemeenten over real HTTP (SQLite and PostgreSQL): one simulated
aanbieder shared by the gemeenten, each gemeente with its own token, chain and journal; the
aanbieder's messages routed to the gemeente they are addressed to, one to a gemeente outside
the session refused (BRS33); every request and response checked against openapi.json (and
VECOZO's documents for VSP)."""
from __future__ import annotations

from datetime import date

import pytest
import requests

from harness.factories import bericht, to_bytes

from .exchange_support import Client, Party
from .vsp_support import Vsp, metadata

REL = "iwmo-3.2"
TODAY = date(2026, 10, 12)
BSN = "999752406"


class Regio:
    """A session of several gemeenten: the aanbieder and each gemeente as a Party."""

    def __init__(self, client: Client, **body):
        r = client.http.post(client.url + "/api/sessions", json=body, headers=client.admin)
        assert r.status_code == 201, r.text
        self.c, self.created = client, r.json()
        self.id = self.created["id"]
        self.aanbieder = next(Party(p["role"], p["code"], p["token"])
                              for p in self.created["parties"] if p["role"] == "aanbieder")
        self.gemeenten = [Party(g["role"], g["code"], g["token"])
                          for g in self.created["gemeenten"]]
        self.sessions = [g["session"] for g in self.created["gemeenten"]]

    def build(self, gemeente: Party, message: str, **overrides) -> bytes:
        return to_bytes(bericht(REL, message, gemeente=gemeente.code,
                                aanbieder=self.aanbieder.code, **overrides))

    def submit(self, party: Party, data: bytes):
        return self.c.http.post(self.c.url + "/api/messages", data=data,
                                headers={**party.auth, "Content-Type": "application/xml"})

    def box(self, party: Party, box: str = "inbox") -> list[dict]:
        r = self.c.http.get(self.c.url + "/api/messages", params={"box": box},
                            headers=party.auth)
        assert r.status_code == 200, r.text
        return r.json()["messages"]

    def journal(self, session: str) -> list[dict]:
        r = self.c.http.get(f"{self.c.url}/api/sessions/{session}/messages",
                            headers=self.c.admin)
        assert r.status_code == 200, r.text
        return r.json()["messages"]

    def admin(self, method: str, path: str, session: str | None = None, **kw):
        return self.c.http.request(method, f"{self.c.url}/api/sessions/{session or self.id}"
                                   f"{path}", headers=self.c.admin, **kw)


@pytest.fixture
def client(server):
    return Client(server.url)


def test_several_gemeenten_share_one_aanbieder_each_routed_to_its_own_chain(client, server):
    regio = Regio(client, gemeenten=3, profile="regio-accepteert", regio="ommelanden")
    g1, g2, g3 = regio.gemeenten
    assert len({g1.code, g2.code, g3.code}) == 3
    assert len({g.token for g in regio.gemeenten} | {regio.aanbieder.token}) == 4
    assert len(set(regio.sessions)) == 3 and regio.sessions[0] == regio.id
    assert regio.created["parties"][0]["code"] == g1.code  # the first gemeente as before

    # each gemeente allocates; the aanbieder's one inbox holds all three
    for g in (g1, g2, g3):
        assert regio.submit(g, regio.build(g, "301")).status_code == 202
    inbox = regio.box(regio.aanbieder)
    assert sorted(m["sender"]["code"] for m in inbox) == sorted([g1.code, g2.code, g3.code])
    assert {m["session"] for m in inbox} == set(regio.sessions)

    # the aanbieder's 305 to the second gemeente lands in that gemeente's chain only
    r = regio.submit(regio.aanbieder, regio.build(g2, "305"))
    assert r.status_code == 202, r.text
    assert [m["berichtsoort"] for m in regio.box(g2)] == ["WMO305"]
    assert regio.box(g1) == [] and regio.box(g3) == []
    assert [m["berichtsoort"] for m in regio.journal(regio.sessions[1])] == ["WMO301", "WMO305"]
    assert [m["berichtsoort"] for m in regio.journal(regio.sessions[0])] == ["WMO301"]

    # the same over VSP: the geadresseerde picks the gemeente
    vsp = Vsp(server.url, regio.aanbieder.token)
    r = vsp.push(metadata(regio.aanbieder.code, g3.code, "WMO305"), regio.build(g3, "305"))
    assert r.status_code == 204, r.text
    assert [m["berichtsoort"] for m in regio.box(g3)] == ["WMO305"]

    # the admin sees the session's gemeenten; the other rows name the first
    shown = regio.admin("GET", "").json()
    assert [g["code"] for g in shown["gemeenten"]] == [g1.code, g2.code, g3.code]
    assert shown["lead"] == regio.id
    other = regio.admin("GET", "", session=regio.sessions[2]).json()
    assert other["lead"] == regio.id and other["parties"][0]["code"] == g3.code
    listed = client.http.get(client.url + "/api/sessions", params={"regio": "ommelanden"},
                             headers=client.admin).json()["sessions"]
    assert {s["id"] for s in listed} == set(regio.sessions)


def test_a_gemeente_outside_the_session_is_refused_and_journalled(client):
    regio = Regio(client, gemeenten=2)
    outsider = client.new_session()  # a gemeente of another session
    stray = regio.build(outsider.gemeente, "305")
    r = regio.submit(regio.aanbieder, stray)
    assert r.status_code == 422 and r.json()["code"] == "BRS33", r.text
    refused = [m for s in regio.sessions for m in regio.journal(s) if m["status"] == "afgekeurd"]
    assert [m["refusal"]["code"] for m in refused] == ["BRS33"]
    assert outsider.box(outsider.gemeente) == []
    # a gemeente of the session addressing another aanbieder: IB210 (the gemeente's side)
    g1 = regio.gemeenten[0]
    wrong = to_bytes(bericht(REL, "301", gemeente=g1.code, aanbieder=outsider.aanbieder.code))
    r = regio.submit(g1, wrong)
    assert r.status_code == 422 and r.json()["code"] == "IB210", r.text
    assert outsider.box(outsider.aanbieder) == []


def test_the_gemeenten_chains_are_apart(client):
    """A gemeente's toewijzing is in its own chain with the aanbieder: a start on it is
    accepted there and unknown (TR019) in the other gemeente's chain."""
    codes = client.free_gemeentecodes(2)
    regio = Regio(client, gemeenten=codes)
    assert regio.admin("POST", "/clock", json={"date": TODAY.isoformat()}).status_code == 200
    g1, g2 = regio.gemeenten
    assert [g1.code, g2.code] == codes
    toewijzing = regio.build(g1, "301", today=TODAY, Client__Bsn=BSN, producten=[
        {"ToewijzingNummer": 1001, "Ingangsdatum": date(2026, 10, 1)}])
    r = regio.submit(g1, toewijzing)
    assert r.status_code == 202, r.text
    assert verdict(client, r, g1)["accepted"]

    def start(g):
        r = regio.submit(regio.aanbieder, regio.build(g, "305", today=TODAY, Client__Bsn=BSN,
                                                      producten=[{"ToewijzingNummer": 1001,
                                                                  "Begindatum": date(2026, 10, 5)}]))
        assert r.status_code == 202, r.text
        return verdict(client, r, regio.aanbieder)

    elsewhere = start(g2)  # the same ToewijzingNummer, in the chain of the other gemeente
    assert not elsewhere["accepted"]
    assert "TR019" in {f["rule"] for f in elsewhere["findings"]}, elsewhere
    here = start(g1)
    assert here["accepted"], here["findings"]
    # the same 301 again: BRS20 in the first gemeente's journal only
    assert regio.submit(g1, toewijzing).status_code == 409
    journals = [regio.journal(s) for s in regio.sessions]
    assert [m["refusal"]["code"] for m in journals[0] if m["refusal"]] == ["BRS20"]
    assert [m["berichtsoort"] for m in journals[1]] == ["WMO305"]


def verdict(client: Client, response, party: Party) -> dict:
    r = client.http.get(client.url + response.json()["verdict"], headers=party.auth)
    assert r.status_code == 200, r.text
    return r.json()["verdict"]


def test_clock_reset_and_delete_act_on_all_gemeenten(client):
    regio = Regio(client, gemeenten=2)
    r = regio.admin("POST", "/clock", json={"date": "2026-03-02"})
    assert r.status_code == 200
    for s in regio.sessions:
        assert regio.admin("GET", "", session=s).json()["today"] == "2026-03-02"
    g1, g2 = regio.gemeenten
    for g in (g1, g2):
        assert regio.submit(g, regio.build(g, "301", today=date(2026, 3, 2))).status_code == 202
    assert regio.admin("POST", "/reset").status_code == 200
    assert all(regio.journal(s) == [] for s in regio.sessions)
    assert regio.admin("DELETE", "").status_code == 204
    for s in regio.sessions:
        assert regio.admin("GET", "", session=s).status_code == 404
    # the codes are free again
    again = Regio(client, gemeenten=[g1.code, g2.code])
    assert [g.code for g in again.gemeenten] == [g1.code, g2.code]


def test_bad_requests_for_several_gemeenten(client):
    post = lambda body: client.http.post(client.url + "/api/sessions", json=body,  # noqa: E731
                                         headers=client.admin)
    for body in ({"gemeenten": 0}, {"gemeenten": 51}, {"gemeenten": True},
                 {"gemeenten": ["0014", "0014"]}, {"gemeenten": ["9999"]},
                 {"gemeenten": 2, "gemeentecode": "0014"}):
        r = post(body)
        assert r.status_code == 400, (body, r.text)
    free = post({}).json()  # a code no live session holds (others take random ones)
    code = next(p["code"] for p in free["parties"] if p["role"] == "gemeente")
    assert client.http.delete(client.url + f"/api/sessions/{free['id']}",
                              headers=client.admin).status_code == 204
    one = post({"gemeenten": [code]})  # one: an ordinary session
    assert one.status_code == 201 and "gemeenten" not in one.json()
    r = post({"gemeenten": ["0047" if code != "0047" else "0014", code]})
    assert r.status_code == 409 and r.json()["code"] == "CODE_IN_USE"


def test_a_shipped_profile_gives_its_own_gemeenten_first(client):
    from harness.profiles import builtin
    own = list(builtin("regio-weigert-vow").gemeenten)
    regio = Regio(client, gemeenten=2, profile="regio-weigert-vow")
    drawn = [g.code for g in regio.gemeenten]
    # the profile's own codes in its order; one another test's session holds is passed over
    assert all(code in own for code in drawn), (drawn, own)
    assert [own.index(code) for code in drawn] == sorted(own.index(code) for code in drawn)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_of_0005_keeps_its_sessions_after_the_migration(kind, tmp_path):
    """0006 adds sessions.lead_id: a session made before it stays a session of one gemeente,
    its tokens work, its journal lists, and a session of several gemeenten can be made."""
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from mock_gateway import Config, create_app
    from mock_gateway.config import database_url as url_of
    from mock_gateway.db import token_hash
    from mock_gateway.migrate import alembic_config

    from .exchange_support import database_url

    url, cleanup = database_url(kind, tmp_path)
    try:
        engine = create_engine(url_of(url))
        cfg = alembic_config()
        ids = {"s": "5" * 32, "m": "6" * 32, "g": token_hash("g-token"),
               "a": token_hash("a-token")}
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0005")
            conn.exec_driver_sql(
                "insert into sessions (id, release, gemeentecode, agb, created_at, chain_from,"
                " chain_pos) values (%(s)s, 'iwmo-3.2', '0363', '12345678',"
                " '2026-11-02 09:00:00', 0, 0)" if kind == "postgresql" else
                "insert into sessions (id, release, gemeentecode, agb, created_at, chain_from,"
                " chain_pos) values (:s, 'iwmo-3.2', '0363', '12345678',"
                " '2026-11-02 09:00:00', 0, 0)", ids)
            for role, code, h in (("gemeente", "0363", "g"), ("aanbieder", "12345678", "a")):
                conn.exec_driver_sql(
                    "insert into parties (session_id, role, code, token_hash) values "
                    + ("(%(s)s, %(role)s, %(code)s, %(h)s)" if kind == "postgresql"
                       else "(:s, :role, :code, :h)"),
                    {**ids, "role": role, "code": code, "h": ids[h]})
            conn.commit()
        engine.dispose()
        app = create_app(Config(database=url, admin_token="adm"))  # migrates to head
        columns = {c["name"] for c in inspect(app.extensions["ketentest"].engine)
                   .get_columns("sessions")}
        assert "lead_id" in columns
        client = app.test_client()
        admin = {"Authorization": "Bearer adm"}
        shown = client.get(f"/api/sessions/{ids['s']}", headers=admin).json
        assert shown["parties"][0]["code"] == "0363" and "gemeenten" not in shown
        xml = to_bytes(bericht(REL, "301", gemeente="0363", aanbieder="12345678"))
        r = client.post("/api/messages", data=xml, headers={
            "Authorization": "Bearer g-token", "Content-Type": "application/xml"})
        assert r.status_code == 202, r.json
        inbox = client.get("/api/messages", headers={"Authorization": "Bearer a-token"}).json
        assert [m["berichtsoort"] for m in inbox["messages"]] == ["WMO301"]
        r = client.post("/api/sessions", json={"gemeenten": 2}, headers=admin)
        assert r.status_code == 201 and len(r.json["gemeenten"]) == 2
        app.extensions["ketentest"].engine.dispose()
    finally:
        cleanup()


def test_over_tls_each_gemeente_and_the_shared_aanbieder_have_a_certificate(tmp_path):
    """With mutual TLS every gemeente of the session gets its own client certificate, the
    aanbieder one for all of them; each is known by it and routed as with tokens."""
    from .exchange_support import ADMIN, XML, running_server
    from .test_tls import _files, _with_cert

    tls = tmp_path / "tls"
    ca = str(tls / "ca.pem")
    with running_server(tmp_path, args=("--tls", "--tls-dir", str(tls)), verify=ca) as srv:
        r = requests.post(srv.url + "/api/sessions", json={"gemeenten": 2}, verify=ca,
                          headers={"Authorization": f"Bearer {ADMIN}"})
        assert r.status_code == 201, r.text
        created = r.json()
        a = next(p for p in created["parties"] if p["role"] == "aanbieder")
        g1, g2 = created["gemeenten"]
        assert all(g["certificate"]["sha256"] for g in (g1, g2, a))
        assert len({g1["certificate"]["sha256"], g2["certificate"]["sha256"]}) == 2
        second = _with_cert(ca, _files(tmp_path, "g2", g2))
        toewijzing = to_bytes(bericht(REL, "301", gemeente=g2["code"], aanbieder=a["code"]))
        r = second.post(srv.url + "/api/messages", data=toewijzing,
                        headers={"Content-Type": XML})
        assert r.status_code == 202, r.text
        vsp = Vsp(srv.url, session=_with_cert(ca, _files(tmp_path, "a", a)))
        [waiting] = vsp.waiting()
        assert waiting["routeringgegevens"]["afzender"]["code"] == g2["code"]
        start = to_bytes(bericht(REL, "305", gemeente=g2["code"], aanbieder=a["code"]))
        assert vsp.push(metadata(a["code"], g2["code"], "WMO305"), start).status_code == 204
        inbox = second.get(srv.url + "/api/messages").json()["messages"]
        assert [m["berichtsoort"] for m in inbox] == ["WMO305"]
        first = _with_cert(ca, _files(tmp_path, "g1", g1))
        assert first.get(srv.url + "/api/messages").json()["messages"] == []


def test_the_session_page_names_every_gemeente_with_a_link(tmp_path):
    from mock_gateway import create_app
    app = create_app({"database": str(tmp_path / "w.db"), "admin_token": "adm"})
    c = app.test_client()
    created = c.post("/api/sessions", json={"gemeenten": ["0014", "1966"]},
                     headers={"Authorization": "Bearer adm"}).json
    first, second = (g["session"] for g in created["gemeenten"])
    assert c.post("/web/login", data={"token": "adm"}).status_code == 302
    page = c.get(f"/web/sessions/{second}").get_data(as_text=True)
    aanbieder = created["parties"][1]["code"]
    assert f"<code>{aanbieder}</code>" in page  # the shared aanbieder, not a reserved code
    assert f'href="/web/sessions/{first}"><code>0014</code></a>' in page
    assert "<code>1966</code>" in page
    # a link shared for the session opens every gemeente's journal and messages, no other
    from mock_gateway.signing import share_token
    g2 = created["gemeenten"][1]
    sent = c.post("/api/messages", data=to_bytes(bericht(REL, "301", gemeente="1966",
                                                          aanbieder=aanbieder)),
                  headers={"Authorization": f"Bearer {g2['token']}",
                           "Content-Type": "application/xml"}).json
    other = c.post("/api/sessions", json={}, headers={"Authorization": "Bearer adm"}).json
    with app.test_request_context():
        link = share_token(first, 7)
    vendor = app.test_client()
    r = vendor.get(f"/web/shared/{link}?m={sent['id']}")
    assert r.headers["Location"] == f"/web/messages/{sent['id']}"
    assert vendor.get(f"/web/sessions/{second}").status_code == 200
    assert vendor.get(f"/web/messages/{sent['id']}").status_code == 200
    assert vendor.get(f"/web/sessions/{other['id']}").status_code == 404
