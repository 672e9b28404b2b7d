"""The certification suites: generated from the catalogue of rule breakers and kept in step
with it, covering every rule each receiving role must enforce (or saying why not), and run
green with both parties simulated (the self-test)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from harness.breakers import catalogue, receives
from harness.standard import registry
from harness.validation import RULES
from ketentest.certificering import (FEATURES, NO_RETOUR, NOT_OVER_THE_EXCHANGE, must_enforce,
                                     suites)

from .sut_support import FakeSut
from .test_run import run_against

TODAY = "2026-11-02"


def test_the_suites_are_what_the_catalogue_generates():
    """`python -m ketentest.certificering` was run after the catalogue last changed."""
    generated = suites()
    on_disk = {p.relative_to(FEATURES) for p in FEATURES.glob("certificering-*/*.feature")}
    assert on_disk == set(generated)
    for path, text in generated.items():
        assert (FEATURES / path).read_text(encoding="utf-8") == text, path


def _rows(text: str) -> set[str]:
    """The rules of a feature's Voorbeelden rows."""
    return set(re.findall(r"^      \| (\w+) +\| \w+ +\| \w+ +\|$", text, re.M)) - {"regel"}


@pytest.mark.parametrize("rel", registry.names())
def test_every_rule_a_role_must_enforce_has_a_scenario_or_a_reason(rel):
    """Per role: the rules on the heen messages it receives, each either a row of its suite
    or named under "Niet getoetst" with why; the share proven is counted here."""
    text = {p: t for p, t in suites().items()}
    proven = {}
    for role in ("aanbieder", "gemeente"):
        rules, covered = set(), set()
        for message in receives(rel, role):
            entries = [e for e in catalogue(rel) if e.message == message]
            rules |= {RULES[e.rule].id for e in entries}  # TR319 and TR319/xslt: one rule
            if message in NO_RETOUR:
                continue
            feature = text[Path(f"certificering-{role}") / f"{message}.feature"]
            rows = _rows(feature)
            covered |= rows & {RULES[e.rule].id for e in entries}
            for e in entries:
                assert RULES[e.rule].id in rows or f"  - {e.rule}" in feature, (e.rule, message)
        proven[role] = (len(covered), len(rules))
        # the certificate's traceability counts the same rules (must_enforce)
        required = must_enforce(rel, role)
        assert {r.rule for r in required} == rules
        assert {r.rule for r in required if r.in_suite} == covered
        assert all(r.reason for r in required if not r.in_suite)
    # not proven: TR056 and TR378 (the exchange refuses first), CS319 (the schema refuses
    # first), and the ten rules judged only on the 325 (no retour message carries a code)
    assert proven == {"iwmo-3.2": {"aanbieder": (37, 49), "gemeente": (85, 88)},
                      "ijw-3.2": {"aanbieder": (40, 52), "gemeente": (85, 88)}}[rel]


def test_the_suites_name_each_row_with_its_rule_and_code_as_tags():
    for path, text in suites().items():
        for rule, code in re.findall(r"^      \| (\w+) +\| (\w+) +\|", text, re.M):
            if rule != "regel":
                assert f"    @{rule} @{code}" in text, (path, rule)
    assert not NOT_OVER_THE_EXCHANGE.keys() & {r for t in suites().values() for r in _rows(t)}


@pytest.mark.parametrize("rel", registry.names())
def test_the_self_test_passes_every_rule_case(tmp_path, rel):
    """`ketentest run --sut none --tags @certificering`: both suites, every row, green; the
    rules of the other standard only (TR377, TR409, CS318 in an iWmo run) skipped."""
    done = subprocess.run([sys.executable, "-m", "ketentest", "run", "--sut", "none",
                           "--release", rel, "--today", TODAY, "--tags", "@certificering",
                           "--cucumberjson", "c.json"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = sum(len(_rows(t)) for t in suites().values())
    skipped = 0 if rel.startswith("ijw") else 3  # TR377, TR409, CS318: iJw's own
    assert f"{rows} scenarios: {rows - skipped} passed, 0 failed, {skipped} skipped" \
        in done.stderr, done.stderr[-500:]
    # every rule with a case in its role's suite is proven (the certificate's traceability)
    counts = {role: (sum(r.in_suite for r in must_enforce(rel, role)),
                     len(must_enforce(rel, role))) for role in ("aanbieder", "gemeente")}
    assert done.stderr.rstrip().splitlines()[-1] == "rules proven: aanbieder {}/{}, gemeente " \
        "{}/{}".format(*counts["aanbieder"], *counts["gemeente"])
    names = [e["name"] for f in json.loads((tmp_path / "c.json").read_text()) for e in
             f["elements"]]
    assert "De gemeente wijst een 305 af die regel TR019 breekt" in names
    assert "De aanbieder wijst een 301 af die regel TR101 breekt" in names


def test_a_rule_is_run_by_its_tag_on_every_message(tmp_path):
    """`--tags @TR002`: the rule on each message it applies to (and the chain library's
    scenarios tagged with it, none here)."""
    done = subprocess.run([sys.executable, "-m", "ketentest", "run", "--sut", "none",
                           "--today", TODAY, "--tags", "@TR002"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "4 scenarios: 4 passed, 0 failed, 0 skipped" in done.stderr
    for message in ("301", "305", "307", "315"):
        assert f"een {message} af die regel TR002 breekt" in done.stderr


def accept_everything(root):
    """A fault: the retour message of an accepted heen message, whatever was judged."""
    for el in list(root):
        if etree.QName(el).localname != "Header":
            root.remove(el)
    for holder in list(root.iter("{*}RetourCodes")):
        holder.getparent().remove(holder)


def test_a_correct_aanbieder_passes_its_certification_where_it_can_play(tmp_path):
    """The harness plays the gemeente; a case whose chain needs the aanbieder's own messages
    exactly as the breaker builds them is skipped, saying why."""
    code, results = run_against(FakeSut("aanbieder"), tmp_path,
                                "@certificering-aanbieder and (@TR002 or @TR332 or @TR355 "
                                "or @TR385 or @CD085 or @TR360)")
    assert results["De aanbieder wijst een 301 af die regel TR002 breekt"][0] == "passed"
    assert results["De aanbieder wijst een 301 af die regel TR332 breekt"][0] == "passed"
    assert results["De aanbieder wijst een 319 af die regel TR355 breekt"][0] == "passed"
    # an in-message rule on a 319 needs no VOT from the aanbieder: it is judged before the chain
    assert results["De aanbieder wijst een 319 af die regel CD085 breekt"][0] == "passed"
    for rule, message in (("TR385", "301"), ("TR360", "319")):  # need the aanbieder's 323 / 315
        status, why = results[f"De aanbieder wijst een {message} af die regel {rule} breekt"]
        assert status == "skipped" and "system under test" in why, (rule, status, why)
    assert code == 0


def test_an_aanbieder_that_accepts_every_301_fails_naming_the_code(tmp_path):
    sut = FakeSut("aanbieder", faults={"302": accept_everything})
    # --strict: TR332 is read as ketentest chose (@keuze), so without it only a warning
    code, results = run_against(sut, tmp_path, "@certificering-aanbieder and (@TR002 or @TR332)",
                                "--strict")
    status, why = results["De aanbieder wijst een 301 af die regel TR002 breekt"]
    assert status == "failed" and "expected exactly 0001" in why
    status, why = results["De aanbieder wijst een 301 af die regel TR332 breekt"]
    assert status == "failed" and "expected exactly 9332" in why
    assert code == 1


def test_a_correct_gemeente_passes_in_message_rules_without_its_own_chain(tmp_path):
    """An in-message rule is judged before the chain, so the gemeente's own 301 that the
    breaker's chain starts with is not needed from the system under test; a cross-message
    rule on a 305 needs it, and one after a VOT would let the gemeente answer the VOT first
    (both skipped, saying why)."""
    code, results = run_against(FakeSut("gemeente"), tmp_path,
                                "@certificering-gemeente and (@TR002 or @TR019 or @TR374)")
    assert results["De gemeente wijst een 305 af die regel TR002 breekt"][0] == "passed"
    status, why = results["De gemeente wijst een 305 af die regel TR019 breekt"]
    assert status == "skipped" and "system under test" in why
    status, why = results["De gemeente wijst een 315 af die regel TR374 breekt"]
    assert status == "skipped" and "may answer it in between" in why
    assert code == 0
