"""The GGk StUF envelope layer (mock_gateway.stuf): own schema against the official ggk0210 XSDs,
every Fo01 code, builders, handle_soap and the WSDL.

The official envelope XSDs, WSDL and examples in ../shared/reference/ggk-stuf are the oracle;
tests that need them skip where they are absent."""
from __future__ import annotations

import base64
import copy
import uuid

import pytest
from lxml import etree

from harness.factories import bericht, data, to_bytes
from mock_gateway.stuf import (CODES, Envelope, PartyBook, StufFault, Systeem, build_bv03,
                               build_di01, build_du01, build_fo01, check_envelope, handle_soap,
                               render_wsdl, wrap_for_gemeente)
from mock_gateway.stuf.schema import GGK_NS, SOAP_NS, STUF_NS, schema

from .conftest import REFERENCE

GGK_REF = REFERENCE / "ggk-stuf" / "ggk0210"
EXAMPLES = GGK_REF / "voorbeeldberichten"
NS = {"soap": SOAP_NS, "StUF": STUF_NS, "GGK": GGK_NS}

GEMEENTE, AANBIEDER = "0363", "12345678"
UNKNOWN = "99999999"


# --- fixtures and helpers ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def ggk_ref():
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/reference/ggk-stuf is absent: no official oracle")
    return GGK_REF


@pytest.fixture(scope="session")
def official(ggk_ref) -> etree.XMLSchema:
    """The official ggk0210 envelope schema (imports StUF 0301: Fo01, Bv03 too)."""
    return etree.XMLSchema(etree.parse(str(ggk_ref / "ggk0210" / "ggkberichten" /
                                           "ggk0210_msg_ggkberichten.xsd")))


@pytest.fixture
def parties() -> PartyBook:
    return PartyBook({GEMEENTE, AANBIEDER})


def payload(message: str, std: str = "iwmo-3.2", **kw) -> bytes:
    return to_bytes(bericht(std, message, seed=3, gemeente=GEMEENTE, aanbieder=AANBIEDER, **kw))


def body_of(msg: bytes) -> etree._Element:
    root = etree.fromstring(msg)
    return root.find("soap:Body", NS)[0] if root.tag == f"{{{SOAP_NS}}}Envelope" else root


def fault_of(msg: bytes) -> etree._Element:
    """The Fo01 in a SOAP Fault's detail."""
    return etree.fromstring(msg).find("soap:Body/soap:Fault/detail/StUF:Fo01Bericht", NS)


def soap(el: etree._Element) -> bytes:
    env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soapenv": SOAP_NS})
    etree.SubElement(env, f"{{{SOAP_NS}}}Body").append(copy.deepcopy(el))
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def set_text(msg: bytes, path: str, value: str | None) -> bytes:
    """Change (None: remove) the element at an XPath below the body element."""
    root = etree.fromstring(msg)
    el = root.find("soap:Body", NS)[0].find(path, NS)
    if value is None:
        el.getparent().remove(el)
    else:
        el.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def refused(result, code: str) -> StufFault:
    assert isinstance(result, StufFault), f"expected {code}, got an accepted envelope"
    assert result.code == code, str(result)
    return result


def di01(**kw) -> bytes:
    return build_di01(kw.pop("payload", None) or payload("301"), kw.pop("zender", GEMEENTE),
                      kw.pop("ontvanger", AANBIEDER), **kw)


# --- own schema against the official XSDs -------------------------------------------------------

def _mutants(root: etree._Element):
    """Variants of a document: every element removed, duplicated, emptied, given wrong and
    boundary values, renamed into another namespace, given an unknown child; the attribute too."""
    values = ["", " Di01", "Di02", "Du01", "Fo01", "Bv03", "client", "server", "x" * 3, "ab",
              "x" * 7, "x" * 8, "x" * 31, "x" * 41, "x" * 51, "x" * 101, "x" * 201, "x" * 1001,
              "0004", "004", "00045", "abcd", "2016042113251", "1234567", "123456789012345678",
              str(uuid.uuid4()), str(uuid.uuid4()).upper(), str(uuid.uuid1()), "SGVsbG8=", "%%%",
              "WMO301"]
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    for i in range(1, len(elements)):
        def variant(change):
            doc = copy.deepcopy(root)
            el = [e for e in doc.iter() if isinstance(e.tag, str)][i]
            change(el)
            return doc
        yield variant(lambda el: el.getparent().remove(el))
        yield variant(lambda el: el.addnext(copy.deepcopy(el)))
        yield variant(lambda el: el.append(etree.Element(f"{{{STUF_NS}}}onbekend")))
        yield variant(lambda el: setattr(el, "tag", f"{{urn:other}}{etree.QName(el).localname}"))
        if len(elements[i]) == 0:
            for v in values:
                yield variant(lambda el, v=v: setattr(el, "text", v))
        else:
            yield variant(lambda el: el.insert(0, copy.deepcopy(el[-1])))  # order swapped
        if elements[i].get("bestandsnaam") is not None:
            for v in ("a.b", "AanleveringQ1.csv", "met spatie.csv", "x" * 256, "é.csv"):
                yield variant(lambda el, v=v: el.set("bestandsnaam", v))
            yield variant(lambda el: el.attrib.pop("bestandsnaam"))


def _bases():
    built = [body_of(di01()), body_of(build_du01(payload("302"), AANBIEDER, GEMEENTE,
                                                 str(uuid.uuid4()))),
             body_of(build_fo01(StufFault("IB213", "x", "/a", "y"), di01())),
             body_of(build_bv03(check_envelope(di01(), PartyBook({GEMEENTE, AANBIEDER}))))]
    return [etree.parse(str(p)).getroot() for p in sorted(EXAMPLES.glob("*.xml"))] + built


def test_reference_examples_are_valid_for_both_schemas(official):
    for path in sorted(EXAMPLES.glob("*.xml")):
        doc = etree.parse(str(path))
        assert official.validate(doc), path.name
        assert schema().validate(doc), (path.name, schema().error_log)
        assert schema().validate(etree.fromstring(soap(doc.getroot()))), path.name


def test_own_schema_agrees_with_official_on_mutants(official):
    count, rejected, disagree = 0, 0, []
    for base in _bases():
        for doc in _mutants(base):
            ours, theirs = schema().validate(doc), official.validate(doc)
            count += 1
            rejected += not theirs
            if ours != theirs:
                disagree.append((ours, theirs, etree.tostring(doc)[:400]))
    assert count > 4000 and rejected > count // 2  # the battery does break things
    assert not disagree, f"{len(disagree)} of {count} disagree, e.g. {disagree[:3]}"


# --- envelopes from the reference examples with real payloads ------------------------------------

def _example_with(name: str, payload_: bytes, functie: str) -> bytes:
    root = etree.parse(str(EXAMPLES / name)).getroot()
    root.find("GGK:stuurgegevens/StUF:functie", NS).text = functie
    root.find("GGK:parameters/GGK:bericht/GGK:xmlBestand", NS).text = \
        base64.b64encode(payload_).decode()
    return soap(root)


def test_reference_di01_and_du01_carry_real_payloads(ggk_ref):
    # the examples' parties: gemeente 0548 sends to aanbieder 01023456, who answers
    book = PartyBook({"0548", "01023456", "0484"})
    kw = dict(seed=4, gemeente="0548", aanbieder="01023456")
    heen = check_envelope(_example_with("envelopHeenbericht-ggk_Di01_v21-xml.xml",
                                        to_bytes(bericht("iwmo-3.2", "301", **kw)), "WMO301"), book)
    assert isinstance(heen, Envelope), str(heen)
    # (0548 is no longer in the CBS list: the payload breaks an external-data rule, which is
    # the receiver's business, not the envelope's)
    assert heen.message == "WMO301" and heen.payload.startswith(b"<?xml")
    assert heen.stuurgegevens.functie == "WMO301" and heen.parameters.functie_versie == "0002"
    book.record(heen)
    retour_payload = to_bytes(bericht("iwmo-3.2", "302", heen=data("iwmo-3.2", "301", **kw),
                                      retourcodes=[]))
    du01 = _example_with("envelopRetourbericht-ggk_Du01-v21.xml", retour_payload, "WMO302")
    # the published Du01 answers to 0484, but the Di01 came from 0548: no route back
    f = refused(check_envelope(du01, book), "IB102")
    assert "0548" in f.what and f.path.endswith("stuurgegevens/crossRefnummer")
    fixed = du01.replace(b"<StUF:organisatie>0484<", b"<StUF:organisatie>0548<")
    retour = check_envelope(fixed, book)
    assert isinstance(retour, Envelope) and retour.message == "WMO302", str(retour)
    assert retour.stuurgegevens.cross_refnummer == heen.stuurgegevens.referentienummer


def test_tekstbestand_example_is_refused_for_its_functie(ggk_ref):
    msg = soap(etree.parse(str(EXAMPLES / "envelopHeenbericht-ggk_Di01_v21-tekst.xml")).getroot())
    f = refused(check_envelope(msg, PartyBook({"0548", "CBS"})), "IB240")
    assert "'Dummy'" in f.what


# --- every Fo01 code --------------------------------------------------------------------------

def test_accepted_di01_gives_envelope_with_payload_and_verdict(parties):
    p = payload("301")
    env = check_envelope(di01(payload=p), parties)
    assert isinstance(env, Envelope)
    assert env.payload == p and env.message == "WMO301"
    assert env.stuurgegevens.zender.organisatie == GEMEENTE
    assert (env.parameters.functie_versie, env.parameters.functie_subversie) == ("0003", "0002")


def test_ib007_over_25_mb_is_refused_from_its_size(parties):
    msg = di01(referentienummer="0e09a81f-64a0-4793-b946-d6538fb3f37e")
    big = msg + b" " * (25 * 1024 * 1024 + 1 - len(msg))
    f = refused(check_envelope(big, parties), "IB007")
    assert f.plek == "server" and "26,214,401 bytes" in f.what
    fo01 = body_of(build_fo01(f, big))
    # the Fo01 still answers the right message: stuurgegevens read from the envelope's start
    assert fo01.findtext("StUF:stuurgegevens/StUF:crossRefnummer", namespaces=NS) == \
        "0e09a81f-64a0-4793-b946-d6538fb3f37e"


@pytest.mark.parametrize("mutate, where", [
    (lambda m: set_text(m, "GGK:stuurgegevens/StUF:functie", None), "/stuurgegevens"),
    (lambda m: set_text(m, "GGK:parameters/GGK:applicatieVersie", "4"), "/applicatieVersie"),
    (lambda m: set_text(m, "GGK:stuurgegevens/StUF:zender/StUF:applicatie", "ab"), "/applicatie"),
    (lambda m: set_text(m, "GGK:parameters/GGK:bericht/GGK:xmlBestand", "%%%"), "/xmlBestand"),
])
def test_rin001_envelope_not_conform_schema(parties, mutate, where):
    f = refused(check_envelope(mutate(di01()), parties), "RIN001")
    assert f.path.startswith("/Envelope/Body/envelopHeenbericht-ggk_Di01")
    assert f.path.endswith(where) and "not conform the ggk0210 schema" in f.what


@pytest.mark.parametrize("msg, says", [
    (b"<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'><soap:Body>",
     "not well-formed"),
    (b"", "empty"),
    (b"<Envelope xmlns='http://www.w3.org/2003/05/soap-envelope'><Body/></Envelope>", "SOAP 1.2"),
    (b"<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'><soap:Body>"
     b"<x:Lv01 xmlns:x='urn:x'/></soap:Body></soap:Envelope>", "not an operation"),
])
def test_rin001_not_a_ggk_soap_message(parties, msg, says):
    assert says in refused(check_envelope(msg, parties), "RIN001").what


def test_rin001_bare_envelope_without_soap(parties):
    f = refused(check_envelope(di01(soap=False), parties), "RIN001")
    assert "not a SOAP envelope" in f.what and "soap:Body" in f.todo


def test_hostile_xml_is_refused_without_expansion(parties):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                         for i in range(1, 10))
              + b']><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
              b"<soap:Body>&lol9;</soap:Body></soap:Envelope>")
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
           b"<a>&e;</a></soap:Body></soap:Envelope>")
    for msg in (laughs, xxe):  # refused at the DOCTYPE: nothing expanded, nothing read
        status, body = handle_soap(msg, parties, lambda env: pytest.fail("submitted"))
        assert status == 500 and b"RIN001" in body and b"DOCTYPE" in body
        assert b"lollol" not in body and b"root:" not in body
        assert fault_of(body).find("StUF:body/StUF:detailsXML", NS) is None  # not echoed


@pytest.mark.parametrize("ref", ["9C0F7B90-5C69-41E5-A837-0800200C9A66",  # upper case
                                 "9c0f7b90-5c69-11e5-a837-0800200c9a66",  # version 1
                                 "9c0f7b90-5c69-41e5-c837-0800200c9a66",  # wrong variant
                                 "12345", ""])
def test_ib009_referentienummer_not_uuid4(parties, ref):
    f = refused(check_envelope(di01(referentienummer=ref), parties), "IB009")
    assert f.path.endswith("/stuurgegevens/referentienummer") and "uuid4" in f.todo
    assert "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}" in f.what  # the pattern, quantifiers intact


def test_ib009_crossrefnummer_not_uuid4(parties):
    msg = build_du01(payload("302"), AANBIEDER, GEMEENTE, "not-a-uuid")
    f = refused(check_envelope(msg, parties), "IB009")
    assert f.path.endswith("/stuurgegevens/crossRefnummer")


def test_ib213_zender_unknown(parties):
    f = refused(check_envelope(di01(zender=UNKNOWN), parties), "IB213")
    assert UNKNOWN in f.what and f.path.endswith("zender/organisatie")


def test_ib210_ontvanger_unknown(parties):
    f = refused(check_envelope(di01(ontvanger=UNKNOWN), parties), "IB210")
    assert f.path.endswith("ontvanger/organisatie")
    assert f.omschrijving.startswith("Ontvangende organisatie onbekend.")


def test_the_envelope_is_checked_the_payload_left_to_delivery(parties):
    """The envelope's checks do not read the payload: a schema-invalid one passes them (the
    exchange's delivery refuses it with StUF055, as test_ggk_http shows), and an unknown zender
    is refused whatever the payload."""
    bad_payload = payload("301", Client__Bsn="12345")
    refused(check_envelope(di01(payload=bad_payload, zender=UNKNOWN), parties), "IB213")
    env = check_envelope(di01(payload=bad_payload), parties)
    assert isinstance(env, Envelope) and env.payload == bad_payload
    assert env.path("payload").endswith("/parameters/bericht/xmlBestand")


@pytest.mark.parametrize("make, says", [
    (lambda: di01(payload=payload("302"), functie="WMO302"), "Du01 envelope, not in a Di01"),
    (lambda: build_du01(payload("301"), AANBIEDER, GEMEENTE, str(uuid.uuid4())),
     "Di01 envelope, not in a Du01"),
    (lambda: di01(functie="WMO999"), "not an iWmo/iJw 3.2 message"),
    (lambda: di01(functie="wmo301"), "not an iWmo/iJw 3.2 message"),
    (lambda: di01(functie="iwmo-3.2:301"), "not an iWmo/iJw 3.2 message"),
])
def test_ib240_functie_and_berichtcode_do_not_fit(parties, make, says):
    f = refused(check_envelope(make(), parties), "IB240")
    assert says in f.what and f.path.endswith("/stuurgegevens/functie")


def test_du01_must_answer_a_di01_its_ontvanger_sent(parties):
    heen = check_envelope(di01(), parties)
    parties.record(heen)
    ref = heen.stuurgegevens.referentienummer
    retour = payload("302", retourcodes=[])
    refused(check_envelope(build_du01(retour, AANBIEDER, GEMEENTE, str(uuid.uuid4())), parties),
            "IB102")
    parties.organisaties.add("0344")
    wrong = refused(check_envelope(build_du01(retour, AANBIEDER, "0344", ref), parties), "IB102")
    assert f"sent by {GEMEENTE}" in wrong.what
    ok = check_envelope(build_du01(retour, AANBIEDER, GEMEENTE, ref), parties)
    assert isinstance(ok, Envelope) and ok.berichtcode == "Du01"


def test_every_code_has_a_test():
    tested = {"RIN001", "IB007", "IB009", "IB102", "IB103", "IB210", "IB213", "IB240", "StUF055",
              "IB216", "BRS20"}  # IB103, StUF055, IB216, BRS20 and the payload's IB240 are
    # delivery's checks on the payload: test_ggk_http.py
    assert set(CODES) == tested


# --- builders ---------------------------------------------------------------------------------

def _fault_for(code: str) -> StufFault:
    return StufFault(code, "what " * 60, "/Envelope/Body/x", "todo " * 250)


@pytest.mark.parametrize("code", sorted(CODES))
def test_fo01_of_every_code_is_valid_for_both_schemas(official, parties, code):
    original = di01()
    fo01 = body_of(build_fo01(_fault_for(code), original))
    doc = etree.ElementTree(fo01)
    assert official.validate(doc), official.error_log
    assert schema().validate(doc)
    assert fo01.findtext("StUF:body/StUF:code", namespaces=NS) == code
    details = fo01.findtext("StUF:body/StUF:details", namespaces=NS)
    assert details.startswith("WMO301-00010000 /Envelope/Body/x: what")
    assert len(fo01.findtext("StUF:body/StUF:omschrijving", namespaces=NS)) <= 200
    zender = fo01.findtext("StUF:stuurgegevens/StUF:zender/StUF:organisatie", namespaces=NS)
    assert zender == ("RINIS" if code == "RIN001" else "IB")
    sent = body_of(original)
    assert fo01.findtext("StUF:stuurgegevens/StUF:crossRefnummer", namespaces=NS) == \
        sent.findtext("GGK:stuurgegevens/StUF:referentienummer", namespaces=NS)
    echoed = fo01.find("StUF:body/StUF:detailsXML/GGK:envelopHeenbericht-ggk_Di01", NS)
    assert echoed is not None  # the original envelope, as XML


def test_fo01_answers_schema_invalid_zender_validly(official, parties):
    bad = set_text(di01(), "GGK:stuurgegevens/StUF:zender/StUF:applicatie", "ab")
    fo01 = body_of(build_fo01(refused(check_envelope(bad, parties), "RIN001"), bad))
    assert official.validate(etree.ElementTree(fo01)), official.error_log


def test_built_envelopes_are_valid_for_both_schemas(official, parties):
    heen = di01()
    built = [heen, build_du01(payload("302"), AANBIEDER, GEMEENTE, str(uuid.uuid4())),
             build_bv03(check_envelope(heen, parties)),
             wrap_for_gemeente(payload("305"), AANBIEDER, GEMEENTE),
             wrap_for_gemeente(payload("302", retourcodes=[]), AANBIEDER, GEMEENTE,
                               cross_ref=str(uuid.uuid4())),
             di01(zender=Systeem(GEMEENTE, "Wmo Applicatie", "Regio Noord", "gebruiker1"))]
    for msg in built:
        assert schema().validate(etree.fromstring(msg)), schema().error_log
        assert official.validate(etree.ElementTree(body_of(msg))), official.error_log


def test_wrap_for_gemeente_picks_di01_or_du01(parties):
    start = body_of(wrap_for_gemeente(payload("305"), AANBIEDER, GEMEENTE))
    assert start.tag == f"{{{GGK_NS}}}envelopHeenbericht-ggk_Di01"
    assert start.findtext("GGK:stuurgegevens/StUF:zender/StUF:applicatie", namespaces=NS) == \
        "VECOZOWebservice"
    ref = str(uuid.uuid4())
    retour = body_of(wrap_for_gemeente(payload("302", retourcodes=[]), AANBIEDER, GEMEENTE,
                                       cross_ref=ref))
    assert retour.findtext("GGK:stuurgegevens/StUF:crossRefnummer", namespaces=NS) == ref
    with pytest.raises(ValueError, match="cross_ref"):
        wrap_for_gemeente(payload("302", retourcodes=[]), AANBIEDER, GEMEENTE)


# --- handle_soap --------------------------------------------------------------------------------

def test_handle_soap_accepts_submits_and_answers_bv03(parties):
    submitted = []
    msg = di01()
    status, body = handle_soap(msg, parties, lambda env: submitted.append(env))
    assert status == 200 and len(submitted) == 1 and submitted[0].message == "WMO301"
    bv03 = body_of(body)
    assert bv03.tag == f"{{{STUF_NS}}}Bv03Bericht"
    assert schema().validate(etree.fromstring(body)), schema().error_log
    assert bv03.findtext("StUF:stuurgegevens/StUF:crossRefnummer", namespaces=NS) == \
        submitted[0].stuurgegevens.referentienummer


def test_handle_soap_refusal_is_a_soap_fault_with_the_fo01(parties):
    heard = []
    status, body = handle_soap(di01(zender=UNKNOWN), parties, lambda env: pytest.fail("submitted"),
                               refused=lambda f, fo01: heard.append((f.code, fo01)))
    assert status == 500
    fault = etree.fromstring(body).find("soap:Body/soap:Fault", NS)
    assert fault.findtext("faultcode") == "soap:Client"
    assert fault.findtext("faultstring").startswith("IB213: Zendende organisatie onbekend")
    fo01 = fault_of(body)
    assert fo01.findtext("StUF:stuurgegevens/StUF:ontvanger/StUF:organisatie",
                         namespaces=NS) == UNKNOWN  # answered to the refused message's zender
    assert schema().validate(etree.fromstring(body)), schema().error_log
    assert heard and heard[0][0] == "IB213" and b"IB213" in heard[0][1]


def test_handle_soap_passes_the_exchanges_refusal_on(parties):
    status, body = handle_soap(di01(), parties,
                               lambda env: StufFault("IB102", "no route in this session"))
    assert status == 500
    assert fault_of(body).findtext("StUF:body/StUF:code", namespaces=NS) == "IB102"
    assert fault_of(body).find("StUF:body/StUF:detailsXML/GGK:envelopHeenbericht-ggk_Di01",
                               NS) is not None


def test_gemeente_refuses_a_delivered_payload_with_fo01_stuf055(parties):
    delivered = check_envelope(wrap_for_gemeente(payload("305"), AANBIEDER, GEMEENTE), parties)
    parties.record(delivered)
    fo01 = build_fo01(StufFault("StUF055", "payload unreadable", "/Bericht"), delivered,
                      zender=Systeem(GEMEENTE, "Wmo Applicatie"))
    submitted = []
    status, body = handle_soap(fo01, parties, submitted.append)
    assert status == 200, body
    assert submitted[0].berichtcode == "Fo01" and submitted[0].fout.code == "StUF055"
    assert submitted[0].stuurgegevens.cross_refnummer == delivered.stuurgegevens.referentienummer
    stranger = build_fo01(StufFault("StUF055", "x"), delivered, zender=Systeem(AANBIEDER, "App"))
    status, body = handle_soap(stranger, parties, submitted.append)
    assert status == 500 and fault_of(body).findtext("StUF:body/StUF:code", namespaces=NS) == "IB102"


# --- WSDL ------------------------------------------------------------------------------------

def _operations(client) -> dict:
    out = {}
    for service in client.wsdl.services.values():
        for port in service.ports.values():
            for op in port.binding._operations.values():
                out[op.name] = (op.soapaction, op.input.body.qname, op.output.body.qname)
    return out


def test_wsdl_names_the_reference_operations_and_messages(ggk_ref, tmp_path):
    zeep = pytest.importorskip("zeep")
    ours = tmp_path / "ggk.wsdl"
    ours.write_bytes(render_wsdl("https://mock.example/ggk"))
    client = zeep.Client(str(ours))
    reference = zeep.Client(str(ggk_ref / "ggk0210" / "ggkberichten" /
                                "ggk0210_OntvangAsynchroon_ggkberichten.wsdl"))
    assert _operations(client) == _operations(reference)
    assert set(_operations(client)) == {"ggk_Di01", "ggk_Du01", "Fo01"}
    port = next(iter(next(iter(client.wsdl.services.values())).ports.values()))
    assert port.binding_options["address"] == "https://mock.example/ggk"


def test_a_client_generated_from_the_wsdl_is_understood(tmp_path, parties):
    zeep = pytest.importorskip("zeep")
    path = tmp_path / "ggk.wsdl"
    path.write_bytes(render_wsdl("http://localhost/ggk"))
    client = zeep.Client(str(path))
    node = client.create_message(
        client.service, "ggk_Di01",
        stuurgegevens={"berichtcode": "Di01",
                       "zender": {"organisatie": GEMEENTE, "applicatie": "Wmo Applicatie"},
                       "ontvanger": {"organisatie": AANBIEDER, "applicatie": "GGk"},
                       "referentienummer": str(uuid.uuid4()), "tijdstipBericht": "20261102120000",
                       "functie": "WMO301"},
        parameters={"applicatieVersie": "0004", "applicatieSubversie": "0003",
                    "functieVersie": "0003", "functieSubversie": "0002",
                    "bericht": {"xmlBestand": payload("301")}})
    status, body = handle_soap(etree.tostring(node), parties, lambda env: None)
    assert status == 200, body


def test_wsdl_address_is_escaped():
    wsdl = etree.fromstring(render_wsdl('http://h/ggk?a=1&b="2"'))
    loc = wsdl.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address").get("location")
    assert loc == 'http://h/ggk?a=1&b="2"'


# --- a gemeente system that speaks only StUF --------------------------------------------------

def test_stuf_only_gemeente_completes_301_302_and_305_306():
    """The whole round trip in pure functions: the gemeente posts to the exchange's endpoint
    (handle_soap) and receives pushed envelopes on its own OntvangAsynchroon, which checks them
    like the GGk does; the aanbieder side answers from the verdict (retour builder)."""
    from harness.factories import TODAY
    from harness.validation import judge
    from harness.validation.retour import answer

    exchange = PartyBook({GEMEENTE, AANBIEDER})  # what the exchange knows
    gemeente = PartyBook({GEMEENTE, AANBIEDER})  # what the gemeente system knows
    aanbieder_mailbox = []

    def submit(env):  # the exchange: remember, route to the aanbieder's mailbox
        exchange.record(env)
        aanbieder_mailbox.append(env)

    def aanbieder_answers(env) -> bytes:
        verdict = judge(env.payload, env.message)
        return to_bytes(answer(verdict, verdict.rel, TODAY))

    # 301 -> 302: the gemeente sends a Di01, the aanbieder's 302 comes back as a Du01
    di = build_di01(payload("301"), Systeem(GEMEENTE, "Wmo Applicatie"), AANBIEDER)
    gemeente.record(check_envelope(di, gemeente))
    assert handle_soap(di, exchange, submit)[0] == 200
    toewijzing = aanbieder_mailbox.pop()
    pushed = wrap_for_gemeente(aanbieder_answers(toewijzing), AANBIEDER, GEMEENTE,
                               cross_ref=toewijzing.stuurgegevens.referentienummer)
    retour = check_envelope(pushed, gemeente)
    assert isinstance(retour, Envelope) and retour.message == "WMO302", str(retour)
    assert retour.stuurgegevens.cross_refnummer == toewijzing.stuurgegevens.referentienummer

    # 305 -> 306: the aanbieder's 305 is pushed as a Di01, the gemeente answers with a Du01
    start = wrap_for_gemeente(payload("305"), AANBIEDER, GEMEENTE)
    exchange.record(check_envelope(start, exchange))  # the exchange remembers what it delivers
    received = check_envelope(start, gemeente)
    assert isinstance(received, Envelope) and received.message == "WMO305", str(received)
    du = build_du01(aanbieder_answers(received), Systeem(GEMEENTE, "Wmo Applicatie"), AANBIEDER,
                    received.stuurgegevens.referentienummer)
    status, body = handle_soap(du, exchange, submit)
    assert status == 200, body
    assert aanbieder_mailbox.pop().message == "WMO306"
