"""The HTML certificate as a tester sees it: opened in a real browser (Debian's chromium,
headless, driven by Playwright) after a run in which one scenario failed. Screenshots are kept
beside the test's files, and in $KETENTEST_ARTIFACTS when that is set.

Skips where Playwright or chromium is missing; `scripts/install-browser` (part of the README's
test command) installs chromium where it can."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from .test_run import scenarios  # noqa: E402

CHROMIUM = os.environ.get("KETENTEST_CHROMIUM", "/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                                reason=f"no chromium at {CHROMIUM} (scripts/install-browser)")
FEATURES = Path(__file__).resolve().parents[1] / "ketentest" / "features"
TODAY = "2026-11-02"
FAILING = ("# language: nl\nFunctionaliteit: Een eigen keten\n\n"
           "  Scenario: Een stap die niet bestaat\n"
           '    Gegeven een keten met regioprofiel "regio-accepteert"\n'
           "    Als de gemeente iets doet wat geen stap kent\n")
# what the probe of this machine kind found necessary for chromium in a closed network
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    """The certificate of the 301-302 chain plus a scenario of our own that fails."""
    tmp = tmp_path_factory.mktemp("certificate")
    (tmp / "eigen-keten").mkdir()
    (tmp / "eigen-keten" / "onbekend.feature").write_text(FAILING, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "ketentest", "run", str(FEATURES / "301-302"),
         str(tmp / "eigen-keten" / "onbekend.feature"), "--today", TODAY,
         "--html", "certificate.html"],
        capture_output=True, text=True, cwd=tmp, timeout=600)
    assert done.returncode == 1, done.stderr[-3000:]
    return tmp / "certificate.html"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def opened(browser, certificate: Path, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(certificate.as_uri())
    return page, errors


def keep(page, certificate: Path, name: str) -> None:
    path = certificate.parent / name
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("KETENTEST_ARTIFACTS"):
        out = Path(os.environ["KETENTEST_ARTIFACTS"])
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, out / name)


def test_a_run_with_a_failure_reads_as_failed_with_the_failure_first(browser, certificate):
    page, errors = opened(browser, certificate, 1280)
    banner = page.locator(".verdict")
    assert "nok" in banner.get_attribute("class")
    chain = scenarios("301-302/*.feature")
    assert f"1 scenario(s) failed: {chain} passed, 1 failed" in banner.inner_text()
    assert page.evaluate("getComputedStyle(document.querySelector('.verdict')).backgroundColor") \
        == "rgb(251, 228, 228)"  # red, not the green of a passed run

    first = page.locator("details.scenario").first
    assert first.get_attribute("open") is not None  # a failure is shown open
    text = first.inner_text()
    assert "eigen-keten" in text and "undefined step" in text
    chains = [s.split()[1] for s in page.locator("details.scenario > summary").all_inner_texts()]
    assert chains == ["eigen-keten"] + ["301-302"] * chain  # failures first, then by chain
    assert errors == []
    keep(page, certificate, "certificate-1280.png")


def test_each_chain_bar_shows_its_share_of_passed_and_failed(browser, certificate):
    page, _ = opened(browser, certificate, 1280)
    rows = {r.locator("td").first.inner_text(): r for r in page.locator("tr:has(.bar)").all()}
    assert set(rows) == {"301-302", "eigen-keten"}

    def share(row, part):
        bar, segment = row.locator(".bar"), row.locator(f".bar .{part}")
        return segment.bounding_box()["width"] / bar.bounding_box()["width"] \
            if segment.count() else 0.0

    assert share(rows["301-302"], "p") == pytest.approx(1.0, abs=0.01)
    assert share(rows["301-302"], "f") == 0.0
    assert share(rows["eigen-keten"], "f") == pytest.approx(1.0, abs=0.01)
    assert "not certified" in rows["eigen-keten"].inner_text()
    assert rows["301-302"].locator("td").last.inner_text() == "passed"


def test_numbers_line_up_under_their_headings(browser, certificate):
    page, _ = opened(browser, certificate, 1280)
    # the right edge of the text itself, not of its cell (a cell spans its whole column)
    text_right = ("el => { const r = document.createRange(); r.selectNodeContents(el); "
                  "return r.getBoundingClientRect().right; }")
    table = page.locator("table:has(.bar)")
    for column in (1, 2, 3):  # passed, failed, skipped
        heading = table.locator("th").nth(column).evaluate(text_right)
        number = table.locator("tr").nth(1).locator("td").nth(column).evaluate(text_right)
        assert abs(heading - number) < 2


def test_every_message_opens_offline_after_its_exchange_stopped(browser, certificate):
    """The run's embedded exchange is gone (and its temporary journal removed): each message's
    link opens its verdict and XML from the file itself."""
    page, errors = opened(browser, certificate, 1280)
    scenario = page.locator("details.scenario").nth(1)
    assert scenario.get_attribute("open") is None
    scenario.locator(":scope > summary").click()
    messages = scenario.locator("tr.msg")
    assert messages.count() >= 2 and messages.first.is_visible()
    assert "WMO301" in messages.first.inner_text()
    links = [a.get_attribute("href") for a in scenario.locator("tr.msg a").all()]
    assert all(link.startswith("#m-") for link in links)  # nothing on a server that is gone
    scenario.locator("tr.msg").nth(1).get_by_role("link", name="verdict and XML").click()
    shown = page.locator("details.message[open]")
    assert shown.count() == 1 and shown.is_visible()
    assert shown.locator("summary").inner_text().startswith("WMO302 #2: accepted")
    assert "<wmo302:Bericht" in shown.locator("pre.xml").inner_text()
    assert errors == []
    keep(page, certificate, "certificate-message-1280.png")


def test_it_names_what_it_certifies_and_its_id_is_the_digest_of_its_record(browser, certificate):
    import hashlib
    import json

    from ketentest import __version__

    page, _ = opened(browser, certificate, 1280)
    assert page.locator("h1").inner_text() == "ketentest self-test"  # --sut none certifies none
    info = {r.locator("th").inner_text(): r.locator("td").inner_text()
            for r in page.locator("table.info tr").all()}
    assert info["ketentest"] == __version__ and info["release"] == "iwmo-3.2"
    assert info["scenario files"].startswith("2 file(s), SHA-256 ")
    text = page.locator("script#run-record").evaluate("el => el.textContent")
    assert info["certificate id"].split()[0] == hashlib.sha256(text.encode()).hexdigest()
    record = json.loads(text)
    codes = [s["codes"] for s in record["scenarios"] if s["status"] != "skipped" and s["codes"]]
    assert codes and all(set(c) == {"gemeente", "aanbieder"} for c in codes)
    sessions = page.locator("details.scenario .session").all_inner_texts()
    assert any(codes[0]["aanbieder"] in s for s in sessions)


def test_on_a_phone_only_the_message_tables_scroll(browser, certificate):
    page, errors = opened(browser, certificate, 360)
    page.locator("details.scenario").nth(1).locator(":scope > summary").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no page-wide scroll
    wide = page.locator("details.scenario").nth(1).locator(".wide")
    assert wide.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls in place
    assert errors == []
    keep(page, certificate, "certificate-360.png")
