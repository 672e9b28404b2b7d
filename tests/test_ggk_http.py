"""The GGk StUF interface on the running exchange (POST /ggk, GET /ggk?wsdl, push delivery to
the gemeente's own endpoint), over real HTTP against a `ketentest serve` subprocess; every
request and response is checked against openapi.json (exchange_support).

The official examples in ../shared/reference/ggk-stuf are the envelopes' oracle; the tests
that need them skip where they are absent."""
from __future__ import annotations

import base64
import copy
import time
import uuid
from datetime import date, timedelta

import pytest
from lxml import etree

from harness.factories import bericht, data, render, to_bytes
from harness.parties import SimulatedAanbieder, SimulatedGemeente
from ketentest.agent import ExchangeAgent
from harness.profiles import builtin
from harness.standard import release
from harness.parties.read import read
from mock_gateway.stuf import (PartyBook, StufFault, Systeem, build_di01, build_du01, build_fo01,
                               check_envelope)
from mock_gateway.stuf.schema import GGK_NS, SOAP_NS, STUF_NS, schema

from .conftest import REFERENCE
from .exchange_support import Client, http, running_server
from .stuf_gemeente import SOAP_TYPE, GemeenteEndpoint, StufGemeente, body_element
from .test_parties_on_exchange import codes

EXAMPLES = REFERENCE / "ggk-stuf" / "ggk0210" / "voorbeeldberichten"
NS = {"soap": SOAP_NS, "StUF": STUF_NS, "GGK": GGK_NS}
TODAY = date(2026, 11, 2)  # a Monday


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("ggk")) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server):
    return Client(server.url)


@pytest.fixture
def endpoint():
    ep = GemeenteEndpoint()
    yield ep
    ep.close()


@pytest.fixture
def session(client):
    return client.new_session()


# --- helpers ------------------------------------------------------------------------------------

def gemeente_systeem(session) -> Systeem:
    return Systeem(session.gemeente.code, "Wmo Applicatie")


def post(session, data: bytes, token: str | None = "gemeente"):
    """POST /ggk with the token of the session's party `token`, another token, or none."""
    if token in session.parties:
        auth = session.parties[token].auth
    else:
        auth = {"Authorization": f"Bearer {token}"} if token else {}
    return session.c.http.post(session.c.url + "/ggk", data=data,
                               headers={**auth, "Content-Type": SOAP_TYPE})


def di01(session, payload: bytes | None = None, **kw) -> bytes:
    return build_di01(payload or session.build("iwmo-3.2", "301"),
                      kw.pop("zender", gemeente_systeem(session)),
                      kw.pop("ontvanger", session.aanbieder.code), **kw)


def fo01_of(response) -> etree._Element:
    """The Fo01 in a refusal's SOAP Fault (and the answer is valid for our envelope schema)."""
    assert response.status_code == 500, response.text
    assert response.headers["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    assert schema().validate(root), schema().error_log
    fo01 = root.find("soap:Body/soap:Fault/detail/StUF:Fo01Bericht", NS)
    assert fo01 is not None, response.text
    return fo01


def code_of(response) -> str:
    return fo01_of(response).findtext("StUF:body/StUF:code", namespaces=NS)


def last_entry(session) -> dict:
    return session.journal()[-1]


def wait_for(condition, timeout: float = 20, what: str = "condition"):
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.05)


def entry(session, message_id: str) -> dict:
    return next(m for m in session.journal() if m["id"] == message_id)


# --- accepted envelopes -------------------------------------------------------------------------

def test_di01_is_delivered_like_a_rest_submission(session):
    payload = session.build("iwmo-3.2", "301")
    msg = di01(session, payload)
    r = post(session, msg)
    assert r.status_code == 200, r.text
    bv03 = etree.fromstring(r.content).find("soap:Body/StUF:Bv03Bericht", NS)
    sent_ref = body_element(msg).findtext("GGK:stuurgegevens/StUF:referentienummer",
                                          namespaces=NS)
    assert bv03.findtext("StUF:stuurgegevens/StUF:crossRefnummer", namespaces=NS) == sent_ref
    [offered] = session.box(session.aanbieder)
    assert offered["berichtsoort"] == "WMO301" and offered["referentienummer"] == sent_ref
    fetched = session.get(session.aanbieder, f"/api/messages/{offered['id']}")
    assert fetched.content == payload  # the payload itself, decoded from the envelope


def test_same_verdict_and_journal_entry_as_the_rest_api(client):
    """A 301 that breaks a rule (dated 2099) through each door: the same verdict, the same
    journal entry."""
    entries = []
    for door in ("rest", "ggk"):
        s = client.new_session()
        d = data("iwmo-3.2", "301", seed=11, gemeente=s.gemeente.code, aanbieder=s.aanbieder.code)
        d["Header"]["BerichtIdentificatie"]["Dagtekening"] = "2099-01-01"
        payload = to_bytes(render(release("iwmo-3.2"), "301", d))
        r = s.submit(s.gemeente, payload) if door == "rest" else post(s, di01(s, payload))
        assert r.status_code in (200, 202), r.text
        [e] = s.journal()
        entries.append((e, s.get(None, e["verdict"]).json()["verdict"]))
    (rest, rest_verdict), (ggk, ggk_verdict) = entries
    assert rest_verdict == ggk_verdict and not rest_verdict["accepted"]
    assert rest_verdict["retourcodes"] and rest_verdict["findings"]
    same = ("berichtsoort", "release", "identificatie", "status", "size", "refusal")
    assert {k: rest[k] for k in same} == {k: ggk[k] for k in same}


def test_reference_examples_carry_real_payloads_through_the_exchange(client, endpoint):
    """The published Di01, Du01 and Fo01 examples, with this session's parties and factory
    payloads, take a 301 to the aanbieder, answer a pushed 305 and refuse a pushed 307."""
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/reference/ggk-stuf is absent: no official oracle")
    s = client.new_session(ggk_url=endpoint.url)
    gem, agb = s.gemeente.code, s.aanbieder.code

    def example(name: str, **values) -> bytes:
        root = etree.parse(str(EXAMPLES / name)).getroot()
        sg = root.find("GGK:stuurgegevens", NS)
        if sg is None:
            sg = root.find("StUF:stuurgegevens", NS)
        sg.find("StUF:zender/StUF:organisatie", NS).text = gem
        sg.find("StUF:ontvanger/StUF:organisatie", NS).text = agb
        sg.find("StUF:referentienummer", NS).text = str(uuid.uuid4())
        for path, value in values.items():
            root.find(path, NS).text = value
        env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soapenv": SOAP_NS})
        etree.SubElement(env, f"{{{SOAP_NS}}}Body").append(root)
        return etree.tostring(env, xml_declaration=True, encoding="UTF-8")

    def b64(payload: bytes) -> str:
        return base64.b64encode(payload).decode()

    heen = example("envelopHeenbericht-ggk_Di01_v21-xml.xml", **{
        "GGK:stuurgegevens/StUF:functie": "WMO301",
        "GGK:parameters/GGK:bericht/GGK:xmlBestand": b64(s.build("iwmo-3.2", "301"))})
    assert post(s, heen).status_code == 200
    assert [m["berichtsoort"] for m in s.box(s.aanbieder)] == ["WMO301"]

    for message in ("305", "307"):
        assert s.submit(s.aanbieder, s.build("iwmo-3.2", message)).status_code == 202
    start, stop = endpoint.wait(2)
    start_ref = body_element(start).findtext("GGK:stuurgegevens/StUF:referentienummer",
                                             namespaces=NS)
    start_payload = base64.b64decode(body_element(start).findtext(
        "GGK:parameters/GGK:bericht/GGK:xmlBestand", namespaces=NS))
    retour = to_bytes(bericht("iwmo-3.2", "306", retourcodes=[], heen=_read_data(start_payload)))
    du01 = example("envelopRetourbericht-ggk_Du01-v21.xml", **{
        "GGK:stuurgegevens/StUF:crossRefnummer": start_ref,
        "GGK:stuurgegevens/StUF:functie": "WMO306",
        "GGK:parameters/GGK:bericht/GGK:xmlBestand": b64(retour)})
    r = post(s, du01)
    assert r.status_code == 200, r.text
    stop_ref = body_element(stop).findtext("GGK:stuurgegevens/StUF:referentienummer",
                                           namespaces=NS)
    fo01 = example("Fo01.xml", **{"StUF:stuurgegevens/StUF:crossRefnummer": stop_ref,
                                  "StUF:body/StUF:code": "StUF055",
                                  "StUF:body/StUF:details": "WMO307-00030002 niet leesbaar"})
    r = post(s, fo01)
    assert r.status_code == 200, r.text
    kinds = {m["berichtsoort"]: m for m in s.journal()}
    assert kinds["WMO306"]["cross_ref"] == start_ref
    assert kinds["WMO307"]["status"] == "afgekeurd"
    assert kinds["WMO307"]["refusal"]["code"] == "StUF055"
    assert kinds["Fo01"]["cross_ref"] == stop_ref


def _read_data(payload: bytes) -> dict:
    return read(payload)[2]


# --- authentication -----------------------------------------------------------------------------

@pytest.mark.parametrize("token, status", [(None, 401), ("not-a-token", 401),
                                           ("aanbieder", 403)])
def test_without_the_gemeentes_token_nothing_is_read_or_journalled(session, token, status):
    r = post(session, di01(session), token=token)
    assert r.status_code == status
    fault = etree.fromstring(r.content).find("soap:Body/soap:Fault", NS)
    assert fault.find("detail") is None  # no Fo01: refused before any StUF was read
    assert ("gemeente" in fault.findtext("faultstring")) and session.journal() == []
    if status == 401:
        assert r.headers["WWW-Authenticate"] == "Bearer"


def test_zender_must_be_the_tokens_gemeente(client, session):
    other = client.new_session()  # a known organisation, but not this token's party
    r = post(session, di01(session, zender=gemeente_systeem(other)))
    fo01 = fo01_of(r)
    assert fo01.findtext("StUF:body/StUF:code", namespaces=NS) == "IB213"
    text = fo01.findtext("StUF:body/StUF:details", namespaces=NS)
    assert f"not the party of this token, gemeente {session.gemeente.code}" in text
    assert "zender/organisatie" in text
    assert last_entry(session)["refusal"]["code"] == "IB213"


def test_ontvanger_must_be_the_sessions_aanbieder(client, session):
    other = client.new_session()
    r = post(session, di01(session, ontvanger=other.aanbieder.code))
    assert code_of(r) == "IB210"
    assert session.aanbieder.code in fo01_of(r).findtext("StUF:body/StUF:details",
                                                         namespaces=NS)


# --- every Fo01 code over HTTP ------------------------------------------------------------------

def _set(msg: bytes, path: str, value: str) -> bytes:
    root = etree.fromstring(msg)
    root.find("soap:Body", NS)[0].find(path, NS).text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _retour_306(session) -> bytes:
    return to_bytes(bericht("iwmo-3.2", "306", retourcodes=[], gemeente=session.gemeente.code,
                            aanbieder=session.aanbieder.code))


def _schema_invalid_301(session) -> bytes:
    d = data("iwmo-3.2", "301", gemeente=session.gemeente.code, aanbieder=session.aanbieder.code)
    d["Header"]["BerichtIdentificatie"]["Identificatie"] = "X" * 13  # at most 12
    return to_bytes(render(release("iwmo-3.2"), "301", d))


CASES = {
    "RIN001": (lambda s: s.build("iwmo-3.2", "301"), "not a SOAP envelope"),
    "IB009": (lambda s: _set(di01(s), "GGK:stuurgegevens/StUF:referentienummer",
                             str(uuid.uuid4()).upper()), "UUID version 4"),
    "IB213": (lambda s: di01(s, zender=Systeem("0000", "Wmo Applicatie")), "unknown"),
    "IB210": (lambda s: di01(s, ontvanger="99999999"), "unknown"),
    "IB240": (lambda s: di01(s, functie="WMO305"), "the payload is a WMO301"),
    "IB102": (lambda s: build_du01(_retour_306(s), gemeente_systeem(s), s.aanbieder.code,
                                   str(uuid.uuid4())), "names no Di01"),
    "StUF055": (lambda s: di01(s, _schema_invalid_301(s)), "not conform its XSD"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_envelope_refusals_answer_their_fo01_and_are_journalled(session, code):
    make, says = CASES[code]
    msg = make(session)
    r = post(session, msg)
    fo01 = fo01_of(r)
    assert fo01.findtext("StUF:body/StUF:code", namespaces=NS) == code
    assert says in fo01.findtext("StUF:body/StUF:omschrijving", namespaces=NS) + \
        fo01.findtext("StUF:body/StUF:details", namespaces=NS)
    e = last_entry(session)
    assert e["status"] == "afgekeurd" and e["refusal"]["code"] == code
    assert e["sender"]["role"] == "gemeente" and session.box(session.aanbieder) == []
    if code == "StUF055":  # the payload's verdict is journalled with it
        assert session.get(None, e["verdict"]).json()["verdict"]["level"] == "xsd"


def test_ib007_over_25_mb_is_refused_unread(session):
    msg = di01(session)
    big = msg + b" " * (25 * 1024 * 1024)
    r = post(session, big)
    fo01 = fo01_of(r)
    assert fo01.findtext("StUF:body/StUF:code", namespaces=NS) == "IB007"
    ref = body_element(msg).findtext("GGK:stuurgegevens/StUF:referentienummer", namespaces=NS)
    assert fo01.findtext("StUF:stuurgegevens/StUF:crossRefnummer", namespaces=NS) == ref
    e = last_entry(session)
    assert e["refusal"]["code"] == "IB007" and e["size"] == len(big)


def test_ib103_while_the_message_type_is_frozen(session):
    assert session.admin("POST", "/freezes", json={"messages": ["301"]}).status_code == 201
    r = post(session, di01(session))
    assert code_of(r) == "IB103"
    assert etree.fromstring(r.content).findtext("soap:Body/soap:Fault/faultcode",
                                                namespaces=NS) == "soap:Server"
    details = fo01_of(r).findtext("StUF:body/StUF:details", namespaces=NS)
    assert "stuurgegevens/functie" in details and "after the freeze" in details
    session.admin("DELETE", "/freezes")
    assert post(session, di01(session)).status_code == 200


def test_stuf055_names_the_payloads_element_and_where_it_travels(session):
    """A payload not conform its XSD is refused by the exchange's delivery (the check every door
    runs) with the GGk's code, naming the element in the payload and the envelope's element
    that carries it; a payload that is not XML at all is StUF055 too."""
    d = data("iwmo-3.2", "301", gemeente=session.gemeente.code, aanbieder=session.aanbieder.code)
    d["Client"]["Bsn"] = "12345"
    r = post(session, di01(session, to_bytes(render(release("iwmo-3.2"), "301", d))))
    details = fo01_of(r).findtext("StUF:body/StUF:details", namespaces=NS)
    assert code_of(r) == "StUF055" and "/Bericht/Client/Bsn" in details
    assert "/parameters/bericht/xmlBestand:" in details
    r = post(session, di01(session, b"geen xml", functie="WMO301"))
    assert code_of(r) == "StUF055"
    assert "not accepted as XML" in fo01_of(r).findtext("StUF:body/StUF:details", namespaces=NS)


def test_brs20_the_same_payload_twice(session):
    payload = session.build("iwmo-3.2", "301")
    assert post(session, di01(session, payload)).status_code == 200
    r = post(session, di01(session, payload))
    assert code_of(r) == "BRS20"
    assert "delivered before" in fo01_of(r).findtext("StUF:body/StUF:details", namespaces=NS)
    assert len(session.box(session.aanbieder)) == 1


def test_ib216_a_referentienummer_used_twice(session):
    ref = str(uuid.uuid4())
    assert post(session, di01(session, referentienummer=ref)).status_code == 200
    r = post(session, di01(session, referentienummer=ref))  # another 301, the same reference
    assert code_of(r) == "IB216" and ref in fo01_of(r).findtext("StUF:body/StUF:details",
                                                                  namespaces=NS)


def test_a_du01_must_answer_a_di01_of_its_ontvanger(session):
    """crossRefnummer must name the Di01 the Du01 answers: the aanbieder's pushed 305, not the
    gemeente's own 301."""
    own = di01(session)
    assert post(session, own).status_code == 200
    own_ref = body_element(own).findtext("GGK:stuurgegevens/StUF:referentienummer",
                                         namespaces=NS)
    du = build_du01(_retour_306(session), gemeente_systeem(session), session.aanbieder.code,
                    own_ref)
    r = post(session, du)
    assert code_of(r) == "IB102"
    assert "not by" in fo01_of(r).findtext("StUF:body/StUF:details", namespaces=NS)


def test_injected_transport_fault_answers_without_fo01_and_stores_nothing(session):
    session.admin("POST", "/faults", json={"kind": "http503", "count": 1})
    r = post(session, di01(session))
    assert r.status_code == 503 and r.headers["Retry-After"] == "1"
    assert etree.fromstring(r.content).find("soap:Body/soap:Fault/detail", NS) is None
    assert session.journal() == []


# --- push delivery ------------------------------------------------------------------------------

def test_session_ggk_url_is_set_checked_and_cleared(client, endpoint):
    s = client.new_session(ggk_url=endpoint.url)
    assert s.admin("GET", "").json()["ggk_url"] == endpoint.url
    bad = s.admin("PUT", "/ggk", json={"url": "ftp://gemeente.example/ggk"})
    assert bad.status_code == 400 and "http(s) URL" in bad.json()["message"]
    assert s.admin("PUT", "/ggk", json={}).status_code == 400
    r = s.admin("PUT", "/ggk", json={"url": None})
    assert r.status_code == 200 and r.json()["ggk_url"] is None
    r = client.http.post(client.url + "/api/sessions", json={"ggk_url": "gemeente"},
                         headers=client.admin)
    assert r.status_code == 400


def test_aanbieder_messages_are_pushed_as_di01_and_du01(client, endpoint):
    s = client.new_session(ggk_url=endpoint.url)
    toewijzing = di01(s)
    assert post(s, toewijzing).status_code == 200
    [heen] = s.box(s.aanbieder)
    heen_xml = s.get(s.aanbieder, f"/api/messages/{heen['id']}").content
    retour = to_bytes(bericht("iwmo-3.2", "302", retourcodes=[], heen=_read_data(heen_xml)))
    assert s.submit(s.aanbieder, retour).status_code == 202
    assert s.submit(s.aanbieder, s.build("iwmo-3.2", "305")).status_code == 202
    pushed = [body_element(m) for m in endpoint.wait(2)]
    by_functie = {b.findtext("GGK:stuurgegevens/StUF:functie", namespaces=NS): b for b in pushed}
    du, di = by_functie["WMO302"], by_functie["WMO305"]
    assert du.tag == f"{{{GGK_NS}}}envelopRetourbericht-ggk_Du01"
    assert di.tag == f"{{{GGK_NS}}}envelopHeenbericht-ggk_Di01"
    assert du.findtext("GGK:stuurgegevens/StUF:crossRefnummer", namespaces=NS) == \
        body_element(toewijzing).findtext("GGK:stuurgegevens/StUF:referentienummer",
                                          namespaces=NS)
    assert di.findtext("GGK:stuurgegevens/StUF:zender/StUF:organisatie",
                       namespaces=NS) == s.aanbieder.code
    for b in pushed:
        assert schema().validate(etree.ElementTree(copy.deepcopy(b))), schema().error_log
    def both_delivered():  # the journal marks each push as it is answered: wait for both
        done = [m for m in s.journal() if m["receiver"]["role"] == "gemeente"
                and m["status"] == "bezorgd"]
        return done if len(done) == 2 else None

    journal = wait_for(both_delivered, what="both bezorgd")
    assert all(m["push"]["attempts"] == 1 for m in journal)


def test_failed_pushes_are_retried_and_the_message_waits_in_the_inbox(client):
    ep = GemeenteEndpoint(failures=2)
    try:
        s = client.new_session(ggk_url=ep.url)
        assert s.submit(s.aanbieder, s.build("iwmo-3.2", "305")).status_code == 202
        waiting = wait_for(lambda: [m for m in s.box(s.gemeente)
                                    if m["push"] and m["push"]["error"]], what="a failed push")
        assert waiting[0]["status"] == "aangeboden" and "HTTP 503" in waiting[0]["push"]["error"]
        ep.wait(1, timeout=30)  # after 1 s and 2 s
        done = wait_for(lambda: [m for m in s.journal() if m["status"] == "bezorgd"],
                        what="bezorgd")
        assert done[0]["push"]["attempts"] == 3 and done[0]["push"]["error"] is None
        assert ep.attempts == 3 and s.box(s.gemeente, status="aangeboden") == []
    finally:
        ep.close()


def test_an_unreachable_endpoint_loses_nothing(client, endpoint):
    s = client.new_session(ggk_url="http://127.0.0.1:9/nobody-listens")
    assert s.submit(s.aanbieder, s.build("iwmo-3.2", "305")).status_code == 202
    wait_for(lambda: [m for m in s.journal() if m["push"] and m["push"]["error"]],
             what="a failed push")
    [m] = s.box(s.gemeente, status="aangeboden")  # still there for the REST inbox
    assert m["push"]["next_attempt"] is not None
    assert s.admin("PUT", "/ggk", json={"url": endpoint.url}).status_code == 200
    assert len(endpoint.wait(1, timeout=5)) == 1  # at once, not after the back-off


def test_a_duplicate_fault_pushes_the_same_referentienummer_twice(client, endpoint):
    s = client.new_session(ggk_url=endpoint.url)
    s.admin("POST", "/faults", json={"kind": "duplicate", "count": 1, "party": "aanbieder"})
    assert s.submit(s.aanbieder, s.build("iwmo-3.2", "305")).status_code == 202
    refs = [body_element(m).findtext("GGK:stuurgegevens/StUF:referentienummer", namespaces=NS)
            for m in endpoint.wait(2)]
    assert refs[0] == refs[1]


def test_a_refused_envelopes_fo01_is_pushed_too(client, endpoint):
    s = client.new_session(ggk_url=endpoint.url)
    msg = di01(s, ontvanger="99999999")
    assert code_of(post(s, msg)) == "IB210"
    [pushed] = endpoint.wait(1)
    fo01 = body_element(pushed)
    assert fo01.tag == f"{{{STUF_NS}}}Fo01Bericht"
    assert fo01.findtext("StUF:body/StUF:code", namespaces=NS) == "IB210"
    assert fo01.findtext("StUF:stuurgegevens/StUF:crossRefnummer", namespaces=NS) == \
        body_element(msg).findtext("GGK:stuurgegevens/StUF:referentienummer", namespaces=NS)
    wait_for(lambda: last_entry(s)["push"] and last_entry(s)["push"]["pushed_at"],
             what="pushed_at")


def test_gemeente_refuses_a_pushed_payload_with_fo01_stuf055(client, endpoint):
    s = client.new_session(ggk_url=endpoint.url)
    sent = s.submit(s.aanbieder, s.build("iwmo-3.2", "305")).json()
    [pushed] = endpoint.wait(1)
    body = body_element(pushed)
    delivered = check_envelope(pushed, PartyBook({s.gemeente.code, s.aanbieder.code}))
    fo01 = build_fo01(StufFault("StUF055", "De payload is niet leesbaar voor ons systeem.",
                                "/Bericht/Client"), delivered, zender=gemeente_systeem(s))
    assert post(s, fo01).status_code == 200
    # the aanbieder sees it on its message (outbox, verdict permalink); the Fo01 is journalled
    [out] = s.box(s.aanbieder, "outbox")
    assert out["id"] == sent["id"] and out["status"] == "afgekeurd"
    assert out["refusal"]["code"] == "StUF055" and "niet leesbaar" in out["refusal"]["message"]
    page = s.get(s.aanbieder, sent["verdict"]).json()
    assert page["refusal"]["code"] == "StUF055"
    refusal = last_entry(s)
    assert refusal["berichtsoort"] == "Fo01" and refusal["cross_ref"] == \
        body.findtext("GGK:stuurgegevens/StUF:referentienummer", namespaces=NS)
    assert s.box(s.aanbieder) == []  # not in the aanbieder's inbox: no iWmo message
    assert code_of(post(s, fo01)) == "IB102"  # refused once is enough


# --- WSDL ---------------------------------------------------------------------------------------

def _wsdl_address(wsdl: bytes, tmp_path) -> str:
    zeep = pytest.importorskip("zeep")
    path = tmp_path / "ggk.wsdl"
    path.write_bytes(wsdl)
    client = zeep.Client(str(path))
    service = next(iter(client.wsdl.services.values()))
    port = next(iter(service.ports.values()))
    assert set(port.binding._operations) == {"ggk_Di01", "ggk_Du01", "Fo01"}
    return port.binding_options["address"]


def test_wsdl_is_served_with_the_exchanges_address(server, client, tmp_path):
    r = client.http.get(server.url + "/ggk?wsdl")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/xml")
    assert _wsdl_address(r.content, tmp_path) == server.url + "/ggk"
    assert client.http.get(server.url + "/ggk").status_code == 400


def test_wsdl_names_the_configured_public_url(tmp_path):
    with running_server(tmp_path, env={"KETENTEST_PUBLIC_URL": "https://ketentest.example/"}) \
            as srv:
        r = http().get(srv.url + "/ggk?wsdl")
        assert _wsdl_address(r.content, tmp_path) == "https://ketentest.example/ggk"


# --- the done criterion: a gemeente system that speaks only StUF --------------------------------

@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def any_server(request, tmp_path_factory):
    with running_server(tmp_path_factory.mktemp(f"ggk-{request.param}"), request.param) as srv:
        yield srv


def run(day: date, gemeente: StufGemeente, aanbieder: ExchangeAgent, session,
        rounds: int = 200) -> date:
    """Pump both parties until nothing is pending, in flight to the gemeente, or sent; a day
    passes when nothing happens but an answer waits for its due date."""
    for _ in range(rounds):
        busy = gemeente.pump(day) + aanbieder.pump(day)
        if busy:
            continue
        if any(m["receiver"]["role"] == "gemeente" and m["status"] in ("ontvangen", "aangeboden")
               for m in session.journal()) or gemeente.unseen:
            time.sleep(0.05)  # a push is on its way, or arrived after the gemeente's pump
            continue
        if not gemeente.pending and not aanbieder.pending:
            return day
        day += timedelta(days=1)
    raise AssertionError(f"still busy after {rounds} rounds")


def test_stuf_only_gemeente_completes_301_302_and_305_306(any_server, endpoint):
    session = Client(any_server.url).new_session(release="iwmo-3.2", ggk_url=endpoint.url)
    g, a = session.gemeente, session.aanbieder
    profile = builtin("regio-accepteert")
    gemeente = StufGemeente(any_server.url, g.token,
                            SimulatedGemeente(profile, "iwmo-3.2", g.code, a.code), endpoint)
    aanbieder = ExchangeAgent(any_server.url, a.token,
                              SimulatedAanbieder(profile, "iwmo-3.2", a.code, g.code))

    gemeente.send(gemeente.party.toewijzing(TODAY, "02A01"), today=TODAY)
    day = run(TODAY, gemeente, aanbieder, session)
    assert codes(aanbieder, "301") == [[]] and codes(gemeente, "302") == [[]]
    [bsn] = aanbieder.party.toewijzingen
    aanbieder.send(aanbieder.party.start(day, bsn), today=day)
    run(day, gemeente, aanbieder, session)
    assert codes(aanbieder, "306") == [[]]

    # the exchange judged each in the session's chain; what went to the gemeente was pushed
    journal = {m["berichtsoort"]: m for m in session.journal()}
    assert list(journal) == ["WMO301", "WMO302", "WMO305", "WMO306"]
    for m in journal.values():
        verdict = session.get(None, m["verdict"]).json()["verdict"]
        assert verdict["accepted"] and m["status"] == "bezorgd", (m, verdict)
    assert journal["WMO302"]["cross_ref"] == journal["WMO301"]["referentienummer"]
    assert journal["WMO306"]["cross_ref"] == journal["WMO305"]["referentienummer"]
    assert journal["WMO302"]["push"]["pushed_at"] and journal["WMO305"]["push"]["pushed_at"]
    assert gemeente.fo01s == [] and endpoint.attempts == 2
