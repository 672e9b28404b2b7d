"""`ketentest` commands: the validate contract (JSON lines, levels, exit codes) and the helpers."""
import json

import pytest
from click.testing import CliRunner
from lxml import etree

from ketentest.cli import main
from harness.factories import bericht, to_bytes
from harness.standard import release

CONTRACT_KEYS = ["file", "message", "release", "accepted", "level", "retourcodes", "findings",
                 "not_assessed"]


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def files(tmp_path):
    rel = release("ijw-3.2")
    good = tmp_path / "goed.xml"
    # a realistic 301 (the schema sample fills every optional element and breaks conditions)
    good.write_bytes(to_bytes(bericht(rel, "301", seed=3)))
    root = bericht(rel, "301", seed=3)
    bsn = root.find(".//{*}Client/{*}Bsn")
    bsn.text = "12"
    bad = tmp_path / "fout.xml"
    bad.write_bytes(to_bytes(root))
    broken = tmp_path / "kapot.xml"
    broken.write_bytes(b"<Bericht>")
    return good, bad, broken


def test_json_contract_and_exit_1_on_any_rejection(files):
    good, bad, broken = files
    result = run("validate", "--format", "json", str(good), str(bad), str(broken))
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [list(v) for v in lines] == [CONTRACT_KEYS] * 3
    assert [(v["accepted"], v["level"]) for v in lines] == [(True, "ok"), (False, "xsd"),
                                                           (False, "xml")]
    assert lines[1]["message"] == "JW301" and lines[1]["release"] == "ijw-3.2"
    [finding] = lines[1]["findings"]
    assert finding == {"rule": "XSD", "retourcode": None, "path": "/Bericht/Client/Bsn",
                       "text": finding["text"]}
    assert "'12'" in finding["text"] and "pattern '[0-9]{9}'" in finding["text"]
    assert lines[2]["message"] is None and lines[2]["findings"][0]["rule"] == "XML-SYNTAX"


def test_exit_0_when_all_accepted(files):
    assert run("validate", "--format", "json", str(files[0])).exit_code == 0


def test_exit_2_on_unreadable_file_but_others_are_judged(files, tmp_path):
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(tmp_path / "weg.xml"),
                                       str(files[0])])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["accepted"] is True


def test_exit_2_on_usage_errors(files):
    assert run("validate").exit_code == 2
    assert run("validate", "--format", "yaml", str(files[0])).exit_code == 2
    assert run("validate", "--schemas", "/bestaat/niet", str(files[0])).exit_code == 2


def test_text_format_for_people(files):
    good, bad, _ = files
    result = run("validate", str(good), str(bad))
    assert result.exit_code == 1
    assert "✔ accepted  JW301 (ijw-3.2)" in result.output
    assert "✘ rejected  JW301 (ijw-3.2)" in result.output
    assert "level xsd: not conform the schema" in result.output
    assert "/Bericht/Client/Bsn" in result.output
    assert "2 files: 1 accepted, 1 rejected" in result.output


def test_stdin(files):
    result = run("validate", "--format", "json", "-", input=files[0].read_bytes())
    assert result.exit_code == 0 and json.loads(result.output)["file"] == "<stdin>"


def test_schemas_option_with_the_official_download(files, reference):
    good, bad, _ = files
    folder = reference / "istandaarden" / "ijw-3.2" / "xsd"
    result = run("validate", "--format", "json", "--schemas", str(folder), str(good), str(bad))
    assert result.exit_code == 1
    assert [json.loads(x)["accepted"] for x in result.output.splitlines()] == [True, False]


def test_schemas_option_without_the_message_schema(files, tmp_path):
    (tmp_path / "leeg").mkdir()
    assert run("validate", "--schemas", str(tmp_path / "leeg"), str(files[0])).exit_code == 2
    only_wmo = tmp_path / "wmo"
    run("schemas", "--release", "iwmo-3.2", "--out", str(only_wmo))
    result = run("validate", "--format", "json", "--schemas", str(only_wmo), str(files[0]))
    assert result.exit_code == 1
    assert "No schema for root namespace" in json.loads(result.output)["findings"][0]["text"]


def test_schemas_export_validates_what_the_builtin_ones_do(tmp_path, files):
    result = run("schemas", "--release", "ijw-3.2", "--out", str(tmp_path / "xsd"))
    assert result.exit_code == 0 and "wrote 15 schemas" in result.output
    schema = etree.XMLSchema(etree.parse(str(tmp_path / "xsd" / "JW301.xsd")))
    assert schema.validate(etree.parse(str(files[0])))
    assert not schema.validate(etree.parse(str(files[1])))


@pytest.mark.parametrize("name,expected", [("WMO301", "WMO301"), ("JW325", "JW325"),
                                           ("iwmo-3.2:320", "WMO320")])
def test_example_prints_a_message_that_is_accepted(name, expected, tmp_path):
    result = run("example", name, "--seed", "3", "--today", "2026-11-02")
    assert result.exit_code == 0
    assert run("example", name, "--seed", "3", "--today", "2026-11-02").output == result.output
    path = tmp_path / "voorbeeld.xml"
    path.write_text(result.output)
    verdict = json.loads(run("validate", "--format", "json", "--today", "2026-11-02",
                             str(path)).output)
    assert verdict["accepted"] and verdict["message"] == expected


def test_example_of_unknown_message():
    assert run("example", "WMO399").exit_code == 2


def test_messages_lists_the_catalogue():
    result = run("messages")
    assert result.exit_code == 0
    assert result.output.count("\n  ") == 28
    assert "WMO325  485  heen    gemeente  -> aanbieder  partner WMO323" in result.output
