"""The certification suites: generated from the catalogue of rule breakers and kept in step
with it, covering every rule each receiving role must enforce (or saying why not), and run
green with both parties simulated (the self-test)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from harness.breakers import BREAKERS, catalogue, receives
from harness.breakers.catalogue import registered
from harness.parties.gemeente import SimulatedGemeente
from harness.standard import registry
from harness.validation import RULES
from ketentest.certificering import (FEATURES, NO_RETOUR, NOT_OVER_THE_EXCHANGE, must_enforce,
                                     rows, suites)

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
    counts = {role: (sum(r.in_suite for r in must_enforce(rel, role)),) * 2
              for role in ("aanbieder", "gemeente")}
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
    """The harness plays the gemeente; the aanbieder's own earlier messages of a case (its VOT
    before a 319, its start and declaratie before a 301 deleting a declared toewijzing) come
    from its triggers, and the harness's messages name what it sent."""
    code, results = run_against(FakeSut("aanbieder"), tmp_path,
                                "@certificering-aanbieder and (@TR002 or @TR332 or @TR355 "
                                "or @TR385 or @CD085 or @TR360)")
    for rule, message in (("TR002", "301"), ("TR332", "301"), ("TR355", "319"),
                          ("CD085", "319"),  # in-message: judged before the chain
                          ("TR385", "301"), ("TR360", "319")):  # after its own 323 / 315
        status, why = results[f"De aanbieder wijst een {message} af die regel {rule} breekt"]
        assert status == "passed", (rule, message, why)
    assert code == 0


def test_an_aanbieder_that_accepts_every_301_fails_naming_the_code(tmp_path):
    sut = FakeSut("aanbieder", faults={"302": accept_everything})
    # --strict: TR332 is read as ketentest chose (@keuze), so without it only a warning
    code, results = run_against(sut, tmp_path, "@certificering-aanbieder and (@TR002 or @TR332)",
                                "--strict")
    status, why = results["De aanbieder wijst een 301 af die regel TR002 breekt"]
    assert status == "failed" and "expected exactly 0001" in why
    status, why = results["De aanbieder wijst een 301 af die regel TR332 breekt"]
    assert status == "failed" and "expected exactly 9332" in why and "TR332" in why
    assert code == 1


def test_a_correct_gemeente_plays_its_own_toewijzingen_through_its_triggers(tmp_path):
    """A cross-message case on a 305 or 323 needs the gemeente's own 301 first: asked through
    its trigger with the breaker's product, dates and volume, and the harness's start or
    declaratie names the ToewijzingNummer the gemeente gave; an in-message rule needs none.
    TR374 holds while the first verzoek is open: this gemeente decides on verzoeken the next
    werkdag, so it takes in the second first, and must reject it."""
    sut = FakeSut("gemeente", party=DecidesLater)
    code, results = run_against(sut, tmp_path, "@certificering-gemeente and (@TR002 or @TR019 "
                                "or @TR374 or @TR384)")
    for rule, message in (("TR002", "305"), ("TR019", "305"), ("TR384", "323"),
                          ("TR374", "315"), ("TR374", "317")):
        status, why = results[f"De gemeente wijst een {message} af die regel {rule} breekt"]
        assert status == "passed", (rule, message, why)
    assert code == 0
    asked = [f for f in sut.received if f["action"] == "toewijzing"]
    assert asked and all(f["ingangsdatum"] and f["einddatum"] for f in asked)
    assert any(f["action"] == "toewijzing-verwijderen" for f in sut.received)  # TR384


class DecidesLater(SimulatedGemeente):
    """A gemeente that decides on a verzoek the werkdag after it came in (its retour message
    at once). Its decision comes when the paced clock gets there: about 10 s."""

    def _decide(self, beleid, stacks, today, referentie, grant):
        return super()._decide(beleid, stacks, self.due(today, 1), referentie, grant)


def test_a_gemeente_that_answers_the_first_verzoek_at_once_skips_tr374_saying_why(tmp_path):
    """The reference gemeente answers a verzoek on the day (as it may): it closed the first
    verzoek (its 301) before it took in the second, so in its chain the second breaks nothing;
    the case is skipped naming its answer, no wrong failure for a quick gemeente."""
    code, results = run_against(FakeSut("gemeente"), tmp_path,
                                "@certificering-gemeente and @TR374")
    for message in ("315", "317"):
        status, why = results[f"De gemeente wijst een {message} af die regel TR374 breekt"]
        assert status == "skipped" and "answered verzoek REF1" in why \
            and "before it took in the breaking" in why, why
    assert code == 0


def test_a_gemeente_that_does_not_check_tr374_fails_its_case(tmp_path):
    """The first verzoek still open when the second comes in, and the gemeente accepts the
    second: the case fails naming TR374 and its code."""
    sut = FakeSut("gemeente", party=DecidesLater, skips={"315": {"TR374"}})
    code, results = run_against(sut, tmp_path, "@certificering-gemeente and @TR374 and @315-316")
    status, why = results["De gemeente wijst een 315 af die regel TR374 breekt"]
    assert code == 1 and status == "failed" and "TR374 (9374) on the 315" in why, why


def test_a_gemeente_plays_a_budget_without_product_code_and_a_frequentie_through_its_facts(
        tmp_path):
    """TR373, TR412 and TR375 on the 317 need the gemeente's own Budget toewijzing by categorie
    without a product code, or without any Product; TR322 on the 323 one with Frequentie 6
    (per toewijzingsperiode): the trigger's facts `categorie` and `frequentie` ask for them, and
    a gemeente that ignores them fails, naming what was asked."""
    (tmp_path / "hears").mkdir(), (tmp_path / "deaf").mkdir()
    sut = FakeSut("gemeente")
    tags = "@certificering-gemeente and (@TR373 or @TR375 or @TR322)"
    code, results = run_against(sut, tmp_path / "hears", tags)
    assert {name: status for name, (status, _) in results.items()} == {
        "De gemeente wijst een 317 af die regel TR373 breekt": "passed",
        "De gemeente wijst een 317 af die regel TR375 breekt": "passed",
        "De gemeente wijst een 323 af die regel TR322 breekt": "passed"}, results
    asked = {(f["product"], f["categorie"], f["frequentie"]) for f in sut.received
             if f["action"] == "toewijzing"}
    assert asked == {("", "02", ""), ("", "geen", ""), ("02A01", "", "6")}
    deaf = FakeSut("gemeente", deaf={"categorie", "frequentie"})
    code, results = run_against(deaf, tmp_path / "deaf", "@certificering-gemeente and @TR322")
    status, why = results["De gemeente wijst een 323 af die regel TR322 breekt"]
    assert code == 1 and status == "failed" and "Frequentie 6" in why, why


# --- deliberately faulty systems: each fails exactly the cases of what it gets wrong ---------
FULL = os.environ.get("KETENTEST_FULL_CERTIFICATION") == "1"
SAMPLE = {"301": ("TR002", "TR332", "TR385"),  # in-message, cross-message, after its own 323
          "323": ("TR358", "TR338", "TR384")}  # in-message, cross-message, after a deletion
ROLE = {"301": "aanbieder", "323": "gemeente"}


def _codes(rules) -> set[str]:
    """The codes an answer carries for the rules broken (0001 once for in-message rules)."""
    return {RULES[r].retourcode for r in rules} if rules else set()


def _rows_of(message: str) -> dict[str, set[str]]:
    """The rules of a message's suite (this release) a system under test can play, with the
    rules each case breaks."""
    from ketentest.certificering import NOT_PLAYABLE
    rel = registry.release(registry.DEFAULT)
    out = {}
    for row in rows(ROLE[message], message):
        if (row["regel"], message) in NOT_PLAYABLE:
            continue
        key = registered(row["regel"], message)
        if rel.name in BREAKERS[key, message].standards and rel.name in RULES[key].releases:
            out[row["regel"]] = {RULES[r].id for r in (key, *BREAKERS[key, message].also)}
    return out


def failing_when_skipping(message: str, rule: str, among) -> set[str]:
    """The cases of `among` whose answer changes when the receiver does not check `rule`:
    those breaking it, unless another rule they break gives the same code (0001)."""
    cases = _rows_of(message)
    return {r for r in among if _codes(cases[r]) != _codes(cases[r] - {rule})}


def _beside(message: str, rule: str) -> list[str]:
    """The cases a faulty system plays: its rule's and, as a control, the next of the sample
    (CI keeps each run to two cases)."""
    sample = SAMPLE[message]
    control = sample[(sample.index(rule) + 1) % len(sample)] if rule in sample else sample[0]
    return sorted({rule, control})


def _skip_params(message: str):
    rules = sorted(_rows_of(message)) if FULL else SAMPLE[message]
    return [pytest.param(r, id=r) for r in rules]


def _tags(message: str, rules) -> str:
    retour = {"301": "302", "323": "325"}[message]
    return (f"@certificering-{ROLE[message]} and @{message}-{retour} and ("
            + " or ".join(f"@{r}" for r in rules) + ")")


def _assert_exactly(results: dict, message: str, failing: set[str], names,
                    naming=None) -> None:
    """The failed cases are exactly `failing`, each failure naming its rule or code (or what
    `naming(rule)` gives); the rest passed (none skipped)."""
    case = f"De {ROLE[message]} wijst een {message} af die regel {{}} breekt"
    failed = {r for r in names if results[case.format(r)][0] == "failed"}
    assert failed == failing, {r: results[case.format(r)] for r in names}
    for r in names:
        status, why = results[case.format(r)]
        if r in failing:
            assert any(x in why for x in (naming or names_of)(r, message)), (r, why)
        else:
            assert status == "passed", (r, status, why)


def _strict(message: str, rule: str) -> tuple[str, ...]:
    """A rule read as ketentest chose (keuze) fails a system that skips it only in a --strict
    run; without, it is a warning (tests/test_strict.py)."""
    return ("--strict",) if RULES[registered(rule, message)].keuze else ()


def names_of(rule: str, message: str) -> tuple[str, ...]:
    return (rule, RULES[registered(rule, message)].retourcode)


@pytest.mark.parametrize("rule", _skip_params("301"))
def test_an_aanbieder_skipping_one_rule_on_the_301_fails_exactly_its_cases(tmp_path, rule):
    """An aanbieder that judges a 301 as ketentest does but never checks `rule`: the cases of
    the 301 that break it fail naming it, the others pass. CI: a sample of the 301's rules
    beside each other; KETENTEST_FULL_CERTIFICATION=1: every rule of the 301, each beside the
    sample."""
    among = _beside("301", rule)
    sut = FakeSut("aanbieder", skips={"301": {rule}})
    code, results = run_against(sut, tmp_path, _tags("301", among), *_strict("301", rule))
    _assert_exactly(results, "301", failing_when_skipping("301", rule, among), among)
    assert code == (1 if failing_when_skipping("301", rule, among) else 0)


@pytest.mark.parametrize("rule", _skip_params("323"))
def test_a_gemeente_skipping_one_rule_on_the_323_fails_exactly_its_cases(tmp_path, rule):
    """A gemeente that judges a 323 as ketentest does but never checks `rule`: its 325 does not
    reject what breaks it, and exactly those cases fail, naming the rule or its code."""
    among = _beside("323", rule)
    sut = FakeSut("gemeente", skips={"323": {rule}})
    code, results = run_against(sut, tmp_path, _tags("323", among), *_strict("323", rule))
    _assert_exactly(results, "323", failing_when_skipping("323", rule, among), among)
    assert code == (1 if failing_when_skipping("323", rule, among) else 0)


def also_code(after: str, extra: str):
    """A fault: every class that carries `after` carries `extra` too (a system mapping one
    finding of its own to two retourcodes)."""
    def fault(root):
        for holder in root.iter("{*}RetourCodes"):
            if any(c.text == after for c in holder):
                code = etree.SubElement(holder, holder[0].tag)
                code.text = extra
    return fault


def test_an_aanbieder_answering_with_one_extra_code_fails_exactly_those_cases(tmp_path):
    """An aanbieder that puts 9379 beside every 9332: the TR332 case fails naming the extra
    code; another rejection (0001) passes."""
    among = ["TR002", "TR332"]
    sut = FakeSut("aanbieder", faults={"302": also_code("9332", "9379")})
    code, results = run_against(sut, tmp_path, _tags("301", among))
    _assert_exactly(results, "301", {"TR332"}, among)
    why = results["De aanbieder wijst een 301 af die regel TR332 breekt"][1]
    assert "carries 9332, 9379; expected exactly 9332" in why
    assert code == 1


def test_a_gemeente_awarding_a_wrong_total_in_its_325_fails_where_it_awards(tmp_path):
    """A gemeente whose 325 awards one euro too much: every case whose 325 has a
    DeclaratieAntwoord (a cross-message rule rejects prestaties or the declaratie) fails
    naming TR342 and TotaalToegekendBedrag; a 325 answering an unreadable 323 (0001, header
    only) awards nothing and passes."""
    def plus_one(root):
        for total in root.iter("{*}TotaalToegekendBedrag"):
            bedrag = total.find("{*}TotaalBedrag")
            bedrag.text = str(int(bedrag.text) + 100)
    sut = FakeSut("gemeente", faults={"325": plus_one})
    among = ["TR338", "TR358"]
    code, results = run_against(sut, tmp_path, _tags("323", among))
    awarding = {r for r in among if RULES[registered(r, "323")].retourcode != "0001"}
    assert awarding == {"TR338"}
    _assert_exactly(results, "323", awarding, among, naming=lambda r, m: ("TR342",))
    why = results["De gemeente wijst een 323 af die regel TR338 breekt"][1]
    assert "TotaalToegekendBedrag" in why and "TR342" in why, why
    assert code == 1


def test_a_case_no_system_under_test_can_play_is_counted_as_such(monkeypatch):
    """A rule whose every case is in NOT_PLAYABLE (none is at present; a tester adds one with
    its reason) is "not playable" in a run certifying that role (its cases skipped, saying
    why), "not run" in a self-test that left it out; the reason reaches its feature and the
    run record."""
    from types import SimpleNamespace

    from ketentest import certificering
    from ketentest.reports.traceability import as_record, matrix
    assert certificering.NOT_PLAYABLE == {}  # every case of the shipped suites plays
    why = "de keten vraagt iets wat geen actie kan vragen"
    monkeypatch.setitem(certificering.NOT_PLAYABLE, ("TR374", "315"), why)
    monkeypatch.setitem(certificering.NOT_PLAYABLE, ("TR374", "317"), why)
    unplayable = {r.rule: r.unplayable for r in must_enforce(registry.DEFAULT, "gemeente")
                  if r.unplayable}
    assert set(unplayable) == {"TR374"} and why in unplayable["TR374"]
    assert not [r for r in must_enforce(registry.DEFAULT, "aanbieder") if r.unplayable]
    text = certificering.feature("gemeente", "315")
    assert "Niet te spelen naast een gemeente onder test" in text and f"  - TR374: {why}" in text
    skipped = SimpleNamespace(name="De gemeente wijst een 315 af die regel TR374 breekt",
                              status="skipped", rule_ids={"TR374"}, chain_tags=["@315-316"],
                              tags={"certificering-gemeente", "315-316", "TR374"})
    played = {r.rule: r for r in matrix([skipped], registry.DEFAULT, "gemeente", playing=True)}
    assert played["TR374"].result == "not playable"
    assert played["TR019"].result == "not run"  # playable, left out of this run
    selftest = {r.rule: r for r in matrix([skipped], registry.DEFAULT, "gemeente")}
    assert selftest["TR374"].result == "not run"
    row = next(x for x in as_record({"gemeente": list(played.values())})["gemeente"]["matrix"]
               if x["rule"] == "TR374")
    assert row["reason"] == unplayable["TR374"]


@pytest.mark.skipif(not FULL, reason="the whole suites against a system under test take 1-3 "
                                      "minutes each: KETENTEST_FULL_CERTIFICATION=1")
@pytest.mark.parametrize("role", ["aanbieder", "gemeente"])
def test_a_correct_system_passes_its_whole_suite(tmp_path, role):
    """Every case of the role's suite passes against the correct reference system (a gemeente
    that decides on verzoeken later, so TR374's first verzoek is still open), but the rules
    of the other release: none is skipped for want of a way to ask."""
    sut = FakeSut(role, party=DecidesLater if role == "gemeente" else None)
    code, results = run_against(sut, tmp_path, f"@certificering-{role}", "--timeout", "30")
    rel = registry.release(registry.DEFAULT)
    skipped = {name: why for name, (status, why) in results.items() if status == "skipped"}
    assert not [n for n, (status, _) in results.items() if status == "failed"], results
    assert all(f"no rule of {rel.name}" in why for why in skipped.values()), skipped
    assert code == 0
