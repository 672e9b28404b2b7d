"""The simulated gemeente and aanbieder run every chain of SPEC against each other in memory.
Every message either party emits is judged by the receiver's rules (with the regio profile's
products) and must be accepted, except where a test breaks one on purpose."""
from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date

import pytest

from harness.factories import bericht, to_bytes
from harness.parties import SimulatedGemeente
from harness.parties.read import read
from harness.profiles import VerzoekBeleid, builtin
from harness.validation.validator import judge

from .simulation import Simulation

RELEASES = ["iwmo-3.2", "ijw-3.2"]
START = date(2026, 9, 1)  # a Tuesday
ACCEPTEERT, WEIGERT = builtin("regio-accepteert"), builtin("regio-weigert-vow")


def body(delivery) -> dict:
    return read(delivery.outgoing.xml)[2]


def codes(profile, rel) -> list[str]:
    return [p.code for p in profile.producten_van(rel)]


def all_fine(sim: Simulation) -> None:
    """Every delivered message accepted by its receiver, every answer within its deadline."""
    assert not [(d.message, [f.text for f in d.verdict.findings]) for d in sim.rejected()]
    assert not [d.termijn.describe() for d in sim.late()]
    assert not sim.queue


def toegewezen(sim: Simulation, product: str, **kwargs) -> tuple[str, int]:
    """Chain 301 -> 302: the client's bsn and ToewijzingNummer."""
    sim.send(sim.gemeente.toewijzing(sim.today, product, **kwargs))
    sim.run()
    bsn = body(sim.deliveries("301")[-1])["Client"]["Bsn"]
    nummer = max(sim.aanbieder.toewijzingen[bsn])
    return bsn, nummer


# ---------------------------------------------------------------- 301 -> 302

@pytest.mark.parametrize("rel", RELEASES)
@pytest.mark.parametrize("profile", [ACCEPTEERT, WEIGERT], ids=["accepteert", "weigert-vow"])
def test_toewijzing_and_retour(rel, profile):
    sim = Simulation(profile, rel, START)
    product = codes(profile, rel)[3]
    bsn, nummer = toegewezen(sim, product, ingangsdatum=date(2026, 9, 14))
    all_fine(sim)
    [t301], [t302] = sim.deliveries("301"), sim.deliveries("302")
    assert t301.receiver == "aanbieder" and t302.receiver == "gemeente"
    assert t302.day == sim.clock.kalender.add_werkdagen(t301.day, profile.termijnen.retour)
    assert t302.termijn.kind == "retour" and t302.termijn.on_time
    assert "Client" not in body(t302)  # accepted: header only, no retourcodes
    toewijzing = sim.aanbieder.toewijzing(bsn, nummer)
    assert toewijzing["Product"]["Code"] == product
    assert toewijzing["Ingangsdatum"] == date(2026, 9, 14)
    assert sim.gemeente.received("302")[0].accepted


# ---------------------------------------------------------------- 305 / 307

@pytest.mark.parametrize("rel", RELEASES)
def test_start_and_temporary_and_definitive_stop(rel):
    sim = Simulation(ACCEPTEERT, rel, START)
    bsn, nummer = toegewezen(sim, codes(ACCEPTEERT, rel)[0])
    sim.advance(days=2)
    sim.send(sim.aanbieder.start(sim.today, bsn))
    sim.run()
    start = body(sim.deliveries("305")[0])["Client"]["StartProducten"]["StartProduct"][0]
    assert start["ToewijzingNummer"] == nummer and start["StatusAanlevering"] == "1"
    assert sim.deliveries("306")[0].termijn.on_time

    sim.advance(days=10)
    sim.send(sim.aanbieder.stop(sim.today, bsn, tijdelijk=True))
    sim.run()
    sim.advance(days=5)
    sim.send(sim.aanbieder.start(sim.today, bsn))  # a restart after a stop is a new 305
    sim.run()
    sim.advance(days=5)
    sim.send(sim.aanbieder.stop(sim.today, bsn))
    sim.run()
    all_fine(sim)
    stops = [body(d)["Client"]["StopProducten"]["StopProduct"][0] for d in sim.deliveries("307")]
    definitive = {"iwmo": "19", "ijw": "31"}[sim.release.standard]
    assert [s["RedenBeeindiging"] for s in stops] == ["20", definitive]
    starts = [body(d)["Client"]["StartProducten"]["StartProduct"][0] for d in sim.deliveries("305")]
    assert len(starts) == 2 and len(sim.deliveries("308")) == 2
    assert starts[1]["Begindatum"] > stops[0]["Einddatum"]  # the restart begins after the stop
    assert all("Client" not in body(d) for d in sim.deliveries("308"))


# ---------------------------------------------------------------- 315 -> 316, 301 / 319

@pytest.mark.parametrize("rel", RELEASES)
def test_vot_answered_per_product_with_301(rel):
    sim = Simulation(ACCEPTEERT, rel, START)
    asked = codes(ACCEPTEERT, rel)[8:10]
    sim.send(sim.aanbieder.vot(sim.today, asked))
    sim.run()
    all_fine(sim)
    [vot] = sim.deliveries("315")
    refs = {p["ReferentieAanbieder"]: p["Product"]["Code"]
            for p in body(vot)["Client"]["AangevraagdeProducten"]["AangevraagdProduct"]}
    assert len(sim.deliveries("316")) == 1
    t301 = sim.deliveries("301")
    assert len(t301) == 2  # one answer per requested product
    assert all(d.termijn.kind == "verzoek" and d.termijn.received == vot.day for d in t301)
    last = body(t301[-1])["Client"]["ToegewezenProducten"]["ToegewezenProduct"]
    assert {t["ReferentieAanbieder"]: t["Product"]["Code"] for t in last} == refs
    bsn = body(vot)["Client"]["Bsn"]
    assert {t["Product"]["Code"] for t in sim.aanbieder.current(bsn, sim.today)} == set(asked)
    assert not sim.deliveries("319")


@pytest.mark.parametrize("rel", RELEASES)
def test_vot_in_onderzoek_then_301(rel):
    sim = Simulation(WEIGERT, rel, START)  # its VOT policy: in onderzoek first
    sim.send(sim.aanbieder.vot(sim.today, codes(WEIGERT, rel)[:1]))
    sim.run()
    all_fine(sim)
    [vot], [onderzoek], [t301] = sim.deliveries("315"), sim.deliveries("319"), sim.deliveries("301")
    antwoord = body(onderzoek)["Antwoord"]
    assert antwoord["VerzoekAntwoord"] == "2" and antwoord.get("RedenAfwijzingVerzoek") is None
    assert onderzoek.termijn.kind == "verzoek" and onderzoek.day < t301.day
    dagtekening = body(vot)["Header"]["BerichtIdentificatie"]["Dagtekening"]
    assert t301.termijn.kind == "na_onderzoek" and t301.termijn.received == dagtekening
    assert len(sim.deliveries("320")) == 1 and len(sim.deliveries("302")) == 1


def test_toewijzing_in_onderzoek_is_not_shown_before_its_301():
    sim = Simulation(WEIGERT, "iwmo-3.2", START)
    bsn, a = toegewezen(sim, "01A01")
    sim.send(sim.aanbieder.vot(sim.today, ["02A01"], bsn=bsn))
    sim.advance(werkdagen=10)  # the 319 "in onderzoek" is in, the final 301 not yet
    assert len(sim.deliveries("319")) == 1 and len(sim.deliveries("301")) == 1
    sim.send(sim.gemeente.toewijzing(sim.today, "03A01", bsn=bsn))
    sim.run()
    all_fine(sim)
    shown = [[t["Product"]["Code"] for t in body(d)["Client"]["ToegewezenProducten"]
              ["ToegewezenProduct"]] for d in sim.deliveries("301")]
    assert shown == [["01A01"], ["01A01", "03A01"], ["01A01", "03A01", "02A01"]]


@pytest.mark.parametrize("rel", RELEASES)
def test_vot_refused_for_stapeling(rel):
    sim = Simulation(ACCEPTEERT, rel, START)
    first, second = {"iwmo-3.2": ("07A01", "07B02"), "ijw-3.2": ("33A01", "33B02")}[rel]
    bsn, _ = toegewezen(sim, first)
    sim.send(sim.aanbieder.vot(sim.today, [second, codes(ACCEPTEERT, rel)[0]], bsn=bsn))
    sim.run()
    all_fine(sim)
    [refusal] = sim.deliveries("319")
    assert body(refusal)["Antwoord"]["VerzoekAntwoord"] == "1"
    assert body(refusal)["Antwoord"]["RedenAfwijzingVerzoek"] == "6"
    assert len(sim.deliveries("301")) == 2  # the first toewijzing and the other product


def test_vot_for_a_product_the_client_already_has_is_refused_not_assigned_twice():
    """A second toewijzing of a running product would put it twice in one 301 (TR302): the
    gemeente refuses the VOT (reden 6) and its 301s stay valid."""
    sim = Simulation(ACCEPTEERT, "iwmo-3.2", START)
    bsn, _ = toegewezen(sim, "02A01")
    sim.send(sim.aanbieder.vot(sim.today, ["02A01"], bsn=bsn,
                               ingangsdatum=sim.today))
    sim.run()
    all_fine(sim)
    [refusal] = sim.deliveries("319")
    assert body(refusal)["Antwoord"]["VerzoekAntwoord"] == "1"
    assert body(refusal)["Antwoord"]["RedenAfwijzingVerzoek"] == "6"
    assert len(sim.deliveries("301")) == 1  # the first toewijzing only


@pytest.mark.parametrize("rel", RELEASES)
def test_vot_outside_contract_is_rejected_by_the_retour(rel):
    """A product the regio does not contract breaks TR381 (S329): the 316 says so and no
    answer follows. The aanbieder's message is broken on purpose: the profile it uses has a
    product the gemeente's does not."""
    extra = replace(ACCEPTEERT.producten_van(rel)[0], code="ZZ999")
    own = replace(ACCEPTEERT, producten=ACCEPTEERT.producten + (extra,))
    sim = Simulation(ACCEPTEERT, rel, START)
    sim.aanbieder.profile = own
    bad_code = own.producten[-1].code
    sim.send(sim.aanbieder.vot(sim.today, [bad_code]))
    sim.run()
    [vot] = sim.deliveries("315")
    assert not vot.verdict.accepted and vot.verdict.retourcodes == ["S329"]
    [retour] = sim.deliveries("316")
    assert retour.verdict.accepted
    product = body(retour)["Client"]["AangevraagdeProducten"]["AangevraagdProduct"][0]
    assert product["RetourCodes"]["RetourCode"] == ["S329"]
    assert not sim.deliveries("301") and not sim.deliveries("319")


# ---------------------------------------------------------------- 317 -> 318, 319 / 301

def _with_two_toewijzingen(profile, rel):
    sim = Simulation(profile, rel, START)
    bsn, a = toegewezen(sim, codes(profile, rel)[2])
    sim.send(sim.gemeente.toewijzing(sim.today, codes(profile, rel)[4], bsn=bsn))
    sim.run()
    return sim, bsn, a, max(sim.aanbieder.toewijzingen[bsn])


@pytest.mark.parametrize("rel", RELEASES)
def test_vow_refused_with_4_in_the_refusing_regio(rel):
    sim, bsn, a, b = _with_two_toewijzingen(WEIGERT, rel)
    before = copy.deepcopy(sim.gemeente.toewijzingen)
    sim.send(sim.aanbieder.vow(sim.today, bsn, wijzigen={a: 9}, nieuw=[codes(WEIGERT, rel)[6]]))
    sim.run()
    all_fine(sim)
    [vow] = sim.deliveries("317")
    verzoek = body(vow)["Client"]["Verzoek"]
    assert [p["ToewijzingNummer"] for p in verzoek["OngewijzigdeProducten"]["OngewijzigdProduct"]] == [b]
    assert verzoek["TeWijzigenProducten"]["TeWijzigenProduct"][0]["Omvang"]["Volume"] == 9
    [refusal] = sim.deliveries("319")
    antwoord = body(refusal)["Antwoord"]
    assert (antwoord["VerzoekAntwoord"], antwoord["RedenAfwijzingVerzoek"]) == ("1", "4")
    assert antwoord["ReferentieAanbieder"] == verzoek["ReferentieAanbieder"]
    assert refusal.termijn.kind == "verzoek" and refusal.termijn.on_time
    assert len(sim.deliveries("318")) == 1 and len(sim.deliveries("320")) == 1
    assert len(sim.deliveries("301")) == 2  # no new toewijzing
    assert sim.gemeente.toewijzingen == before
    assert sim.aanbieder.verzoeken[verzoek["ReferentieAanbieder"]]["antwoorden"] == [antwoord]


@pytest.mark.parametrize("rel", RELEASES)
def test_vow_honoured_with_one_301_in_the_accepting_regio(rel):
    sim, bsn, a, b = _with_two_toewijzingen(ACCEPTEERT, rel)
    nieuw = codes(ACCEPTEERT, rel)[8]
    sim.send(sim.aanbieder.vow(sim.today, bsn, wijzigen={a: 9}, nieuw=[nieuw]))
    sim.run()
    all_fine(sim)
    [vow] = sim.deliveries("317")
    gewenst = body(vow)["Client"]["Verzoek"]["TeWijzigenProducten"]["TeWijzigenProduct"][0]
    answers = [d for d in sim.deliveries("301") if d.day > vow.day]
    assert len(answers) == 1 and not sim.deliveries("319")
    assert answers[0].termijn.kind == "verzoek"
    products = {t["ToewijzingNummer"]: t for t in
                body(answers[0])["Client"]["ToegewezenProducten"]["ToegewezenProduct"]}
    old = products[a]
    assert old["RedenWijziging"] == "12"
    assert (gewenst["GewensteIngangsdatum"] - old["Einddatum"]).days == 1
    [changed] = [t for t in products.values() if t["ToewijzingNummer"] > b
                 and t["Product"] == old["Product"]]
    omvang = changed.get("Omvang")
    assert (omvang["Volume"] if omvang else changed["Budget"]) == 9
    assert changed["Ingangsdatum"] == gewenst["GewensteIngangsdatum"]
    assert products[b].get("RedenWijziging") is None  # ongewijzigd
    assert nieuw in {t["Product"]["Code"] for t in products.values()}


def test_vow_for_toewijzingen_the_gemeente_does_not_know_is_rejected_in_the_318():
    """A VOW naming a toewijzing the gemeente never sent breaks the chain rules (TR351, and
    TR349 for the current one it leaves out): the 318 carries the codes and no 319 follows."""
    sim = Simulation(ACCEPTEERT, "iwmo-3.2", START)
    bsn, a = toegewezen(sim, "01A01")
    sim.aanbieder.toewijzingen[bsn][a + 100] = dict(sim.aanbieder.toewijzing(bsn, a),
                                                    ToewijzingNummer=a + 100)
    sim.send(sim.aanbieder.vow(sim.today, bsn, wijzigen={a + 100: 5}, beeindigen=[a]))
    sim.run()
    [vow] = sim.rejected()
    assert {f.rule for f in vow.verdict.findings} == {"TR349", "TR351"}
    [retour] = sim.deliveries("318")
    assert {"9349", "9351"} <= set(retour.verdict.root.xpath(
        "//*[local-name()='RetourCode']/text()"))
    assert not sim.deliveries("319")


# ---------------------------------------------------------------- the gemeente's own 301s

@pytest.mark.parametrize("rel", RELEASES)
def test_change_withdrawal_and_deletion(rel):
    sim = Simulation(ACCEPTEERT, rel, START)
    bsn, a = toegewezen(sim, codes(ACCEPTEERT, rel)[0], ingangsdatum=date(2026, 9, 1),
                        einddatum=date(2026, 12, 31))
    sim.send(sim.gemeente.toewijzing(sim.today, codes(ACCEPTEERT, rel)[2], bsn=bsn,
                                     ingangsdatum=date(2026, 10, 1)))
    sim.run()
    b = max(sim.aanbieder.toewijzingen[bsn])
    sim.send(sim.gemeente.wijziging(sim.today, bsn, a, einddatum=date(2027, 3, 31)))
    sim.run()
    assert sim.aanbieder.toewijzing(bsn, a)["Einddatum"] == date(2027, 3, 31)
    assert sim.aanbieder.toewijzing(bsn, a)["RedenWijziging"] == "04"
    sim.send(sim.gemeente.verwijdering(sim.today, bsn, b))
    sim.run()
    deleted = sim.aanbieder.toewijzing(bsn, b)
    assert deleted["RedenWijziging"] == "13" and deleted["Einddatum"] == deleted["Ingangsdatum"]
    day = sim.advance(days=20)
    sim.send(sim.gemeente.intrekking(day, bsn, a, einddatum=day))
    sim.run()
    withdrawn = sim.aanbieder.toewijzing(bsn, a)
    assert withdrawn["Einddatum"] == day and withdrawn["RedenWijziging"] == "05"
    all_fine(sim)
    # a 301 holds every toewijzing valid on or after its creation date plus every one
    # changed since the previous 301: the deleted one once, then no more
    sent = [[t["ToewijzingNummer"] for t in body(d)["Client"]["ToegewezenProducten"]
             ["ToegewezenProduct"]] for d in sim.deliveries("301")]
    assert sent == [[a], [a, b], [a, b], [a, b], [a]]


def test_301_leaves_out_toewijzingen_ended_before_it_unless_changed_since():
    sim = Simulation(ACCEPTEERT, "iwmo-3.2", START)
    bsn, a = toegewezen(sim, "01A01", ingangsdatum=date(2026, 8, 1), einddatum=date(2026, 9, 3))
    sim.advance(days=10)
    sim.send(sim.gemeente.toewijzing(sim.today, "02A01", bsn=bsn))
    sim.run()
    all_fine(sim)
    last = body(sim.deliveries("301")[-1])["Client"]["ToegewezenProducten"]["ToegewezenProduct"]
    assert [t["Product"]["Code"] for t in last] == ["02A01"]


# ---------------------------------------------------------------- 323 -> 325

def _delivering(profile, rel, products, start=START, **kwargs):
    sim = Simulation(profile, rel, start)
    bsn = None
    for code in products:
        bsn, _ = toegewezen(sim, code, bsn=bsn, **kwargs)
    sim.send(sim.aanbieder.start(sim.today, bsn))
    sim.run()
    return sim, bsn


@pytest.mark.parametrize("rel", RELEASES)
def test_declaratie_approved_with_8001(rel):
    products = codes(ACCEPTEERT, rel)[::7]  # every kind of unit, euro's included
    sim, bsn = _delivering(ACCEPTEERT, rel, products, ingangsdatum=date(2026, 9, 10))
    sim.advance(days=31)  # October: declare September
    sim.send(sim.aanbieder.declaratie(sim.today))
    sim.run()
    all_fine(sim)
    [t323], [t325] = sim.deliveries("323"), sim.deliveries("325")
    declaratie = body(t323)["Declaratie"]
    prestaties = declaratie["Clienten"]["Client"][0]["Prestaties"]["Prestatie"]
    assert len(prestaties) == len(products)  # one line per toewijzing and product
    for p in prestaties:
        assert p["ProductPeriode"] == {"Begindatum": date(2026, 9, 10),  # clipped to the toewijzing
                                       "Einddatum": date(2026, 9, 30)}
        contract = ACCEPTEERT.product(p["ProductCode"])
        assert p["Eenheid"] == contract.eenheid
        if p["Eenheid"] == "83":  # euro's: the amount is the volume, no tariff (CS339, CD087)
            assert p.get("ProductTarief") is None
            assert p["IngediendBedrag"]["Bedrag"] == p["GeleverdVolume"]
        else:
            assert p["ProductTarief"] == contract.tarief
            assert p["IngediendBedrag"]["Bedrag"] == p["GeleverdVolume"] * contract.tarief
    assert len({p["ProductReferentie"]["ReferentieNummer"] for p in prestaties}) == len(prestaties)
    antwoord = body(t325)["DeclaratieAntwoord"]
    assert antwoord["RetourCodes"]["RetourCode"] == ["8001"]
    assert antwoord["TotaalToegekendBedrag"] == antwoord["TotaalIngediendBedrag"] \
        == declaratie["TotaalIngediendBedrag"]
    assert t325.termijn.kind == "declaratie" and t325.termijn.on_time


@pytest.mark.parametrize("rel", RELEASES)
@pytest.mark.parametrize("via", ["vot", "toewijzing"])
def test_care_in_euros_is_a_budget_by_categorie_declared_as_an_amount(rel, via):
    """A Budget rules out an Omvang (CD077), which a product code needs (CD041): the 301 names
    the categorie only. The aanbieder declares the product it asked for (else the regio's first
    in euro's of that categorie), the amount in cents as the volume, without ProductTarief."""
    euro = [p for p in ACCEPTEERT.producten_van(rel) if p.eenheid == "83"]
    product = euro[1] if via == "vot" else euro[0]  # the vot asks the second of the categorie
    sim = Simulation(ACCEPTEERT, rel, START)
    if via == "vot":
        sim.send(sim.aanbieder.vot(sim.today, [product.code]))
        sim.run()
        bsn = body(sim.deliveries("315")[0])["Client"]["Bsn"]
    else:
        bsn, _ = toegewezen(sim, product.code, ingangsdatum=date(2026, 9, 8))
    [t] = body(sim.deliveries("301")[-1])["Client"]["ToegewezenProducten"]["ToegewezenProduct"]
    assert t["Product"] == {"Categorie": product.categorie} and t["Budget"] == 1_200_000
    assert t.get("Omvang") is None
    sim.send(sim.aanbieder.start(sim.today, bsn))
    sim.run()
    sim.advance(days=31)  # October: declare September
    sim.send(sim.aanbieder.declaratie(sim.today))
    sim.run()
    all_fine(sim)
    [p] = body(sim.deliveries("323")[0])["Declaratie"]["Clienten"]["Client"][0]["Prestaties"][
        "Prestatie"]
    assert (p["ProductCode"], p["Eenheid"], p.get("ProductTarief")) == (product.code, "83", None)
    assert p["IngediendBedrag"]["Bedrag"] == p["GeleverdVolume"] == 1_200_000 // 12
    assert body(sim.deliveries("325")[0])["DeclaratieAntwoord"]["RetourCodes"]["RetourCode"] \
        == ["8001"]


@pytest.mark.parametrize("rel", RELEASES)
def test_declaratie_partly_rejected_then_declared_again(rel):
    products = codes(ACCEPTEERT, rel)[2:6:2]
    sim, bsn = _delivering(ACCEPTEERT, rel, products, ingangsdatum=date(2026, 9, 1))
    wrong = min(sim.aanbieder.toewijzingen[bsn])
    sim.advance(days=31)
    sim.send(sim.aanbieder.declaratie(sim.today, tarieven={wrong: 1}))  # breaks TR418
    sim.run()
    [t323], [t325] = sim.deliveries("323"), sim.deliveries("325")
    assert not t323.verdict.accepted and t323.verdict.retourcodes == ["0611"]
    antwoord = body(t325)["DeclaratieAntwoord"]
    [client] = antwoord["Clienten"]["Client"]
    [rejected] = client["Prestaties"]["Prestatie"]  # only the rejected prestatie is listed
    assert rejected["ToewijzingNummer"] == wrong and rejected["RetourCodes"]["RetourCode"] == ["0611"]
    ingediend = antwoord["TotaalIngediendBedrag"]["TotaalBedrag"]
    assert antwoord["TotaalToegekendBedrag"]["TotaalBedrag"] == \
        ingediend - rejected["IngediendBedrag"]["Bedrag"]
    assert t325.verdict.accepted and t325.termijn.on_time
    # next month: October, and September's rejected line again at the contract tariff
    sim.advance(days=31)
    sim.send(sim.aanbieder.declaratie(sim.today))
    sim.run()
    again = body(sim.deliveries("323")[-1])["Declaratie"]["Clienten"]["Client"][0]
    lines = {(p["ToewijzingNummer"], p["ProductPeriode"]["Begindatum"].month)
             for p in again["Prestaties"]["Prestatie"]}
    assert lines == {(wrong, 9), (wrong, 10), (wrong + 1, 10)}
    assert sim.deliveries("323")[-1].verdict.accepted
    assert body(sim.deliveries("325")[-1])["DeclaratieAntwoord"]["RetourCodes"]["RetourCode"] == ["8001"]


@pytest.mark.parametrize("rel", RELEASES)
def test_correction_is_a_credit_and_a_new_debet(rel):
    sim, bsn = _delivering(ACCEPTEERT, rel, codes(ACCEPTEERT, rel)[2:3],
                           ingangsdatum=date(2026, 9, 1))
    sim.advance(days=31)
    sim.send(sim.aanbieder.declaratie(sim.today))
    sim.run()
    [first] = body(sim.deliveries("323")[0])["Declaratie"]["Clienten"]["Client"][0]["Prestaties"][
        "Prestatie"]
    ref = first["ProductReferentie"]["ReferentieNummer"]
    sim.advance(days=30)
    sim.send(sim.aanbieder.declaratie(sim.today, correcties={ref: first["GeleverdVolume"] - 1}))
    sim.run()
    all_fine(sim)
    d = body(sim.deliveries("323")[-1])["Declaratie"]
    lines = d["Clienten"]["Client"][0]["Prestaties"]["Prestatie"]
    credit = [p for p in lines if p["IngediendBedrag"]["DebetCredit"] == "C"]
    assert len(credit) == 1 and credit[0]["ProductReferentie"]["VorigReferentieNummer"] == ref
    assert credit[0]["ProductPeriode"] == first["ProductPeriode"]
    assert credit[0]["IngediendBedrag"]["Bedrag"] == first["IngediendBedrag"]["Bedrag"]
    [new] = [p for p in lines if p["IngediendBedrag"]["DebetCredit"] == "D"
             and p["ProductPeriode"] == first["ProductPeriode"]]
    assert new["GeleverdVolume"] == first["GeleverdVolume"] - 1
    assert new["ProductReferentie"]["ReferentieNummer"] != ref
    signed = sum(p["IngediendBedrag"]["Bedrag"] * (1 if p["IngediendBedrag"]["DebetCredit"] == "D"
                                                   else -1) for p in lines)
    assert d["TotaalIngediendBedrag"]["TotaalBedrag"] == abs(signed)
    refs = [p["ProductReferentie"]["ReferentieNummer"] for p in lines] + [ref]
    assert len(set(refs)) == len(refs)  # every ReferentieNummer is new


def test_hours_declared_in_minutes():
    sim, bsn = _delivering(ACCEPTEERT, "iwmo-3.2", ["02A01"], ingangsdatum=date(2026, 9, 1))
    sim.advance(days=31)
    sim.send(sim.aanbieder.declaratie(sim.today, in_minuten=True))
    sim.run()
    all_fine(sim)
    [p] = body(sim.deliveries("323")[0])["Declaratie"]["Clienten"]["Client"][0]["Prestaties"][
        "Prestatie"]
    assert p["Eenheid"] == "01" and p["GeleverdVolume"] % 60 == 0
    # the hourly tariff per minute, to the cent: 6850 / 60 = 114.17 -> 114 (CD087, TR418);
    # the amount from the unrounded tariff (TR346): whole hours at 6850
    assert p["ProductTarief"] == 114
    assert p["IngediendBedrag"]["Bedrag"] == p["GeleverdVolume"] // 60 * 6850


def test_nothing_to_declare():
    sim = Simulation(ACCEPTEERT, "iwmo-3.2", START)
    toegewezen(sim, "02A01")
    with pytest.raises(ValueError, match="no care delivered"):
        sim.aanbieder.declaratie(date(2026, 10, 5))  # no 305: nothing delivered


@pytest.mark.parametrize("toetsing, codes_325", [("alle_regels", ["9346"]), ("contract", ["8001"])])
def test_declaration_policy(toetsing, codes_325):
    """Under toetsing 'contract' a break of a rule outside the contract (TR346) is paid."""
    profile = replace(ACCEPTEERT, toetsing=toetsing)
    today = date(2026, 11, 2)
    xml = to_bytes(bericht("iwmo-3.2", "323", today=today, seed=3, clienten=1, prestaties=[
        {"IngediendBedrag": {"Bedrag": 1, "DebetCredit": "D"}}, {}]))
    verdict = judge(xml, context=profile.context(today, "iwmo-3.2"))
    assert [f.rule for f in verdict.findings] == ["TR346"]
    gemeente = SimulatedGemeente(profile, "iwmo-3.2", "0546", "12345678")
    [answer] = gemeente.receive(xml, verdict, today)
    assert answer.message == "WMO325" and answer.due == date(2026, 11, 9)
    a = read(answer.xml)[2]["DeclaratieAntwoord"]
    found = a["RetourCodes"]["RetourCode"]
    if a.get("Clienten"):
        found = a["Clienten"]["Client"][0]["Prestaties"]["Prestatie"][0]["RetourCodes"]["RetourCode"]
    assert found == codes_325
    assert judge(answer.xml, context=profile.context(answer.due)).accepted


# ---------------------------------------------------------------- 319 -> 320 and deadlines

@pytest.mark.parametrize("rel", RELEASES)
def test_antwoordbericht_and_retour(rel):
    sim = Simulation(WEIGERT, rel, START)
    sim.send(sim.aanbieder.vot(sim.today, codes(WEIGERT, rel)[1:2]))
    sim.run()
    all_fine(sim)
    for t319 in sim.deliveries("319"):
        [t320] = [d for d in sim.deliveries("320")
                  if body(d)["Header"]["BerichtIdentificatie"] == body(t319)["Header"][
                      "BerichtIdentificatie"]]
        assert t320.receiver == "gemeente" and t320.termijn.on_time
        assert t320.day == sim.clock.kalender.add_werkdagen(t319.day, WEIGERT.termijnen.retour)


@pytest.mark.parametrize("rel", RELEASES)
def test_deadline_misses_are_detected(rel):
    slow = ACCEPTEERT.with_termijnen(retour=4, verzoek=6, declaratie=11)
    slow = replace(slow, vot=VerzoekBeleid("toewijzen", in_onderzoek=True))
    slow = slow.with_termijnen(na_onderzoek=45)  # 6 + 45 werkdagen: past 8 weeks
    sim, bsn = _delivering(slow, rel, codes(slow, rel)[:1], ingangsdatum=date(2026, 9, 1))
    sim.send(sim.aanbieder.vot(sim.today, codes(slow, rel)[2:3], bsn=bsn))
    sim.advance(days=31)
    sim.send(sim.aanbieder.declaratie(sim.today))
    sim.run()
    assert not sim.rejected()
    late = {(d.message[-3:], d.termijn.kind) for d in sim.late()}
    assert late == {("302", "retour"), ("306", "retour"), ("316", "retour"), ("320", "retour"),
                    ("319", "verzoek"), ("301", "na_onderzoek"), ("325", "declaratie")}
    assert all(d.termijn.sent > d.termijn.due for d in sim.late())
    # at the limits themselves, nothing is late
    exact = replace(ACCEPTEERT.with_termijnen(retour=3, verzoek=5, declaratie=10,
                                              na_onderzoek=30), vot=slow.vot)
    sim, bsn = _delivering(exact, rel, codes(exact, rel)[:1], ingangsdatum=date(2026, 9, 1))
    sim.send(sim.aanbieder.vot(sim.today, codes(exact, rel)[2:3], bsn=bsn))
    sim.advance(days=31)
    sim.send(sim.aanbieder.declaratie(sim.today))
    sim.run()
    all_fine(sim)


def test_gemeente_does_not_answer_what_the_exchange_refuses():
    gemeente = SimulatedGemeente(ACCEPTEERT, "iwmo-3.2", "0546", "12345678")
    verdict = judge(b"<not-xml")
    assert gemeente.receive(b"<not-xml", verdict, START) == [] and gemeente.inbox == []


def test_a_party_refuses_messages_meant_for_the_other():
    gemeente = SimulatedGemeente(ACCEPTEERT, "iwmo-3.2", "0546", "12345678")
    xml = to_bytes(bericht("iwmo-3.2", "301", seed=1))
    with pytest.raises(ValueError, match="does not receive WMO301"):
        gemeente.receive(xml, judge(xml), date(2026, 11, 2))


@pytest.mark.parametrize("rel", RELEASES)
def test_late_start_and_stop_reports_are_detected(rel):
    """A 305 or 307 is due within 5 werkdagen of the real start or stop."""
    sim = Simulation(ACCEPTEERT, rel, START)
    bsn, nummer = toegewezen(sim, codes(ACCEPTEERT, rel)[0])
    day = sim.advance(days=14)
    sim.send(sim.aanbieder.start(day, bsn, begindatum=date(2026, 9, 2)))  # 9 werkdagen ago
    sim.run()
    sim.send(sim.aanbieder.stop(sim.today, bsn, einddatum=sim.today))  # reported the same day
    sim.run()
    late = [d.termijn for d in sim.late()]
    assert [(t.kind, t.received, t.due) for t in late] == [
        ("levering", date(2026, 9, 2), date(2026, 9, 9))]
    [stop] = sim.deliveries("307")
    assert stop.termijn.kind == "levering" and stop.termijn.on_time
    with pytest.raises(ValueError, match="no running care"):
        sim.aanbieder.stop(sim.today, bsn)
