"""The exchange's web pages through Flask's test client: who may see what (admin cookie, a
party's own session, shared links signed and expiring), the message page marking its
findings, the rule coverage; the JSON API unchanged beside them."""
from __future__ import annotations

import time
from datetime import date

import pytest

from harness.factories import bericht, to_bytes
from mock_gateway import create_app
from mock_gateway.web import COOKIE, share_token, xml_lines

ADMIN = {"Authorization": "Bearer adm"}
TODAY = date(2026, 11, 2)


@pytest.fixture
def app(tmp_path):
    return create_app({"database": str(tmp_path / "x.db"), "admin_token": "adm"})


def new_session(client) -> dict:
    created = client.post("/api/sessions", json={}, headers=ADMIN).json
    client.post(f"/api/sessions/{created['id']}/clock", json={"date": TODAY.isoformat()},
                headers=ADMIN)
    created["token"] = {p["role"]: p["token"] for p in created["parties"]}
    created["code"] = {p["role"]: p["code"] for p in created["parties"]}
    return created


def submit(client, session, role: str, data: bytes):
    return client.post("/api/messages", data=data, headers={
        "Authorization": f"Bearer {session['token'][role]}", "Content-Type": "application/xml"})


def start_without_toewijzing(session) -> bytes:
    """A 305 on a toewijzing the gemeente never sent: rejected by TR019."""
    return to_bytes(bericht("iwmo-3.2", "305", today=TODAY, gemeente=session["code"]["gemeente"],
                            aanbieder=session["code"]["aanbieder"]))


def admin_browser(app):
    c = app.test_client()
    assert c.post("/web/login", data={"token": "adm"}).status_code == 302
    return c


def test_pages_need_a_sign_in_and_a_wrong_token_is_refused(app):
    c = app.test_client()
    assert c.get("/").headers["Location"] == "/web/"
    assert c.get("/web/").headers["Location"].startswith("/web/login")
    session = new_session(c)
    r = c.get(f"/web/sessions/{session['id']}")
    assert r.status_code == 401 and b"<h1>Sign in</h1>" in r.data
    r = c.post("/web/login", data={"token": "not-a-token"})
    assert r.status_code == 401 and b"not known to the exchange" in r.data
    assert COOKIE not in (r.headers.get("Set-Cookie") or "")


def test_the_admin_signs_in_once_and_sees_every_session(app):
    c = admin_browser(app)
    ids = [new_session(c)["id"] for _ in range(2)]
    page = c.get("/web/").get_data(as_text=True)
    assert all(i[:12] in page for i in ids)
    assert c.get(f"/web/sessions/{ids[1]}").status_code == 200


def test_an_admin_cookie_dies_with_the_admin_token(app, tmp_path):
    c = admin_browser(app)
    cookie = c.get_cookie(COOKIE, path="/web").value
    other = create_app({"database": str(tmp_path / "x.db"), "admin_token": "new-admin"})
    o = other.test_client()
    o.set_cookie(COOKIE, cookie, path="/web")
    assert o.get("/web/").headers["Location"].startswith("/web/login")


def test_a_forged_cookie_is_ignored(app):
    c = app.test_client()
    c.set_cookie(COOKIE, '{"a": "x"}', path="/web")
    assert c.get("/web/").headers["Location"].startswith("/web/login")


def test_a_party_sees_only_its_own_session(app):
    c = app.test_client()
    mine, other = new_session(c), new_session(c)
    r = c.post("/web/login", data={"token": mine["token"]["aanbieder"]})
    assert r.headers["Location"] == f"/web/sessions/{mine['id']}"
    assert c.get(f"/web/sessions/{mine['id']}").status_code == 200
    assert c.get(f"/web/sessions/{other['id']}").status_code == 404
    assert c.get(f"/web/sessions/{other['id']}/coverage").status_code == 404
    m = submit(c, other, "aanbieder", start_without_toewijzing(other)).json["id"]
    assert c.get(f"/web/messages/{m}").status_code == 404
    assert c.get(f"/web/messages/{m}/xml").status_code == 404
    assert c.get("/web/").headers["Location"] == f"/web/sessions/{mine['id']}"  # not the list


def test_a_shared_link_shows_its_session_only_until_it_expires(app):
    admin = admin_browser(app)
    shared, other = new_session(admin), new_session(admin)
    page = admin.get(f"/web/sessions/{shared['id']}").get_data(as_text=True)
    assert "/web/shared/" in page  # the admin is offered links to share
    with app.test_request_context():
        good = share_token(shared["id"], 7)
        expired = share_token(shared["id"], 1, now=time.time() - 2 * 86400)
    vendor = app.test_client()
    r = vendor.get(f"/web/shared/{good}")
    assert r.headers["Location"] == f"/web/sessions/{shared['id']}"
    page = vendor.get(f"/web/sessions/{shared['id']}").get_data(as_text=True)
    assert shared["code"]["gemeente"] in page and "/web/shared/" not in page  # read-only
    assert vendor.get(f"/web/sessions/{other['id']}").status_code == 404
    assert b"Sessions shared with you" in vendor.get("/web/").data

    late = app.test_client()
    r = late.get(f"/web/shared/{expired}")
    assert r.status_code == 403 and b"Link expired" in r.data
    assert late.get(f"/web/sessions/{shared['id']}").status_code == 401
    r = late.get(f"/web/shared/{good[:-3]}xyz")  # altered
    assert r.status_code == 403 and b"Link not valid" in r.data


def test_a_link_to_a_deleted_session_says_so(app):
    admin = admin_browser(app)
    session = new_session(admin)
    with app.test_request_context():
        token = share_token(session["id"], 7)
    admin.delete(f"/api/sessions/{session['id']}", headers=ADMIN)
    r = app.test_client().get(f"/web/shared/{token}")
    assert r.status_code == 404 and b"deleted" in r.data


def test_sign_in_never_sends_the_browser_elsewhere(app):
    c = app.test_client()
    r = c.post("/web/login", data={"token": "adm", "next": "https://evil.example/"})
    assert r.headers["Location"] == "/web/"
    r = c.post("/web/login", data={"token": "adm", "next": "//evil.example/web/"})
    assert r.headers["Location"] == "/web/"


def test_the_message_page_marks_the_element_of_each_finding(app):
    c = admin_browser(app)
    session = new_session(c)
    m = submit(c, session, "aanbieder", start_without_toewijzing(session)).json["id"]
    page = c.get(f"/web/messages/{m}").get_data(as_text=True)
    assert "rejected: TR019" in page and "<code>9019</code>" in page
    hit = page.split('class="x hit"')[1].split("</div>")[0]
    assert "ToewijzingNummer" in hit and "TR019" in hit
    assert page.count('class="x hit"') == 1
    assert c.get(f"/web/messages/{m}/xml").data.startswith(b"<?xml") or \
        c.get(f"/web/messages/{m}/xml").data.startswith(b"<")


def test_a_refused_message_is_shown_as_text_with_its_refusal(app):
    c = admin_browser(app)
    session = new_session(c)
    m = submit(c, session, "gemeente", b"<Bericht><open>").json
    page = c.get(f"/web/messages/{m['id']}").get_data(as_text=True)
    assert "refused by the exchange" in page and "&lt;Bericht&gt;&lt;open&gt;" in page
    timeline = c.get(f"/web/sessions/{session['id']}").get_data(as_text=True)
    assert 'class="msg refused left"' not in timeline and 'class="msg refused right"' in timeline


def test_the_coverage_counts_judged_rules_and_links_findings(app):
    c = admin_browser(app)
    session = new_session(c)
    m = submit(c, session, "aanbieder", start_without_toewijzing(session)).json["id"]
    page = c.get(f"/web/sessions/{session['id']}/coverage").get_data(as_text=True)
    first = page.split("<tbody>")[1].split("</tr>")[0]
    assert 'class="found"' in first and "TR019" in first and f"/web/messages/{m}" in first
    assert "TR381" in page  # not assessed without a regio profile


def test_xml_lines_are_cut_at_the_limit():
    xml = b"<a>" + b"<b>1</b>" * 50 + b"</a>"
    lines, cut = xml_lines(xml, [{"path": "/a/b[3]", "rule": "X"}], limit=10)
    assert cut and len(lines) == 10 and [l.path for l in lines if l.hits] == ["/a/b[3]"]
    lines, cut = xml_lines(xml, [], limit=1000)
    assert not cut and len(lines) == 52


def test_the_json_api_still_answers_json(app):
    r = app.test_client().get("/api/nothing")
    assert r.status_code == 404 and r.json["code"] == "NOT_FOUND"
    r = app.test_client().get("/web/nothing")
    assert r.status_code == 404 and r.mimetype == "text/html"


def test_the_share_api_gives_a_link_that_may_open_one_message(app):
    c = app.test_client()
    session, other = new_session(c), new_session(c)
    mine = submit(c, session, "aanbieder", start_without_toewijzing(session)).json["id"]
    theirs = submit(c, other, "aanbieder", start_without_toewijzing(other)).json["id"]
    r = c.post(f"/api/sessions/{session['id']}/share", json={"days": 2}, headers=ADMIN)
    assert r.status_code == 201 and "/web/shared/" in r.json["url"]
    link = r.json["url"].split("localhost", 1)[1]
    assert app.test_client().get(f"{link}?m={mine}").headers["Location"] == f"/web/messages/{mine}"
    # a message of another session is not opened through this session's link
    assert app.test_client().get(f"{link}?m={theirs}").headers["Location"] == \
        f"/web/sessions/{session['id']}"
    for days in (0, 366, "7", True):
        assert c.post(f"/api/sessions/{session['id']}/share", json={"days": days},
                      headers=ADMIN).status_code == 400
    assert c.post("/api/sessions/nope/share", json={}, headers=ADMIN).status_code == 404
    assert c.post(f"/api/sessions/{session['id']}/share", json={}).status_code == 401
