"""The rule registry covers every technical rule of the published table."""
import csv
import json

import pytest
from click.testing import CliRunner

from harness.cli import main
from harness.validation import RULES

from .conftest import ISTANDAARDEN


@pytest.fixture(scope="module")
def rule_table(reference):
    with open(ISTANDAARDEN / "technische-regels.csv", encoding="utf-8") as f:
        return {row["TR"]: row for row in csv.DictReader(f)}


def test_every_rule_of_the_table_is_implemented(rule_table):
    assert len(rule_table) == 80
    assert set(rule_table) == set(RULES)
    chain = {tr for tr, row in rule_table.items() if row["controleniveau"] == "berichtoverstijgend"}
    # TR418 (contract tariff) needs only the regio profile: judged with the external rules
    assert chain - {"TR418"} == {r.id for r in RULES.values() if r.category == "chain"}


def test_retourcodes_and_scope_match_the_table(rule_table):
    for tr, r in RULES.items():
        row = rule_table[tr]
        # n.v.t.: the 325's rules have no code of their own (a 325 has no retour message)
        assert r.retourcode == (None if row["retourcode"] == "n.v.t." else row["retourcode"]), tr
        published = {m[-3:] for m in (row["messages_wmo"] + " " + row["messages_jw"]).split()}
        assert r.messages <= published, f"{tr} judged on messages the table does not name"


def test_rules_command_lists_them_all_as_implemented():
    result = CliRunner().invoke(main, ["rules", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert {row["rule"] for row in rows} == set(RULES)
    assert all(row["status"].startswith("implemented") and row["summary"] for row in rows)
    assert {row["rule"] for row in rows if "regio profile" in row["status"]} == {"TR381", "TR418"}
    text = CliRunner().invoke(main, ["rules"]).output
    assert "TR358  0001  in-message (0001)" in text and f"{len(RULES)} rules" in text
