"""ketentest's in-message rules against the official rule XSLTs of iWmo 3.2 and iJw 3.2.

The XSLTs are read from ../shared/reference at test time (never copied) and run with lxml; the
corpus and the comparison are in tests/differential.py. CI runs a sample of each standard; the
full corpus (10,000 generated cases per standard) runs with KETENTEST_FULL_DIFFERENTIAL=1.
"""
from __future__ import annotations

import copy
import os
from datetime import date

import pytest
from click.testing import CliRunner
from lxml import etree

from harness import factories
from harness.chain import ChainState
from harness.chain import judge as judge_in_chain
from ketentest.cli import main
from harness.standard import all_releases, release
from harness.validation import Context, judge
from harness.validation.xslt import RAPPORT_NS, Fout, OfficialRules, read_rapport

from . import differential
from .conftest import ISTANDAARDEN

FULL = os.environ.get("KETENTEST_FULL_DIFFERENTIAL") == "1"
SAMPLE = 10_000 if FULL else 700
STANDARDS = ["iwmo-3.2", "ijw-3.2"]
R = {"r": RAPPORT_NS}


def _report(rel_name, count, seed):
    """Every disagreement of a corpus, with what was done to the message."""
    rel = release(rel_name)
    problems, total = [], 0
    for case in differential.corpus(rel, count, seed):
        total += 1
        for p in differential.disagreement(case):
            problems.append(f"{case.message.name} [{case.what}]: {p}")
    return total, problems


@pytest.mark.parametrize("rel_name", STANDARDS)
def test_official_examples_agree(reference, rel_name):
    cases = differential.examples(release(rel_name))
    assert len(cases) >= 7
    for case in cases:
        assert differential.disagreement(case) == [], case.what


@pytest.mark.parametrize("rel_name", STANDARDS)
def test_differential_corpus_agrees(reference, rel_name):
    """Identical rule codes and element paths on every case: no false accept, no false
    reject (the sample in CI; 10,000 cases per standard with KETENTEST_FULL_DIFFERENTIAL=1)."""
    total, problems = _report(rel_name, SAMPLE, seed=20261130)
    assert total >= SAMPLE
    assert problems == [], f"{len(problems)} of {total} cases differ:\n" + "\n".join(problems[:20])


def test_the_comparison_sees_a_difference(reference):
    """The oracle bites: a rule ketentest would miss is reported as a false accept, one it
    would invent as a false reject, a wrong element as a path difference."""
    case = differential.examples(release("ijw-3.2"))[0]
    fouten = differential.theirs(case)
    assert differential.compare([], [Fout("TR101", None, ("/Bericht/Client",), "")]) \
        == ["false accept TR101 at ['/Bericht/Client']"]
    assert differential.compare([("TR101", "/Bericht/Client")], fouten)[0].startswith(
        "false reject TR101")
    assert differential.compare(
        [("TR101", "/Bericht/Header")],
        [Fout("TR101", None, ("/Bericht/Client/Bsn",), "")])[0].startswith("path TR101")
    assert differential.matches("/Bericht/A", "/Bericht/A/B/C")
    assert not differential.matches("/Bericht/A", "/Bericht/A/B/C/D")
    assert not differential.matches("/Bericht/A", "/Bericht/AB")


# -- the two verdicts the issue names ---------------------------------------------------

def test_validate_rejects_the_official_jw323_with_tr101(reference):
    path = ISTANDAARDEN / "ijw-3.2" / "examples" / "JW323.xml"
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 1
    assert '"rule": "TR101"' in result.output and '"level": "xslt"' in result.output


@pytest.mark.parametrize("rel_name", STANDARDS)
def test_validate_rejects_a_325_with_a_mismatching_toegekend_bedrag(rel_name, tmp_path):
    heen = factories.data(rel_name, "323", seed=3)
    d = factories.data(rel_name, "325", seed=3, heen=heen)
    good = tmp_path / "good.xml"
    good.write_bytes(factories.to_bytes(factories.render(release(rel_name), "325", d)))
    d["DeclaratieAntwoord"]["TotaalToegekendBedrag"]["TotaalBedrag"] -= 1
    bad = tmp_path / "bad.xml"
    bad.write_bytes(factories.to_bytes(factories.render(release(rel_name), "325", d)))
    assert CliRunner().invoke(main, ["validate", str(good)]).exit_code == 0
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(bad)])
    assert result.exit_code == 1 and '"rule": "TR342"' in result.output


# -- dates Python cannot hold -------------------------------------------------------------

ODD_DATES = ("-2026-01-01", "10000-01-01", "0001-01-01", "9999-12-31")


def _date_leaves(rel, msg, root):
    out = []
    for e in differential._leaves(root):
        _, t = differential._leaf_type(rel, msg, e)
        if t is not None and t.base == "date":
            out.append(e)
    return out


def _odd_date_cases(with_base=False):
    """Every date element of every message (all 28, factory-built), set to each odd date."""
    for rel in all_releases():
        for msg in rel.messages.values():
            base = etree.fromstring(factories.to_bytes(factories.bericht(rel, msg.id, seed=5)))
            for i in range(len(_date_leaves(rel, msg, base))):
                for value in ODD_DATES:
                    root = copy.deepcopy(base)
                    _date_leaves(rel, msg, root)[i].text = value
                    yield (rel, msg, root, value, base) if with_base else (rel, msg, root, value)


def test_no_date_crashes_a_rule():
    """Schema-valid dates outside Python's range are judged, never a crash: alone, and in a
    chain after the same message was accepted with its normal dates."""
    judged, ctx = 0, Context(today=date(2026, 11, 2))
    for rel, msg, root, value, base in _odd_date_cases(with_base=True):
        data = factories.to_bytes(root)
        verdict = judge(data, f"{msg.name}.xml", context=ctx)
        if verdict.level.value == "xsd":
            continue  # the type refuses it (e.g. a year 0000 or a pattern): no rules run
        judged += 1
        # in a chain: after the normal message, and the normal one again after it
        state, normal = ChainState(), factories.to_bytes(base)
        state.record(judge_in_chain(state, normal, "normal.xml", ctx))
        state.record(judge_in_chain(state, data, f"{msg.name}.xml", ctx))
        state.record(judge_in_chain(state, normal, "normal.xml", ctx))
        ChainState.from_json(state.to_json())
    assert judged > 500


def test_odd_dates_are_judged_as_the_xslt_does(reference):
    for rel, msg, root, value in _odd_date_cases():
        if msg.id not in differential.JUDGED:
            continue
        case = differential.Case(rel, msg, value, root)
        if differential.schema_valid(case):
            assert differential.disagreement(case) == [], (msg.name, value)


# -- the Rapport and --xslt ---------------------------------------------------------------

def _rapport(args):
    result = CliRunner().invoke(main, ["validate", "--format", "rapport", *args])
    return result, etree.fromstring(result.output.encode())


def test_rapport_of_a_rejected_message(tmp_path):
    d = factories.data("ijw-3.2", "323", seed=4)
    d["Declaratie"]["TotaalIngediendBedrag"]["TotaalBedrag"] += 1
    path = tmp_path / "jw323.xml"
    path.write_bytes(factories.to_bytes(factories.render(release("ijw-3.2"), "323", d)))
    result, root = _rapport([str(path)])
    assert result.exit_code == 1 and etree.QName(root).namespace == RAPPORT_NS
    assert root.findtext("r:Header/r:BerichtCode", namespaces=R) == "490"
    assert root.findtext("r:Header/r:BerichtIdentificatie/r:Identificatie", namespaces=R) == \
        d["Header"]["BerichtIdentificatie"]["Identificatie"]
    fouten = read_rapport(root)
    assert [(f.code, f.retourcode, f.locaties) for f in fouten] == [
        ("TR358", "0001", ("/Bericht/Declaratie/TotaalIngediendBedrag",))]
    assert fouten[0].details


def test_rapport_of_an_accepted_and_a_refused_message(tmp_path):
    good = tmp_path / "good.xml"
    good.write_bytes(factories.to_bytes(factories.bericht("iwmo-3.2", "305", seed=1)))
    result, root = _rapport([str(good)])
    assert result.exit_code == 0 and read_rapport(root) == []
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<Bericht/>")
    result, root = _rapport([str(bad)])
    assert result.exit_code == 1 and [f.code for f in read_rapport(root)] == ["XSD"]


def test_xslt_option_judges_with_the_official_stylesheet(reference, tmp_path):
    folder = ISTANDAARDEN / "ijw-3.2" / "xslt"
    example = ISTANDAARDEN / "ijw-3.2" / "examples" / "JW323.xml"
    result = CliRunner().invoke(main, ["validate", "--xslt", str(folder), str(example)])
    assert result.exit_code == 1 and "[official XSLT]" in result.output
    assert "in-message rules judged by the official rules from" in result.output
    result, root = _rapport(["--xslt", str(folder), str(example)])
    official = read_rapport(OfficialRules(folder).rapport(etree.parse(str(example)).getroot()))
    assert [(f.code, f.locaties) for f in read_rapport(root)] == \
        [(f.code, f.locaties) for f in official]
    # a message the stylesheet does not cover is judged by ketentest, and says so
    wmo = ISTANDAARDEN / "iwmo-3.2" / "examples" / "WMO301.xml"
    result = CliRunner().invoke(main, ["validate", "--xslt", str(folder), str(wmo)])
    assert "judged by ketentest: no stylesheet for WMO301" in result.output


def test_xslt_option_refuses_what_is_not_a_stylesheet(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--xslt", str(tmp_path / "nope"), "x.xml"])
    assert result.exit_code == 2 and "no such file or folder" in result.output
    (tmp_path / "a.xsl").write_text("<x/>")
    result = CliRunner().invoke(main, ["validate", "--xslt", str(tmp_path), "x.xml"])
    assert result.exit_code == 2 and "no rule stylesheet" in result.output


def test_xslt_option_names_a_stylesheet_that_fails(tmp_path):
    """A stylesheet that stops on a message is a usage error naming it, not a traceback."""
    ns = release("ijw-3.2").message("301").namespace
    (tmp_path / "stops.xsl").write_text(
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
        f'xmlns:m="{ns}"><xsl:template match="/"><xsl:message terminate="yes">stop'
        '</xsl:message></xsl:template></xsl:stylesheet>')
    message = tmp_path / "jw301.xml"
    message.write_bytes(factories.to_bytes(factories.bericht("ijw-3.2", "301", seed=2)))
    result = CliRunner().invoke(main, ["validate", "--xslt", str(tmp_path), str(message)])
    assert result.exit_code == 2 and "stops.xsl: the stylesheet failed" in result.output
