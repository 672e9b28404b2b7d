"""Every cross-message rule, broken and held, in chains built from factories, for iWmo and iJw.

A scenario plays a short chain (each earlier message must be accepted) and returns the verdict
on its last message. Broken: the rule is among the findings and its code in the retourcodes.
Held: the last message is accepted outright, so the scenario also shows that no other rule
rejects the correct case (a wrong reject is as bad as a wrong accept).
"""
from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from harness.validation import RULES
from harness.validation.retour import answer

from .keten import ANDER_BSN, BSN, Keten, codes

D = date


def ok(verdict):
    assert verdict.accepted, [(f.rule, f.path, f.text) for f in verdict.findings]
    return verdict


# --- toewijzing ----------------------------------------------------------------------------
def tr332(k, breaks):
    ok(k.toewijzing())
    if breaks:  # the same number for another client
        return k.toewijzing(bsn=ANDER_BSN)
    return k.toewijzing(einde=D(2026, 11, 30), RedenWijziging="05")  # the same one, shortened


def tr379(k, breaks):
    if not breaks:
        ok(k.vot("REF1"))
    return k.toewijzing(ReferentieAanbieder="REF1")


def tr385(k, breaks):
    ok(k.toewijzing())
    if breaks:
        ok(k.declaratie())
    return k.toewijzing(einde=D(2026, 9, 1), RedenWijziging="13")


# --- start and stop ------------------------------------------------------------------------
def tr019(k, breaks):
    ok(k.toewijzing())
    return k.start(nummer=9999 if breaks else 1001)


def tr063(k, breaks):
    ok(k.toewijzing())
    if not breaks:
        ok(k.start())
    return k.start(status="3")


def tr071(k, breaks):
    ok(k.toewijzing())
    ok(k.start())
    if breaks:
        ok(k.stop())
    return k.start(status="3")


def tr074(k, breaks):
    ok(k.toewijzing())
    ok(k.start())
    if not breaks:  # a correction: delete, then send anew
        ok(k.start(status="3"))
    return k.start()


def tr326(k, breaks):
    ok(k.toewijzing())
    ok(k.start())
    if not breaks:
        ok(k.stop())
    return k.start(begin=D(2026, 10, 31))  # a restart after the stop


def tr382(k, breaks):
    ok(k.toewijzing())
    ok(k.start())
    return k.stop(begin=D(2026, 9, 8) if breaks else D(2026, 9, 7))


def tr413(k, breaks):
    ok(k.toewijzing())
    ok(k.start())
    ok(k.stop(reden="20", einde=D(2026, 10, 1)))  # temporary
    return k.stop(reden="20" if breaks else None, einde=D(2026, 10, 30))


def tr414(k, breaks):
    ok(k.toewijzing())
    ok(k.start())
    ok(k.stop(reden="20", einde=D(2026, 10, 15)))
    return k.stop(einde=D(2026, 10, 10) if breaks else D(2026, 10, 15))


def tr415(k, breaks):
    ok(k.toewijzing())
    ok(k.start())
    ok(k.stop(einde=D(2026, 10, 15)))
    if not breaks:  # correct the definitive stop: delete, then send anew
        ok(k.stop(einde=D(2026, 10, 15), status="3"))
    return k.stop(einde=D(2026, 10, 20))


def tr415_in_een_bericht(k, breaks):
    """Casus 4 of the 3.2 case descriptions: the deleted stop and its replacement in one 307
    (breaks: the deletion names another Einddatum, so the definitive stop still stands)."""
    ok(k.toewijzing())
    ok(k.start())
    reden, nieuw = {"iwmo": ("22", "19"), "ijw": ("33", "31")}[k.rel.standard]
    ok(k.stop(einde=D(2026, 10, 15), reden=reden))
    stop = {"ToewijzingNummer": 1001, "product": k.product,
            "ToewijzingIngangsdatum": D(2026, 9, 1), "Begindatum": D(2026, 9, 7),
            "RedenBeeindiging": reden, "Einddatum": D(2026, 10, 15)}
    weg = {**stop, "StatusAanlevering": "3"}
    if breaks:
        weg["Einddatum"] = D(2026, 10, 14)
    return k.stuur("307", Client__Bsn=BSN, producten=[
        weg, {**stop, "RedenBeeindiging": nieuw, "StatusAanlevering": "1"}])


# --- verzoeken and antwoorden --------------------------------------------------------------
def tr347(k, breaks):
    ok(k.vot("REF1"))
    ok(k.toewijzing(ReferentieAanbieder="REF1"))
    return k.vot("REF1" if breaks else "REF2")


def tr374(k, breaks):
    ok(k.vot("REF1"))
    if not breaks:
        ok(k.antwoord("REF1"))
    return k.vot("REF2")


def _twee_toewijzingen(k):
    return ok(k.stuur("301", Client__Bsn=BSN, producten=[
        {"ToewijzingNummer": 1001, "product": k.uur, "Ingangsdatum": D(2026, 9, 1),
         "Einddatum": D(2026, 12, 31)},
        {"ToewijzingNummer": 1002, "product": k.euro, "Ingangsdatum": D(2026, 9, 1),
         "Einddatum": D(2026, 12, 31)}]))


def tr349(k, breaks):
    _twee_toewijzingen(k)
    return k.vow(ongewijzigd=[1001] if breaks else [1001, 1002], nieuw=[{}])


def tr350(k, breaks):
    ok(k.toewijzing())
    return k.vow(ongewijzigd=[1001, 9999] if breaks else [1001], nieuw=[{}])


def tr351(k, breaks):
    ok(k.toewijzing())
    wijziging = {"GewensteIngangsdatum": D(2026, 11, 16)}
    return k.vow(ongewijzigd=[1001] if breaks else [],
                 te_wijzigen=[{"ToewijzingNummer": 9999 if breaks else 1001, **wijziging}])


def tr357(k, breaks):
    ok(k.toewijzing())
    return k.vow(te_wijzigen=[{"ToewijzingNummer": 1001, "GewensteIngangsdatum":
                               D(2026, 10, 1) if breaks else D(2026, 9, 1)}])


def tr361(k, breaks):
    ok(k.toewijzing())
    return k.vow(ongewijzigd=[1001], nieuw=[{
        "product": k.uur, "GewensteIngangsdatum": D(2026, 12, 1) if breaks else D(2027, 1, 1),
        "Einddatum": D(2027, 3, 31)}])


def _budget_toewijzing(k, product=True):
    """A toewijzing with a Budget and no product code (taakgericht); without a product at all
    when `product` is false."""
    return ok(k.toewijzing(Product={"Categorie": k.uur.categorie} if product else None,
                           Omvang=None, Budget=100_000))


def tr373(k, breaks):
    _budget_toewijzing(k)
    return k.vow(te_wijzigen=[{"ToewijzingNummer": 1001, "Omvang": None, "Budget": 150_000,
                               "GewensteIngangsdatum": D(2026, 12, 1) if breaks
                               else D(2026, 9, 1)}])


def tr375(k, breaks):
    _budget_toewijzing(k, product=False)
    omvang = {"Volume": 4, "Eenheid": "04", "Frequentie": "2"}
    # an Omvang instead of the Budget (both at once would break CD077/CD078 first)
    return k.vow(te_wijzigen=[{"ToewijzingNummer": 1001, "Budget": None if breaks else 100_000,
                               "Omvang": omvang if breaks else None}])


def tr411(k, breaks):
    ok(k.toewijzing())
    omvang = {"Volume": 4, "Eenheid": "04", "Frequentie": "2"}
    return k.vow(te_wijzigen=[{"ToewijzingNummer": 1001, "Budget": None,
                               "Omvang": None if breaks else omvang}])


def tr412(k, breaks):
    _budget_toewijzing(k)
    omvang = {"Volume": 4, "Eenheid": "04", "Frequentie": "2"}
    # an Omvang instead of the Budget (both at once would break CD077/CD078 first)
    return k.vow(te_wijzigen=[{"ToewijzingNummer": 1001, "Budget": None if breaks else 100_000,
                               "Omvang": omvang if breaks else None}])


def tr355(k, breaks):
    if not breaks:
        ok(k.vot("REF1"))
    return k.antwoord("REF1")


def tr359(k, breaks):
    ok(k.vot("REF1"))
    if breaks:
        ok(k.toewijzing(ReferentieAanbieder="REF1"))
    return k.antwoord("REF1")


def tr360(k, breaks):
    ok(k.vot("REF1"))
    ok(k.antwoord("REF1", "2"))
    return k.antwoord("REF1", "2" if breaks else "1")


def tr365(k, breaks):
    ok(k.vot("REF1"))
    ok(k.antwoord("REF1", "1" if breaks else "2"))
    return k.antwoord("REF1", "1")


# --- declaraties ---------------------------------------------------------------------------
NOV, DEC, JAN = D(2026, 12, 2), D(2027, 1, 4), D(2027, 2, 1)  # dagtekening of later 323s
OKT = {"ProductPeriode": {"Begindatum": D(2026, 10, 1), "Einddatum": D(2026, 10, 31)}}


def tr304(k, breaks):
    ok(k.toewijzing(bsn=ANDER_BSN if breaks else BSN))
    return k.declaratie()


def tr307(k, breaks):
    ok(k.toewijzing(begin=D(2026, 10, 15) if breaks else D(2026, 9, 1)))
    return k.declaratie({"GeleverdVolume": 5})


def tr308(k, breaks):
    ok(k.toewijzing(einde=D(2026, 10, 15) if breaks else D(2026, 12, 31)))
    return k.declaratie({"GeleverdVolume": 5})


def tr314(k, breaks):
    ok(k.toewijzing())
    ok(k.declaratie({"ProductReferentie": {"ReferentieNummer": "R1"}}))
    return k.declaratie({"ProductReferentie": {"ReferentieNummer": "R1" if breaks else "R2"}},
                        today=NOV)


def tr318(k, breaks):
    ok(k.toewijzing())
    ok(k.declaratie())
    if breaks:  # December declared, with care in the skipped November
        return k.declaratie({"ProductPeriode": {"Begindatum": D(2026, 11, 1),
                                                "Einddatum": D(2026, 11, 30)}}, today=DEC)
    return k.declaratie(today=NOV)


def tr319(k, breaks):
    ok(k.toewijzing())  # October declared in December: November's care is not in it
    periode = {"Begindatum": D(2026, 11 if breaks else 10, 1),
               "Einddatum": D(2026, 11, 30) if breaks else D(2026, 10, 31)}
    return k.declaratie({"ProductPeriode": periode}, today=DEC,
                        periode=(D(2026, 10, 1), D(2026, 10, 31)))


def tr321(k, breaks):
    ok(k.toewijzing())  # 3 hours a week
    return k.declaratie({"GeleverdVolume": 16 if breaks else 15})  # October touches 5 weeks


def tr322(k, breaks):
    ok(k.toewijzing(Omvang={"Volume": 20, "Eenheid": "04", "Frequentie": "6"}))  # 20 in all
    ok(k.declaratie({"GeleverdVolume": 13}))
    return k.declaratie({"GeleverdVolume": 8 if breaks else 7}, today=NOV)


def tr369(k, breaks):
    ok(k.toewijzing(product=k.euro, Omvang=None, Budget=1_000))
    ok(k.declaratie({"GeleverdVolume": 600, "product": k.euro}))
    return k.declaratie({"GeleverdVolume": 401 if breaks else 400, "product": k.euro},
                        today=NOV)


def _credit(vorig, **more):
    return {"credit": True, "ProductReferentie": {"ReferentieNummer": f"C{vorig}",
                                                  "VorigReferentieNummer": vorig},
            "GeleverdVolume": 10, **OKT, **more}


def tr323(k, breaks):
    ok(k.toewijzing())
    ok(k.declaratie({"GeleverdVolume": 10, "ProductReferentie": {"ReferentieNummer": "R1"}}))
    return k.declaratie(_credit("R9" if breaks else "R1"), today=NOV)


def tr389(k, breaks):
    ok(k.toewijzing())
    ok(k.declaratie({"GeleverdVolume": 10, "ProductReferentie": {"ReferentieNummer": "R1"}}))
    again = {"GeleverdVolume": 12, "ProductReferentie": {"ReferentieNummer": "R2"}, **OKT}
    if breaks:
        return k.declaratie(again, today=NOV)
    return k.declaratie(_credit("R1"), again, today=NOV)  # credit, then the new debet


def tr390(k, breaks):
    ok(k.toewijzing())
    ok(k.declaratie({"GeleverdVolume": 10, "ProductReferentie": {"ReferentieNummer": "R1"}}))
    if breaks:
        ok(k.declaratie(_credit("R1"), today=NOV))
        return k.declaratie(_credit("R1", ProductReferentie={
            "ReferentieNummer": "CC1", "VorigReferentieNummer": "R1"}), today=DEC)
    return k.declaratie(_credit("R1"), today=NOV)


def tr333(k, breaks):
    ok(k.toewijzing())
    ok(k.declaratie(Declaratie__DeclaratieNummer="D1"))
    return k.declaratie(today=NOV, Declaratie__DeclaratieNummer="D1" if breaks else "D2")


def tr338(k, breaks):
    ok(k.toewijzing())
    return k.declaratie({"ToewijzingNummer": 9999 if breaks else 1001})


def tr339(k, breaks):
    ok(k.toewijzing())
    return k.declaratie({"ProductCategorie": k.stuks.categorie} if breaks else {})


def tr340(k, breaks):
    ok(k.toewijzing())
    return k.declaratie({"ProductCode": k.uur.code[:-2] + "99"} if breaks else {})


def tr341(k, breaks):
    ok(k.toewijzing())  # in hours: hours may be declared in minutes, nights may not
    return k.declaratie({"Eenheid": "14" if breaks else "01", "GeleverdVolume": 600})


def tr384(k, breaks):
    ok(k.toewijzing())
    if breaks:
        ok(k.toewijzing(einde=D(2026, 9, 1), RedenWijziging="13"))
    return k.declaratie()


def tr387(k, breaks):
    ok(k.toewijzing(begin=D(2026, 9, 1) if breaks else D(2026, 10, 15)))
    return k.declaratie({"GeleverdVolume": 5, "ProductPeriode": {
        "Begindatum": D(2026, 10, 2) if breaks else D(2026, 10, 15), "Einddatum": D(2026, 10, 31)}})


def tr388(k, breaks):
    ok(k.toewijzing(einde=D(2026, 12, 31) if breaks else D(2026, 10, 20)))
    return k.declaratie({"GeleverdVolume": 5, "ProductPeriode": {
        "Begindatum": D(2026, 10, 1), "Einddatum": D(2026, 10, 30) if breaks else D(2026, 10, 20)}})


# --- the declaratie-antwoord (judged by the aanbieder) -------------------------------------
def _antwoord_op_declaratie(k):
    """A 323 with one prestatie rejected (no such toewijzing) and the 325 that answers it."""
    ok(k.toewijzing())
    verdict = k.declaratie({}, {"ToewijzingNummer": 9999, "product": k.stuks})
    assert codes(verdict) == {"TR338"}
    return answer(verdict, k.rel, k.today)


def _325(k, breaks, path, value):
    root = _antwoord_op_declaratie(k)
    if breaks:
        root.xpath(path, namespaces={"n": etree.QName(root).namespace})[0].text = value
    return k.oordeel(root)


def tr337(k, breaks):
    return _325(k, breaks, "//n:DeclaratieIdentificatie/*[1]", "ONBEKEND")


def tr371(k, breaks):
    return _325(k, breaks, "//n:XsdVersieDeclaratie/*[2]", "9.9.9")


def tr376(k, breaks):
    return _325(k, breaks, "//n:DeclaratieAntwoord/n:DeclaratieNummer", "ANDERS")


def tr366(k, breaks):
    return _325(k, breaks, "//n:Prestatie/n:ProductReferentie/*[1]", "ONBEKEND")


def tr367(k, breaks):
    return _325(k, breaks, "//n:Prestatie/n:GeleverdVolume", "999")


def tr304_325(k, breaks):
    return _325(k, breaks, "//n:Clienten/n:Client/n:Bsn", ANDER_BSN)


# --- any message ---------------------------------------------------------------------------
def tr056(k, breaks):
    def ident(i):
        return {"Header__BerichtIdentificatie": {"Identificatie": i, "Dagtekening": k.today}}
    ok(k.stuur("301", **ident("ID1")))
    return k.stuur("301", **ident("ID1" if breaks else "ID2"))


SCENARIOS = {name.upper(): fn for name, fn in dict(globals()).items()
             if name.startswith("tr") and callable(fn) and not name.endswith(("_325", "_bericht"))}
EXTRA = {"TR304": [tr304_325], "TR415": [tr415_in_een_bericht]}  # rules with more than one scenario
CHAIN_RULES = sorted(r.id for r in RULES.values() if r.category == "chain")


def test_every_chain_rule_has_a_scenario():
    assert sorted(SCENARIOS) == CHAIN_RULES


CASES = [(rule, fn) for rule in CHAIN_RULES for fn in [SCENARIOS[rule], *EXTRA.get(rule, [])]]


# A ProductPeriode after the declaratie's own period: the official XSLT rejects it in the
# message with TR319 (0001) before the chain is consulted.
JUDGED_IN_THE_MESSAGE = {"TR319"}


@pytest.mark.parametrize("rel", ["iwmo-3.2", "ijw-3.2"])
@pytest.mark.parametrize("rule,scenario", CASES, ids=[f"{r}-{fn.__name__}" for r, fn in CASES])
def test_chain_rule_broken(rule, scenario, rel):
    verdict = scenario(Keten(rel), True)
    assert rule in codes(verdict), [(f.rule, f.text) for f in verdict.findings]
    code = RULES[rule].retourcode
    if rule in JUDGED_IN_THE_MESSAGE:
        code = "0001"  # its in-message part breaks first (README, fidelity)
    if code is not None:
        assert code in verdict.retourcodes
    finding = next(f for f in verdict.findings if f.rule == rule)
    assert finding.path.startswith("/Bericht") and finding.text


@pytest.mark.parametrize("rel", ["iwmo-3.2", "ijw-3.2"])
@pytest.mark.parametrize("rule,scenario", CASES, ids=[f"{r}-{fn.__name__}" for r, fn in CASES])
def test_chain_rule_held(rule, scenario, rel):
    ok(scenario(Keten(rel), False))
