"""The mock exchange over real HTTP: a `ketentest serve` subprocess on SQLite and on the local
PostgreSQL. Every request and response is checked against openapi.json (exchange_support)."""
from __future__ import annotations

from datetime import date

import pytest
import requests
from lxml import etree

from harness.factories import bericht, data, render, to_bytes
from harness.standard import release

from .exchange_support import Client  # the server fixture: conftest

RELEASES = ("iwmo-3.2", "ijw-3.2")
OTHER_AGB = "11112222"


@pytest.fixture
def session(server):
    return Client(server.url).new_session()


def other_gemeente(code: str) -> str:
    return "0344" if code != "0344" else "0363"


# -- round trips -------------------------------------------------------------------------

def test_round_trip_of_all_28_messages(session):
    """Each message kind goes from its sender to the other party: submit (202, aangeboden),
    the receiver lists, fetches the very bytes and acks it (bezorgd), the sender sees it."""
    sent = {}
    for rel in RELEASES:
        for msg in release(rel).messages.values():
            body = session.build(rel, msg.id)
            r = session.submit(session.parties[msg.sender], body)
            assert r.status_code == 202, (msg.name, r.text)
            assert r.json()["status"] == "aangeboden" and r.json()["berichtsoort"] == msg.name
            if msg.id == "301":  # the others refer to a chain these samples do not build
                assert r.json()["accepted_by_rules"], (msg.name, r.json())
            sent[r.json()["id"]] = (msg, body)
    assert len(sent) == 28
    for msg_id, (msg, body) in sent.items():
        receiver = session.parties[msg.receiver]
        inbox = {m["id"]: m for m in session.box(receiver, status="aangeboden")}
        assert msg_id in inbox and inbox[msg_id]["berichtsoort"] == msg.name
        assert inbox[msg_id]["sender"] == {"role": msg.sender,
                                           "code": session.parties[msg.sender].code}
        fetched = session.get(receiver, f"/api/messages/{msg_id}")
        assert fetched.status_code == 200 and fetched.content == body
        assert fetched.headers["Content-Type"].startswith("application/xml")
        acked = session.post(receiver, f"/api/messages/{msg_id}/ack")
        assert acked.status_code == 200 and acked.json()["status"] == "bezorgd"
        assert acked.json()["delivered_at"] is not None
    for role in ("gemeente", "aanbieder"):
        party = session.parties[role]
        assert session.box(party, status="aangeboden") == []  # everything fetched
        outbox = session.box(party, "outbox")
        assert {m["status"] for m in outbox} == {"bezorgd"}
        assert len(outbox) == sum(1 for m, _ in sent.values() if m.sender == role)


def test_ack_is_idempotent_and_only_for_the_receiver(session):
    r = session.submit(session.gemeente, session.build("iwmo-3.2", "301"))
    msg_id = r.json()["id"]
    first = session.post(session.aanbieder, f"/api/messages/{msg_id}/ack").json()
    again = session.post(session.aanbieder, f"/api/messages/{msg_id}/ack").json()
    assert first["delivered_at"] == again["delivered_at"]
    own = session.post(session.gemeente, f"/api/messages/{msg_id}/ack")
    assert own.status_code == 403 and own.json()["code"] == "NOT_RECEIVER"


def test_verdict_permalink_keeps_rule_findings_of_a_delivered_message(session):
    """Schema-valid but breaking a rule (TR135: Dagtekening after the session's today): the
    exchange delivers it; the verdict shows the finding the receiver will answer with."""
    r = session.admin("POST", "/clock", json={"date": "2026-10-01"})
    assert r.json() == {"today": "2026-10-01", "clock": "simulated"}
    r = session.submit(session.gemeente,
                       session.build("ijw-3.2", "301", today=date(2026, 10, 5)))
    assert r.status_code == 202 and r.json()["accepted_by_rules"] is False
    assert r.json()["retourcodes"] == ["8848"]
    for viewer in (session.gemeente, session.aanbieder, None):
        v = session.get(viewer, r.json()["verdict"])
        assert v.status_code == 200
        verdict = v.json()["verdict"]
        assert verdict["level"] == "rules" and verdict["today"] == "2026-10-01"
        assert [f["rule"] for f in verdict["findings"]] == ["TR135"]
        assert verdict["findings"][0]["path"].startswith("/Bericht/Header")


# -- refusals ----------------------------------------------------------------------------

def refused(r: requests.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code and body["status"] == "afgekeurd"
    return body


def assert_journalled(session, body: dict, code: str):
    entry = {m["id"]: m for m in session.journal()}[body["id"]]
    assert entry["status"] == "afgekeurd" and entry["refusal"]["code"] == code


def test_not_wellformed_is_BRS14_for_either_side(session):
    for party in (session.gemeente, session.aanbieder):
        body = refused(session.submit(party, b"<Bericht><Header>"), 400, "BRS14")
        assert "not well-formed" in body["message"] and "line 1" in body["message"]
        assert_journalled(session, body, "BRS14")


@pytest.mark.parametrize("hostile", [
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b"<Bericht>&b;</Bericht>",
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    b"\xef\xbb\xbf<Bericht/>",
    b'<?xml version="1.0" encoding="ISO-8859-1"?><Bericht/>',
], ids=["entities", "xxe", "bom", "latin1"])
def test_unsafe_xml_is_BRS14(session, hostile):
    body = refused(session.submit(session.aanbieder, hostile), 400, "BRS14")
    assert body["findings"] and body["findings"][0]["rule"].startswith("XML-")
    verdict = session.get(session.aanbieder, f"/api/messages/{body['id']}/verdict").text
    assert "root:" not in verdict and "aaaaaaaaaaaaaaaaaaaa" not in verdict  # nothing expanded


def _invalid(session, rel: str, message: str) -> bytes:
    d = data(rel, message, gemeente=session.gemeente.code, aanbieder=session.aanbieder.code)
    d["Client"]["Bsn"] = "12345"
    return to_bytes(render(release(rel), message, d))


@pytest.mark.parametrize("role, message, code", [("gemeente", "301", "StUF055"),
                                                 ("aanbieder", "305", "BRS13")])
def test_schema_invalid_is_StUF055_at_GGk_and_BRS13_at_VECOZO(session, role, message, code):
    body = refused(session.submit(session.parties[role], _invalid(session, "iwmo-3.2", message)),
                   422, code)
    assert "/Bericht/Client/Bsn" in body["message"]  # says where, and what to do
    assert body["findings"][0]["path"] == "/Bericht/Client/Bsn"
    assert_journalled(session, body, code)
    receiver = session.parties["aanbieder" if role == "gemeente" else "gemeente"]
    assert session.box(receiver) == []  # never delivered


def test_unknown_namespace_is_refused_at_the_schema_level(session):
    body = refused(session.submit(session.gemeente, b'<Bericht xmlns="urn:x"/>'), 422, "StUF055")
    assert "not a known iWmo/iJw message" in body["message"]


def test_over_25_MB_is_IB007_and_not_stored(session):
    big = b"<Bericht>" + b"x" * (30 * 1024 * 1024) + b"</Bericht>"
    body = refused(session.submit(session.gemeente, big), 413, "IB007")
    assert "25 MB" in body["message"]
    entry = {m["id"]: m for m in session.journal()}[body["id"]]
    assert entry["size"] >= 30 * 1024 * 1024
    assert session.get(session.gemeente, f"/api/messages/{body['id']}").status_code == 410


def test_over_25_MB_without_content_length_is_IB007(session):
    chunk = b"x" * (1024 * 1024)
    stream = iter([b"<Bericht>"] + [chunk] * 27)  # chunked transfer: no Content-Length
    refused(session.submit(session.aanbieder, stream), 413, "IB007")


@pytest.mark.parametrize("role, message, code", [("gemeente", "301", "IB213"),
                                                 ("aanbieder", "305", "BRS02")])
def test_sender_not_the_tokens_party(session, role, message, code):
    party = session.parties[role]
    wrong = {"gemeente": other_gemeente(session.gemeente.code)} if role == "gemeente" \
        else {"aanbieder": OTHER_AGB}
    body_xml = to_bytes(bericht("ijw-3.2", message, **{"gemeente": session.gemeente.code,
                                                       "aanbieder": session.aanbieder.code,
                                                       **wrong}))
    body = refused(session.submit(party, body_xml), 403, code)
    assert "/Bericht/Header/Afzender" in body["message"] and party.code in body["message"]
    assert_journalled(session, body, code)


def test_a_message_of_the_other_role_is_a_sender_refusal(session):
    body = refused(session.submit(session.aanbieder, session.build("iwmo-3.2", "301")),
                   403, "BRS02")
    assert "sent by the gemeente" in body["message"]
    body = refused(session.submit(session.gemeente, session.build("iwmo-3.2", "323")),
                   403, "IB213")


def test_retour_sender_is_its_heen_messages_receiver(session):
    """A 302 copies Afzender/Ontvanger of the 301: its sender is the Ontvanger (aanbieder)."""
    heen = data("iwmo-3.2", "301", gemeente=session.gemeente.code,
                aanbieder=session.aanbieder.code)
    retour = to_bytes(bericht("iwmo-3.2", "302", heen=heen))
    assert session.submit(session.aanbieder, retour).status_code == 202
    other = to_bytes(bericht("iwmo-3.2", "302", heen=data(
        "iwmo-3.2", "301", gemeente=session.gemeente.code, aanbieder=OTHER_AGB)))
    body = refused(session.submit(session.aanbieder, other), 403, "BRS02")
    assert "/Bericht/Header/Ontvanger" in body["message"]


@pytest.mark.parametrize("role, message, code", [("gemeente", "301", "IB210"),
                                                 ("aanbieder", "323", "BRS33")])
def test_receiver_unknown_in_the_session(session, role, message, code):
    wrong = {"aanbieder": OTHER_AGB} if role == "gemeente" \
        else {"gemeente": other_gemeente(session.gemeente.code)}
    xml = to_bytes(bericht("iwmo-3.2", message, **{"gemeente": session.gemeente.code,
                                                   "aanbieder": session.aanbieder.code, **wrong}))
    body = refused(session.submit(session.parties[role], xml), 422, code)
    assert "/Bericht/Header/Ontvanger" in body["message"]
    assert_journalled(session, body, code)


def test_duplicate_identification_is_BRS20(session):
    xml = session.build("ijw-3.2", "315")
    first = session.submit(session.aanbieder, xml)
    assert first.status_code == 202
    body = refused(session.submit(session.aanbieder, xml), 409, "BRS20")
    assert first.json()["id"] in body["message"]
    assert "Identificatie" in body["message"]
    assert len(session.box(session.gemeente)) == 1
    # the same identification from the other standard's message kind is another message
    ident = etree.fromstring(xml).findtext(".//{*}BerichtIdentificatie/{*}Identificatie")
    other = session.build("ijw-3.2", "317", Header__BerichtIdentificatie={
        "Identificatie": ident, "Dagtekening": date(2026, 11, 2)})
    assert session.submit(session.aanbieder, other).status_code == 202


def test_freeze_is_IB103_within_its_window_in_session_dates(session):
    session.admin("POST", "/clock", json={"date": "2026-12-24"})
    r = session.admin("POST", "/freezes", json={"messages": ["305", "JW307"],
                                                 "from": "2026-12-20", "until": "2026-12-31"})
    assert r.status_code == 201 and len(r.json()["freezes"]) == 2
    body = refused(session.submit(session.aanbieder, session.build("iwmo-3.2", "305")),
                   503, "IB103")
    assert "WMO305" in body["message"] and "2026-12-31" in body["message"]
    refused(session.submit(session.aanbieder, session.build("ijw-3.2", "307")), 503, "IB103")
    assert session.submit(session.aanbieder, session.build("iwmo-3.2", "307")).status_code == 202
    assert session.admin("POST", "/clock", json={"werkdagen": 5}).json()["today"] == "2027-01-04"
    assert session.submit(session.aanbieder, session.build("iwmo-3.2", "305")).status_code == 202
    # open-ended freeze, lifted by DELETE
    session.admin("POST", "/freezes", json={"messages": ["323"]})
    refused(session.submit(session.aanbieder, session.build("iwmo-3.2", "323")), 503, "IB103")
    assert session.admin("DELETE", "/freezes").status_code == 204
    assert session.submit(session.aanbieder, session.build("iwmo-3.2", "323")).status_code == 202


# -- isolation and authentication ---------------------------------------------------------

def test_parties_and_sessions_never_see_each_others_messages(server):
    client = Client(server.url)
    one, two = client.new_session(), client.new_session()
    assert one.gemeente.code != two.gemeente.code and one.aanbieder.code != two.aanbieder.code
    delivered = one.submit(one.gemeente, one.build("iwmo-3.2", "301")).json()["id"]
    refusal = one.submit(one.gemeente, b"<x").json()["id"]
    for outsider in (two.gemeente, two.aanbieder):
        assert two.box(outsider) == [] and two.box(outsider, "outbox") == []
        for msg_id in (delivered, refusal):
            for path in (f"/api/messages/{msg_id}", f"/api/messages/{msg_id}/verdict"):
                r = two.get(outsider, path)
                assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"
            assert two.post(outsider, f"/api/messages/{msg_id}/ack").status_code == 404
    # the receiver sees the delivered message but not the sender's refusals
    assert [m["id"] for m in one.box(one.aanbieder)] == [delivered]
    assert one.get(one.aanbieder, f"/api/messages/{refusal}").status_code == 404
    assert one.get(one.aanbieder, f"/api/messages/{refusal}/verdict").status_code == 404
    # an id that never existed looks the same as someone else's
    never = one.get(one.aanbieder, "/api/messages/" + "0" * 32)
    assert never.status_code == 404 and never.json() == two.get(two.gemeente, f"/api/messages/{delivered}").json()


def test_tokens(server):
    client = Client(server.url)
    s = client.new_session()
    url = server.url
    plain = requests.Session()
    assert plain.get(url + "/api/messages").status_code == 401
    r = plain.get(url + "/api/messages", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.json()["code"] == "UNAUTHORIZED"
    assert r.headers["WWW-Authenticate"] == "Bearer"
    # a party token is not an admin token, and the admin has no mailbox
    assert plain.get(url + "/api/sessions", headers=s.gemeente.auth).status_code == 401
    assert plain.get(url + "/api/messages", headers=client.admin).status_code == 401
    r = plain.post(url + "/api/messages", data=b"<a/>", headers={**s.gemeente.auth,
                                                                 "Content-Type": "text/plain"})
    assert r.status_code == 415


# -- admin --------------------------------------------------------------------------------

def test_sessions_list_reset_delete(server):
    client = Client(server.url)
    s = client.new_session(release="ijw-3.2", profile="regio-test")
    assert s.submit(s.gemeente, s.build("ijw-3.2", "301")).status_code == 202
    listed = {x["id"]: x for x in client.http.get(server.url + "/api/sessions",
                                                  headers=client.admin).json()["sessions"]}
    assert listed[s.id]["release"] == "ijw-3.2" and listed[s.id]["profile"] == "regio-test"
    assert listed[s.id]["messages"] == 1
    s.admin("POST", "/clock", json={"date": "2027-01-01"})
    reset = s.admin("POST", "/reset")
    assert reset.status_code == 200 and reset.json()["messages"] == 0
    assert reset.json()["clock"] == "real" and reset.json()["today"] == date.today().isoformat()
    assert s.box(s.aanbieder) == []
    assert s.submit(s.gemeente, s.build("ijw-3.2", "301")).status_code == 202  # tokens stay
    assert s.admin("DELETE", "").status_code == 204
    assert s.admin("GET", "").status_code == 404
    r = requests.get(server.url + "/api/messages", headers=s.gemeente.auth)
    assert r.status_code == 401


def test_clock_skips_weekends_and_dutch_holidays(session):
    session.admin("POST", "/clock", json={"date": "2026-04-24"})  # Friday before Koningsdag
    assert session.admin("POST", "/clock", json={"werkdagen": 1}).json()["today"] == "2026-04-28"
    session.admin("POST", "/clock", json={"date": "2026-12-24"})
    assert session.admin("POST", "/clock", json={"werkdagen": 2}).json()["today"] == "2026-12-29"
    r = session.admin("POST", "/clock", json={"date": None})
    assert r.json() == {"today": date.today().isoformat(), "clock": "real"}
    assert session.admin("POST", "/clock", json={"werkdagen": -1}).status_code == 400
    assert session.admin("POST", "/clock", json={"date": "2026-02-30"}).status_code == 400


# -- faults -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, status, code", [("drop", 503, "DROPPED"),
                                                ("http500", 500, "INTERNAL"),
                                                ("http503", 503, "UNAVAILABLE")])
def test_transport_faults_store_nothing_and_the_retry_is_delivered(session, kind, status, code):
    r = session.admin("POST", "/faults", json={"kind": kind, "count": 2, "party": "aanbieder"})
    assert r.status_code == 201 and r.json()["remaining"] == 2
    xml = session.build("iwmo-3.2", "305")
    for _ in range(2):
        r = session.submit(session.aanbieder, xml)
        assert r.status_code == status and r.json()["code"] == code
        assert "Nothing was stored" in r.json()["message"]
    if kind == "http503":
        assert r.headers["Retry-After"] == "1"
    assert session.journal() == [] and session.box(session.gemeente) == []
    assert session.submit(session.aanbieder, xml).status_code == 202  # the retry
    assert len(session.box(session.gemeente)) == 1


def test_fault_for_one_party_leaves_the_other_alone(session):
    session.admin("POST", "/faults", json={"kind": "http500", "party": "gemeente"})
    assert session.submit(session.aanbieder, session.build("iwmo-3.2", "305")).status_code == 202
    assert session.submit(session.gemeente, session.build("iwmo-3.2", "301")).status_code == 500
    assert session.submit(session.gemeente, session.build("iwmo-3.2", "301")).status_code == 202


def test_duplicate_fault_offers_the_message_twice(session):
    session.admin("POST", "/faults", json={"kind": "duplicate"})
    r = session.submit(session.gemeente, session.build("ijw-3.2", "301"))
    assert r.status_code == 202
    inbox = session.box(session.aanbieder)
    assert len(inbox) == 2 and inbox[1]["duplicate_of"] == r.json()["id"]
    assert inbox[0]["identificatie"] == inbox[1]["identificatie"]
    assert len(session.box(session.gemeente, "outbox")) == 1  # the sender sent one
    copy = session.get(session.aanbieder, f"/api/messages/{inbox[1]['id']}")
    assert copy.content == session.get(session.aanbieder, f"/api/messages/{r.json()['id']}").content


def test_delay_fault_offers_the_message_later(session):
    import time
    session.admin("POST", "/faults", json={"kind": "delay", "seconds": 1.5})
    r = session.submit(session.gemeente, session.build("ijw-3.2", "301"))
    assert r.status_code == 202 and r.json()["status"] == "ontvangen"
    assert session.box(session.aanbieder) == []
    assert session.get(session.aanbieder, f"/api/messages/{r.json()['id']}").status_code == 404
    assert [m["status"] for m in session.box(session.gemeente, "outbox")] == ["ontvangen"]
    time.sleep(1.7)
    assert [m["id"] for m in session.box(session.aanbieder)] == [r.json()["id"]]
    assert [m["status"] for m in session.box(session.gemeente, "outbox")] == ["aangeboden"]


def test_bad_admin_requests_are_400(session):
    assert session.admin("POST", "/faults", json={"kind": "explode"}).status_code == 400
    assert session.admin("POST", "/faults", json={"kind": "delay"}).status_code == 400
    assert session.admin("POST", "/freezes", json={"messages": "301"}).status_code == 400
    r = session.admin("POST", "/freezes", json={"messages": ["301"], "from": "2027-01-02",
                                                "until": "2027-01-01"})
    assert r.status_code == 400 and "until" in r.json()["message"]
