"""Every condition (CD) and constraint (CS): a factory-built message that breaks it, judged at
level xslt with retourcode 0001 on the element named, and the untouched message accepted; and
for the choices the rules make, the messages they leave alone. Both standards throughout."""
import copy
from datetime import date

import pytest

from harness.factories import catalogus, data
from harness.standard import release
from harness.validation import RULES, Context, Level
from harness.validation.message import Message

from .test_rules import STANDARDS, TODAY, base, judged, prestaties, retotal, toegewezen

CONDITIONS = {r.id for r in RULES.values() if not r.id.startswith("TR")}

CLIENT = "/Bericht/Client"
CONTACT = f"{CLIENT}/Contactgegevens/Contact"
TOEGEWEZEN = f"{CLIENT}/ToegewezenProducten/ToegewezenProduct"
AANGEVRAAGD = f"{CLIENT}/AangevraagdeProducten/AangevraagdProduct"
NIEUW = f"{CLIENT}/Verzoek/NieuweProducten/NieuwProduct"
TE_WIJZIGEN = f"{CLIENT}/Verzoek/TeWijzigenProducten/TeWijzigenProduct"
DECLARATIE = "/Bericht/Declaratie"
PRESTATIE = f"{DECLARATIE}/Clienten/Client/Prestaties/Prestatie"  # one client, one prestatie
LISTED = "/Bericht/DeclaratieAntwoord/Clienten/Client/Prestaties/Prestatie"


def product(rel_name, eenheid):
    """The first product of the factories' list in this unit (83: care in euro's, a Budget)."""
    return next(p for p in catalogus(release(rel_name)) if p.eenheid == eenheid)


def met(eenheid, message="301"):
    """Build overrides: one product class of this unit."""
    if message == "317":
        return lambda rel: {"te_wijzigen": [{"product": product(rel, eenheid)}],
                            "nieuw": [{"product": product(rel, eenheid)}]}
    return lambda rel: {"producten": [{"product": product(rel, eenheid)}]}


def een_prestatie(eenheid=None):
    """Build overrides of a 323: one client with one prestatie (of this unit)."""
    def overrides(rel):
        spec = {"product": product(rel, eenheid)} if eenheid else {}
        return {"clienten": [{"prestaties": [spec]}]}
    return overrides


def listed_325(rel_name):
    """A 325 that lists the 323's only prestatie as rejected (9346) and so awards nothing
    (TR342); accepted as it is."""
    heen = base(rel_name, "323", clienten=[{"prestaties": [{}]}])
    d = data(rel_name, "325", today=TODAY, seed=11, heen=heen)
    client = heen["Declaratie"]["Clienten"]["Client"][0]
    p = copy.deepcopy(client["Prestaties"]["Prestatie"][0])
    p["RetourCodes"] = {"RetourCode": ["9346"]}
    d["DeclaratieAntwoord"]["Clienten"] = {"Client": [{
        "Bsn": client["Bsn"], "Prestaties": {"Prestatie": [p]},
        "RetourCodes": {"RetourCode": ["0200"]}}]}
    d["DeclaratieAntwoord"]["TotaalToegekendBedrag"] = {"TotaalBedrag": 0, "DebetCredit": "D"}
    return d


# ---------------------------------------------------------------- the changes

def contact(d, i=0):
    return d["Client"]["Contactgegevens"]["Contact"][i]


def adres(d):
    return contact(d)["Adres"]


def aangevraagd(d):
    return d["Client"]["AangevraagdeProducten"]["AangevraagdProduct"][0]


def nieuw(d):
    return d["Client"]["Verzoek"]["NieuweProducten"]["NieuwProduct"][0]


def te_wijzigen(d):
    return d["Client"]["Verzoek"]["TeWijzigenProducten"]["TeWijzigenProduct"][0]


def verwijzer(d):
    return aangevraagd(d)["Verwijzer"]


def body_client(d):
    """The Client of a 301, 305, 307, 315 or 317, or the first client of a 323 or 325."""
    for name in ("Declaratie", "DeclaratieAntwoord"):
        if d.get(name):
            return d[name]["Clienten"]["Client"][0]
    return d["Client"]


def set_bsn(d):
    body_client(d)["Bsn"] = "123456789"  # 9+16+21+24+25+24+21+16 - 9 = 147, not 11-fold


def set_in(getter, **values):
    """A change that updates the dict `getter(d)` with `values` (None leaves one out)."""
    def change(d):
        getter(d).update(values)
    return change


def naam(d):
    return d["Client"]["Naam"]


def relatie_naam(d):
    return d["Client"]["Relaties"]["Relatie"][0]["Naam"]


def relatie_met_partner(gebruik):
    def change(d):
        relatie_naam(d).update(Partnernaam={"Achternaam": "Vries", "Voorvoegsel": "de"},
                               NaamGebruik=gebruik)
    return change


def tijdelijk_adres(periode):
    """A second Contact: Soort 04 (tijdelijk verblijfadres) with a Periode."""
    def change(d):
        extra = copy.deepcopy(contact(d))
        extra.update(Soort="04", Periode=periode)
        d["Client"]["Contactgegevens"]["Contact"].append(extra)
    return change


def declaratie_credit(vorig: bool, **bedrag):
    """Make the 323's first prestatie credit (or keep it debet) with or without a
    VorigReferentieNummer, totals kept right (TR358)."""
    def change(d):
        p = prestaties(d)[0]
        p["IngediendBedrag"].update(bedrag)
        p["ProductReferentie"] = {"ReferentieNummer": "NIEUW1",
                                  **({"VorigReferentieNummer": "OUD1"} if vorig else {})}
        retotal(d)
    return change


def listed_credit(d):
    p = d["DeclaratieAntwoord"]["Clienten"]["Client"][0]["Prestaties"]["Prestatie"][0]
    p["IngediendBedrag"]["DebetCredit"] = "C"  # without VorigReferentieNummer


def listed_zero_credit(d):
    p = d["DeclaratieAntwoord"]["Clienten"]["Client"][0]["Prestaties"]["Prestatie"][0]
    p.update(GeleverdVolume=0, IngediendBedrag={"Bedrag": 0, "DebetCredit": "C"})
    p["ProductReferentie"]["VorigReferentieNummer"] = "OUD1"


def december_2020(d):
    """Declare December 2020 (a month before release 3.0)."""
    december = {"Begindatum": date(2020, 12, 1), "Einddatum": date(2020, 12, 31)}
    d["Declaratie"]["DeclaratiePeriode"] = dict(december)
    for c in d["Declaratie"]["Clienten"]["Client"]:
        for p in c["Prestaties"]["Prestatie"]:
            p["ProductPeriode"] = dict(december)


def prestatie_update(**values):
    return set_in(lambda d: prestaties(d)[0], **values)


def euro_bedrag_plus_one(d):
    p = prestaties(d)[0]
    p["IngediendBedrag"]["Bedrag"] += 1
    retotal(d)


def zero_total_credit(d):
    d["Declaratie"]["TotaalIngediendBedrag"] = {"TotaalBedrag": 0, "DebetCredit": "C"}
    for p in prestaties(d):
        p.update(GeleverdVolume=0, IngediendBedrag={"Bedrag": 0, "DebetCredit": "D"})


def zero_toegekend_credit(d):
    d["DeclaratieAntwoord"]["TotaalToegekendBedrag"] = {"TotaalBedrag": 0, "DebetCredit": "C"}


def zero_credit_prestatie(d):
    p = prestaties(d)[0]
    p.update(GeleverdVolume=0, IngediendBedrag={"Bedrag": 0, "DebetCredit": "C"},
             ProductReferentie={"ReferentieNummer": "NUL1", "VorigReferentieNummer": "OUD1"})
    retotal(d)


# (rule, case name, message, build overrides (dict or rel -> dict), change, path of the finding)
BREAKS = [
    ("CS002", "301", "301", {}, set_bsn, f"{CLIENT}/Bsn"),
    ("CS002", "305", "305", {}, set_bsn, f"{CLIENT}/Bsn"),
    ("CS002", "307", "307", {}, set_bsn, f"{CLIENT}/Bsn"),
    ("CS002", "315", "315", {}, set_bsn, f"{CLIENT}/Bsn"),
    ("CS002", "317", "317", {}, set_bsn, f"{CLIENT}/Bsn"),
    ("CS002", "323", "323", een_prestatie(), set_bsn, f"{DECLARATIE}/Clienten/Client/Bsn"),
    ("CS002", "325", "325", None, set_bsn, "/Bericht/DeclaratieAntwoord/Clienten/Client/Bsn"),
    ("CS139", "dag", "301", {}, set_in(lambda d: d["Client"]["Geboortedatum"],
                                       Datum="2010-02-14", DatumGebruik="1"),
     f"{CLIENT}/Geboortedatum/Datum"),
    ("CS139", "jaar", "305", {}, set_in(lambda d: d["Client"]["Geboortedatum"],
                                        Datum="2010-02-01", DatumGebruik="2"),
     f"{CLIENT}/Geboortedatum/Datum"),
    ("CS139", "onbekend-relatie", "301", {},
     set_in(lambda d: d["Client"]["Relaties"]["Relatie"][0]["Geboortedatum"],
            Datum="1901-01-01", DatumGebruik="3"),
     f"{CLIENT}/Relaties/Relatie/Geboortedatum/Datum"),
    ("CS318", "client", "301", {}, set_in(naam, NaamGebruik="6"), f"{CLIENT}/Naam/NaamGebruik"),
    ("CS050", "client", "301", {}, set_in(naam, NaamGebruik="2"), f"{CLIENT}/Naam/NaamGebruik"),
    ("CS050", "relatie", "301", {}, relatie_met_partner("6"),
     f"{CLIENT}/Relaties/Relatie/Naam/NaamGebruik"),
    ("CD007", "taal-zonder-tolk", "301", {},
     lambda d: d["Client"].update(Communicatie={"Vorm": "2", "Taal": "Zweeds"}),
     f"{CLIENT}/Communicatie/Taal"),
    ("CD007", "tolk-zonder-taal", "301", {},
     lambda d: d["Client"].update(Communicatie={"Vorm": "1"}), f"{CLIENT}/Communicatie"),
    ("CD025", "client", "301", {}, set_in(adres, Huis=None), f"{CONTACT}/Adres"),
    ("CD025", "relatie", "301", {},
     set_in(lambda d: d["Client"]["Relaties"]["Relatie"][0]["Contact"]["Adres"], Huis=None),
     f"{CLIENT}/Relaties/Relatie/Contact/Adres"),
    ("CD034", "01", "301", {}, set_in(adres, Postcode=None, LandCode=None), f"{CONTACT}/Soort"),
    ("CD034", "03", "301", {}, lambda d: (set_in(contact, Soort="03")(d),
                                          set_in(adres, Postcode=None, LandCode=None)(d)),
     f"{CONTACT}/Soort"),
    # a Contact of Soort 01/03 without any Adres has no Postcode either (the official XSLT)
    ("CD034", "03-zonder-adres", "301", {}, set_in(contact, Soort="03", Adres=None),
     f"{CONTACT}/Soort"),
    ("CS089", "spatie", "301", {}, set_in(adres, Postcode="1234 AB"), f"{CONTACT}/Adres/Postcode"),
    ("CS089", "nul", "301", {}, set_in(adres, Postcode="0123AB"), f"{CONTACT}/Adres/Postcode"),
    ("CD005", "geen-landcode", "301", {}, set_in(adres, LandCode=None), f"{CONTACT}/Adres"),
    ("CD005", "geen-postcode", "301", {}, set_in(adres, Postcode=None),
     f"{CONTACT}/Adres/LandCode"),
    ("CD009", "01", "301", {}, set_in(contact, Periode={"Begindatum": date(2026, 11, 1)}),
     f"{CONTACT}/Periode"),
    ("CS003", "contact", "301", {},
     tijdelijk_adres({"Begindatum": date(2026, 11, 1), "Einddatum": date(2026, 10, 31)}),
     f"{CONTACT}[2]/Periode/Einddatum"),
    ("CS003", "301", "301", {}, set_in(lambda d: toegewezen(d)[0], Einddatum=date(2026, 10, 1)),
     f"{TOEGEWEZEN}/Einddatum"),
    ("CS003", "315", "315", {}, set_in(aangevraagd, ToewijzingEinddatum=date(2026, 11, 1)),
     f"{AANGEVRAAGD}/ToewijzingEinddatum"),
    ("CS003", "317-nieuw", "317", {}, set_in(nieuw, Einddatum=date(2026, 11, 2)),
     f"{NIEUW}/Einddatum"),
    ("CS003", "317-te-wijzigen", "317", {},
     set_in(te_wijzigen, GewensteIngangsdatum=date(2026, 11, 20), Einddatum=date(2026, 11, 19)),
     f"{TE_WIJZIGEN}/Einddatum"),
    ("CD079", "301", "301", met("83"), set_in(lambda d: toegewezen(d)[0], Product=None,
                                              Budget=None), TOEGEWEZEN),
    ("CD079", "315", "315", met("83"), set_in(aangevraagd, Product=None, Budget=None),
     AANGEVRAAGD),
    ("CD079", "317", "317", met("83", "317"), set_in(nieuw, Product=None, Budget=None), NIEUW),
    ("CD075", "301", "301", met("83"), set_in(lambda d: toegewezen(d)[0], Einddatum=None),
     TOEGEWEZEN),
    ("CD075", "315", "315", met("83"), set_in(aangevraagd, ToewijzingEinddatum=None),
     AANGEVRAAGD),
    ("CD075", "317", "317", met("83", "317"), set_in(te_wijzigen, Einddatum=None), TE_WIJZIGEN),
    ("CD076", "301", "301", met("04"), set_in(lambda d: toegewezen(d)[0], Einddatum=None),
     TOEGEWEZEN),
    ("CD076", "315", "315", met("04"), set_in(aangevraagd, ToewijzingEinddatum=None),
     AANGEVRAAGD),
    ("CD076", "317", "317", met("04", "317"), set_in(nieuw, Einddatum=None), NIEUW),
    ("CD041", "301", "301", met("04"), set_in(lambda d: toegewezen(d)[0], Omvang=None),
     TOEGEWEZEN),
    ("CD041", "315", "315", met("04"), set_in(aangevraagd, Omvang=None), AANGEVRAAGD),
    ("CD041", "317", "317", met("04", "317"), set_in(nieuw, Omvang=None), NIEUW),
    ("CD077", "301", "301", met("83"), set_in(lambda d: toegewezen(d)[0], Omvang={
        "Volume": 100_000, "Eenheid": "83", "Frequentie": "4"}), f"{TOEGEWEZEN}/Omvang"),
    ("CD077", "317", "317", met("83", "317"), set_in(te_wijzigen, Omvang={
        "Volume": 100_000, "Eenheid": "83", "Frequentie": "4"}), f"{TE_WIJZIGEN}/Omvang"),
    ("CD078", "301", "301", met("04"), set_in(lambda d: toegewezen(d)[0], Budget=1_000),
     f"{TOEGEWEZEN}/Budget"),
    ("CD078", "315", "315", met("04"), set_in(aangevraagd, Budget=1_000),
     f"{AANGEVRAAGD}/Budget"),
    ("CD080", "categorie", "301", met("04"),
     lambda d: toegewezen(d)[0]["Product"].pop("Code"), f"{TOEGEWEZEN}/Omvang"),
    ("CD080", "open", "301", met("04"), set_in(lambda d: toegewezen(d)[0], Product=None,
                                              Einddatum=None), f"{TOEGEWEZEN}/Omvang"),
    ("CD095", "315", "315", met("04"), lambda d: aangevraagd(d)["Product"].pop("Code"),
     f"{AANGEVRAAGD}/Omvang"),
    ("CD096", "317", "317", met("04", "317"), lambda d: nieuw(d)["Product"].pop("Code"),
     f"{NIEUW}/Omvang"),
    ("CS338", "301", "301", met("14"), lambda d: toegewezen(d)[0]["Omvang"].update(Frequentie="1"),
     f"{TOEGEWEZEN}/Omvang/Frequentie"),
    ("CS338", "317", "317", met("16", "317"),
     lambda d: te_wijzigen(d)["Omvang"].update(Frequentie="1"), f"{TE_WIJZIGEN}/Omvang/Frequentie"),
    ("CS343", "315", "315", met("84"), lambda d: aangevraagd(d)["Omvang"].update(Frequentie="1"),
     f"{AANGEVRAAGD}/Omvang/Frequentie"),
    ("CS335", "301", "301", {}, set_in(lambda d: toegewezen(d)[0], RedenWijziging="13"),
     f"{TOEGEWEZEN}/Einddatum"),
    ("CS336", "301", "301", {}, set_in(lambda d: toegewezen(d)[0], RedenWijziging="01"),
     f"{TOEGEWEZEN}/RedenWijziging"),
    ("CS058", "305", "305", {},
     set_in(lambda d: d["Client"]["StartProducten"]["StartProduct"][0], StatusAanlevering="2"),
     f"{CLIENT}/StartProducten/StartProduct/StatusAanlevering"),
    ("CS058", "307", "307", {},
     set_in(lambda d: d["Client"]["StopProducten"]["StopProduct"][0], StatusAanlevering="9"),
     f"{CLIENT}/StopProducten/StopProduct/StatusAanlevering"),
    ("CD043", "nummer", "315", {}, set_in(aangevraagd, BeschikkingNummer=4711), AANGEVRAAGD),
    ("CD043", "datum", "315", {}, set_in(aangevraagd, BeschikkingIngangsdatum=date(2026, 10, 1)),
     f"{AANGEVRAAGD}/BeschikkingIngangsdatum"),
    ("CD066", "315", "315", {}, set_in(verwijzer, Naam="Huisarts Dekker"),
     f"{AANGEVRAAGD}/Verwijzer/Naam"),
    ("CD067", "315", "315", {}, set_in(verwijzer, Type="03", ZorgverlenerCode=None),
     f"{AANGEVRAAGD}/Verwijzer"),
    ("CD068", "315", "315", {}, set_in(verwijzer, Type="06"),
     f"{AANGEVRAAGD}/Verwijzer/ZorgverlenerCode"),
    ("CD085", "319", "319", {}, set_in(lambda d: d["Antwoord"], RedenAfwijzingVerzoek=None),
     "/Bericht/Antwoord"),
    ("CD086", "319", "319", {}, set_in(lambda d: d["Antwoord"], VerzoekAntwoord="2"),
     "/Bericht/Antwoord/RedenAfwijzingVerzoek"),
    ("CS100", "323", "323", {"today": date(2021, 2, 3)}, december_2020,
     f"{DECLARATIE}/DeclaratiePeriode/Begindatum"),
    ("CS100", "prestatie", "323", {"today": date(2021, 2, 3), "clienten": [{"prestaties": [{}]}]},
     prestatie_update(ProductPeriode={"Begindatum": date(2020, 12, 1),
                                      "Einddatum": date(2020, 12, 31)}),
     f"{PRESTATIE}/ProductPeriode/Begindatum"),
    ("CS340", "einde", "323", {}, set_in(lambda d: d["Declaratie"]["DeclaratiePeriode"],
                                         Einddatum=date(2026, 10, 30)),
     f"{DECLARATIE}/DeclaratiePeriode"),
    ("CS340", "begin", "323", {}, set_in(lambda d: d["Declaratie"]["DeclaratiePeriode"],
                                         Begindatum=date(2026, 9, 1)),
     f"{DECLARATIE}/DeclaratiePeriode"),
    ("CS337", "323", "323", een_prestatie(), prestatie_update(ProductPeriode={
        "Begindatum": date(2026, 9, 20), "Einddatum": date(2026, 10, 10)}),
     f"{PRESTATIE}/ProductPeriode/Einddatum"),
    ("CS325", "totaal-323", "323", een_prestatie(), zero_total_credit,
     f"{DECLARATIE}/TotaalIngediendBedrag/DebetCredit"),
    ("CS325", "prestatie-323", "323", {"clienten": 1, "prestaties": 2}, zero_credit_prestatie,
     f"{DECLARATIE}/Clienten/Client/Prestaties/Prestatie[1]/IngediendBedrag/DebetCredit"),
    ("CS325", "toegekend-325", "325", None, zero_toegekend_credit,
     "/Bericht/DeclaratieAntwoord/TotaalToegekendBedrag/DebetCredit"),
    ("CS325", "prestatie-325", "325", None, listed_zero_credit,
     f"{LISTED}/IngediendBedrag/DebetCredit"),
    ("CD060", "credit-zonder-vorig", "323", een_prestatie(),
     declaratie_credit(False, DebetCredit="C"), f"{PRESTATIE}/IngediendBedrag/DebetCredit"),
    ("CD060", "debet-met-vorig", "323", een_prestatie(), declaratie_credit(True),
     f"{PRESTATIE}/IngediendBedrag/DebetCredit"),
    ("CD060", "325", "325", None, listed_credit, f"{LISTED}/IngediendBedrag/DebetCredit"),
    ("CD087", "geen-tarief", "323", een_prestatie("04"), prestatie_update(ProductTarief=None),
     PRESTATIE),
    ("CD087", "euro-met-tarief", "323", een_prestatie("83"), prestatie_update(ProductTarief=100),
     f"{PRESTATIE}/ProductTarief"),
    ("CS339", "323", "323", een_prestatie("83"), euro_bedrag_plus_one,
     f"{PRESTATIE}/IngediendBedrag"),
]

# Messages the rules leave alone: (rule, case name, message, build overrides, change)
HOLDS = [
    # judged where both dates are there, as the official XSLT does
    ("CS335", "zonder-einddatum", "301", {},
     lambda d: (set_in(lambda d: toegewezen(d)[0], RedenWijziging="13", Einddatum=None)(d),
                toegewezen(d)[0]["Omvang"].update(Frequentie="4"))),  # open: not per week
    ("CS139", "dag", "301", {}, set_in(lambda d: d["Client"]["Geboortedatum"],
                                       Datum="2010-02-01", DatumGebruik="1")),
    ("CS139", "jaar", "315", {}, set_in(lambda d: d["Client"]["Geboortedatum"],
                                        Datum="2010-01-01", DatumGebruik="2")),
    ("CS139", "onbekend", "307", {}, set_in(lambda d: d["Client"]["Geboortedatum"],
                                            Datum="1900-01-01", DatumGebruik="3")),
    ("CS050", "partnernaam", "301", {}, relatie_met_partner("3")),
    ("CD007", "tolk-met-taal", "301", {},
     lambda d: d["Client"].update(Communicatie={"Vorm": "1", "Taal": "Pools"})),
    ("CD007", "doventolk", "301", {}, lambda d: d["Client"].update(Communicatie={"Vorm": "2"})),
    # our reading of CS089: lower-case letters are allowed, a space is not
    ("CS089", "kleine-letters", "301", {}, set_in(adres, Postcode="1234ab")),
    ("CS089", "buitenland", "301", {}, set_in(adres, Postcode="B-1000", LandCode="BE")),
    ("CD009", "04", "301", {}, tijdelijk_adres({"Begindatum": date(2026, 11, 1),
                                                "Einddatum": date(2026, 12, 31)})),
    ("CD034", "02-zonder-adres", "301", {}, set_in(contact, Soort="02", Adres=None)),
    ("CS003", "gelijk", "301", {}, lambda d: toegewezen(d)[0].update(
        Einddatum=toegewezen(d)[0]["Ingangsdatum"])),
    ("CD079", "budget-zonder-product", "301", met("83"),
     set_in(lambda d: toegewezen(d)[0], Product=None)),
    # Einddatum on 2020-12-31 is not "after 2020": an Omvang without code may stay
    ("CD080", "tot-2020", "301", met("04"), lambda d: (
        toegewezen(d)[0]["Product"].pop("Code"),
        toegewezen(d)[0].update(Ingangsdatum=date(2020, 6, 1), Einddatum=date(2020, 12, 31)))),
    ("CS338", "tot-2020", "301", met("14"), lambda d: (
        toegewezen(d)[0]["Omvang"].update(Frequentie="1"),
        toegewezen(d)[0].update(Ingangsdatum=date(2020, 6, 1), Einddatum=date(2020, 12, 31)))),
    ("CS338", "uur-per-dag", "317", met("04", "317"),
     lambda d: nieuw(d)["Omvang"].update(Frequentie="1")),
    ("CS058", "verwijderen", "305", {},
     set_in(lambda d: d["Client"]["StartProducten"]["StartProduct"][0], StatusAanlevering="3")),
    ("CD043", "beide", "315", {}, set_in(aangevraagd, BeschikkingNummer=4711,
                                         BeschikkingIngangsdatum=date(2026, 10, 1))),
    ("CD067", "naam-zonder-code", "315", {},
     set_in(verwijzer, Type="03", ZorgverlenerCode=None, Naam="Jeugdarts Bos")),
    ("CD068", "zelfverwijzer", "315", {}, set_in(verwijzer, Type="06", ZorgverlenerCode=None)),
    ("CD068", "gemeente-met-naam", "315", {},
     set_in(verwijzer, Type="01", ZorgverlenerCode=None, Naam="Gemeente Zwolle")),
    ("CD086", "in-onderzoek", "319", {}, set_in(lambda d: d["Antwoord"], VerzoekAntwoord="2",
                                                RedenAfwijzingVerzoek=None)),
    ("CS100", "januari-2021", "323", {"today": date(2021, 2, 3)}, lambda d: None),
    ("CS325", "nul-debet", "323", {"clienten": 1, "prestaties": 2},
     lambda d: (prestaties(d)[0].update(GeleverdVolume=0, IngediendBedrag={
         "Bedrag": 0, "DebetCredit": "D"}), retotal(d))),
    ("CD060", "credit-met-vorig", "323", een_prestatie(),
     declaratie_credit(True, DebetCredit="C")),
]


def _build(rel_name, message, overrides):
    if overrides is None:  # a 325 listing a rejected prestatie
        return listed_325(rel_name), TODAY
    overrides = dict(overrides(rel_name) if callable(overrides) else overrides)
    today = overrides.pop("today", TODAY)
    return data(rel_name, message, today=today, seed=11, **overrides), today


def _ids(cases):
    return [f"{c[0]}-{c[1]}" for c in cases]


def test_every_condition_has_a_case():
    assert {c[0] for c in BREAKS} == CONDITIONS - {"CS319"}  # CS319: see its own test
    assert {c[0] for c in HOLDS} <= CONDITIONS


@pytest.mark.parametrize("rel_name", STANDARDS)
@pytest.mark.parametrize("case", BREAKS, ids=_ids(BREAKS))
def test_condition_breaks(case, rel_name):
    rule_id, _, message, overrides, change, path = case
    if rel_name not in RULES[rule_id].releases:
        pytest.skip(f"{rule_id} exists in {', '.join(sorted(RULES[rule_id].releases))} only")
    d, today = _build(rel_name, message, overrides)
    untouched = judged(rel_name, message, d, today=today)
    assert untouched.accepted, [(f.rule, f.path, f.text) for f in untouched.findings]
    change(d)
    verdict = judged(rel_name, message, d, today=today)
    hits = [f for f in verdict.findings if f.rule == rule_id]
    assert hits, f"{rule_id} not reported; got {[(f.rule, f.text) for f in verdict.findings]}"
    assert verdict.level is Level.XSLT and verdict.retourcodes == ["0001"]
    assert all(f.retourcode == "0001" and f.level is Level.XSLT for f in hits)
    assert path in [f.path for f in hits], [f.path for f in hits]
    assert all(f.text.endswith(".") for f in hits)


@pytest.mark.parametrize("rel_name", STANDARDS)
@pytest.mark.parametrize("case", HOLDS, ids=_ids(HOLDS))
def test_condition_holds(case, rel_name):
    rule_id, _, message, overrides, change = case
    d, today = _build(rel_name, message, overrides)
    change(d)
    verdict = judged(rel_name, message, d, today=today)
    assert verdict.accepted, [(f.rule, f.path, f.text) for f in verdict.findings]


@pytest.mark.parametrize("rel_name", STANDARDS)
def test_cs319_declaratienummer_letters_and_digits(rel_name):
    """The 323's schema already holds CS319's pattern, so a message that breaks it stops at
    the xsd level; the rule itself is judged on the parsed message directly."""
    from harness.factories import render, to_bytes

    rel = release(rel_name)
    d = base(rel_name, "323")
    rule = RULES["CS319"]
    ok = Message(render(rel, "323", d), rel, rel.message("323"))
    assert rule.run(ok, Context(today=TODAY)) == []
    d["Declaratie"]["DeclaratieNummer"] = "D-2026/11"
    broken = Message(render(rel, "323", d), rel, rel.message("323"))
    [finding] = rule.run(broken, Context(today=TODAY))
    assert (finding.level, finding.retourcode) == (Level.XSLT, "0001")
    assert finding.path == f"{DECLARATIE}/DeclaratieNummer" and "D-2026/11" in finding.text
    assert judged(rel_name, "323", d).level is Level.XSD  # the exchange refuses it first
    assert judged(rel_name, "323", {**d, "Declaratie": {**d["Declaratie"],
                                                        "DeclaratieNummer": "D2026"}}).accepted


@pytest.mark.parametrize("rel_name", STANDARDS)
@pytest.mark.parametrize("message", ["301", "305", "307", "315", "317", "323", "325"])
def test_factories_meet_the_conditions_for_every_product(message, rel_name):
    """Every product of the factories' list at once (each unit, care in euro's included), so
    that no random draw is needed to find a factory that breaks a condition."""
    from harness.factories.product import _named_once

    n = len(_named_once(release(rel_name)))
    every = {"301": {"producten": n}, "305": {"producten": n}, "307": {"producten": n},
             "315": {"producten": n}, "317": {"te_wijzigen": n // 2, "nieuw": n - n // 2},
             "323": {"clienten": 2, "prestaties": n},
             "325": {"heen__clienten": 2, "heen__prestaties": n}}[message]
    verdict = judged(rel_name, message, base(rel_name, message, **every))
    assert verdict.accepted, [(f.rule, f.path, f.text) for f in verdict.findings]


def test_cs050_iwmo_has_no_niet_natuurlijk_persoon():
    """iWmo has no CS318: its CS050 allows only NaamGebruik 1 without a Partnernaam (the
    official XSLT of iWmo 3.2), where iJw allows 1 or 6 and CS318 refuses 6 for the client."""
    for rel_name, rules in (("iwmo-3.2", ["CS050"]), ("ijw-3.2", ["CS318"])):
        d, today = _build(rel_name, "301", {})
        d["Client"]["Naam"]["NaamGebruik"] = "6"
        d["Client"]["Naam"]["Partnernaam"] = None
        assert [f.rule for f in judged(rel_name, "301", d, today=today).findings] == rules
