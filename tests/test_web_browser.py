"""The exchange's web pages as a person sees them: a real exchange server (`ketentest serve`)
with one session in which a toewijzing is answered, a start on an unknown toewijzing is
rejected (TR019) and a broken message is refused; opened in Debian's chromium, headless, driven
by Playwright, at desktop and phone width. Screenshots are kept beside the test's files, and in
$KETENTEST_ARTIFACTS when that is set.

Skips where Playwright or chromium is missing (`scripts/install-browser`)."""
from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from harness.profiles import builtin

from .exchange_support import ADMIN, XML, agents, run, running_server

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("KETENTEST_CHROMIUM", "/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                                reason=f"no chromium at {CHROMIUM} (scripts/install-browser)")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TODAY = date(2026, 11, 2)


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    """(server, session): a session whose chain holds every colour of the timeline."""
    tmp = tmp_path_factory.mktemp("web")
    with running_server(tmp) as server:
        session, gemeente, aanbieder = agents(server, builtin("regio-accepteert"), start=TODAY)
        gemeente.send(gemeente.party.toewijzing(TODAY, "02A01"), today=TODAY)
        day = run(session, TODAY, gemeente, aanbieder)
        party = aanbieder.party
        unknown = party.emit("305", party.build("305", day, Client={
            **party.build("305", day)["Client"], "Bsn": "999993653"}), day)
        aanbieder.send(unknown, today=day)  # TR019: a start on a toewijzing never sent
        run(session, day, gemeente, aanbieder)
        session.c.http.hooks["response"].clear()  # a refused one is no valid API exchange
        session.submit(session.aanbieder, b"<Bericht><nietaf>", **{"Content-Type": XML})
        server.tmp = tmp
        yield server, session


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def page_of(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    return page


def sign_in(page, url: str, token: str = ADMIN):
    page.goto(url + "/web/")
    assert "/web/login" in page.url  # no cookie yet: the sign-in form
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/web/login" not in url)
    page.wait_for_load_state()


def keep(page, tmp: Path, name: str) -> None:
    path = tmp / name
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("KETENTEST_ARTIFACTS"):
        out = Path(os.environ["KETENTEST_ARTIFACTS"])
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, out / name)


def no_page_wide_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 390])
def test_the_admin_signs_in_once_and_follows_the_chain_to_a_finding(browser, exchange, width):
    server, session = exchange
    page = page_of(browser, width)
    sign_in(page, server.url)
    assert page.locator("h1").inner_text() == "Sessions"
    assert session.id[:12] in page.locator("table").inner_text()
    keep(page, server.tmp, f"web-sessions-{width}.png")

    page.get_by_role("link", name=session.id[:12]).click()
    page.wait_for_url(f"**/web/sessions/{session.id}")
    arrows = page.locator("ol.timeline > li")
    kinds = [arrows.nth(i).get_attribute("class").split()[1] for i in range(arrows.count())]
    assert kinds[:2] == ["ok", "ok"] and "rejected" in kinds and kinds[-1] == "refused"
    first = arrows.first.inner_text()
    assert "WMO301" in first and "gemeente → aanbieder" in first
    assert "on time (retour" in arrows.nth(1).inner_text()  # the 302 and its termijn
    # the arrow of the 301 runs from the gemeente's lane to the aanbieder's, left to right
    line = arrows.first.locator(".line").bounding_box()
    lanes = page.locator(".lanes span")
    gemeente, aanbieder = lanes.nth(0).bounding_box(), lanes.nth(2).bounding_box()
    assert abs(line["x"] - (gemeente["x"] + gemeente["width"] / 2)) < 3
    assert abs(line["x"] + line["width"] - (aanbieder["x"] + aanbieder["width"] / 2)) < 3
    colour = arrows.first.locator(".line").evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(29, 122, 58)"  # accepted: green
    refused = arrows.last.locator(".line").bounding_box()  # stops at the exchange's lane
    exchange_lane = lanes.nth(1).bounding_box()
    assert abs(refused["x"] - (exchange_lane["x"] + exchange_lane["width"] / 2)) < 3
    no_page_wide_scroll(page, width)
    keep(page, server.tmp, f"web-timeline-{width}.png")

    page.locator("ol.timeline > li.rejected a").first.click()
    page.wait_for_url("**/web/messages/*")
    assert page.locator(".banner").inner_text().startswith("rejected: TR019")
    hit = page.locator(".xml .hit").first
    assert "TR019" in hit.inner_text() and hit.is_visible()
    assert "Answered by (the retour message)" in page.locator(".related").inner_text()
    no_page_wide_scroll(page, width)
    keep(page, server.tmp, f"web-message-{width}.png")
    page.locator(".related a").last.click()  # the 306 that answered it
    sync_api.expect(page.locator("h1")).to_contain_text("WMO306")
    assert "WMO305" in page.locator(".related").inner_text()

    page.locator(".crumbs a").click()  # back to the session's timeline, at that message
    page.wait_for_url(f"**/web/sessions/{session.id}#m*")
    page.get_by_role("link", name="Rule coverage").click()
    page.wait_for_url("**/coverage")
    found = page.locator("table.coverage tr.found")
    assert found.first.locator("th").inner_text() == "TR019"
    no_page_wide_scroll(page, width)
    keep(page, server.tmp, f"web-coverage-{width}.png")
    assert page.errors == []


def test_a_shared_link_opens_without_a_token_and_only_its_session(browser, exchange):
    server, session = exchange
    admin = page_of(browser, 1280)
    sign_in(admin, server.url)
    admin.goto(f"{server.url}/web/sessions/{session.id}")
    admin.locator(".share summary").click()
    link = admin.get_by_label("shared link for 7 days").input_value()
    other = admin.request.post(server.url + "/api/sessions",
                               headers={"Authorization": f"Bearer {ADMIN}"}, data={}).json()

    vendor = page_of(browser, 390)  # a browser of its own: no cookie, no token
    vendor.goto(link)
    assert vendor.url.endswith(f"/web/sessions/{session.id}")
    assert vendor.locator("ol.timeline > li").count() >= 5
    assert vendor.locator(".share").count() == 0  # read-only: nothing to share onwards
    vendor.goto(f"{server.url}/web/sessions/{other['id']}")
    assert vendor.locator("h1").inner_text() == "No such session"
    vendor.goto(f"{server.url}/web/")  # not the admin's list
    assert vendor.locator("h1").inner_text() == "Sessions shared with you"
    keep(vendor, server.tmp, "web-shared-390.png")


def test_a_wrong_or_cut_link_is_refused(browser, exchange):
    server, _ = exchange
    page = page_of(browser, 1280)
    response = page.goto(server.url + "/web/shared/not-a-signed-link")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Link not valid"
    keep(page, server.tmp, "web-refused-1280.png")
    response = page.goto(server.url + "/web/sessions/whatever")
    assert response.status == 401 and page.locator("h1").inner_text() == "Sign in"


def test_an_expired_link_is_refused(browser, exchange):
    import sqlite3
    import time

    from itsdangerous import URLSafeSerializer

    server, session = exchange
    # the secret is made at its first use: a shared link made here is that use wherever this
    # test runs in the module's order
    assert session.admin("POST", "/share", json={"days": 1}).status_code == 201
    with sqlite3.connect(server.tmp / "exchange.db") as db:
        [(secret,)] = db.execute("SELECT value FROM settings WHERE name = 'web_secret'")
    token = URLSafeSerializer(secret, salt="ketentest-share").dumps(
        {"s": session.id, "e": int(time.time()) - 60})
    page = page_of(browser, 390)
    response = page.goto(f"{server.url}/web/shared/{token}")
    assert response.status == 403 and page.locator("h1").inner_text() == "Link expired"
    page.goto(f"{server.url}/web/sessions/{session.id}")
    assert page.locator("h1").inner_text() == "Sign in"  # the expired link let nothing in


def test_every_link_of_a_certificate_on_a_live_exchange_opens_without_a_token(browser, exchange,
                                                                                tmp_path):
    """A run on the shared exchange: each message of the certificate links its page through
    its session's shared link; a tester's browser (no cookie, no token) opens them all."""
    import subprocess
    import sys

    server, _ = exchange
    done = subprocess.run([sys.executable, "-m", "ketentest", "run", "--exchange", server.url,
                           "--admin-token", ADMIN, "--tags", "@TR019", "--today",
                           TODAY.isoformat(), "--html", "c.html"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    page = page_of(browser, 1280)
    page.goto((tmp_path / "c.html").as_uri())
    links = [a.get_attribute("href")
             for a in page.locator("a:text-is('on the exchange')").all()]  # closed or open
    assert len(links) >= 2 and all("/web/shared/" in link for link in links)
    tester = page_of(browser, 390)
    verdicts = []
    for link in links:
        response = tester.goto(link)
        assert response.status == 200 and "/web/messages/" in tester.url
        verdicts.append(tester.locator(".banner").inner_text())
        if "TR019" in verdicts[-1]:
            keep(tester, server.tmp, "web-from-certificate-390.png")
    assert any(v.startswith("rejected: TR019") for v in verdicts)
    assert tester.errors == []
