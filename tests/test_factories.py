"""The message factories build realistic messages that every judge accepts, with consistent
values, and let a test change any of them."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from lxml import etree

from harness.factories import (FACTORIES, TODAY, ClientFactory, PrestatieFactory, RenderError,
                               ToegewezenProductFactory, bericht, contract, data, render,
                               to_bytes)
from harness.factories.declaratie import signed
from harness.validation.rules.conditions import elfproef
from harness.standard import all_releases, release
from harness.standard.cbs import gemeentecodes
from harness.validation import Context, judge

ALL = [(rel.name, msg.id) for rel in all_releases() for msg in rel.messages.values()]
IDS = [f"{r}:{m}" for r, m in ALL]


def judged(root, today=TODAY, **context):
    return judge(to_bytes(root), context=Context(today=today, **context))


def local(el) -> str:
    return etree.QName(el).localname


def find(root, path: str) -> list:
    """Elements at a /-path of local names below root (namespace-free, for reading tests)."""
    found = [root]
    for name in path.split("/"):
        found = [c for el in found for c in el if local(c) == name]
    return found


def text(root, path: str) -> str:
    (el,) = find(root, path)
    return el.text


def day(root, path: str) -> date:
    return date.fromisoformat(text(root, path))


def test_the_catalogue_has_28_messages():
    assert len(ALL) == 28 and set(FACTORIES) == {m for _, m in ALL}


# ---------------------------------------------------------------- every message is accepted

@pytest.mark.parametrize("name,message", ALL, ids=IDS)
def test_accepted_by_ketentest_with_and_without_a_regio_profile(name, message):
    rel = release(name)
    root = bericht(rel, message)
    verdict = judged(root)
    assert verdict.level.value == "ok", verdict.findings
    assert verdict.message == f"{rel.prefix}{message}"
    # the product list the factories draw from is a regio profile that TR381 and TR418 accept
    verdict = judged(root, products=contract(rel))
    assert verdict.accepted and not verdict.not_assessed, verdict.findings


@pytest.mark.parametrize("name,message", ALL, ids=IDS)
def test_valid_against_the_official_xsd(name, message, official_schemas):
    for seed in range(5):  # several stories, not one lucky draw
        root = bericht(name, message, seed=seed)
        schema = official_schemas[etree.QName(root).namespace]
        assert schema.validate(root), schema.error_log.last_error


@pytest.mark.parametrize("name", ["iwmo-3.2", "ijw-3.2"])
def test_bigger_messages_stay_accepted(name):
    counts = {"301": {"producten": 5, "contacten": 3, "relaties": 2}, "305": {"producten": 4},
              "307": {"producten": 4}, "315": {"producten": 4},
              "317": {"ongewijzigd": 2, "te_wijzigen": 3, "nieuw": 3},
              "323": {"clienten": 6, "prestaties": 7}}
    for seed in range(10):
        for message, kwargs in counts.items():
            verdict = judged(bericht(name, message, seed=seed, **kwargs))
            assert verdict.accepted, (message, seed, verdict.findings)


# ---------------------------------------------------------------- realistic values

def test_elfproef():
    assert elfproef("999993653") and elfproef("111222333")
    assert not elfproef("123456789") and not elfproef("99999365") and not elfproef("99999365a")


def test_bsns_pass_the_elfproef_and_parties_are_real_codes():
    for seed in range(30):
        d = data("iwmo-3.2", "323", seed=seed, clienten=5)
        bsns = [c["Bsn"] for c in d["Declaratie"]["Clienten"]["Client"]]
        assert all(elfproef(b) and b[0] != "0" for b in bsns)
        assert len(set(bsns)) == len(bsns)  # a declaratie lists a client once
        header = d["Header"]
        assert header["Afzender"].isdigit() and len(header["Afzender"]) == 8  # AGB
        assert header["Ontvanger"] in gemeentecodes()
    root = bericht("ijw-3.2", "301")
    assert elfproef(text(root, "Client/Bsn")) and text(root, "Header/Afzender") in gemeentecodes()


def test_header_identification_and_versions():
    for name, message in ALL:
        root = bericht(name, message)
        ident = text(root, "Header/BerichtIdentificatie/Identificatie")
        assert 1 <= len(ident) <= 12
        assert [el.text for el in find(root, "Header/XsdVersie")[0]] == ["1.0.0", "1.0.0"]
        assert text(root, "Header/BerichtCode") == str(release(name).message(message).berichtcode)


@pytest.mark.parametrize("name", ["iwmo-3.2", "ijw-3.2"])
def test_product_categories_and_codes_fit_the_standard(name):
    codes = release(name).simple["LDT_ProductCategorie"].codes
    root = bericht(name, "323", clienten=3, prestaties=5)
    for p in find(root, "Declaratie/Clienten/Client/Prestaties/Prestatie"):
        categorie, code = text(p, "ProductCategorie"), text(p, "ProductCode")
        assert categorie in codes and len(code) == 5 and code.startswith(categorie)
    root = bericht(name, "301", producten=4)
    for p in find(root, "Client/ToegewezenProducten/ToegewezenProduct/Product"):
        assert text(p, "Categorie") in codes
    assert {c[0] for c in codes} == ({"0", "1"} if name == "iwmo-3.2" else {"3", "4", "5"})


# ---------------------------------------------------------------- consistent dates

@pytest.mark.parametrize("today", [TODAY, date(2026, 3, 1), date(2028, 2, 29)])
@pytest.mark.parametrize("name", ["iwmo-3.2", "ijw-3.2"])
def test_dates_tell_a_consistent_story(name, today):
    for seed in range(5):
        roots = {m: bericht(name, m, today=today, seed=seed) for m in FACTORIES}
        for message, root in roots.items():
            assert day(root, "Header/BerichtIdentificatie/Dagtekening") <= today
            for g in find(root, "Client/Geboortedatum/Datum"):
                age = (today - date.fromisoformat(g.text)).days / 365.25
                assert 1 <= age <= 100, (message, g.text)
        dagtekening = day(roots["301"], "Header/BerichtIdentificatie/Dagtekening")
        for p in find(roots["301"], "Client/ToegewezenProducten/ToegewezenProduct"):
            assert day(p, "Toewijzingsdatum") <= dagtekening
            assert day(p, "Ingangsdatum") <= day(p, "Einddatum")
        for p in find(roots["307"], "Client/StopProducten/StopProduct"):
            assert day(p, "ToewijzingIngangsdatum") <= day(p, "Begindatum") <= day(p, "Einddatum")
            assert day(p, "Einddatum") <= today
        for p in find(roots["305"], "Client/StartProducten/StartProduct"):
            assert day(p, "ToewijzingIngangsdatum") <= day(p, "Begindatum") <= today
        for p in find(roots["315"], "Client/AangevraagdeProducten/AangevraagdProduct"):
            assert day(p, "ToewijzingIngangsdatum") <= day(p, "ToewijzingEinddatum")
        for p in find(roots["317"], "Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct"):
            assert today < day(p, "Einddatum")  # TR380
        _check_declaratie_dates(roots["323"], today)


def _check_declaratie_dates(root, today):
    declaratie = find(root, "Declaratie")[0]
    begin, end = day(declaratie, "DeclaratiePeriode/Begindatum"), \
        day(declaratie, "DeclaratiePeriode/Einddatum")
    # one whole calendar month, the one before the dagtekening's
    assert begin.day == 1 and (end + timedelta(days=1)).day == 1
    assert end + timedelta(days=1) == today.replace(day=1)
    assert day(declaratie, "DeclaratieDagtekening") == \
        day(root, "Header/BerichtIdentificatie/Dagtekening") == today
    for p in find(declaratie, "Clienten/Client/Prestaties/Prestatie"):
        assert begin <= day(p, "ProductPeriode/Begindatum") <= day(p, "ProductPeriode/Einddatum") \
            <= end


def test_answers_are_dated_after_what_they_answer():
    for message in ("302", "306", "308", "316", "318", "320"):
        root = bericht("ijw-3.2", message)
        heen = day(root, "Header/BerichtIdentificatie/Dagtekening")
        assert heen <= day(root, "Header/DagtekeningRetour") == TODAY
        assert len(text(root, "Header/IdentificatieRetour")) <= 12
    root = bericht("iwmo-3.2", "325")
    assert day(root, "Header/DeclaratieIdentificatie/Dagtekening") < \
        day(root, "Header/BerichtIdentificatie/Dagtekening") == TODAY


# ---------------------------------------------------------------- 323 sums and 325

def test_declaratie_sums_hold_debet_and_credit():
    d = data("iwmo-3.2", "323", clienten=[{"prestaties": [{"credit": True}, {}, {}]}, {}],
             prestaties=[{"Eenheid": "83", "GeleverdVolume": 400}, {}])
    declaratie = d["Declaratie"]
    prestaties = [p for c in declaratie["Clienten"]["Client"] for p in c["Prestaties"]["Prestatie"]]
    assert len(prestaties) == 5
    for p in prestaties:
        if p["Eenheid"] == "83":  # euro's: the amount is the volume, no tariff (CS339, CD087)
            assert p["IngediendBedrag"]["Bedrag"] == p["GeleverdVolume"] == 400
            assert p["ProductTarief"] is None
        else:
            assert p["IngediendBedrag"]["Bedrag"] == p["GeleverdVolume"] * p["ProductTarief"]
    assert [p["IngediendBedrag"]["DebetCredit"] for p in prestaties].count("C") == 1
    [credit] = [p for p in prestaties if p["IngediendBedrag"]["DebetCredit"] == "C"]
    assert credit["ProductReferentie"]["VorigReferentieNummer"]  # the debet it cancels (CD060)
    assert signed(declaratie["TotaalIngediendBedrag"]) == \
        sum(signed(p["IngediendBedrag"]) for p in prestaties)
    references = [p["ProductReferentie"]["ReferentieNummer"] for p in prestaties]
    assert len(set(references)) == len(references) and all(len(r) <= 20 for r in references)
    assert judged(render(release("iwmo-3.2"), "323", d)).accepted


def test_a_credit_declaratie_totals_credit():
    d = data("ijw-3.2", "323", clienten=1, prestaties=[{"credit": True}])
    (p,) = d["Declaratie"]["Clienten"]["Client"][0]["Prestaties"]["Prestatie"]
    assert d["Declaratie"]["TotaalIngediendBedrag"] == {
        "TotaalBedrag": p["IngediendBedrag"]["Bedrag"], "DebetCredit": "C"}


def test_325_approves_its_323_in_full():
    heen = data("ijw-3.2", "323", today=date(2026, 10, 28))
    root = bericht("ijw-3.2", "325", heen=heen)
    assert text(root, "Header/Afzender") == heen["Header"]["Ontvanger"]
    assert text(root, "Header/Ontvanger") == heen["Header"]["Afzender"]
    assert text(root, "Header/DeclaratieIdentificatie/Identificatie") == \
        heen["Header"]["BerichtIdentificatie"]["Identificatie"]
    assert [c.text for c in find(root, "Header/RetourCodes/RetourCode")] == ["0200"]
    antwoord = find(root, "DeclaratieAntwoord")[0]
    assert text(antwoord, "DeclaratieNummer") == heen["Declaratie"]["DeclaratieNummer"]
    assert [c.text for c in find(antwoord, "RetourCodes/RetourCode")] == ["8001"]
    assert text(antwoord, "TotaalToegekendBedrag/TotaalBedrag") == \
        text(antwoord, "TotaalIngediendBedrag/TotaalBedrag") == \
        str(heen["Declaratie"]["TotaalIngediendBedrag"]["TotaalBedrag"])
    assert not find(antwoord, "Clienten")


# ---------------------------------------------------------------- retour messages

def _klassen(el, data_el):
    """Count berichtklassen in the table that the rendered element holds."""
    count = 0
    for child in el.children:
        for node in [c for c in data_el if local(c) == child.name]:
            count += child.klasse + _klassen(child, node)
    return count


@pytest.mark.parametrize("message", ["302", "306", "308", "316", "318", "320"])
def test_retour_has_0200_on_every_class_and_none_on_the_header(message):
    rel = release("ijw-3.2")
    root = bericht(rel, message, heen__Antwoord__RedenAfwijzingVerzoek="8") \
        if message == "320" else bericht(rel, message)
    definition = rel.message(message)
    body = find(root, definition.body.name)[0]
    holders = [el.getparent() for el in root.iter(f"{{{definition.namespace}}}RetourCodes")]
    assert holders and all(local(h) != "Header" for h in holders)
    assert len(holders) == 1 + _klassen(definition.body, body)  # the body class itself, too
    assert {c.text for c in root.iter(f"{{{definition.namespace}}}RetourCode")} == {"0200"}
    assert text(root, "Header/BerichtCode") == str(definition.berichtcode)


def test_retour_of_a_given_heen_copies_it():
    heen = data("iwmo-3.2", "305", producten=2)
    root = bericht("iwmo-3.2", "306", heen=heen)
    for field in ("Afzender", "Ontvanger"):
        assert text(root, f"Header/{field}") == heen["Header"][field]
    assert text(root, "Client/Bsn") == heen["Client"]["Bsn"]
    assert len(find(root, "Client/StartProducten/StartProduct")) == 2
    assert "RetourCodes" not in heen["Client"]  # the heen data is left as it was


def test_header_only_retour_with_a_code_on_the_header():
    root = bericht("ijw-3.2", "302", retourcodes=[],
                   Header__RetourCodes={"RetourCode": ["0001"]})
    assert [local(c) for c in root] == ["Header"]
    assert text(root, "Header/RetourCodes/RetourCode") == "0001"
    assert judged(root).accepted


# ---------------------------------------------------------------- overrides

def test_overrides_reach_any_field():
    root = bericht("iwmo-3.2", "301", Client__Bsn="999993653", gemeente="0363",
                   Client__Naam__Geslachtsnaam__Achternaam="Jansen",
                   producten=[{}, {"Einddatum": date(2027, 1, 31)}])
    assert text(root, "Client/Bsn") == "999993653"
    assert text(root, "Header/Afzender") == "0363"
    assert text(root, "Client/Naam/Geslachtsnaam/Achternaam") == "Jansen"
    products = find(root, "Client/ToegewezenProducten/ToegewezenProduct")
    assert len(products) == 2 and text(products[1], "Einddatum") == "2027-01-31"
    assert judged(root).accepted


def test_overrides_of_prestaties():
    root = bericht("ijw-3.2", "323", clienten=3, prestaties=4)
    assert len(find(root, "Declaratie/Clienten/Client/Prestaties/Prestatie")) == 12
    root = bericht("ijw-3.2", "323", clienten=1,
                   prestaties=[{"Eenheid": "04"}, {"GeleverdVolume": 3, "ProductTarief": 1000}])
    first, second = find(root, "Declaratie/Clienten/Client/Prestaties/Prestatie")
    assert text(first, "Eenheid") == "04"
    assert text(second, "IngediendBedrag/Bedrag") == "3000"
    assert text(root, "Declaratie/TotaalIngediendBedrag/TotaalBedrag") == str(
        int(text(first, "IngediendBedrag/Bedrag")) + 3000)
    assert judged(root).accepted


def test_overrides_can_break_a_rule_on_purpose():
    assert [f.rule for f in judged(bericht("iwmo-3.2", "317", ongewijzigd=0, te_wijzigen=0))
            .findings] == ["TR352"]
    assert [f.rule for f in judged(bericht("iwmo-3.2", "317", te_wijzigen=0, nieuw=0))
            .findings] == ["TR353"]
    late = TODAY + timedelta(days=1)
    assert [f.rule for f in judged(bericht("iwmo-3.2", "301", producten=[
        {"Toewijzingsdatum": late}])).findings] == ["TR134"]
    # the total follows an amount given, so only TR346 sees it is not volume x tarief
    assert [f.rule for f in judged(bericht("ijw-3.2", "323", prestaties=[
        {"IngediendBedrag": {"Bedrag": 1, "DebetCredit": "D"}}], clienten=1)).findings] \
        == ["TR346"]
    d = data("ijw-3.2", "323")
    d["Declaratie"]["TotaalIngediendBedrag"]["TotaalBedrag"] += 1
    assert [f.rule for f in judged(render(release("ijw-3.2"), "323", d)).findings] == ["TR358"]


def test_woonplaatsbeginsel_only_in_ijw_with_reason_8():
    for name in ("iwmo-3.2", "ijw-3.2"):
        for seed in range(10):
            root = bericht(name, "319", seed=seed)
            assert text(root, "Antwoord/RedenAfwijzingVerzoek") != "8"
            assert not find(root, "Antwoord/Woonplaatsbeginsel")
    root = bericht("ijw-3.2", "319", gemeente="0363", Antwoord__RedenAfwijzingVerzoek="8")
    assert text(root, "Antwoord/Woonplaatsbeginsel/Gemeente") in gemeentecodes() - {"0363"}
    assert judged(root).accepted
    root = bericht("ijw-3.2", "319", Antwoord__VerzoekAntwoord="2")
    assert not find(root, "Antwoord/RedenAfwijzingVerzoek") and judged(root).accepted


def test_vow_and_vot_shapes():
    verzoek = find(bericht("ijw-3.2", "317", nieuw=0), "Client/Verzoek")[0]
    assert [local(c) for c in verzoek] == ["ReferentieAanbieder", "RedenVerzoek",
                                           "OngewijzigdeProducten", "TeWijzigenProducten"]
    root = bericht("iwmo-3.2", "315", producten=6)
    refs = [el.text for el in find(root, "Client/AangevraagdeProducten/AangevraagdProduct/"
                                         "ReferentieAanbieder")]
    assert len(set(refs)) == 6
    assert not find(root, "Client/GezagsdragerBekend")
    assert find(bericht("ijw-3.2", "315"), "Client/GezagsdragerBekend")


def test_class_factories_build_on_their_own_and_plug_into_a_message():
    rel = release("ijw-3.2")
    prestatie = PrestatieFactory(release=rel, GeleverdVolume=3, ProductTarief=1250)
    assert prestatie["IngediendBedrag"] == {"Bedrag": 3750, "DebetCredit": "D"}
    assert elfproef(ClientFactory(release=rel)["Bsn"])
    root = bericht(rel, "323", clienten=[{"Prestaties": {"Prestatie": [prestatie]}}])
    assert text(root, "Declaratie/TotaalIngediendBedrag/TotaalBedrag") == "3750"
    assert judged(root).accepted
    product = ToegewezenProductFactory(release=rel, Einddatum=date(2027, 3, 31))
    root = bericht(rel, "301", Client__ToegewezenProducten={"ToegewezenProduct": [product]})
    assert text(root, "Client/ToegewezenProducten/ToegewezenProduct/Einddatum") == "2027-03-31"
    assert judged(root).accepted


def test_render_refuses_data_that_does_not_fit_the_table():
    rel = release("iwmo-3.2")
    d = data(rel, "301")
    with pytest.raises(RenderError, match="Bsnn not an element here"):
        render(rel, "301", {**d, "Client": {**d["Client"], "Bsnn": "1"}})
    with pytest.raises(RenderError, match="/Bericht/Client/Bsn is required"):
        render(rel, "301", {**d, "Client": {**d["Client"], "Bsn": None}})
    with pytest.raises(RenderError, match="cannot write"):
        render(rel, "301", {**d, "Client": {**d["Client"], "Bsn": 1.5}})
    with pytest.raises(RenderError, match="repeated element holds a list"):
        render(rel, "301", {**d, "Client": {**d["Client"], "ToegewezenProducten": {
            "ToegewezenProduct": d["Client"]["ToegewezenProducten"]["ToegewezenProduct"][0]}}})


def test_text_is_escaped():
    root = bericht("iwmo-3.2", "301", Client__Commentaar="Zorg & <ondersteuning>")
    assert text(root, "Client/Commentaar") == "Zorg & <ondersteuning>"
    assert judged(root).accepted


# ---------------------------------------------------------------- randomness and speed

def test_builds_differ_unless_seeded_the_same():
    def key(root):
        return (text(root, "Header/BerichtIdentificatie/Identificatie"), text(root, "Client/Bsn"))

    assert key(bericht("iwmo-3.2", "301")) != key(bericht("iwmo-3.2", "301"))
    assert key(bericht("iwmo-3.2", "301", seed=1)) != key(bericht("iwmo-3.2", "301", seed=2))
    assert to_bytes(bericht("ijw-3.2", "323", seed=3)) == \
        to_bytes(bericht("ijw-3.2", "323", seed=3))
    assert data("ijw-3.2", "302", seed=4) == data("ijw-3.2", "302", seed=4)


def test_a_323_with_10000_prestaties_builds_and_is_accepted():
    # how fast: benchmarks/bench_verdict.py builds up to 25,000 (no timed assertion here)
    xml = to_bytes(bericht("iwmo-3.2", "323", clienten=2500, prestaties=4))
    assert xml.count(b"<wmo323:Prestatie>") == 10_000
    assert judge(xml, context=Context(today=TODAY)).accepted
