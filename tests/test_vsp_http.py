"""VECOZO's VSP-Koppeling REST on the exchange over real HTTP: an aanbieder system pushes,
pulls, confirms and asks for berichtstatus at VECOZO's own paths, every request and response
checked against VECOZO's OpenAPI documents (tests/vsp_support.py; skipped where
../shared/reference/vecozo is absent). The gemeente side uses the REST mailbox."""
from __future__ import annotations

import hashlib
import json
import uuid

import pytest

from harness.factories import bericht, data, render, to_bytes
from harness.parties.read import read
from harness.standard import release

from .exchange_support import Client
from .vsp_support import Vsp, metadata, new_id

REL = "iwmo-3.2"


@pytest.fixture
def session(server):
    return Client(server.url).new_session()


@pytest.fixture
def vsp(session, server):
    return Vsp(server.url, session.aanbieder.token)


def meta(session, subtype: str, **kw) -> dict:
    return metadata(session.aanbieder.code, session.gemeente.code, subtype, **kw)


def retour(heen: bytes, message: str) -> bytes:
    return to_bytes(bericht(REL, message, retourcodes=[], heen=read(heen)[2]))


def journal_by_ref(session) -> dict:
    return {m["referentienummer"]: m for m in session.journal()}


# -- round trips -------------------------------------------------------------------------

def test_aanbieder_pulls_a_toewijzing_confirms_it_and_answers_over_vsp(session, vsp):
    """301 from the gemeente (REST) -> pulled over VSP with its metadata, the very bytes and
    their checksum; DELETE confirms it (bezorgd, gone from the list); the 302 pushed over VSP
    reaches the gemeente's inbox in the same conversation, and berichtstatus follows it."""
    toewijzing = session.build(REL, "301")
    assert session.submit(session.gemeente, toewijzing).status_code == 202
    [waiting] = vsp.waiting()
    route, ref = waiting["routeringgegevens"], waiting["referentiegegevens"]
    assert route["afzender"] == {"rol": "Gemeente", "code": session.gemeente.code}
    assert route["geadresseerden"] == [{"rol": "Zorgaanbieder", "code": session.aanbieder.code}]
    assert route["berichtstroom"] == {"berichttype": "WMO", "berichtsubtype": "WMO301",
                                      "berichtversie": 3, "berichtsubversie": 2,
                                      "actie": "Heenbericht"}
    traceer = ref["traceerId"]
    assert ref["conversatieId"] == traceer and "alsAntwoordOp" not in ref
    got = vsp.payload(traceer)
    assert got.status_code == 200 and got.content == toewijzing
    download = waiting["basisgegevens"]["payload"]
    assert download["url"].endswith(f"/berichten/{traceer}/payload")
    assert download["grootte"] == len(toewijzing)
    assert download["checksum"] == {"algoritme": "SHA256",
                                    "waarde": hashlib.sha256(toewijzing).hexdigest()}
    assert vsp.confirm(traceer).status_code == 202
    assert vsp.waiting() == [] and vsp.confirm(traceer).status_code == 202  # idempotent
    assert vsp.payload(traceer).status_code == 404  # no longer waiting
    assert journal_by_ref(session)[traceer]["status"] == "bezorgd"

    antwoord, answer_id = retour(toewijzing, "302"), new_id()
    r = vsp.push(meta(session, "WMO302", traceer_id=answer_id, conversatie_id=traceer,
                      actie="Retourbericht"), antwoord)
    assert r.status_code == 204, r.text
    [inbox] = session.box(session.gemeente)
    assert inbox["berichtsoort"] == "WMO302" and inbox["referentienummer"] == answer_id
    assert inbox["cross_ref"] == traceer
    assert session.get(session.gemeente, f"/api/messages/{inbox['id']}").content == antwoord
    [status] = vsp.statuses(traceerId=answer_id)
    assert status["berichtstatus"] == "WordtAangeboden" and "meldingen" not in status
    assert status["referentiegegevens"] == {"conversatieId": traceer, "traceerId": answer_id,
                                            "alsAntwoordOp": traceer}
    assert status["berichtstroom"]["actie"] == "Retourbericht"
    session.post(session.gemeente, f"/api/messages/{inbox['id']}/ack")
    assert vsp.statuses(traceerId=answer_id)[0]["berichtstatus"] == "Bezorgd"
    # by the heen's traceerId: the heen itself and the retour answering it (alsAntwoordOp)
    both = vsp.statuses(traceerId=traceer)
    assert [s["referentiegegevens"]["traceerId"] for s in both] == [traceer, answer_id]
    assert len(vsp.statuses(conversatieId=traceer)) == 2


def test_a_heen_message_pushed_over_vsp_is_answered_in_its_conversation(session, vsp):
    """305 over VSP (the journal has the traceerId as referentienummer and the given
    conversatieId); the gemeente's 306 (REST) is offered with alsAntwoordOp = the 305's
    traceerId in the 305's conversation, and the zoekpaden find it."""
    start, traceer, conversatie = session.build(REL, "305"), new_id(), new_id()
    r = vsp.push(meta(session, "WMO305", traceer_id=traceer, conversatie_id=conversatie), start)
    assert r.status_code == 204, r.text
    [heen] = session.box(session.gemeente)
    assert heen["referentienummer"] == traceer and heen["sender"]["code"] == session.aanbieder.code
    fetched = session.get(session.gemeente, f"/api/messages/{heen['id']}").content
    assert fetched == start
    assert session.submit(session.gemeente, retour(start, "306")).status_code == 202
    [waiting] = vsp.waiting()
    ref = waiting["referentiegegevens"]
    assert ref["alsAntwoordOp"] == traceer and ref["conversatieId"] == conversatie
    assert waiting["routeringgegevens"]["berichtstroom"]["actie"] == "Retourbericht"

    def found(zoekpad):
        r = vsp.zoeken(zoekpad)
        assert r.status_code == 200, r.text
        return [m["referentiegegevens"]["traceerId"] for m in r.json()]

    mine = [ref["traceerId"]]
    assert found({"zoekpadType": "ZoekpadOpAlsAntwoordOp", "alsAntwoordOp": traceer}) == mine
    assert found({"zoekpadType": "ZoekpadOpConversatieId", "conversatieId": conversatie}) == mine
    assert found({"zoekpadType": "ZoekpadOpBerichtstroom", "berichttype": "WMO",
                  "berichtsubtype": "WMO306", "geadresseerdeCode": session.aanbieder.code}) == mine
    assert found({"zoekpadType": "ZoekpadOpBerichtstroom", "berichttype": "WMO",
                  "berichtsubtype": "WMO302"}) == []
    assert found({"zoekpadType": "ZoekpadOpBerichtstroom", "berichttype": "JW"}) == []
    assert found({"zoekpadType": "ZoekpadOpConversatieId", "conversatieId": new_id()}) == []


def test_pull_gives_the_oldest_first_up_to_limit(server):
    session = Client(server.url).new_session(release="ijw-3.2")
    vsp = Vsp(server.url, session.aanbieder.token)
    sent = []
    for _ in range(3):
        r = session.submit(session.gemeente, session.build("ijw-3.2", "301"))
        assert r.status_code == 202
        sent.append(r.json()["id"])
    refs = {m["id"]: m["referentienummer"] for m in session.journal()}
    order = [refs[i] for i in sent]
    assert [m["referentiegegevens"]["traceerId"] for m in vsp.waiting(limit=2)] == order[:2]
    assert vsp.waiting()[0]["routeringgegevens"]["berichtstroom"]["berichttype"] == "JW"
    assert vsp.confirm(order[0]).status_code == 202
    assert [m["referentiegegevens"]["traceerId"] for m in vsp.waiting()] == order[1:]
    for bad in (0, 251, "veel"):
        r = vsp.pull(limit=bad)
        assert r.status_code == 400 and "limit" in r.json()["errors"]


# -- refusals (422, with the hubs' code as melding, journalled, in berichtstatus) ---------

def refused(vsp, session, body, payload, code: str) -> dict:
    before = len(session.box(session.gemeente))
    r = vsp.push(body, payload)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert [m["code"] for m in problem["meldingen"]][:1] == [code]
    assert problem["title"].startswith(code) and problem["detail"]
    traceer = body["referentiegegevens"]["traceerId"]
    [status] = [s for s in vsp.statuses(traceerId=traceer)
                if s["berichtstatus"] == "AfgekeurdDoorDienst"]
    assert status["meldingen"][0]["code"] == code
    entry = [m for m in session.journal() if m["id"] == problem["id"]]
    assert entry and entry[0]["status"] == "afgekeurd" and entry[0]["refusal"]["code"] == code
    assert len(session.box(session.gemeente)) == before  # nothing reached the gemeente
    return problem


def test_payload_refusals_carry_the_hubs_codes(session, vsp):
    start = session.build(REL, "305")
    refused(vsp, session, meta(session, "WMO305"), b"<Bericht><niet-af>", "BRS14")
    d = data(REL, "305", gemeente=session.gemeente.code, aanbieder=session.aanbieder.code)
    d["Client"]["Bsn"] = "12345"
    problem = refused(vsp, session, meta(session, "WMO305"),
                      to_bytes(render(release(REL), "305", d)), "BRS13")
    assert "/Bericht/Client/Bsn" in problem["detail"] and problem["findings"]
    other = "0344" if session.gemeente.code != "0344" else "0363"
    elsewhere = to_bytes(bericht(REL, "305", gemeente=other, aanbieder=session.aanbieder.code))
    body = metadata(session.aanbieder.code, other, "WMO305")
    refused(vsp, session, body, elsewhere, "BRS33")
    assert vsp.push(meta(session, "WMO305"), start).status_code == 204
    problem = refused(vsp, session, meta(session, "WMO305"), start, "BRS20")
    assert "delivered before" in problem["detail"]
    r = session.admin("POST", "/freezes", json={"messages": ["307"]})
    assert r.status_code in (200, 201), r.text
    refused(vsp, session, meta(session, "WMO307"), session.build(REL, "307"), "IB103")


def test_metadata_that_contradicts_the_payload_or_the_indiener_is_refused(session, vsp):
    start = session.build(REL, "305")
    a, g = session.aanbieder.code, session.gemeente.code
    cases = [
        (meta(session, "WMO307"), "CC02", "berichtsubtype"),
        (meta(session, "WMO305", berichttype="JW"), "CC02", "berichttype"),
        (meta(session, "WMO305", berichtversie=2), "CC02", "berichtversie"),
        (meta(session, "WMO305", berichtsubversie=3), "CC02", "berichtsubversie"),
        (metadata(a, "0344" if g != "0344" else "0363", "WMO305"), "CC02", "geadresseerden"),
        (metadata("12345678" if a != "12345678" else "87654321", g, "WMO305"), "BRS03",
         "afzender.code"),
    ]
    wrong_rol = meta(session, "WMO305")
    wrong_rol["routeringgegevens"]["afzender"]["rol"] = "Gemeente"
    cases.append((wrong_rol, "BRS02", "afzender.rol"))
    to_aanbieder = meta(session, "WMO305")
    to_aanbieder["routeringgegevens"]["geadresseerden"][0]["rol"] = "Zorgaanbieder"
    cases.append((to_aanbieder, "BRS05", "geadresseerden[0].rol"))
    two = meta(session, "WMO305")
    two["routeringgegevens"]["geadresseerden"].append({"rol": "Gemeente", "code": "0599"})
    cases.append((two, "CC02", "geadresseerden"))
    not_v4 = meta(session, "WMO305", traceer_id=str(uuid.uuid1()))
    cases.append((not_v4, "CC04", "traceerId"))
    for body, code, where in cases:
        problem = refused(vsp, session, body, start, code)
        assert where in problem["detail"], (code, problem["detail"])
    # the same message with right metadata passes: nothing above was delivered
    assert vsp.push(meta(session, "WMO305"), start).status_code == 204


def test_a_traceer_id_is_used_once(session, vsp):
    traceer = new_id()
    assert vsp.push(meta(session, "WMO305", traceer_id=traceer),
                    session.build(REL, "305")).status_code == 204
    problem = refused(vsp, session, meta(session, "WMO307", traceer_id=traceer),
                      session.build(REL, "307"), "CC08")
    assert traceer in problem["detail"]


# -- requests that do not follow the interface (400, not journalled) ----------------------

def test_bad_requests_are_400_with_the_field_named(session, vsp):
    start = session.build(REL, "305")
    good = meta(session, "WMO305")
    missing = json.loads(json.dumps(good))
    del missing["referentiegegevens"]["traceerId"]
    extra = json.loads(json.dumps(good))
    extra["routeringgegevens"]["berichtstroom"]["versie"] = 3
    bad_uuid = json.loads(json.dumps(good))
    bad_uuid["referentiegegevens"]["conversatieId"] = "conversatie-1"
    bad_number = json.loads(json.dumps(good))
    bad_number["routeringgegevens"]["berichtstroom"]["berichtversie"] = "3"
    cases = [
        (missing, start, "berichtMetadata.referentiegegevens.traceerId"),
        (extra, start, "berichtMetadata.routeringgegevens.berichtstroom.versie"),
        (bad_uuid, start, "berichtMetadata.referentiegegevens.conversatieId"),
        (bad_number, start, "berichtMetadata.routeringgegevens.berichtstroom.berichtversie"),
        ("{niet json", start, "berichtMetadata"),
        (good, None, "payload"),
    ]
    for body, payload, field in cases:
        r = vsp.push(body, payload)
        assert r.status_code == 400, (field, r.text)
        assert field in r.json()["errors"], (field, r.json())
    r = vsp.http.post(vsp.path("push", "/berichten"), data=start,
                      headers={"Content-Type": "application/xml"})
    assert r.status_code == 400 and "Content-Type" in r.json()["errors"]
    assert session.journal() == []  # a request that is not one is not journalled
    for zoekpad in ({"zoekpadType": "ZoekpadOpIets"}, {"zoekpadType": "ZoekpadOpConversatieId"},
                    {"zoekpadType": "ZoekpadOpAlsAntwoordOp", "alsAntwoordOp": "x"}):
        r = vsp.zoeken(zoekpad)
        assert r.status_code == 400 and r.json()["errors"], zoekpad
    for params in ({}, {"traceerId": new_id(), "conversatieId": new_id()},
                   {"traceerId": "nee"}):
        r = vsp.status(**params)
        assert r.status_code == 400 and r.json()["errors"], params


def test_unknown_ids_are_404_and_other_sessions_are_invisible(server, session, vsp):
    assert vsp.payload(new_id()).status_code == 404
    assert vsp.confirm(new_id()).status_code == 404
    assert session.submit(session.gemeente, session.build(REL, "301")).status_code == 202
    [waiting] = vsp.waiting()
    traceer = waiting["referentiegegevens"]["traceerId"]
    other = Client(server.url).new_session()
    stranger = Vsp(server.url, other.aanbieder.token)
    assert stranger.waiting() == []
    assert stranger.payload(traceer).status_code == 404
    assert stranger.confirm(traceer).status_code == 404
    assert stranger.statuses(traceerId=traceer) == []
    assert vsp.payload(traceer).status_code == 200  # still waiting for its own receiver


def test_credentials_gemeente_and_none_are_refused(server, session):
    unchecked = Vsp(server.url, checked=False)
    r = unchecked.pull()
    assert r.status_code == 401 and r.headers["Content-Type"].startswith("application/json")
    assert "Bearer" in r.json()["detail"]
    gemeente = Vsp(server.url, session.gemeente.token, checked=False)
    r = gemeente.push(meta(session, "WMO305"), session.build(REL, "305"))
    assert r.status_code == 403 and "GGk" in r.json()["detail"]
    assert gemeente.pull().status_code == 403
    assert session.journal() == []


def test_over_25_mb_is_IB007_and_not_kept(sqlite_server):
    """The payload over the hubs' 25 MB: refused with IB007 (journalled with its metadata,
    without content); a request far over it is read and thrown away, journalled too."""
    session = Client(sqlite_server.url).new_session()
    vsp = Vsp(sqlite_server.url, session.aanbieder.token)
    big = b"<" + b"x" * (25 * 1024 * 1024) + b"/>"
    body = meta(session, "WMO305")
    problem = refused(vsp, session, body, big, "IB007")
    assert "25 MB" in problem["detail"]
    entry = [m for m in session.journal() if m["id"] == problem["id"]][0]
    assert entry["size"] == len(big) and entry["referentienummer"] == \
        body["referentiegegevens"]["traceerId"]
    r = vsp.push(meta(session, "WMO305"), big + b" " * (2 * 1024 * 1024))
    assert r.status_code == 422 and r.json()["meldingen"][0]["code"] == "IB007"
    assert len([m for m in session.journal() if m["refusal"]
                and m["refusal"]["code"] == "IB007"]) == 2
