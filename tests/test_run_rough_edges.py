"""The rough edges of `ketentest run`, `serve` and `example` a new user met (issue 19), each
fixed: parse errors that name file, line and what was expected; a step that matches whatever
keyword precedes it; "did you mean" for an undefined step; the chain from the scenario's chain
tag; one summary, ours, on stderr; a sentence and exit 2 for a database or exchange that is not
there; a waiting line with a countdown and the session's codes; one language per question;
the admin token kept across restarts; example with the party codes and numbers per seed."""
from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from lxml import etree

from ketentest.cli import main
from ketentest.run.sut import SutDriver

TODAY = "2026-11-02"
HEAD = "# language: nl\nFunctionaliteit: Een eigen keten\n\n"


def ketentest(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ketentest", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)


def test_a_feature_that_does_not_parse_names_file_line_and_what_was_expected(tmp_path):
    bad = tmp_path / "kapot.feature"
    bad.write_text(HEAD + "  Scenario: a\n    Gegeven een keten\n"
                   "  Scenariosjabloon: b\n    Als de maand is om\n", encoding="utf-8")
    done = ketentest("run", str(bad), cwd=tmp_path)
    assert done.returncode == 2
    assert f"{bad}:6: found 'Scenariosjabloon: b', expected" in done.stderr
    assert "a step (Gegeven, Als, Dan, En, Maar)" in done.stderr
    assert "write 'Abstract Scenario:'" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_step_matches_after_any_keyword_and_an_undefined_one_gets_suggestions(tmp_path):
    (tmp_path / "eigen").mkdir()
    feature = tmp_path / "eigen" / "keten.feature"
    feature.write_text(HEAD + "  @305-306\n  Scenario: De maand na een toewijzing\n"
                       '    Gegeven een keten met regioprofiel "regio-accepteert"\n'
                       "    Als de gemeente een toewijzing stuurt voor een product in uren\n"
                       "    Dan ontvangt de gemeente een 302 zonder retourcodes\n"
                       "    En de maand is om\n"
                       "    Maar de maand is voorbij\n", encoding="utf-8")
    done = ketentest("run", str(feature), "--today", TODAY, "--junitxml", "j.xml", cwd=tmp_path)
    assert done.returncode == 1
    # `En de maand is om` after a Dan is the library's step; the next is not, and says what is
    assert 'undefined step: Maar de maand is voorbij (did you mean: "de maand is om"?)' \
        in done.stderr
    steps = re.findall(r"<testcase [^>]*classname=\"([^\"]+)\"", (tmp_path / "j.xml").read_text())
    assert steps == ["305-306.Een eigen keten"]  # the chain from its tag, not the folder "eigen"
    # one summary, ours, on stderr; nothing of pytest's on stdout
    assert done.stdout == ""
    *_, summary, proven = done.stderr.strip().splitlines()  # our summary, then the rules
    assert summary == "1 scenario: 0 passed, 1 failed, 0 skipped"  # not pytest's "1 failed in 2.3s"
    assert proven.startswith("rules proven: aanbieder 0/")


def test_every_step_of_the_library_is_one_step_whatever_its_keyword():
    """Keyword-free matching is safe only if no step text matches two step functions."""
    import importlib

    from pytest_bdd.parser import FeatureParser
    from pytest_bdd.steps import step_function_context_registry

    from ketentest.run.command import FEATURES
    from ketentest.steps import library

    for name in library.MODULES:
        importlib.import_module(f"ketentest.steps.{name}")
    contexts = [c for c in step_function_context_registry.values()
                if c.step_func.__module__.startswith("ketentest.steps.")]
    texts = set()
    for path in FEATURES.glob("*/*.feature"):
        feature = FeatureParser(str(path.parent), path.name).parse()
        for scenario in feature.scenarios.values():
            # an Abstract Scenario's steps as its Voorbeelden fill them in
            rows = [dict(zip(ex.example_params, row)) for ex in scenario.examples
                    for row in ex.examples] or [{}]
            texts |= {s.name for row in rows[:3] for s in scenario.render(row).steps}
    assert len(texts) > 40
    for text in texts:
        matching = {c.step_func for c in contexts if c.parser.is_matching(text)}
        assert len(matching) == 1, (text, matching)


@pytest.mark.parametrize("args, says", [
    (["run", "--database", "/bestaat/niet/journal.db"], "there is no folder /bestaat/niet"),
    (["run", "--exchange", "http://127.0.0.1:9", "--admin-token", "t"],
     "the exchange at http://127.0.0.1:9 does not answer (connection refused)"),
    (["simulate", "toewijzing", "--exchange", "http://127.0.0.1:9", "--admin-token", "t"],
     "the exchange at http://127.0.0.1:9 does not answer (connection refused)"),
    (["serve", "--port", "0", "--database", "/bestaat/niet/x.db"],
     "there is no folder /bestaat/niet"),
    (["serve", "--port", "0", "--database", "postgresql://postgres@127.0.0.1:9/test"],
     'cannot be opened: connection failed: connection to server at "127.0.0.1", port 9 failed'),
])
def test_a_database_or_exchange_that_is_not_there_is_one_sentence_and_exit_2(tmp_path, args,
                                                                            says):
    done = ketentest(*args, cwd=tmp_path, timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]
    assert says in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_wrong_admin_token_is_one_sentence(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "ketentest", "serve", "--port", "0",
                             "--database", str(tmp_path / "x.db"), "--admin-token", "goed"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = proc.stdout.readline().split()[3]
        done = ketentest("run", "--exchange", url, "--admin-token", "fout", cwd=tmp_path)
    finally:
        proc.terminate()
        proc.wait(10)
    assert done.returncode == 2
    assert "does not accept this admin token" in done.stderr and "Traceback" not in done.stderr


class Keten:
    session = "0123456789abcdef"
    codes = {"gemeente": "0363", "aanbieder": "12345678"}


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_waiting_for_the_system_shows_what_how_long_and_the_sessions_codes():
    out = io.StringIO()  # a log file: a line now and then
    driver = SutDriver("aanbieder", out=out)
    what = "the aanbieder (system under test) to send a 305 for 'start'"
    driver.waiting(Keten, what, 59.6, now=100.0)
    driver.waiting(Keten, what, 58.6, now=101.0)  # too soon for another line in a file
    driver.waiting(Keten, what, 49.6, now=110.0)
    lines = out.getvalue().splitlines()
    assert lines == [f"waiting for {what}: 60 s left (session 0123456789ab, gemeente 0363, "
                     "aanbieder 12345678)", lines[0].replace("60 s", "50 s")]
    tty = Terminal()  # a terminal: one line counting down in place, cleared at the end
    driver = SutDriver("aanbieder", out=tty)
    driver.waiting(Keten, what, 30, now=0.0)
    driver.waiting(Keten, what, 29, now=1.0)
    driver.waited()
    assert tty.getvalue().count("\r\x1b[K") == 3 and "\n" not in tty.getvalue()
    assert "29 s left" in tty.getvalue()


def test_an_interactive_question_is_in_one_language(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    SutDriver("aanbieder", interactive=True, out=out)._ask(
        "start", {"bsn": "999993653", "code": "12345678"})
    asked = out.getvalue()
    assert "meld de start van de zorg (305) voor client 999993653" in asked
    assert "druk op Enter" in asked and "system under test" not in asked and "press" not in asked


def test_serve_keeps_its_admin_token_across_restarts(tmp_path):
    def start():
        proc = subprocess.Popen([sys.executable, "-m", "ketentest", "serve", "--port", "0",
                                 "--database", str(tmp_path / "x.db")],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                env={k: v for k, v in __import__("os").environ.items()
                                     if k != "KETENTEST_ADMIN_TOKEN"})
        return proc, proc.stdout.readline().split()[3], proc.stdout.readline()

    proc, url, banner = start()
    try:
        token = re.match(r"admin token: (\S+) \(new;", banner).group(1)
    finally:
        proc.terminate()
        proc.wait(10)
    proc, url, banner = start()
    try:
        assert "the one printed at this database's first start" in banner
        r = requests.get(url + "/api/sessions", headers={"Authorization": f"Bearer {token}"},
                         timeout=10)
        assert r.status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)


def test_example_takes_the_party_codes_and_numbers_per_seed():
    def example(*args):
        result = CliRunner().invoke(main, ["example", *args])
        assert result.exit_code == 0, result.output
        return etree.fromstring(result.stdout.encode())

    root = example("WMO305", "--afzender", "12345678", "--ontvanger", "0363", "--seed", "4")
    assert root.findtext(".//{*}Afzender") == "12345678"
    assert root.findtext(".//{*}Ontvanger") == "0363"

    def nummer(*args):
        return example("WMO301", *args).findtext(".//{*}ToewijzingNummer")

    assert nummer("--seed", "1") == nummer("--seed", "1")  # repeatable
    assert nummer("--seed", "1") != nummer("--seed", "2")
    # without a seed, two examples (two processes) do not share a number
    twice = [subprocess.run([sys.executable, "-m", "ketentest", "example", "WMO301"],
                            capture_output=True, timeout=120).stdout for _ in range(2)]
    assert len({etree.fromstring(x).findtext(".//{*}ToewijzingNummer") for x in twice}) == 2
    wrong = CliRunner().invoke(main, ["example", "WMO301", "--afzender", "12345678"])
    assert wrong.exit_code == 2 and "the gemeente's gemeentecode, 4 digits" in wrong.stderr
