"""Traceability in the certificate (issue 16, part 6): per role certified, every rule it must
enforce with the scenarios that exercise it and the result, the headline "N of M rules
proven", the summary's last line, and the rule ids in JUnit and Cucumber JSON."""
from __future__ import annotations

import json
import re
from types import SimpleNamespace

from lxml import etree

from harness.standard.registry import DEFAULT
from ketentest.certificering import must_enforce
from ketentest.reports.traceability import matrix, proven, receivers

from .sut_support import FakeSut
from .test_certificering import accept_everything
from .test_run import TODAY, ketentest_run

# the rules each role can show it enforces; the others are listed as not exercisable
M = {role: sum(r.in_suite for r in must_enforce(DEFAULT, role))
     for role in ("aanbieder", "gemeente")}
LISTED = {role: len(must_enforce(DEFAULT, role)) for role in ("aanbieder", "gemeente")}


def _rows(html: str, role: str) -> dict[str, str]:
    """rule -> its row's text, in the role's matrix of the certificate."""
    part = html.split(f"<h3 id=rules-{role}>")[1].split("<h3")[0].split("<h2>")[0]
    return {m[1]: re.sub(r"<[^>]+>", " ", m[0])
            for m in re.finditer(r"<tr><td><code>(\w+)</code>.*?</tr>", part)}


def test_a_subset_proves_its_rules_and_leaves_the_others_not_run(tmp_path):
    done = ketentest_run("--sut", "none", "--today", TODAY, "--tags", "@TR002 or @TR019",
                         "--html", "c.html", "--junitxml", "j.xml", "--cucumberjson", "c.json",
                         cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    # TR002 on the 301 (aanbieder) and on 305/307/315, TR019 on 305/307 (gemeente)
    assert done.stderr.rstrip().splitlines()[-1] == \
        f"rules proven: aanbieder 1/{M['aanbieder']}, gemeente 2/{M['gemeente']}"
    html = (tmp_path / "c.html").read_text()
    assert f"aanbieder: 1 of {M['aanbieder']} rules proven</h3>" in html
    assert f"gemeente: 2 of {M['gemeente']} rules proven</h3>" in html
    assert (f'<a href="#rules-aanbieder">aanbieder: 1 of {M["aanbieder"]} rules proven; '
            f'gemeente: 2 of {M["gemeente"]} rules proven</a>') in html  # under the verdict
    aanbieder, gemeente = _rows(html, "aanbieder"), _rows(html, "gemeente")
    assert len(aanbieder) == LISTED["aanbieder"] and len(gemeente) == LISTED["gemeente"]
    assert LISTED["aanbieder"] > M["aanbieder"]  # the 325's rules, TR056, TR378: listed only
    assert aanbieder["TR002"].rstrip().endswith("proven")
    assert "De aanbieder wijst een 301 af die regel TR002 breekt" in aanbieder["TR002"]
    assert "TR019" not in aanbieder  # the aanbieder receives no message TR019 judges
    assert "Een start zonder toewijzing wordt afgewezen" in gemeente["TR019"]  # the library's
    assert gemeente["TR019"].rstrip().endswith("proven") and " 9019 " in gemeente["TR019"]
    assert aanbieder["TR332"].rstrip().endswith("not run")
    assert gemeente["TR341"].rstrip().endswith("not run")
    assert "not exercisable: " in gemeente["TR056"] and "BRS20" in gemeente["TR056"]
    assert "een 325 heeft geen retourbericht" in aanbieder["TR366"]
    results = [r for r in (*aanbieder.values(), *gemeente.values())]
    assert sum(r.rstrip().endswith("proven") for r in results) == 3
    # the run record holds the same matrices
    record = json.loads(re.search(r'id="run-record">(.*?)</script>', html, re.S)[1])
    trace = record["traceability"]
    assert (trace["aanbieder"]["proven"], trace["gemeente"]["proven"]) == (1, 2)
    assert trace["aanbieder"]["rules"] + trace["aanbieder"]["not_exercisable"] == \
        LISTED["aanbieder"] == len(trace["aanbieder"]["matrix"])
    tr019 = next(r for r in trace["gemeente"]["matrix"] if r["rule"] == "TR019")
    assert tr019["result"] == "proven" and len(tr019["scenarios"]) == 3
    assert {tuple(s["rules"]) for s in record["scenarios"]} == {("TR002",), ("TR019",)}
    # JUnit: a property per rule; Cucumber JSON: the rule ids beside the tags
    cases = etree.parse(str(tmp_path / "j.xml")).getroot().iter("testcase")
    assert {c.get("name"): [p.get("value") for p in c.iter("property")
                            if p.get("name") == "rule"] for c in cases}[
        "Een start zonder toewijzing wordt afgewezen"] == ["TR019"]
    elements = [e for f in json.loads((tmp_path / "c.json").read_text()) for e in f["elements"]]
    assert {tuple(e["rules"]) for e in elements} == {("TR002",), ("TR019",)}


def test_a_failing_scenario_shows_its_rule_as_failed(tmp_path):
    """An aanbieder that accepts every 301: TR002 failed, TR332 (a keuze rule) read otherwise,
    neither proven; only its role is shown."""
    sut = FakeSut("aanbieder", faults={"302": accept_everything})
    args = ["--sut", "aanbieder", "--tags", "@certificering-aanbieder and (@TR002 or @TR332)",
            "--today", TODAY, "--timeout", "10", "--html", "c.html", "--system", "ZorgECD"]
    for trigger in sut.triggers():
        args += ["--trigger", trigger]
    try:
        done = ketentest_run(*args, cwd=tmp_path)
    finally:
        sut.stop()
    assert done.returncode == 1, done.stderr[-3000:]
    assert done.stderr.rstrip().splitlines()[-1] == f"rules proven: aanbieder 0/{M['aanbieder']}"
    html = (tmp_path / "c.html").read_text()
    assert "<h3 id=rules-gemeente>" not in html
    rows = _rows(html, "aanbieder")
    assert rows["TR002"].rstrip().endswith("failed"), rows["TR002"]
    # TR332 is read as ketentest chose (keuze): accepting the 301 warns, and is not proven
    assert rows["TR332"].rstrip().endswith("read otherwise"), rows["TR332"]
    assert rows["TR379"].rstrip().endswith("not run")


def _record(tags, status, chain=None):
    return SimpleNamespace(tags=tags, status=status, name=" ".join(tags),
                           chain_tags=[chain] if chain else [],
                           rule_ids=[t for t in tags if t.startswith("TR")])


def test_a_rule_is_traced_to_the_role_that_receives_its_message_in_the_chain():
    start = _record(["305-306", "TR063"], "passed", "305-306")
    assert receivers(start, "TR063", DEFAULT) == {"gemeente"}  # the 305, not the 307's too
    assert receivers(_record(["TR002"], "passed"), "TR002", DEFAULT) == {"aanbieder",
                                                                           "gemeente"}
    suite = _record(["certificering-aanbieder", "TR002"], "passed")
    assert receivers(suite, "TR002", DEFAULT) == {"aanbieder"}


def test_a_failure_outweighs_a_pass_and_a_skip_is_not_run():
    rows = {r.rule: r.result for r in matrix(
        [_record(["TR019"], "passed", "305-306"), _record(["TR019"], "failed", "307-308"),
         _record(["TR063"], "skipped", "305-306")], DEFAULT, "gemeente")}
    assert rows["TR019"] == "failed" and rows["TR063"] == "not run"
    assert rows["TR056"] == "not exercisable" and rows["TR074"] == "not run"
    # a chain scenario tagged with a rule the role cannot show (the 325's, at the aanbieder)
    # proves the sender's part, not the receiver's: still not exercisable, and not counted
    award = matrix([_record(["TR366"], "passed", "323-325")], DEFAULT, "aanbieder")
    assert {r.rule: r.result for r in award}["TR366"] == "not exercisable"
    assert proven(award) == (0, M["aanbieder"])
