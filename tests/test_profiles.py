"""Regio profiles: the shipped examples load, agree with the factories, give the rules their
products; every kind of mistake is reported with file, key path and what to do."""
from __future__ import annotations

import filecmp
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from harness.factories import bericht, contract, to_bytes
from harness.profiles import BUILTIN, ProfileError, builtin, load_profile, loads
from harness.standard import release
from harness.validation.validator import judge

ROOT = Path(__file__).resolve().parents[1]
ACCEPTEERT = (ROOT / "harness/profiles/data/regio-accepteert.yaml").read_text()


def test_fixtures_are_the_shipped_profiles():
    for name in BUILTIN:
        fixture = ROOT / "fixtures" / "profiles" / f"{name}.yaml"
        assert filecmp.cmp(fixture, ROOT / "harness/profiles/data" / f"{name}.yaml", shallow=False)
        assert replace(load_profile(fixture), source="") == replace(builtin(name), source="")


def test_examples_say_what_their_name_says():
    accepteert, weigert = builtin("regio-accepteert"), builtin("regio-weigert-vow")
    assert accepteert.vot.toewijzen and accepteert.vow.toewijzen
    assert not weigert.vow.toewijzen and weigert.vow.reden == "4"
    assert weigert.vot.in_onderzoek
    assert not accepteert.may_stack("07A01", "07B02") and accepteert.may_stack("07A01", "02A01")
    assert weigert.toetsing == "contract" and accepteert.toetsing == "alle_regels"


@pytest.mark.parametrize("rel", ["iwmo-3.2", "ijw-3.2"])
def test_products_agree_with_the_factories(rel):
    profile = builtin("regio-accepteert")
    assert profile.products(release(rel).standard) == contract(release(rel))
    assert profile.context(date(2026, 11, 2), rel).products == contract(release(rel))


def test_tarief_in_euro_becomes_exact_cents():
    p = builtin("regio-accepteert")
    assert p.product("01A01").tarief == 110  # 1.10 read as a float would give 110.00000000000001
    assert p.product("02B02").tarief == 7877
    assert p.product("11B02").tarief == 143750


@pytest.mark.parametrize("rel", ["iwmo-3.2", "ijw-3.2"])
def test_context_lets_tr381_and_tr418_judge_factory_messages(rel):
    today = date(2026, 11, 2)
    ctx = builtin("regio-accepteert").context(today, rel)
    ok = judge(to_bytes(bericht(rel, "323", today=today, seed=1)), context=ctx)
    assert ok.accepted and not ok.not_assessed
    wrong = judge(to_bytes(bericht(rel, "323", today=today, seed=1,
                                   prestaties=[{"ProductTarief": 1}, {}])), context=ctx)
    assert "TR418" in {f.rule for f in wrong.findings}


def test_stapelmatrix_forbidden_by_default():
    text = ACCEPTEERT.replace("standaard: toegestaan ", "standaard: verboden ").replace(
        "verboden:                      #", "toegestaan:                    #")
    p = loads(text)
    assert p.may_stack("07A01", "07B02") and not p.may_stack("07A01", "02A01")


# Each broken profile: (what to change, the key path named, a word of what to do).
BROKEN = [
    ("tarief: 1.10,", "tarief: 1.105,", "producten[0].tarief", "more than two decimals"),
    ('categorie: "01", code: 01A01', "categorie: 01, code: 01A01", "producten[0].categorie",
     "leading zero"),
    ("naam:", "nam:", "(top level)", "unknown key nam"),
    ("naam: Regio Accepteert\n", "", "naam", "missing; add naam"),
    ('eenheid: "83", financiering: trajectfinanciering',
     'eenheid: "83", financiering: output', "producten[18].financiering", "trajectfinanciering"),
    ('eenheid: "83", financiering', 'eenheid: "83", frequentie: "2", financiering',
     "producten[18]", "leave frequentie out"),
    ('eenheid: "01", frequentie: "2",', 'eenheid: "01",', "producten[0].frequentie", "WMO757"),
    ('eenheid: "01",', 'eenheid: "05",', "producten[0].eenheid", "WJ756"),
    ("vow: {besluit: toewijzen}", "vow: {besluit: afwijzen}", "verzoeken.vow.reden",
     "RedenAfwijzingVerzoek"),
    ("vow: {besluit: toewijzen}", 'vow: {besluit: toewijzen, reden: "4"}', "verzoeken.vow",
     "leave reden out"),
    ("vow: {besluit: toewijzen}", 'vow: {besluit: afwijzen, reden: "99"}',
     "verzoeken.vow.reden", "WJ759"),
    ("vot: {besluit: toewijzen}", "vot: {besluit: ja}", "verzoeken.vot.besluit", "toewijzen"),
    ('"0546"', '"9999"', "gemeenten[0]", "CBS list"),
    ('"0546"', "546", "gemeenten[0]", "quoted"),
    ("code: 01B02", "code: 01A01", "producten[1].code", "name each product once"),
    ("code: 01B02", "code: 01B0", "producten[1].code", "5 letters or digits"),
    ("[07A01, 07B02]", "[07A01, 99X99]", "stapelmatrix.verboden[0][1]", "use a code from"),
    ("retour: 1 ", "retour: -1 ", "termijnen.retour", "in werkdagen"),
    ("  verzoek: 3 ", "  verzoekk: 3 ", "termijnen.verzoek", "missing"),
    ("toetsing: alle_regels", "toetsing: soepel", "declaraties.toetsing", "contract"),
    ('release: "3.2"', "release: 3.1", "release", '"3.2"'),
]


@pytest.mark.parametrize("old, new, path, hint", BROKEN, ids=[b[2] + ":" + b[1][:14] for b in BROKEN])
def test_invalid_profile_names_file_path_and_what_to_do(old, new, path, hint):
    assert old in ACCEPTEERT
    with pytest.raises(ProfileError) as e:
        loads(ACCEPTEERT.replace(old, new, 1), "regio-x.yaml")
    lines = str(e.value).splitlines()
    assert lines[0].startswith("invalid regio profile regio-x.yaml")
    assert any(line.strip().startswith(f"regio-x.yaml: {path}: ") and hint in line
               for line in lines[1:]), str(e.value)


def test_one_problem_per_place_and_all_places_reported():
    text = ACCEPTEERT.replace('categorie: "01", code: 01A01', "categorie: 01, code: 01A01", 1)
    text = text.replace("retour: 1 ", "retour: x ")
    with pytest.raises(ProfileError) as e:
        loads(text, "r.yaml")
    assert [p.split(":")[0] for p in e.value.problems] == ["producten[0].categorie",
                                                           "termijnen.retour"]


def test_yaml_syntax_error_gives_line_and_column():
    with pytest.raises(ProfileError) as e:
        loads("naam: [Regio\nrelease: 3", "r.yaml")
    assert "line 2, column" in str(e.value) and "not valid YAML" in str(e.value)


def test_not_a_mapping():
    with pytest.raises(ProfileError, match=r"\(top level\): a list is a list, not a mapping"):
        loads("- a\n- b\n", "r.yaml")


def test_unknown_builtin_and_missing_file(tmp_path):
    with pytest.raises(KeyError, match="regio-accepteert"):
        builtin("regio-onbekend")
    with pytest.raises(OSError):
        load_profile(tmp_path / "absent.yaml")


def test_a_profile_names_its_calendar():
    assert builtin("regio-weigert-vow").kalender.bevrijdingsdag == "jaarlijks"
    assert builtin("regio-accepteert").kalender.bevrijdingsdag == "lustrum"
    with pytest.raises(ProfileError, match=r"kalender.bevrijdingsdag: 'soms' is not one of"):
        loads(ACCEPTEERT + "kalender: {bevrijdingsdag: soms}\n", "k.yaml")


def test_a_revised_tariff_is_the_contract_the_rules_judge_against():
    """regio-herziet-tarief extends regio-accepteert (basis) and revises the hour products'
    tariff: TR418 rejects a line at the product list's tariff (0611) and accepts the revised
    one; the product list itself (what an aanbieder took) keeps the old tariff."""
    herziet, accepteert = builtin("regio-herziet-tarief"), builtin("regio-accepteert")
    assert herziet.producten == accepteert.producten and herziet.vow == accepteert.vow
    assert herziet.product("02A01").tarief == 6850
    assert herziet.products("iwmo")[("02", "02A01")].tarief == 7055
    assert herziet.herziene_tarieven("iwmo-3.2") == {"02A01": 7055}
    assert herziet.herziene_tarieven("ijw-3.2") == {"31A01": 7055}
    assert accepteert.herziene_tarieven("iwmo-3.2") == {}


def test_a_revision_names_a_product_of_the_profile_and_a_basis_that_ships():
    with pytest.raises(ProfileError, match=r"declaraties.tariefherziening\[0\].product: '99X99' "
                                           r"is not a product of this profile"):
        loads("basis: regio-accepteert\ndeclaraties:\n  tariefherziening:\n"
              "    - {product: 99X99, tarief: 1.00}\n", "x.yaml")
    with pytest.raises(ProfileError, match="basis: 'regio-x' is no shipped profile"):
        loads("basis: regio-x\n", "x.yaml")
