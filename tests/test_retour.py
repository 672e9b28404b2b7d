"""Retour messages and 325s built from verdicts: right shape and codes, and valid against the
official XSDs (iWmo retours: the derived-unofficial ones)."""
import copy
from datetime import date

import pytest
from click.testing import CliRunner
from lxml import etree

from ketentest.cli import main
from harness.factories import contract, data, render, to_bytes
from harness.standard import release
from harness.validation import Context, judge
from harness.validation.retour import answer

TODAY = date(2026, 11, 2)
HEEN = ["301", "305", "307", "315", "317", "319", "323"]
STANDARDS = ["iwmo-3.2", "ijw-3.2"]


def verdict_of(rel_name, message, change=None, today=TODAY):
    d = data(rel_name, message, today=TODAY, seed=5, **({"prestaties": 3} if message == "323" else {}))
    if change:
        change(d)
    rel = release(rel_name)
    return judge(to_bytes(render(rel, message, d)), "x.xml",
                 context=Context(today=today, products=contract(rel)))


def codes(root, where="."):
    return [c.text for c in root.iterfind(f"{where}/{{*}}RetourCodes/{{*}}RetourCode")]


def valid(root, official_schemas):
    schema = official_schemas[etree.QName(root).namespace]
    assert schema.validate(root), schema.error_log
    return root


@pytest.mark.parametrize("rel_name", STANDARDS)
@pytest.mark.parametrize("message", HEEN)
def test_accepted_gives_a_header_only_answer(rel_name, message, official_schemas):
    rel = release(rel_name)
    root = valid(answer(verdict_of(rel_name, message), rel, TODAY, "R1"), official_schemas)
    header = root.find("{*}Header")
    if message == "323":
        assert codes(root, "{*}Header") == ["0200"]
        assert codes(root, "{*}DeclaratieAntwoord") == ["8001"]
        ingediend = root.find("{*}DeclaratieAntwoord/{*}TotaalIngediendBedrag")
        toegekend = root.find("{*}DeclaratieAntwoord/{*}TotaalToegekendBedrag")
        assert etree.tostring(ingediend).replace(b"Ingediend", b"X") == \
            etree.tostring(toegekend).replace(b"Toegekend", b"X")
    else:
        assert len(root) == 1 and codes(root, "{*}Header") == []
        assert header.findtext("{*}IdentificatieRetour") == "R1"
        assert header.findtext("{*}DagtekeningRetour") == "2026-11-02"


@pytest.mark.parametrize("rel_name", STANDARDS)
@pytest.mark.parametrize("message", HEEN)
def test_header_rule_puts_its_code_on_the_header(rel_name, message, official_schemas):
    rel = release(rel_name)
    v = verdict_of(rel_name, message, today=date(2026, 11, 1))  # dagtekening after today: 8848
    assert v.retourcodes == ["8848"]
    root = valid(answer(v, rel, date(2026, 11, 1)), official_schemas)
    assert codes(root, "{*}Header") == ["8848"]


def test_xslt_failure_gives_0001_on_the_header(official_schemas):
    def break_tr018(d):
        d["Client"]["StopProducten"]["StopProduct"][0]["Einddatum"] = "2020-01-01"
    v = verdict_of("iwmo-3.2", "307", break_tr018)
    root = valid(answer(v, release("iwmo-3.2"), TODAY), official_schemas)
    assert len(root) == 1 and codes(root, "{*}Header") == ["0001"]
    heen = v.root.find("{*}Header")
    for name in ("Afzender", "Ontvanger", "BerichtIdentificatie"):  # copied unchanged
        def content(el):
            return [t.strip() for t in el.itertext() if t.strip()]
        assert content(root.find(f"{{*}}Header/{{*}}{name}")) == content(heen.find(f"{{*}}{name}"))


def test_class_rule_codes_the_class_and_0200_the_others(official_schemas):
    def unknown_product(d):
        products = d["Client"]["ToegewezenProducten"]["ToegewezenProduct"]
        products.append(copy.deepcopy(products[0]))
        products[1]["ToewijzingNummer"] += 1
        products[1]["Product"]["Code"] = "ZZ999"
        products[1]["Ingangsdatum"], products[1]["Einddatum"] = "2028-01-01", "2028-02-01"
    v = verdict_of("ijw-3.2", "301", unknown_product)
    assert v.retourcodes == ["S329"]
    root = valid(answer(v, release("ijw-3.2"), TODAY), official_schemas)
    assert codes(root, "{*}Header") == ["0200"]
    assert codes(root, "{*}Client") == ["0200"]
    product_codes = [codes(p) for p in root.iterfind(".//{*}ToegewezenProduct")]
    assert product_codes == [["0200"], ["S329"]]


@pytest.mark.parametrize("rel_name", STANDARDS)
def test_325_lists_only_rejected_prestaties_and_awards_the_rest(rel_name, official_schemas):
    def wrong_tariff(d):
        p = d["Declaratie"]["Clienten"]["Client"][0]["Prestaties"]["Prestatie"][1]
        p["ProductTarief"] += 1
        p["IngediendBedrag"]["Bedrag"] = p["GeleverdVolume"] * p["ProductTarief"]
        total = sum(x["IngediendBedrag"]["Bedrag"] for c in d["Declaratie"]["Clienten"]["Client"]
                    for x in c["Prestaties"]["Prestatie"])
        d["Declaratie"]["TotaalIngediendBedrag"]["TotaalBedrag"] = total
    v = verdict_of(rel_name, "323", wrong_tariff)
    assert v.retourcodes == ["0611"]
    root = valid(answer(v, release(rel_name), TODAY), official_schemas)
    listed = root.findall(".//{*}Prestatie")
    assert len(listed) == 1 and codes(listed[0]) == ["0611"]
    ingediend = int(root.findtext("{*}DeclaratieAntwoord/{*}TotaalIngediendBedrag/{*}TotaalBedrag"))
    toegekend = int(root.findtext("{*}DeclaratieAntwoord/{*}TotaalToegekendBedrag/{*}TotaalBedrag"))
    rejected = int(listed[0].findtext("{*}IngediendBedrag/{*}Bedrag"))
    assert toegekend == ingediend - rejected
    assert codes(root, "{*}DeclaratieAntwoord") == ["0200"]


def test_no_answer_for_refused_or_answer_messages():
    rel = release("iwmo-3.2")
    assert answer(judge(b"<kapot", "x"), rel, TODAY) is None
    retour = verdict_of("iwmo-3.2", "302")
    assert retour.accepted and answer(retour, rel, TODAY) is None


def test_validate_retour_dir_writes_answers(tmp_path, official_schemas):
    rel = release("ijw-3.2")
    files = []
    for message in ("301", "323", "302"):
        path = tmp_path / f"JW{message}.xml"
        path.write_bytes(to_bytes(render(rel, message, data(rel, message, today=TODAY, seed=2))))
        files.append(str(path))
    out = tmp_path / "antwoorden"
    result = CliRunner().invoke(main, ["validate", "--today", "2026-11-02", "--retour-dir",
                                       str(out), *files])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == ["JW301-retour.xml", "JW323-retour.xml"]  # a 302 has no answer
    for p in out.iterdir():
        valid(etree.parse(str(p)).getroot(), official_schemas)
