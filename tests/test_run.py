"""`ketentest run`: the whole chain library green with both parties simulated (the README's
main command), its three reports, loud failures for undefined steps and usage errors, and
deliberately faulty systems under test that fail the right scenarios naming the rule."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from ketentest.run.actions import COMMON_FACTS, FACT_MEANING, FACTS, Action, facts_table
from ketentest.run.command import FEATURES
from ketentest.steps.listing import actions, step_functions, step_listing

from .sut_support import FakeSut, set_text

TODAY = "2026-11-02"  # a Monday; every scenario starts here


def scenarios(pattern: str = "*/*.feature") -> int:
    """How many scenarios the library's feature files matching `pattern` hold."""
    return sum(path.read_text(encoding="utf-8").count("\n  Scenario:")
               for path in FEATURES.glob(pattern))


SCENARIOS = scenarios()


def ketentest_run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ketentest", "run", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def self_test(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("run")
    done = ketentest_run("--sut", "none", "--today", TODAY, "--tags", "not @certificering",
                         "--junitxml", "junit.xml",
                         "--cucumberjson", "cucumber.json", "--html", "certificate.html",
                         "--database", "journal.db", cwd=tmp)
    return done, tmp


def test_the_whole_library_runs_green_with_both_parties_simulated(self_test):
    done, _ = self_test
    assert done.returncode == 0, done.stderr[-3000:]
    assert SCENARIOS >= 30
    assert f"{SCENARIOS} scenarios: {SCENARIOS} passed, 0 failed, 0 skipped" in done.stderr
    assert done.stderr.count("✔ [") == SCENARIOS  # progress: a line per scenario
    # both roles traced in a self-test; the library alone proves some rules of each, not all
    last = done.stderr.rstrip().splitlines()[-1]
    proven = re.fullmatch(r"rules proven: aanbieder (\d+)/(\d+), gemeente (\d+)/(\d+)", last)
    assert proven, last
    assert 0 < int(proven[1]) < int(proven[2]) and 0 < int(proven[3]) < int(proven[4])


def test_junit_report_lists_every_scenario_per_chain(self_test):
    _, tmp = self_test
    root = etree.parse(str(tmp / "junit.xml")).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == SCENARIOS
    assert not root.findall(".//failure")
    assert {c.get("classname").split(".")[0] for c in cases} >= {
        "301-302", "305-306", "307-308", "315-316", "317-318", "319-320", "323-325", "termijnen"}


def test_cucumber_json_has_every_scenario_and_step(self_test):
    _, tmp = self_test
    doc = json.loads((tmp / "cucumber.json").read_text())
    scenarios = [s for f in doc for s in f["elements"]]
    assert len(scenarios) == SCENARIOS
    statuses = {st["result"]["status"] for s in scenarios for st in s["steps"]}
    assert statuses == {"passed"}
    tags = {t["name"] for s in scenarios for t in s["tags"]}
    assert {"@305-306", "@TR019", "@9019", "@323-325"} <= tags


def test_certificate_shows_chains_messages_and_rule_coverage(self_test):
    _, tmp = self_test
    html = (tmp / "certificate.html").read_text()
    assert "<h1>ketentest self-test</h1>" in html  # both parties simulated: no certificate
    assert f"all {SCENARIOS} scenarios passed" in html
    assert "iwmo-3.2" in html and "journal.db" in html
    for chain in ("301-302", "323-325", "termijnen"):
        assert f"<b>{chain}</b>" in html
    # the embedded exchange is gone: the evidence is in the file, the kept journal is named
    assert "ketentest serve --database journal.db" in html and "on the exchange" not in html
    assert html.count('class=message id="m-') > 2 * SCENARIOS
    assert "WMO325" in html and "rejected: TR019" in html  # a message's verdict
    coverage = html.split("<h2>Rule coverage</h2>")[1].split("<h2>")[0]
    # one row per rule: TR019 with its retourcode, not a second row for 9019
    assert coverage.count("<code>TR019</code>") == 1
    assert "<tr><td><code>TR019</code></td><td><code>9019</code></td>" in coverage
    assert coverage.count("<code>9019</code>") == 1


def test_the_kept_journal_holds_every_message_with_its_verdict(self_test):
    import sqlite3
    _, tmp = self_test
    with sqlite3.connect(tmp / "journal.db") as db:
        sessions = db.execute("select count(*) from sessions where lead_id is null "
                              "or lead_id = id").fetchone()[0]  # a regio: rows of one
        messages = db.execute("select count(*) from messages where verdict is not null").fetchone()[0]
    assert sessions == SCENARIOS  # one session per scenario
    assert messages > 2 * SCENARIOS


def test_ijw_runs_the_same_library(tmp_path):
    done = ketentest_run("--release", "ijw-3.2", "--today", TODAY, "--tags",
                         "not @certificering", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{SCENARIOS} scenarios: {SCENARIOS} passed" in done.stderr


def test_an_undefined_step_fails_loudly_and_is_reported(tmp_path):
    feature = tmp_path / "onbekend.feature"
    feature.write_text("# language: nl\nFunctionaliteit: Onbekend\n\n"
                       "  Scenario: Een stap die niet bestaat\n"
                       '    Gegeven een keten met regioprofiel "regio-accepteert"\n'
                       "    Als de gemeente iets doet wat geen stap kent\n"
                       "    Dan ontvangt de gemeente een 302 zonder retourcodes\n",
                       encoding="utf-8")
    done = ketentest_run(str(feature), "--today", TODAY, "--junitxml", "j.xml",
                         "--cucumberjson", "c.json", cwd=tmp_path)
    assert done.returncode == 1
    assert "undefined step: Als de gemeente iets doet wat geen stap kent" in done.stderr
    failure = etree.parse(str(tmp_path / "j.xml")).getroot().find(".//failure")
    assert "undefined step" in failure.get("message")
    steps = json.loads((tmp_path / "c.json").read_text())[0]["elements"][0]["steps"]
    assert [s["result"]["status"] for s in steps] == ["passed", "undefined", "skipped"]


@pytest.mark.parametrize("args, says", [
    (["--trigger", "vliegen=echo"], "unknown action 'vliegen'"),
    (["--trigger", "start"], "give ACTION=COMMAND"),
    (["--tags", "@bestaat-niet"], "no scenario to run matches --tags"),
    (["--exchange", "http://127.0.0.1:9"], "--exchange needs --admin-token"),
    (["geen-map/"], "does not exist"),
])
def test_usage_errors_exit_2(tmp_path, args, says):
    done = ketentest_run(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr[-2000:]
    assert says in done.stderr


def test_steps_are_listed_with_what_they_do():
    listing = step_listing()
    assert len(step_functions()) >= 30
    assert 'Gegeven een keten met regioprofiel "NAAM"' in listing
    assert "Dan ontvangt de PARTIJ een NNN met retourcode" in listing


def test_steps_name_the_action_they_ask_of_a_system_under_test():
    """The listing shows the trigger action of each step a system under test performs, from
    the same constants the steps fire and `--trigger` accepts; a deliberately faulty step
    names none (only a simulated party plays it)."""
    fired = {f.__name__: actions(f) for f in step_functions()}
    assert fired["levering_starten"] == [Action.START]
    assert fired["levering_herstarten"] == [Action.HERSTART]
    assert fired["levering_stoppen"] == [Action.STOP_TIJDELIJK, Action.STOP_DEFINITIEF]
    assert fired["declaratie_corrigeren"] == [Action.DECLARATIE_CORRECTIE]
    assert fired["start_onbekend"] == [] and fired["zonder_retourcodes"] == []
    assert set(Action) - {Action.SESSIE, Action.KLOK} == {a for f in fired.values() for a in f}
    assert "Als de aanbieder de levering herstart\n    the next werkdag, a 305 starting again " \
           "after a temporary stop.\n    system under test: herstart" in step_listing()


# ---------------------------------------------------------------- systems under test
def run_sut(sut: FakeSut, tmp_path: Path,
            *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    """`ketentest run` against the fake system with its triggers (`args` after them: a later
    --timeout wins); the finished run and each scenario's (status, message) from its JUnit
    report."""
    cmd = ["--sut", sut.role, "--today", TODAY, "--timeout", "10", "--junitxml", "junit.xml"]
    for trigger in sut.triggers():
        cmd += ["--trigger", trigger]
    try:
        done = ketentest_run(*cmd, *args, cwd=tmp_path)
    finally:
        sut.stop()
    assert (tmp_path / "junit.xml").exists(), done.stderr[-3000:] + str(sut.errors[:3])
    results = {}
    for case in etree.parse(str(tmp_path / "junit.xml")).getroot().iter("testcase"):
        outcome = case.find("failure")
        if outcome is None:
            outcome = case.find("skipped")
        results[case.get("name")] = ("passed", "") if outcome is None else (
            outcome.tag.replace("failure", "failed"), outcome.get("message"))
    return done, results


def run_against(sut: FakeSut, tmp_path: Path, tags: str, *extra: str) -> tuple[int, dict]:
    """The scenarios of `tags` against the fake system: the exit code and each scenario's
    (status, message)."""
    done, results = run_sut(sut, tmp_path, "--tags", tags, *extra)
    return done.returncode, results


def test_a_correct_aanbieder_passes_what_it_can_play(tmp_path):
    code, results = run_against(FakeSut("aanbieder"), tmp_path,
                                "not @termijnen and not @certificering", "--html",
                                "c.html", "--system", "ZorgECD", "--vendor", "Acme BV",
                                "--system-version", "4.2")
    html = (tmp_path / "c.html").read_text()
    assert "<h1>Certificate: ZorgECD 4.2 (Acme BV) as aanbieder</h1>" in html
    assert results["De aanbieder start de zorg"][0] == "passed"
    assert results["Een correctie: credit en een nieuwe debet in de volgende maand"][0] == "passed"
    # a scenario about a faulty start needs the aanbieder simulated: skipped, saying why
    status, why = results["Een start zonder toewijzing wordt afgewezen"]
    assert status == "skipped" and "system under test" in why
    status, why = results["Een start verwijderen die er niet is wordt afgewezen"]
    assert status == "skipped" and "@fout-aanbieder" in why
    assert [name for name, (status, _) in results.items() if status == "failed"] == []
    assert code == 0


def test_an_aanbieder_starting_on_a_toewijzing_it_never_got_fails_on_tr019(tmp_path):
    sut = FakeSut("aanbieder", faults={"305": set_text("ToewijzingNummer", lambda t: "424242")})
    code, results = run_against(sut, tmp_path, "@305-306", "--html", "c.html", "--system",
                                "ZorgECD")
    assert code == 1
    assert "<h1>Not certified: ZorgECD as aanbieder</h1>" in (tmp_path / "c.html").read_text()
    status, error = results["De aanbieder start de zorg"]
    assert status == "failed" and "TR019" in error and "9019" in error


def test_an_aanbieder_miscounting_its_total_fails_the_declaratie_on_tr358(tmp_path):
    plus_one = set_text("TotaalBedrag", lambda t: str(int(t) + 1))
    sut = FakeSut("aanbieder", faults={"323": plus_one})
    code, results = run_against(sut, tmp_path, "@323-325 and @8001")
    assert code == 1
    status, error = results["Een declaratie wordt volledig goedgekeurd"]
    assert status == "failed" and "TR358" in error


def test_an_aanbieder_declaring_hours_when_asked_for_minutes_fails_naming_the_unit(tmp_path):
    scenario = "Uren gedeclareerd in minuten"
    sut = FakeSut("aanbieder", deaf={"eenheid"})
    code, results = run_against(sut, tmp_path, "@TR341")
    assert code == 1
    assert {(f["eenheid"], f["eenheid_naam"]) for f in sut.received
            if f["action"] == "declaratie"} == {("01", "minuut")}
    assert_facts_documented(sut.received)
    status, error = results[scenario]
    assert status == "failed" and "Eenheid 01 (minuut)" in error and "Eenheid 04" in error
    (tmp_path / "ok").mkdir()
    code, results = run_against(FakeSut("aanbieder"), tmp_path / "ok", "@TR341")
    assert results[scenario] == ("passed", "") and code == 0


def test_an_aanbieder_asking_another_volume_than_asked_fails_the_vow(tmp_path):
    scenario = "In de regio die alles binnen contract toewijst volgt een 301"
    tags = "@317-318 and @301-302"
    sut = FakeSut("aanbieder", deaf={"volume"})
    code, results = run_against(sut, tmp_path, tags)
    assert code == 1
    assert [f["volume"] for f in sut.received if f["action"] == "verzoek-om-wijziging"]
    assert_facts_documented(sut.received)
    status, error = results[scenario]
    assert status == "failed" and "asked to request volume" in error, error
    (tmp_path / "ok").mkdir()
    code, results = run_against(FakeSut("aanbieder"), tmp_path / "ok", tags)
    assert results[scenario] == ("passed", "") and code == 0


def assert_facts_documented(received: list[dict]) -> None:
    """Every fact a trigger got is one its action declares (and so in the README's table)."""
    for facts in received:
        extra = set(facts) - set(COMMON_FACTS) - set(FACTS[Action(facts["action"])])
        assert not extra, f"{facts['action']} got undeclared facts {extra}"


def test_the_facts_table_in_the_readme_is_the_code_s():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert facts_table() in readme
    assert set(FACTS) == set(Action)
    assert {f for facts in FACTS.values() for f in facts} == set(FACT_MEANING)


def test_every_fact_a_step_passes_is_declared():
    """The facts the steps hand to `keten.act(...)` by name are all in the table."""
    import ast
    steps = Path(__file__).parent.parent / "ketentest" / "steps"
    passed = {kw.arg for path in steps.glob("*.py")
              for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
              if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "act"
              for kw in node.keywords if kw.arg}
    assert "bsn" in passed and passed <= set(FACT_MEANING), passed - set(FACT_MEANING)


def test_an_aanbieder_answering_late_fails_the_deadline(tmp_path):
    sut = FakeSut("aanbieder", answer_delay=2.0)
    code, results = run_against(sut, tmp_path, "@termijnen and @301-302", "--werkdag", "0.4")
    assert code == 1
    status, error = results["Het retourbericht op een toewijzing komt binnen 3 werkdagen"]
    assert status == "failed" and "expected within 3" in error


def test_a_gemeente_answering_a_vow_twice_fails_on_tr365(tmp_path):
    sut = FakeSut("gemeente", copies={"319": 2})
    code, results = run_against(sut, tmp_path, "@317-318 and @4")
    assert code == 1
    status, error = results["In de regio die elk VOW weigert volgt een 319 met reden 4"]
    assert status == "failed" and "TR365" in error


def test_simulate_prints_each_chain_with_verdicts_and_termijnen(tmp_path):
    done = subprocess.run([sys.executable, "-m", "ketentest", "simulate", "wijziging",
                           "declaratie", "--profile", "regio-weigert-vow", "--today", TODAY],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any("WMO319" in line and "accepted" in line and "on time" in line for line in lines)
    assert any(line.startswith("2026-12-") and "WMO325" in line and "on time" in line
               for line in lines)  # the 325 on the profile's delay, in the next month


def test_simulate_with_an_unknown_profile_says_so(tmp_path):
    done = subprocess.run([sys.executable, "-m", "ketentest", "simulate", "--profile",
                           "regio-bestaat-niet"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120)
    assert done.returncode == 1
    assert "regio-bestaat-niet" in done.stderr


def test_a_failing_trigger_command_fails_the_scenario_naming_it(tmp_path):
    done = ketentest_run("--sut", "aanbieder", "--tags", "@301-302 and @9332", "--today", TODAY,
                         "--trigger", 'sessie=test -z "$KETENTEST_TOKEN"', "--no-interactive",
                         cwd=tmp_path)
    assert done.returncode == 1
    # the command saw the session's token in its environment, so `test -z` failed
    assert 'trigger sessie: `test -z "$KETENTEST_TOKEN"` exited 1' in done.stderr


def test_a_temporary_journal_is_removed_after_the_run(tmp_path):
    """Without --database the embedded exchange's journal lives in a temporary folder that the
    run removes (the certificate holds every message and verdict)."""
    temp = tmp_path / "temp"
    temp.mkdir()
    done = subprocess.run([sys.executable, "-m", "ketentest", "run", "--tags", "@TR019",
                           "--today", TODAY, "--html", "c.html"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=600,
                          env={**os.environ, "TMPDIR": str(temp)})
    assert done.returncode == 0, done.stderr[-3000:]
    assert list(temp.iterdir()) == []
    assert "rejected: TR019" in (tmp_path / "c.html").read_text()


# ---------------------------------------------------------------- the 3.2 case descriptions
CASUSSEN = ["Casus 1: de gemeente verlengt een toewijzing door de einddatum op te rekken",
            "Casus 2: tijdelijke stop, daarna een definitieve stop met gelijke einddatum",
            "Casus 3: tijdelijke stop, daarna een definitieve stop met ongelijke einddatum",
            "Casus 4: de aanbieder corrigeert de reden van een stop"]


@pytest.mark.parametrize("release", ["iwmo-3.2", "ijw-3.2"])
def test_the_case_descriptions_pass_with_both_parties_simulated(tmp_path, release):
    done = ketentest_run("--sut", "none", "--release", release, "--today", TODAY,
                         "--tags", "@casus", "--junitxml", "junit.xml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "4 scenarios: 4 passed, 0 failed, 0 skipped" in done.stderr
    cases = etree.parse(str(tmp_path / "junit.xml")).getroot().findall(".//testcase")
    assert sorted(c.get("name") for c in cases) == CASUSSEN
    assert not any(c.find("failure") is not None or c.find("skipped") is not None for c in cases)


@pytest.mark.parametrize("role", ["aanbieder", "gemeente"])
def test_a_correct_system_plays_every_case_description(tmp_path, role):
    code, results = run_against(FakeSut(role), tmp_path, "@casus")
    assert results == {name: ("passed", "") for name in CASUSSEN}
    assert code == 0


def test_a_declaratie_outside_the_month_asked_fails_naming_both():
    from types import SimpleNamespace

    from ketentest.run.keten import ChainFailure
    from ketentest.steps.declaratie import _check_periode
    prestatie = {"ProductPeriode": {"Begindatum": "2026-10-01", "Einddatum": "2026-10-31"}}
    sent = SimpleNamespace(permalink="p", data={"Clienten": {"Client": [
        {"Prestaties": {"Prestatie": [prestatie]}}]}})
    _check_periode(sent, "2026-10-01", "2026-10-31")  # in the month: fine
    with pytest.raises(ChainFailure, match=r"asked to declare 2026-09-01..2026-09-30, the 323 "
                                           r"has a prestatie over 2026-10-01..2026-10-31"):
        _check_periode(sent, "2026-09-01", "2026-09-30")
