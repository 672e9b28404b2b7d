"""A regio in the chain library: `Gegeven een regio met de gemeenten ...`, steps naming the
gemeente that acts, and `ketentest run --gemeenten N`. With both parties simulated (the journal
per gemeente), and with the aanbieder under test (a fake system keeping a dossier per gemeente):
it receives from both gemeenten and its answers reach the one that sent."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from ketentest.run.command import FEATURES

from .sut_support import FakeSut
from .test_run import TODAY, ketentest_run, run_sut

REGIO = FEATURES / "regio"


def per_gemeente(db: Path) -> dict[str, list[tuple]]:
    """Each gemeente session of a regio: (lead, code) -> [(berichtsoort, sender, receiver)]."""
    with sqlite3.connect(db) as c:
        rows = c.execute(
            "select s.lead_id, s.gemeentecode, m.berichtsoort, m.sender_code, m.receiver_code "
            "from sessions s join messages m on m.session_id = s.id "
            "where s.lead_id is not null and m.status != 'afgekeurd' order by s.id, m.seq")
        found: dict = {}
        for lead, code, soort, sender, receiver in rows:
            found.setdefault((lead, code), []).append((soort[-3:], sender, receiver))
    return found


def test_two_gemeenten_of_a_regio_each_keep_their_chain_with_both_simulated(tmp_path):
    done = ketentest_run(str(REGIO), "--sut", "none", "--today", TODAY, "--database", "j.db",
                         cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "1 scenario: 1 passed" in done.stderr
    chains = per_gemeente(tmp_path / "j.db")
    assert len(chains) == 2 and len({lead for lead, _ in chains}) == 1
    for (_, code), messages in chains.items():
        assert [m[0] for m in messages] == ["301", "302", "305", "306", "323", "325"], messages
        # every message of the chain is between this gemeente and the one aanbieder
        assert all(code in (sender, receiver) for _, sender, receiver in messages)
    assert len({m[1] for ms in chains.values() for m in ms if m[0] == "302"}) == 1


def test_an_aanbieder_under_test_serves_both_gemeenten_of_the_regio(tmp_path):
    sut = FakeSut("aanbieder")
    done, results = run_sut(sut, tmp_path, str(REGIO), "--database", "j.db")
    assert done.returncode == 0, (results, done.stderr[-3000:], sut.errors[:3])
    chains = per_gemeente(tmp_path / "j.db")
    assert len(chains) == 2
    for (_, gemeente), messages in chains.items():
        answers = [m for m in messages if m[0] in ("302", "305", "323")]
        assert [m[0] for m in answers] == ["302", "305", "323"]
        assert {m[2] for m in answers} == {gemeente}  # the system addressed that gemeente
    # the system got the second gemeente only from its messages: each trigger named one
    asked = {f["other_code"] for f in sut.received if f["action"] in ("start", "declaratie")}
    assert asked == {gemeente for _, gemeente in chains}


def test_an_aanbieder_answering_the_wrong_gemeente_fails(tmp_path):
    """A system keeping one dossier for the whole regio starts the second gemeente's client at
    the first gemeente: in that chain the toewijzing is unknown (TR019), and the second
    gemeente never gets its start."""
    sut = FakeSut("aanbieder")
    sut._dossier = lambda gemeente: next(iter(sut.dossiers.values()))  # one dossier for all
    done, results = run_sut(sut, tmp_path, str(REGIO), "--timeout", "4")
    assert done.returncode == 1
    [(_, why)] = results.values()
    assert "TR019" in why or "none came" in why, why


def test_run_in_regio_mode_plays_the_library_with_several_gemeenten(tmp_path):
    """--gemeenten 2: every scenario's session holds two gemeenten, the first acts; the idle
    second one is deleted after the scenario (its CBS code free again)."""
    sut = FakeSut("aanbieder")
    done, results = run_sut(sut, tmp_path, "--gemeenten", "2", "--database", "j.db", "--tags",
                            "@301-302 and not @certificering and not @TR332 and not @TR379")
    assert done.returncode == 0, (results, done.stderr[-3000:])
    assert len(results) >= 3 and {status for status, _ in results.values()} == {"passed"}
    with sqlite3.connect(tmp_path / "j.db") as c:
        leads = c.execute("select count(*) from sessions where lead_id = id").fetchone()[0]
        idle = c.execute("select count(*) from sessions where lead_id != id").fetchone()[0]
    assert leads == len(results) and idle <= 1  # the last scenario's stays


def test_regio_mode_usage_errors(tmp_path):
    for args in (["--gemeenten", "0"], ["--gemeenten", "twee"],
                 ["--sut", "gemeente", "--gemeenten", "2"]):
        done = ketentest_run(*args, "--no-interactive", cwd=tmp_path)
        assert done.returncode == 2 and "--gemeenten" in done.stderr, (args, done.stderr)


def test_a_gemeente_the_regio_does_not_have_fails_naming_those_it_has(tmp_path):
    (tmp_path / "r.feature").write_text(
        "# language: nl\nFunctionaliteit: regio\n  Scenario: Een onbekende gemeente\n"
        '    Gegeven een regio met de gemeenten "Pekela"\n'
        '    Als gemeente "Veendam" een toewijzing stuurt voor een product in uren\n',
        encoding="utf-8")
    done = ketentest_run("r.feature", "--sut", "none", "--today", TODAY, cwd=tmp_path)
    assert done.returncode == 1
    assert "no gemeente 'Veendam' in this scenario's regio (it has Pekela)" in done.stderr


def test_regio_mode_from_the_profile_takes_its_gemeenten(tmp_path):
    """--gemeenten profiel: as many gemeenten as the regio profile names, with its codes."""
    from harness.profiles import builtin
    own = set(builtin("regio-weigert-vow").gemeenten)
    (tmp_path / "t.feature").write_text(
        "# language: nl\nFunctionaliteit: t\n  Scenario: Een toewijzing in de regio\n"
        "    Gegeven een keten\n"
        "    Als de gemeente een toewijzing stuurt voor een product in uren\n"
        "    Dan ontvangt de gemeente een 302 zonder retourcodes\n", encoding="utf-8")
    done = ketentest_run("t.feature", "--sut", "none", "--today", TODAY, "--gemeenten",
                         "profiel", "--profile", "regio-weigert-vow", "--database", "j.db",
                         cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    with sqlite3.connect(tmp_path / "j.db") as c:
        codes = {code for (code,) in c.execute("select gemeentecode from sessions")}
    assert codes == own
