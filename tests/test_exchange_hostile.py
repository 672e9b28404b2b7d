"""Hostile input over real HTTP, on SQLite and PostgreSQL: every input that once made the
exchange answer 500 gets a 4xx with a clear JSON error (or, at /ggk, the hubs' Fo01), and
request bodies read the same chunked or with a Content-Length.

The envelope scan of an oversized GGk message is linear in its input: counted in regex
searches and the characters they pass over, not timed."""
from __future__ import annotations

import pytest
from lxml import etree

from mock_gateway.stuf import build_di01, envelope
from mock_gateway.stuf.schema import GGK_NS, SOAP_NS, STUF_NS

from .exchange_support import XML, Client
from .stuf_gemeente import SOAP_TYPE

NS = {"soap": SOAP_NS, "StUF": STUF_NS, "GGK": GGK_NS}
HUGE = ["9223372036854775808", "2147483648", "-1", "1" + "0" * 30, "-1" + "0" * 30]


@pytest.fixture(scope="module")
def client(server):
    return Client(server.url)  # every answer, refusals too, as openapi.json documents it


@pytest.fixture(scope="module")
def session(client):
    return client.new_session()


def bad_request(r, says: str = "") -> dict:
    assert r.status_code == 400, (r.status_code, r.text)
    body = r.json()
    assert body["code"] == "BAD_REQUEST" and says in body["message"], body
    return body


@pytest.mark.parametrize("after", HUGE)
def test_after_beyond_32_bits_is_a_400_in_the_inbox_and_the_journal(session, after):
    r = session.c.http.get(session.c.url + "/api/messages", params={"after": after},
                           headers=session.gemeente.auth)
    bad_request(r, "after must be a whole number from 0 to 2147483647")
    bad_request(session.admin("GET", "/messages", params={"after": after}), "after")


def test_after_within_range_still_lists(session):
    assert session.box(session.gemeente, after="2147483647") == []
    assert session.box(session.gemeente, after="0") == []


@pytest.mark.parametrize("path", ["/api/messages/%00", "/api/messages/%00/verdict",
                                  "/api/messages/a%00b", "/api/messages/" + "f" * 33])
def test_a_nul_or_foreign_message_id_is_not_found(session, path):
    r = session.get(session.gemeente, path)
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND", r.text


def test_a_nul_in_an_ack_or_session_id_is_not_found(session):
    r = session.post(session.aanbieder, "/api/messages/%00/ack")
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND", r.text
    for method in ("GET", "DELETE"):
        r = session.c.http.request(method, session.c.url + "/api/sessions/%00",
                                   headers=session.c.admin)
        assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND", r.text


def create(client, body=None, headers=None, **kw):
    return client.http.post(client.url + "/api/sessions", json=body,
                            headers={**client.admin, **(headers or {})}, **kw)


@pytest.mark.parametrize("body, says", [
    ({"profile": "p" * 1000}, "profile"),
    ({"profile": "regio\x00"}, "NUL"),
    ({"ggk_url": "http://gemeente.example/\x00"}, "NUL"),
    ({"ggk_url": "http://[::1"}, "ggk_url must be"),
    ({"release": ["x"]}, "Unknown release"),
    ({"release": {}}, "Unknown release"),
    ({"release": "iwmo-3.2\x00"}, "NUL"),
])
def test_session_bodies_that_once_crashed_are_400(client, body, says):
    bad_request(create(client, body), says)


def test_a_deeply_nested_body_is_400(client, session):
    bad_request(create(client, data="[" * 100_000,
                       headers={"Content-Type": "application/json"}),
                "nested at most")
    r = session.c.http.post(f"{session.c.url}/api/sessions/{session.id}/clock",
                            data='{"a":' * 50_000, headers={**session.c.admin,
                                                            "Content-Type": "application/json"})
    bad_request(r, "nested at most")


def test_ggk_url_that_does_not_parse_is_400_when_set_later(session):
    bad_request(session.admin("PUT", "/ggk", json={"url": "http://[::1"}), "ggk_url must be")


def test_a_nul_in_a_freeze_list_is_400(session):
    bad_request(session.admin("POST", "/freezes", json={"messages": ["30\x001"]}), "NUL")


def test_the_clock_keeps_to_dates_it_can_count_werkdagen_from(client):
    s = client.new_session()
    bad_request(s.admin("POST", "/clock", json={"date": "9999-12-31"}), "must lie from")
    assert s.admin("POST", "/clock", json={"date": "2999-12-30"}).status_code == 200
    bad_request(s.admin("POST", "/clock", json={"werkdagen": 5}), "must lie from")
    r = s.admin("POST", "/clock", json={"werkdagen": 0})
    assert r.status_code == 200 and r.json()["today"] == "2999-12-30"


def chunks(data: bytes, size: int = 7):
    for i in range(0, len(data), size):
        yield data[i:i + size]


def test_a_chunked_json_body_is_read_like_one_with_a_length(client):
    client = Client(client.url, check=False)  # the OpenAPI check cannot read a stream
    r = create(client, data=chunks(b'{"release": "ijw-3.2"}'),
               headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text
    assert r.json()["release"] == "ijw-3.2"
    assert "Content-Length" not in r.request.headers  # it did go chunked


def test_a_chunked_message_is_judged_like_one_with_a_length(client):
    s = Client(client.url, check=False).new_session()  # the OpenAPI check cannot read a stream
    xml = s.build("iwmo-3.2", "301")
    r = s.c.http.post(s.c.url + "/api/messages", data=chunks(xml, 1000),
                      headers={**s.gemeente.auth, "Content-Type": XML})
    assert r.status_code == 202, r.text
    assert "Content-Length" not in r.request.headers
    [entry] = s.journal()
    assert entry["size"] == len(xml) and entry["status"] == "aangeboden"
    again = s.submit(s.gemeente, xml)  # the same bytes with a length: the same message (BRS20)
    assert again.status_code == 409, again.text


def test_an_oversized_envelope_full_of_zender_tags_is_refused_ib007(client):
    s = client.new_session()
    msg = build_di01(s.build("iwmo-3.2", "301"), envelope.Systeem(s.gemeente.code, "app"),
                     s.aanbieder.code)
    bomb = b"<zender>" * 8000 + msg + b" " * (25 * 1024 * 1024)
    r = s.c.http.post(s.c.url + "/ggk", data=bomb,
                      headers={**s.gemeente.auth, "Content-Type": SOAP_TYPE})
    assert r.status_code == 500 and r.headers["Content-Type"].startswith("text/xml")  # SOAP
    fo01 = etree.fromstring(r.content).find("soap:Body/soap:Fault/detail/StUF:Fo01Bericht", NS)
    assert fo01.findtext("StUF:body/StUF:code", namespaces=NS) == "IB007"
    assert s.journal()[-1]["refusal"]["code"] == "IB007"


class Counting:
    """A compiled pattern that counts its searches and the characters they pass over."""

    def __init__(self, pattern, tally):
        self.pattern, self.tally = pattern, tally

    def search(self, text, pos=0, endpos=None):
        m = self.pattern.search(text, pos, len(text) if endpos is None else endpos)
        end = m.end() if m else (len(text) if endpos is None else endpos)
        self.tally[0] += 1
        self.tally[1] += end - pos
        return m


def scan_work(monkeypatch, data: bytes) -> tuple[int, int]:
    tally = [0, 0]
    for name in ("_OPEN", "_CLOSE"):
        counted = {k: Counting(p, tally) for k, p in getattr(envelope, name).items()}
        monkeypatch.setattr(envelope, name, counted)
    envelope._scan(data)
    monkeypatch.undo()
    return tally[0], tally[1]


@pytest.mark.parametrize("tag", [b"<zender>", b"<referentienummer>", b"<ns:zender>"])
def test_the_envelope_scan_is_linear_in_its_input(monkeypatch, tag):
    """Every search starts where the last one left off or at the head's start: the work for
    4n tags is about 4 times the work for n (a quadratic scan would be 16 times)."""
    tail = (b"<StUF:referentienummer>0e09a81f-64a0-4793-b946-d6538fb3f37e"
            b"</StUF:referentienummer>")
    small = scan_work(monkeypatch, tag * 1000 + tail)
    large = scan_work(monkeypatch, tag * 4000 + tail)
    assert small[0] == large[0] <= 2 * len(envelope._SCANNED) + 4  # searches: fixed
    assert large[1] <= 5 * small[1]
    assert large[1] <= (len(envelope._SCANNED) * 2 + 4) * len(tag * 4000 + tail)


def test_the_scan_still_reads_the_stuurgegevens(client):
    s = client.new_session()
    msg = build_di01(s.build("iwmo-3.2", "301"), envelope.Systeem(s.gemeente.code, "app"),
                     s.aanbieder.code)
    sg = envelope._scan(msg)
    root = etree.fromstring(msg)
    body = root.find("soap:Body", NS)[0]
    assert sg.referentienummer == body.findtext("GGK:stuurgegevens/StUF:referentienummer",
                                                namespaces=NS)
    assert sg.zender.organisatie == s.gemeente.code and sg.zender.applicatie == "app"
    assert sg.berichtcode == "Di01" and sg.functie == "WMO301"
