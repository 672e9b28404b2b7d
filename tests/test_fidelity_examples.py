"""Every official example gets the same verdict from ketentest as from the official XSD."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from ketentest.cli import main
from harness.validation import judge_file

from .conftest import official_examples

INVALID_AS_PUBLISHED = {"JW315.xml", "JW318.xml"}  # see reference/README.md
# Schema-valid, but breaking an in-message rule as published (the official rule XSLT rejects
# each the same way: tests/test_fidelity_xslt.py): JW317's NieuwProduct ends (2024-02-28)
# before its GewensteIngangsdatum (2026-11-01), which CS003 forbids; JW323 declares two
# prestaties of one client with one ReferentieNummer (TR101); WMO317 asks for a NieuwProduct
# from 2023-04-02, its own Dagtekening, not after it (TR380).
BREAKS_A_CONDITION = {
    "JW317.xml": ("CS003", "/Bericht/Client/Verzoek/NieuweProducten/NieuwProduct/Einddatum"),
    "JW323.xml": ("TR101", "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[3]"),
    "WMO317.xml": ("TR380",
                   "/Bericht/Client/Verzoek/NieuweProducten/NieuwProduct/GewensteIngangsdatum")}


@pytest.mark.parametrize("path", official_examples(), ids=lambda p: p.name)
def test_example_verdict_equals_official_xsd(path, official_schemas):
    doc = etree.parse(str(path))
    official = official_schemas[etree.QName(doc.getroot()).namespace].validate(doc)
    verdict = judge_file(path)
    assert (verdict.level.value != "xsd") == official
    assert official == (path.name not in INVALID_AS_PUBLISHED)
    assert verdict.accepted == (official and path.name not in BREAKS_A_CONDITION)
    if path.name in BREAKS_A_CONDITION:
        assert verdict.level.value == "xslt"
        assert [(f.rule, f.path) for f in verdict.findings] == [BREAKS_A_CONDITION[path.name]]
    assert verdict.message == path.stem


def test_cli_json_on_every_schema_valid_example(reference):
    files = [str(p) for p in official_examples() if p.name not in INVALID_AS_PUBLISHED]
    assert len(files) == 19
    result = CliRunner().invoke(main, ["validate", "--format", "json", *files])
    assert result.exit_code == 1, result.output  # JW317, JW323 and WMO317 break a rule
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [v["file"] for v in lines] == files
    for v in lines:
        broken = BREAKS_A_CONDITION.get(Path(v["file"]).name)
        if broken:
            assert (v["accepted"], v["level"], v["retourcodes"]) == (False, "xslt", ["0001"])
            assert [(f["rule"], f["path"]) for f in v["findings"]] == [broken]
        else:
            assert v["accepted"] is True and v["level"] == "ok"
            assert v["retourcodes"] == [] and v["findings"] == []


def test_cli_json_on_the_invalid_examples_names_the_element(reference):
    files = [str(p) for p in official_examples() if p.name in INVALID_AS_PUBLISHED]
    result = CliRunner().invoke(main, ["validate", "--format", "json", *files])
    assert result.exit_code == 1
    by_message = {v["message"]: v for v in map(json.loads, result.output.splitlines())}
    jw315, jw318 = by_message["JW315"], by_message["JW318"]
    assert jw315["level"] == "xsd" and "2027-06-31" in jw315["findings"][0]["text"]
    assert jw315["findings"][0]["path"].endswith("/AangevraagdProduct[1]/ToewijzingEinddatum")
    assert jw318["findings"][0]["path"] == "/Bericht/Client/Verzoek/RetourCode"
