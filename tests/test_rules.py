"""Every rule: a factory-built message that breaks it, and the untouched one that does not.

Each case takes a realistic message's data, changes one thing, and checks the verdict names
the rule with its retourcode and level; the untouched message is accepted by every rule."""
import copy
from datetime import date

import pytest

from harness.factories import catalogus, contract, data, render, to_bytes
from harness.standard import release
from harness.validation import RULES, Context, Level, judge

TODAY = date(2026, 11, 2)
STANDARDS = ["iwmo-3.2", "ijw-3.2"]


def judged(rel_name, message, d, today=TODAY, products=True):
    rel = release(rel_name)
    ctx = Context(today=today, products=contract(rel) if products else None)
    return judge(to_bytes(render(rel, message, d)), f"{message}.xml", context=ctx)


def base(rel_name, message, **overrides):
    return data(rel_name, message, today=TODAY, seed=11, **overrides)


def toegewezen(d):
    return d["Client"]["ToegewezenProducten"]["ToegewezenProduct"]


def prestaties(d, client=0):
    return d["Declaratie"]["Clienten"]["Client"][client]["Prestaties"]["Prestatie"]


def retotal(d):
    """Keep TR358 true after a case changed amounts."""
    total = sum(p["IngediendBedrag"]["Bedrag"] * (1 if p["IngediendBedrag"]["DebetCredit"] == "D" else -1)
                for c in d["Declaratie"]["Clienten"]["Client"] for p in c["Prestaties"]["Prestatie"])
    d["Declaratie"]["TotaalIngediendBedrag"] = {"TotaalBedrag": abs(total),
                                                "DebetCredit": "C" if total < 0 else "D"}


def tr002(d):
    d["Client"]["Geboortedatum"] = {"Datum": "1900-01-01"}


def tr006(d):
    contact = d["Client"]["Contactgegevens"]["Contact"][0]
    contact["Telefoon"] = None
    contact["Adres"]["Postcode"] = None


def tr018(d):
    d["Client"]["StopProducten"]["StopProduct"][0]["Einddatum"] = "2026-01-01"


def tr061(d):
    for c in d["Client"]["Contactgegevens"]["Contact"]:
        c["Soort"] = "04"


def tr101_301(d):
    toegewezen(d).append(copy.deepcopy(toegewezen(d)[0]))


def tr101_323(d):
    prestaties(d).append(copy.deepcopy(prestaties(d)[0]))
    retotal(d)


def tr134(d):
    toegewezen(d)[0]["Toewijzingsdatum"] = "2026-11-03"


def tr319(d):
    """A ProductPeriode ending after the DeclaratiePeriode (but before the Dagtekening)."""
    prestaties(d)[0]["ProductPeriode"]["Einddatum"] = "2026-11-01"


def tr137(d):
    prestaties(d)[0]["ProductPeriode"]["Einddatum"] = "2026-11-30"


def tr302(d):
    first = toegewezen(d)[0]
    second = copy.deepcopy(first)
    second["ToewijzingNummer"] += 1000
    toegewezen(d).append(second)


def tr315(d):
    for p in prestaties(d)[:2]:
        p["IngediendBedrag"]["DebetCredit"] = "C"
        p["ProductReferentie"]["VorigReferentieNummer"] = "OUD1"
    retotal(d)


def tr316(d):
    debet = prestaties(d)[0]
    credit = copy.deepcopy(debet)
    credit["ProductReferentie"] = {"ReferentieNummer": "CREDIT1",
                                   "VorigReferentieNummer": debet["ProductReferentie"]["ReferentieNummer"]}
    credit["IngediendBedrag"]["DebetCredit"] = "C"
    prestaties(d).append(credit)
    retotal(d)


def tr335(d):
    p = prestaties(d)[0]
    p["ProductPeriode"] = {"Begindatum": "2021-10-01", "Einddatum": "2021-10-31"}


def tr342(d):
    pass  # built separately: a 325 listing an approved prestatie


def tr352(d):
    v = d["Client"]["Verzoek"]
    v["OngewijzigdeProducten"] = None
    v["TeWijzigenProducten"] = None


def tr353(d):
    v = d["Client"]["Verzoek"]
    v["TeWijzigenProducten"] = None
    v["NieuweProducten"] = None


def tr358(d):
    d["Declaratie"]["TotaalIngediendBedrag"]["TotaalBedrag"] += 1


def tr377(d):
    d["Antwoord"]["RedenAfwijzingVerzoek"] = "8"
    d["Antwoord"]["Woonplaatsbeginsel"] = None


def tr380(d):
    d["Client"]["Verzoek"]["NieuweProducten"]["NieuwProduct"][0]["GewensteIngangsdatum"] = \
        "2026-11-02"  # the Dagtekening itself: not after it


def _aangevraagd(d):
    return d["Client"]["AangevraagdeProducten"]["AangevraagdProduct"]


def tr383(d):
    second = copy.deepcopy(_aangevraagd(d)[0])
    second["ToewijzingIngangsdatum"] = "2027-06-01"
    second["ToewijzingEinddatum"] = "2027-07-01"
    _aangevraagd(d).append(second)


def tr386(d):
    second = copy.deepcopy(_aangevraagd(d)[0])
    second["ReferentieAanbieder"] = "ANDERE-REF"
    _aangevraagd(d).append(second)


def tr409(d):
    d["Antwoord"]["RedenAfwijzingVerzoek"] = "7"
    d["Antwoord"]["Woonplaatsbeginsel"] = {"Gemeente": "0363"}


def tr410(d):
    nieuw = d["Client"]["Verzoek"]["NieuweProducten"]["NieuwProduct"]
    nieuw.append(copy.deepcopy(nieuw[0]))
    nieuw[1]["Budget"] = 500  # not a duplicate line, only an overlapping period


def tr416(d):
    extra = copy.deepcopy(prestaties(d)[0])
    extra["ProductReferentie"] = {"ReferentieNummer": "TWEEDE"}
    prestaties(d).append(extra)
    retotal(d)


def tr135(d):
    d["Header"]["BerichtIdentificatie"]["Dagtekening"] = "2026-11-03"


def tr378(d):
    d["Header"]["Afzender" if "Afzender" in d["Header"] and len(d["Header"]["Afzender"]) == 4
              else "Ontvanger"] = "9999"


def tr381(d):
    prestaties(d)[0]["ProductCode"] = "ZZ999"


def tr418(d):
    p = prestaties(d)[0]
    p["ProductTarief"] += 1
    p["IngediendBedrag"]["Bedrag"] = p["GeleverdVolume"] * p["ProductTarief"]
    retotal(d)


def tr346(d):
    p = prestaties(d)[0]
    p["Eenheid"] = "04" if p["Eenheid"] == "83" else p["Eenheid"]
    p["IngediendBedrag"]["Bedrag"] += 1
    retotal(d)


# rule -> (message, change, extra build overrides, standards)
CASES = {
    "TR002": ("301", tr002, {}, STANDARDS), "TR006": ("301", tr006, {}, STANDARDS),
    "TR018": ("307", tr018, {}, STANDARDS), "TR061": ("301", tr061, {}, STANDARDS),
    "TR101": ("301", tr101_301, {}, STANDARDS), "TR134": ("301", tr134, {}, STANDARDS),
    "TR137": ("323", tr137, {}, STANDARDS), "TR319": ("323", tr319, {}, STANDARDS),
    "TR302": ("301", tr302, {}, STANDARDS),
    "TR315": ("323", tr315, {"prestaties": 3}, STANDARDS),
    "TR316": ("323", tr316, {}, STANDARDS), "TR335": ("323", tr335, {}, STANDARDS),
    "TR352": ("317", tr352, {}, STANDARDS), "TR353": ("317", tr353, {}, STANDARDS),
    "TR358": ("323", tr358, {}, STANDARDS), "TR377": ("319", tr377, {}, ["ijw-3.2"]),
    "TR380": ("317", tr380, {}, STANDARDS), "TR383": ("315", tr383, {}, STANDARDS),
    "TR386": ("315", tr386, {}, STANDARDS), "TR409": ("319", tr409, {}, ["ijw-3.2"]),
    "TR410": ("317", tr410, {}, STANDARDS), "TR416": ("323", tr416, {}, STANDARDS),
    "TR135": ("305", tr135, {}, STANDARDS), "TR378": ("319", tr378, {}, STANDARDS),
    "TR381": ("323", tr381, {}, STANDARDS), "TR418": ("323", tr418, {}, STANDARDS),
    "TR346": ("323", tr346, {}, STANDARDS),
}


def test_every_rule_has_a_case():
    """Chain rules have theirs in test_chain_rules, the conditions (CD/CS) in test_conditions."""
    assert set(CASES) | {"TR342"} == {r.id for r in RULES.values()
                                      if r.category != "chain" and r.id.startswith("TR")}


@pytest.mark.parametrize("rel_name", STANDARDS)
@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_breaks_and_holds(rule_id, rel_name):
    message, change, overrides, standards = CASES[rule_id]
    if rel_name not in standards:
        pytest.skip(f"{rule_id} exists in iJw only")
    d = base(rel_name, message, **overrides)
    untouched = judged(rel_name, message, d)
    assert untouched.accepted, [f.text for f in untouched.findings]
    change(d)
    verdict = judged(rel_name, message, d)
    rule = next(r for r in RULES.values() if r.id == rule_id and r.category != "chain")
    hits = [f for f in verdict.findings if f.rule == rule_id]
    assert hits, f"{rule_id} not reported; got {[(f.rule, f.text) for f in verdict.findings]}"
    assert verdict.level is (Level.XSLT if rule.category == "xslt" else Level.RULES)
    assert hits[0].retourcode == rule.retourcode and hits[0].path.startswith("/Bericht")
    assert verdict.retourcodes == sorted({f.retourcode for f in verdict.findings},
                                         key=[f.retourcode for f in verdict.findings].index)


def _antwoord(rel_name, codes):
    """A 325 on a factory 323 listing its first prestatie with `codes`."""
    heen = base(rel_name, "323")
    d = data(rel_name, "325", today=TODAY, seed=11, heen=heen)
    p = copy.deepcopy(heen["Declaratie"]["Clienten"]["Client"][0]["Prestaties"]["Prestatie"][0])
    p["RetourCodes"] = {"RetourCode": codes}
    d["DeclaratieAntwoord"]["Clienten"] = {"Client": [{
        "Bsn": heen["Declaratie"]["Clienten"]["Client"][0]["Bsn"],
        "Prestaties": {"Prestatie": [p]}, "RetourCodes": {"RetourCode": ["0200"]}}]}
    return d, p["IngediendBedrag"]["Bedrag"]


def _toegekend(d, amount):
    d["DeclaratieAntwoord"]["TotaalToegekendBedrag"] = {"TotaalBedrag": abs(amount),
                                                        "DebetCredit": "C" if amount < 0 else "D"}


@pytest.mark.parametrize("rel_name", STANDARDS)
def test_tr342_listed_prestaties_explain_the_difference(rel_name):
    """SUM(listed IngediendBedrag) = TotaalIngediendBedrag - TotaalToegekendBedrag."""
    heen = base(rel_name, "323")
    d = data(rel_name, "325", today=TODAY, seed=11, heen=heen)
    assert judged(rel_name, "325", d).accepted  # nothing listed, everything awarded
    total = d["DeclaratieAntwoord"]["TotaalIngediendBedrag"]["TotaalBedrag"]
    d, bedrag = _antwoord(rel_name, ["9346"])
    verdict = judged(rel_name, "325", d)  # a rejected line listed, yet the whole sum awarded
    assert [(f.rule, f.path) for f in verdict.findings] == [
        ("TR342", "/Bericht/DeclaratieAntwoord/TotaalToegekendBedrag")]
    _toegekend(d, total - bedrag)
    assert judged(rel_name, "325", d).accepted
    _toegekend(d, total - bedrag - 1)
    assert [f.rule for f in judged(rel_name, "325", d).findings] == ["TR342"]
    # an approved line listed: its amount is awarded, so the sum cannot explain it
    d, bedrag = _antwoord(rel_name, ["0200"])
    _toegekend(d, total)
    assert [f.rule for f in judged(rel_name, "325", d).findings] == ["TR342"]


@pytest.mark.parametrize("rel_name", STANDARDS)
def test_tr342_rejected_declaratie_awards_nothing(rel_name):
    heen = base(rel_name, "323")
    d = data(rel_name, "325", today=TODAY, seed=11, heen=heen)
    d["DeclaratieAntwoord"]["RetourCodes"] = {"RetourCode": ["8848"]}
    d["DeclaratieAntwoord"]["Clienten"] = None
    verdict = judged(rel_name, "325", d)
    assert [(f.rule, f.path) for f in verdict.findings] == [
        ("TR342", "/Bericht/DeclaratieAntwoord/TotaalToegekendBedrag")]
    _toegekend(d, 0)
    assert judged(rel_name, "325", d).accepted


def test_profile_rules_are_not_assessed_without_a_profile():
    d = base("ijw-3.2", "323")
    tr381(d)
    verdict = judged("ijw-3.2", "323", d, products=False)
    assert verdict.accepted and verdict.not_assessed == ["TR381", "TR418"]


def test_tr002_unknown_birth_date_is_allowed():
    d = base("iwmo-3.2", "301")
    d["Client"]["Geboortedatum"] = {"Datum": "1900-01-01", "DatumGebruik": "3"}
    assert judged("iwmo-3.2", "301", d).accepted


def test_tr101_a_323_line_or_client_sent_twice():
    d = base("iwmo-3.2", "323", clienten=2)
    tr101_323(d)
    verdict = judged("iwmo-3.2", "323", d)
    assert ("TR101", "0001") in {(f.rule, f.retourcode) for f in verdict.findings}
    assert [f.path for f in verdict.findings if f.rule == "TR101"] == [
        "/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[3]"]
    d = base("iwmo-3.2", "323", clienten=2)
    clienten = d["Declaratie"]["Clienten"]["Client"]
    clienten.append(copy.deepcopy(clienten[0]))
    retotal(d)
    findings = [f for f in judged("iwmo-3.2", "323", d).findings if f.rule == "TR101"]
    assert [f.path for f in findings][-1] == "/Bericht/Declaratie/Clienten/Client[3]"
    assert "as /Bericht/Declaratie/Clienten/Client[1]" in findings[-1].text
    # the same lines under two different clients are no duplicates
    d = base("iwmo-3.2", "323", clienten=2)
    clienten = d["Declaratie"]["Clienten"]["Client"]
    clienten[1]["Prestaties"] = copy.deepcopy(clienten[0]["Prestaties"])
    retotal(d)
    assert "TR101" not in {f.rule for f in judged("iwmo-3.2", "323", d).findings}


def test_tr302_deleted_toewijzing_does_not_overlap():
    d = base("iwmo-3.2", "301")
    tr302(d)
    toegewezen(d)[0]["Einddatum"] = toegewezen(d)[0]["Ingangsdatum"]
    toegewezen(d)[0]["RedenWijziging"] = "13"
    assert judged("iwmo-3.2", "301", d).accepted


def test_tr346_uur_declared_in_minutes_and_euros_are_judged_right():
    d = base("iwmo-3.2", "323")
    p = prestaties(d)[0]
    p["Eenheid"] = "83"  # euro's: no product of volume and tariff required
    p["IngediendBedrag"]["Bedrag"] += 7
    retotal(d)
    assert "TR346" not in [f.rule for f in judged("iwmo-3.2", "323", d, products=False).findings]


def minutes_of_an_hour_product(bedrag, volume=45, tarief=114):
    """A 323 declaring an hour product (6,850 cents an hour) in minutes."""
    rel = release("iwmo-3.2")
    uur = next(p for p in catalogus(rel) if p.eenheid == "04")
    d = base("iwmo-3.2", "323", clienten=1, prestaties=[{"product": uur}])
    p = prestaties(d)[0]
    p.update(Eenheid="01", GeleverdVolume=volume, ProductTarief=tarief)
    p["IngediendBedrag"]["Bedrag"] = bedrag
    retotal(d)
    return d


@pytest.mark.parametrize("bedrag,with_profile,accepted", [
    (5138, True, True),     # 6,850 x 45 / 60 = 5,137.5, rounded half up
    (5137, True, False),    # rounded down
    (5130, True, False),    # 45 x the rounded per-minute tariff 114: not the rule's product
    (5138, False, True),    # without the contract: any amount a tariff rounding to 114 gives
    (5130, False, True),
    (5155, False, False),   # more than 45 x 114.5
    (5106, False, False),   # less than 45 x 113.5
])
def test_tr346_minutes_of_an_hour_product_use_the_unrounded_tariff(bedrag, with_profile, accepted):
    verdict = judged("iwmo-3.2", "323", minutes_of_an_hour_product(bedrag), products=with_profile)
    assert verdict.accepted is accepted, [f.text for f in verdict.findings]
    if not accepted:
        assert [(f.rule, f.retourcode) for f in verdict.findings] == [("TR346", "9346")]
        assert verdict.findings[0].path.endswith("/Prestatie/IngediendBedrag")


def test_tr380_gewenste_ingangsdatum_in_the_past_is_allowed():
    d = base("ijw-3.2", "317")
    d["Client"]["Verzoek"]["TeWijzigenProducten"]["TeWijzigenProduct"][0]["GewensteIngangsdatum"] = "2026-10-01"
    assert judged("ijw-3.2", "317", d).accepted


@pytest.mark.parametrize("tarief,accepted", [(114, True), (115, True), (113, False), (6850, False)])
def test_tr418_an_hour_product_declared_in_minutes_carries_a_tariff_per_minute(tarief, accepted):
    rel = release("iwmo-3.2")
    uur = next(p for p in catalogus(rel) if p.eenheid == "04")  # 6,850 cents an hour
    d = base("iwmo-3.2", "323", clienten=1, prestaties=[{"product": uur}])
    p = prestaties(d)[0]
    p.update(Eenheid="01", GeleverdVolume=600, ProductTarief=tarief)
    p["IngediendBedrag"]["Bedrag"] = 68500  # 600 minutes at the unrounded 6,850 / 60 (TR346)
    retotal(d)
    verdict = judged("iwmo-3.2", "323", d)
    assert verdict.accepted is accepted, [f.text for f in verdict.findings]
    assert accepted or {f.rule for f in verdict.findings} == {"TR418"}
