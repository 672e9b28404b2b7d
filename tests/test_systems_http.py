"""Registered systems over real HTTP: a vendor's system registered once with its own AGB code or
gemeentecode and token takes part in several sessions at once; each message goes to the
session of the counterparty it is addressed to; listing, fetching and confirming cover all its
sessions; every request and response checked against openapi.json (and VECOZO's documents for
VSP)."""
from __future__ import annotations

import pytest

from harness.factories import bericht, to_bytes

from .exchange_support import Client
from .vsp_support import Vsp, metadata

REL = "iwmo-3.2"


@pytest.fixture
def client(sqlite_server):
    return Client(sqlite_server.url)


def register(client, **body):
    return client.http.post(client.url + "/api/systems", json=body, headers=client.admin)


def test_register_list_and_refuse_bad_or_taken_identities(client):
    r = register(client, name="ecd-acme", role="aanbieder", code="12340001")
    assert r.status_code == 201, r.text
    assert r.json()["token"] and r.json()["code"] == "12340001"
    assert r.json()["certificate"] is False  # no TLS on this exchange
    assert register(client, name="ecd-acme", role="aanbieder", code="12340002").status_code == 409
    assert register(client, name="ander", role="aanbieder", code="12340001").status_code == 409
    for bad in ({"name": "x y", "role": "aanbieder", "code": "12340003"},
                {"name": "x", "role": "zorgkantoor", "code": "12340003"},
                {"name": "x", "role": "aanbieder", "code": "1234"},
                {"name": "x", "role": "gemeente", "code": "9999"},
                {"name": "x", "role": "gemeente", "code": "0363", "push_url": "ftp://g"}):
        r = register(client, **bad)
        assert r.status_code == 400, bad
    session = client.new_session()
    r = register(client, name="bezet", role="gemeente", code=session.gemeente.code)
    assert r.status_code == 409 and r.json()["code"] == "CODE_IN_USE"
    listed = client.http.get(client.url + "/api/systems", headers=client.admin).json()
    assert [x["name"] for x in listed["systems"]] == ["ecd-acme"]
    r = client.http.post(client.url + "/api/sessions", json={"system": "onbekend"},
                         headers=client.admin)
    assert r.status_code == 400 and "not registered" in r.json()["message"]


def test_one_aanbieder_system_in_two_sessions_routed_by_the_counterparty(client, sqlite_server):
    r = register(client, name="ecd-twee", role="aanbieder", code="22220001")
    token = r.json()["token"]
    a = client.new_session(system="ecd-twee")
    b = client.new_session(system="ecd-twee")
    assert a.aanbieder.code == b.aanbieder.code == "22220001"
    assert a.parties["aanbieder"].code == "22220001"
    assert a.gemeente.code != b.gemeente.code  # the simulated counterparties: fresh codes
    for s in (a, b):
        assert s.submit(s.gemeente, s.build(REL, "301")).status_code == 202
    system = Vsp(sqlite_server.url, token)
    waiting = system.waiting()
    assert sorted(m["routeringgegevens"]["afzender"]["code"] for m in waiting) == \
        sorted([a.gemeente.code, b.gemeente.code])
    for m in waiting:  # fetched and confirmed with the system's own token
        traceer = m["referentiegegevens"]["traceerId"]
        assert system.payload(traceer).status_code == 200
        assert system.confirm(traceer).status_code == 202
    assert system.waiting() == []

    # a 305 for b's gemeente goes to session b; one over the REST mailbox for a's to a
    start_b = to_bytes(bericht(REL, "305", gemeente=b.gemeente.code, aanbieder="22220001"))
    r = system.push(metadata("22220001", b.gemeente.code, "WMO305"), start_b)
    assert r.status_code == 204, r.text
    start_a = to_bytes(bericht(REL, "305", gemeente=a.gemeente.code, aanbieder="22220001"))
    r = client.http.post(client.url + "/api/messages", data=start_a,
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/xml"})
    assert r.status_code == 202, r.text
    assert [m["berichtsoort"] for m in b.box(b.gemeente)] == ["WMO305"]
    assert [m["berichtsoort"] for m in a.box(a.gemeente)] == ["WMO305"]
    outbox = client.http.get(client.url + "/api/messages", params={"box": "outbox"},
                             headers={"Authorization": f"Bearer {token}"}).json()["messages"]
    assert sorted(m["session"] for m in outbox) == sorted([a.id, b.id])

    # addressed to a gemeente of none of its sessions: refused, in its newest session
    elsewhere = "0344" if "0344" not in (a.gemeente.code, b.gemeente.code) else "0599"
    stray = to_bytes(bericht(REL, "305", gemeente=elsewhere, aanbieder="22220001"))
    r = system.push(metadata("22220001", elsewhere, "WMO305"), stray)
    assert r.status_code == 422 and r.json()["meldingen"][0]["code"] == "BRS33"
    assert [m["refusal"]["code"] for m in b.journal() if m["status"] == "afgekeurd"] == ["BRS33"]

    # the system stays while it has sessions
    r = client.http.delete(client.url + "/api/systems/ecd-twee", headers=client.admin)
    assert r.status_code == 409
    for s in (a, b):
        assert s.admin("DELETE", "").status_code == 204
    r = system.pull()
    assert r.status_code == 200 and r.json() == []
    bare = Vsp(sqlite_server.url, token, checked=False)
    r = bare.push(metadata("22220001", a.gemeente.code, "WMO305"), start_a)
    assert r.status_code == 409 and "no session" in r.json()["detail"]
    r = client.http.delete(client.url + "/api/systems/ecd-twee", headers=client.admin)
    assert r.status_code == 204


def test_a_gemeente_system_gets_its_push_url_and_code_in_every_session(client):
    code, = client.free_gemeentecodes(1)
    r = register(client, name="gemeente-systeem", role="gemeente", code=code,
                 push_url="https://gemeente.example/ggk")
    assert r.status_code == 201, r.text
    s = client.new_session(system="gemeente-systeem")
    assert s.gemeente.code == code
    assert s.admin("GET", "").json()["ggk_url"] == "https://gemeente.example/ggk"
    token = r.json()["token"]
    toewijzing = to_bytes(bericht(REL, "301", gemeente=code, aanbieder=s.aanbieder.code))
    r = client.http.post(client.url + "/api/messages", data=toewijzing,
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/xml"})
    assert r.status_code == 202, r.text
    assert [m["berichtsoort"] for m in s.box(s.aanbieder)] == ["WMO301"]


def test_a_regio_of_gemeenten_shares_one_aanbieder_system(client, sqlite_server):
    """A regio: one session per gemeente (real CBS codes, one profile), all with the same
    aanbieder system; each gemeente's journal and chain are its own, routing goes by the
    gemeente a message is addressed to, a gemeente outside the regio is BRS33."""
    token = register(client, name="ecd-regio", role="aanbieder", code="33330001").json()["token"]
    first, second, third = codes = client.free_gemeentecodes(3)
    regio = {code: client.new_session(system="ecd-regio", regio="ommelanden",
                                      profile="regio-accepteert", gemeentecode=code)
             for code in codes}
    assert {c: s.gemeente.code for c, s in regio.items()} == {c: c for c in regio}
    r = client.http.post(client.url + "/api/sessions", headers=client.admin,
                         json={"system": "ecd-regio", "gemeentecode": first})
    assert r.status_code == 409 and r.json()["code"] == "CODE_IN_USE"
    r = client.http.post(client.url + "/api/sessions", headers=client.admin,
                         json={"gemeentecode": "9999"})
    assert r.status_code == 400
    listed = client.http.get(client.url + "/api/sessions", params={"regio": "ommelanden"},
                             headers=client.admin).json()["sessions"]
    assert sorted(s["parties"][0]["code"] for s in listed) == sorted(codes)
    assert {s["regio"] for s in listed} == {"ommelanden"}

    for s in regio.values():
        assert s.submit(s.gemeente, s.build(REL, "301")).status_code == 202
    system = Vsp(sqlite_server.url, token)
    assert sorted(m["routeringgegevens"]["afzender"]["code"] for m in system.waiting()) == \
        sorted(codes)
    for code in (second, third):
        start = to_bytes(bericht(REL, "305", gemeente=code, aanbieder="33330001"))
        assert system.push(metadata("33330001", code, "WMO305"), start).status_code == 204
    for code, s in regio.items():
        sent = [m["berichtsoort"] for m in s.journal() if m["sender"]["role"] == "aanbieder"]
        assert sent == ([] if code == first else ["WMO305"]), code
        assert [m["berichtsoort"] for m in s.box(s.gemeente)] == sent
    other = next(c for c in ("0765", "0014") if c not in codes)  # outside the regio
    outside = to_bytes(bericht(REL, "305", gemeente=other, aanbieder="33330001"))
    r = system.push(metadata("33330001", other, "WMO305"), outside)
    assert r.status_code == 422 and r.json()["meldingen"][0]["code"] == "BRS33"
