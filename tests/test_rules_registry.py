"""The rule registry covers every technical rule of the published table, and the conditions
and constraints (CD/CS) of the iJw 3.2 regelrapport that can be judged within one message."""
import csv
import json

import pytest
from click.testing import CliRunner

from harness.standard.registry import names
from harness.validation import RULES
from ketentest.cli import main

from .conftest import ISTANDAARDEN, ROOT


@pytest.fixture(scope="module")
def rule_table(reference):
    with open(ISTANDAARDEN / "technische-regels.csv", encoding="utf-8") as f:
        return {row["TR"]: row for row in csv.DictReader(f)}


TECHNICAL = {id: r for id, r in RULES.items() if id.startswith("TR") and "/" not in id}
# A rule judged at a second level besides the table's: TR319 (cross-message, 9319) also in the
# message, as the official XSLT judges it (0001; README, fidelity).
SECOND_LEVEL = {"TR319/xslt": ("TR319", "xslt", "0001", frozenset({"323"}))}
STANDARD_ONLY = {"CS318": "ijw"}  # iWmo's XSLT has no CS318 (its CS050 covers NaamGebruik 6)

# The conditions (CD) and constraints (CS) judged within one message, with the messages they
# apply to (the same in iWmo and iJw 3.2): all in-message, retourcode 0001.
CONDITIONS = {
    "CS002": "301 305 307 315 317 323 325", "CS139": "301 305 307 315",
    "CS318": "301", "CS050": "301", "CD007": "301", "CD025": "301", "CD034": "301",
    "CS089": "301", "CD005": "301", "CD009": "301", "CS003": "301 315 317",
    "CD079": "301 315 317", "CD075": "301 315 317", "CD076": "301 315 317",
    "CD041": "301 315 317", "CD077": "301 315 317", "CD078": "301 315 317",
    "CD080": "301", "CD095": "315", "CD096": "317", "CS338": "301 317", "CS343": "315",
    "CS335": "301", "CS336": "301", "CS058": "305 307", "CD043": "315",
    "CD066": "315", "CD067": "315", "CD068": "315", "CD085": "319", "CD086": "319",
    "CS319": "323", "CS100": "323", "CS340": "323", "CS337": "323",
    "CS325": "323 325", "CD060": "323 325", "CD087": "323", "CS339": "323",
}


def test_every_rule_of_the_table_is_implemented(rule_table):
    assert len(rule_table) == 80
    assert set(rule_table) == set(TECHNICAL)
    chain = {tr for tr, row in rule_table.items() if row["controleniveau"] == "berichtoverstijgend"}
    # TR418 (contract tariff) needs only the regio profile: judged with the external rules
    assert chain - {"TR418"} == {r.id for r in RULES.values() if r.category == "chain"}


def test_retourcodes_and_scope_match_the_table(rule_table):
    for tr, r in TECHNICAL.items():
        row = rule_table[tr]
        # n.v.t.: the 325's rules have no code of their own (a 325 has no retour message)
        assert r.retourcode == (None if row["retourcode"] == "n.v.t." else row["retourcode"]), tr
        published = {m[-3:] for m in (row["messages_wmo"] + " " + row["messages_jw"]).split()}
        assert r.messages <= published, f"{tr} judged on messages the table does not name"


def test_the_conditions_and_constraints_are_those_of_the_regelrapport():
    judged = {id: r for id, r in RULES.items() if not id.startswith("TR")}
    assert set(judged) == set(CONDITIONS) and len(CONDITIONS) == 39
    assert set(RULES) == set(TECHNICAL) | set(CONDITIONS) | set(SECOND_LEVEL)
    for key, (id, category, code, messages) in SECOND_LEVEL.items():
        r = RULES[key]
        assert (r.id, r.category, r.retourcode, r.messages) == (id, category, code, messages)
    for id, r in judged.items():
        assert (r.category, r.retourcode, r.needs) == ("xslt", "0001", None), id
        assert r.releases == frozenset(names(STANDARD_ONLY.get(id))), id
        assert r.messages == frozenset(CONDITIONS[id].split()), id


def test_rules_command_lists_them_all_as_implemented():
    result = CliRunner().invoke(main, ["rules", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert {row["rule"] for row in rows} == {r.id for r in RULES.values()}
    assert len(rows) == len(RULES)
    assert all(row["status"].startswith("implemented") and row["summary"] for row in rows)
    assert {row["rule"] for row in rows if "regio profile" in row["status"]} == {"TR381", "TR418"}
    where = {row["rule"]: row["where"] for row in rows}
    file, line = where["TR358"].split(":")
    assert file == "harness/validation/rules/inmessage.py"
    assert "TR358" in (ROOT / file).read_text().splitlines()[int(line) - 1]  # its @rule line
    assert {row["rule"]: row["releases"] for row in rows}["TR377"] == ["ijw-3.2"]
    text = CliRunner().invoke(main, ["rules"]).output
    assert "TR358  0001  in-message (0001)" in text and f"{len(RULES)} rules" in text
    assert "CS002  0001  in-message (0001)" in text and "CD087  0001" in text
