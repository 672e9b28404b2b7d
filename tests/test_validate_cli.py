"""`ketentest validate`'s rough edges, each fixed: one JSON object per FILE (an unreadable one
too), "not assessed" in the JSON, --profile, --retour-dir that never overwrites an answer of
the same run and says why a file gets none, advice that fits binary input, the size refusal
named as such; and the conventions: -V, NO_COLOR, no colour codes when not a terminal."""
from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from lxml import etree

from harness.factories import bericht, to_bytes
from ketentest import __version__
from ketentest.cli import main

TODAY = date(2026, 11, 2)
KEYS = ["file", "message", "release", "accepted", "level", "retourcodes", "findings",
        "not_assessed"]


def run(*args, color=False, env=None):
    return CliRunner().invoke(main, list(args), color=color, env=env)


def lines(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def toewijzing(product: tuple[str, str] | None = None, seed: int = 3) -> bytes:
    root = bericht("iwmo-3.2", "301", today=TODAY, seed=seed)
    if product:
        for el in root.iterfind(".//{*}ToegewezenProduct/{*}Product"):
            el.find("{*}Categorie").text, el.find("{*}Code").text = product
    return to_bytes(root)


def test_an_unreadable_file_gets_its_json_object_with_level_null(tmp_path):
    good = tmp_path / "goed.xml"
    good.write_bytes(toewijzing())
    result = run("validate", "--format", "json", "--today", TODAY.isoformat(),
                 str(tmp_path / "weg.xml"), str(good))
    assert result.exit_code == 2
    missing, judged = lines(result)
    assert list(missing)[:len(KEYS)] == KEYS and judged["accepted"] is True
    assert missing["file"].endswith("weg.xml") and missing["level"] is None
    assert missing["accepted"] is False and missing["message"] is None
    assert "No such file" in missing["error"]
    assert "cannot read" in result.stderr


def test_not_assessed_is_in_the_json_and_a_profile_judges_tr381(tmp_path):
    outside = tmp_path / "buiten-contract.xml"
    outside.write_bytes(toewijzing(("02", "02Z99")))
    inside = tmp_path / "binnen-contract.xml"
    inside.write_bytes(toewijzing(("02", "02A01")))
    args = ["validate", "--format", "json", "--today", TODAY.isoformat()]
    plain = lines(run(*args, str(outside), str(inside)))
    assert [v["not_assessed"] for v in plain] == [["TR381"], ["TR381"]]
    assert all(v["accepted"] for v in plain)  # never judged without a profile, never passed

    result = run(*args, "--profile", "regio-accepteert", str(outside), str(inside))
    judged_outside, judged_inside = lines(result)
    assert result.exit_code == 1
    assert judged_outside["accepted"] is False and judged_outside["not_assessed"] == []
    assert [(f["rule"], f["retourcode"]) for f in judged_outside["findings"]] == [("TR381", "S329")]
    assert judged_inside["accepted"] is True and judged_inside["not_assessed"] == []


def test_a_profile_from_a_file_and_a_bad_profile(tmp_path):
    from importlib import resources
    text = (resources.files("harness.profiles") / "data" / "regio-accepteert.yaml").read_text()
    own = tmp_path / "regio-x.yaml"
    own.write_text(text, encoding="utf-8")
    outside = tmp_path / "m.xml"
    outside.write_bytes(toewijzing(("02", "02Z99")))
    result = run("validate", "--format", "json", "--profile", str(own), str(outside))
    assert [f["rule"] for f in lines(result)[0]["findings"]] == ["TR381"]
    result = run("validate", "--profile", "regio-bestaat-niet", str(outside))
    assert result.exit_code == 2 and "regio-bestaat-niet" in result.stderr
    broken = tmp_path / "kapot.yaml"
    broken.write_text("naam: x\n", encoding="utf-8")
    result = run("validate", "--profile", str(broken), str(outside))
    assert result.exit_code == 2 and "kapot.yaml" in result.stderr


def test_retour_dir_never_overwrites_an_answer_of_the_same_run(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "x.xml", tmp_path / "b" / "x.xml"
    first.write_bytes(toewijzing(seed=3))
    second.write_bytes(toewijzing(seed=4))
    out = tmp_path / "out"
    result = run("validate", "--retour-dir", str(out), str(first), str(second))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["x-retour-2.xml", "x-retour.xml"]
    assert "x-retour.xml holds the answer to an earlier file" in result.stdout
    # each answer names its own heen message
    ids = [etree.fromstring(f.read_bytes()).findtext(
        ".//{*}BerichtIdentificatie/{*}Identificatie").encode() for f in (first, second)]
    assert ids[0] != ids[1]
    assert ids[0] in (out / "x-retour.xml").read_bytes()
    assert ids[1] in (out / "x-retour-2.xml").read_bytes()
    # a second run replaces the files, and says so
    again = run("validate", "--format", "json", "--retour-dir", str(out), str(first))
    assert lines(again)[0]["retour"] == {"file": str(out / "x-retour.xml"), "replaced": True}


def test_retour_dir_says_why_a_file_gets_no_answer(tmp_path):
    retour = tmp_path / "302.xml"
    retour.write_bytes(to_bytes(bericht("iwmo-3.2", "302", today=TODAY, seed=3)))
    broken = tmp_path / "kapot.xml"
    broken.write_bytes(b"<Bericht>")
    out = tmp_path / "out"
    result = run("validate", "--format", "json", "--retour-dir", str(out), str(retour),
                 str(broken))
    for_retour, for_broken = (v["retour"] for v in lines(result))
    assert for_retour == {"file": None, "reason": "a WMO302 is itself an answer: it gets none"}
    assert for_broken["file"] is None and "refused at level xml" in for_broken["reason"]
    text = run("validate", "--retour-dir", str(out), str(retour)).stdout
    assert "no answer written: a WMO302 is itself an answer" in text
    assert not out.exists()


@pytest.mark.parametrize("data, says", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "starts like a PDF document"),
    (b"PK\x03\x04\x14\x00\x06\x00", "starts like a ZIP archive"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "holds NUL bytes"),
    (b"Beste collega, hierbij de toewijzing.", "does not start with an XML element"),
])
def test_binary_or_plain_text_gets_advice_that_fits(tmp_path, data, says):
    f = tmp_path / "bijlage.xml"
    f.write_bytes(data)
    [v] = lines(run("validate", "--format", "json", str(f)))
    assert v["level"] == "xml" and v["findings"][0]["rule"] == "XML-SYNTAX"
    assert says in v["findings"][0]["text"] and "escaped" not in v["findings"][0]["text"]


def test_broken_xml_still_gets_the_parsers_advice(tmp_path):
    f = tmp_path / "kapot.xml"
    f.write_bytes(b"<Bericht><a>1 & 2</a></Bericht>")
    [v] = lines(run("validate", "--format", "json", str(f)))
    assert "line 1" in v["findings"][0]["text"] and "escaped" in v["findings"][0]["text"]


def test_the_size_refusal_is_labelled_as_such(tmp_path):
    big = tmp_path / "groot.xml"
    with open(big, "wb") as f:
        f.truncate(25 * 1024 * 1024 + 1)  # sparse: nothing to write
    result = run("validate", str(big))
    assert result.exit_code == 1
    assert "too large: the exchange refuses it before reading it (IB007)" in result.stdout
    assert "not well-formed" not in result.stdout


def test_version():
    for flag in ("-V", "--version"):
        result = run(flag)
        assert result.exit_code == 0 and result.stdout.strip() == f"ketentest, version {__version__}"


def test_no_color_and_no_colour_codes_off_a_terminal(tmp_path):
    f = tmp_path / "m.xml"
    f.write_bytes(toewijzing())
    coloured = run("validate", str(f), color=True)  # as on a terminal
    assert "\x1b[" in coloured.stdout
    assert "\x1b[" not in run("validate", str(f), color=True, env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in run("validate", str(f)).stdout  # not a terminal


def test_the_request_log_of_serve_has_no_colour_codes_in_a_file(tmp_path):
    """werkzeug colours a 404's request line; written to a file it must come out plain."""
    import subprocess
    import sys
    import time

    import requests

    log = tmp_path / "serve.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ketentest", "serve", "--port", "0", "--database",
             str(tmp_path / "x.db"), "--admin-token", "t"],
            stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True)
        try:
            url = proc.stdout.readline().split()[3]
            assert requests.get(url + "/api/nothing", timeout=10).status_code == 404
            for _ in range(100):  # the line is written after the response went out
                if b"/api/nothing" in log.read_bytes():
                    break
                time.sleep(0.05)
        finally:
            proc.terminate()
            proc.wait(10)
    text = log.read_bytes()
    assert b'"GET /api/nothing HTTP/1.1" 404' in text and b"\x1b[" not in text


def test_the_command_list_says_each_command_in_a_whole_phrase():
    """click cuts a long first sentence with '...': every command has a short help of its own."""
    listing = run("--help").stdout.split("Commands:")[1]
    rows = [line.strip() for line in listing.splitlines() if line.strip()]
    assert len(rows) >= 9
    assert not [r for r in rows if r.endswith("...")]
