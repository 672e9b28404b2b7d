"""Breakers of the in-message rules (technical rules of category xslt, conditions and
constraints: 0001 on the header) and of the rules on external data (system date, CBS list,
regio contract: the rule's own code on its class). Each starts from the correct message of
`Keten.basis` (its chain sent before it) and changes one thing."""
from __future__ import annotations

import copy
from datetime import date

from ..factories.declaratie import prestatie, signed, totaal
from ..standard import registry
from .catalogue import breaks, not_exercisable
from .keten import NUMMER, OKTOBER, Keten, at, el

D = date
IJW = registry.names("ijw")  # TR377 and TR409 are iJw's own
PRODUCT_KLASSE = {"301": "/Bericht/Client/ToegewezenProducten/ToegewezenProduct",
                  "305": "/Bericht/Client/StartProducten/StartProduct",
                  "307": "/Bericht/Client/StopProducten/StopProduct",
                  "315": "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct",
                  "317": "/Bericht/Client/Verzoek/NieuweProducten/NieuwProduct",
                  "323": "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie"}


# --- where things are in a message's data ------------------------------------------------
def client(d: dict) -> dict:
    """The Client of a 301 ... 317, or the first client of a 323."""
    if d.get("Declaratie"):
        return d["Declaratie"]["Clienten"]["Client"][0]
    return d["Client"]


def toegewezen(d):
    return d["Client"]["ToegewezenProducten"]["ToegewezenProduct"]


def contacten(d):
    return d["Client"]["Contactgegevens"]["Contact"]


def adres(d):
    return contacten(d)[0]["Adres"]


def aangevraagd(d):
    return d["Client"]["AangevraagdeProducten"]["AangevraagdProduct"]


def verzoek(d):
    return d["Client"]["Verzoek"]


def te_wijzigen(d):
    return verzoek(d)["TeWijzigenProducten"]["TeWijzigenProduct"]


def nieuw(d):
    return verzoek(d)["NieuweProducten"]["NieuwProduct"]


def prestaties(d, c=0):
    return d["Declaratie"]["Clienten"]["Client"][c]["Prestaties"]["Prestatie"]


def producten(d, m):
    """The product classes of a 301, 305, 307, 315 (the 317: its TeWijzigenProducten)."""
    return {"301": toegewezen, "315": aangevraagd, "317": te_wijzigen,
            "305": lambda d: d["Client"]["StartProducten"]["StartProduct"],
            "307": lambda d: d["Client"]["StopProducten"]["StopProduct"]}[m](d)


def retotal(d):
    """Keep TR358 true after a change of amounts."""
    d["Declaratie"]["TotaalIngediendBedrag"] = totaal(sum(
        signed(p["IngediendBedrag"]) for c in d["Declaratie"]["Clienten"]["Client"]
        for p in c["Prestaties"]["Prestatie"]))


def met(eenheid: str):
    """basis with the chain's product in this unit (83: in euro's, a Budget)."""
    return lambda k, m: k.basis(m, product=k.of(eenheid))


def vow_met(k: Keten, te: str | None = "04", nieuw_: str | None = "82"):
    """A correct 317 after a toewijzing in unit `te`: that toewijzing to change (when `te`)
    and a new product in unit `nieuw_` (when given)."""
    product = k.of(te or "04")
    k.product = product
    k.send("301", k.toewijzing(product=product))
    return k.vow(ongewijzigd=[] if te else [NUMMER],
                 te_wijzigen=[{"ToewijzingNummer": NUMMER, "product": product,
                               "GewensteIngangsdatum": D(2026, 11, 16)}] if te else [],
                 nieuw=[{"product": k.of(nieuw_)}] if nieuw_ else [])


# --- every message: header and client ----------------------------------------------------
ALL = "301 305 307 315 317 319 323 325"
LISTED = "DeclaratieAntwoord/Clienten/Client/Prestaties/Prestatie"  # the 325's prestaties
CLIENT_MESSAGES = "301 305 307 315 317 323"


def basis(k: Keten, m: str):
    return k.afgewezen_325() if m == "325" else k.basis(m)


@breaks("TR135", ALL, klasse="Header")
def tr135(k, m):
    """The Dagtekening a day after the receiver's today."""
    if m == "325":
        root = basis(k, m)
        el(root, "Header/BerichtIdentificatie/Dagtekening").text = "2026-11-03"
        return root
    d = basis(k, m)
    d["Header"]["BerichtIdentificatie"]["Dagtekening"] = D(2026, 11, 3)
    if m == "323":
        d["Declaratie"]["DeclaratieDagtekening"] = D(2026, 11, 3)
    return d


@breaks("TR378", ALL, klasse="Header")
def tr378(k, m):
    """The gemeente's code is not in the CBS list (9999)."""
    if m == "325":
        root = basis(k, m)
        el(root, "Header/Afzender").text = "9999"
        return root
    d = basis(k, m)
    d["Header"]["Afzender" if m in ("301", "319") else "Ontvanger"] = "9999"
    return d


@breaks("CS002", CLIENT_MESSAGES + " 325")
def cs002(k, m):
    """A Bsn failing the elfproef."""
    if m == "325":
        root = basis(k, m)
        el(root, "DeclaratieAntwoord/Clienten/Client/Bsn").text = "123456789"
        return root
    d = basis(k, m)
    client(d)["Bsn"] = "123456789"
    return d


@breaks("TR002", "301 305 307 315")
def tr002(k, m):
    d = basis(k, m)
    d["Client"]["Geboortedatum"] = {"Datum": D(1900, 1, 1)}
    return d


@breaks("CS139", "301 305 307 315")
def cs139(k, m):
    """DatumGebruik 1 (day unknown) with a date not on the 1st."""
    d = basis(k, m)
    d["Client"]["Geboortedatum"] = {"Datum": D(2010, 2, 14), "DatumGebruik": "1"}
    return d


@breaks("TR134", "301 305 307 315")
def tr134(k, m):
    """A date of the past after the Dagtekening."""
    d = basis(k, m)
    if m == "301":
        toegewezen(d)[0]["Toewijzingsdatum"] = D(2026, 11, 3)
    else:
        d["Client"]["Geboortedatum"] = {"Datum": D(2026, 11, 3)}
    return d


PERIODE_NA_DAGTEKENING = (
    "on a 323 and a 325 TR134 judges the Begindatum of a period (DeclaratiePeriode, "
    "ProductPeriode), and a period that begins after the Dagtekening also ends after it, "
    "which TR137 forbids")


@breaks("TR134", "323", also=("TR137",), why=PERIODE_NA_DAGTEKENING)
def tr134_323(k, m):
    """December declared on 2 November (its October prestatie lies within it)."""
    d = basis(k, m)
    d["Declaratie"]["DeclaratiePeriode"] = {"Begindatum": D(2026, 12, 1),
                                            "Einddatum": D(2026, 12, 31)}
    return d


@breaks("TR134", "325", also=("TR137",), why=PERIODE_NA_DAGTEKENING)
def tr134_325(k, m):
    """A listed prestatie of a period after the 325's Dagtekening."""
    root = basis(k, m)
    el(root, f"{LISTED}/ProductPeriode/Begindatum").text = "2026-11-03"
    el(root, f"{LISTED}/ProductPeriode/Einddatum").text = "2026-11-30"
    return root


def _tr101(k, m):
    """A line sent twice."""
    if m == "325":
        root = basis(k, m)
        p = el(root, "DeclaratieAntwoord/Clienten/Client/Prestaties/Prestatie")
        p.addnext(copy.deepcopy(p))
        rebalance(root)
        return root
    d = basis(k, m)
    if m == "301":
        contacten(d).append(copy.deepcopy(contacten(d)[0]))
    elif m == "317":
        d["Client"]["Verzoek"]["OngewijzigdeProducten"] = {
            "OngewijzigdProduct": [{"ToewijzingNummer": NUMMER}] * 2}
    elif m == "323":
        p = prestaties(d)
        p.append(copy.deepcopy(p[0]))
        retotal(d)
    else:
        lines = producten(d, m)
        lines.append(copy.deepcopy(lines[0]))
    return d


breaks("TR101", "301 305 307 317 325")(_tr101)
breaks("TR101", "315", also=("TR383", "TR386"),
       why="the only repeated class of a 315 is the AangevraagdProduct: a copy repeats its "
           "ReferentieAanbieder (TR383) and its product for the same period (TR386)")(_tr101)
breaks("TR101", "323", also=("TR416",),
       why="a copied debet prestatie is a second debet line for the same client, toewijzing, "
           "product and period (TR416); a copied credit line repeats its "
           "VorigReferentieNummer (TR315)")(_tr101)


# --- 301 ------------------------------------------------------------------------------------
def change(m_basis, fn):
    """A breaker from a basis and a change of its data."""
    def build(k, m):
        d = m_basis(k, m)
        fn(d)
        return d
    return build


def _tr006(d):
    contacten(d)[0]["Soort"] = "02"  # a correspondentieadres: CD034 wants no Postcode there
    contacten(d)[0]["Telefoon"] = None
    adres(d)["Postcode"] = None
    adres(d)["LandCode"] = None


def _set(getter, **values):
    return lambda d: getter(d).update(values)


def _first(getter):
    return lambda d: getter(d)[0]


breaks("TR006", "301")(change(basis, _tr006))
breaks("TR061", "301")(change(basis, lambda d: [c.update(Soort="04", Periode={
    "Begindatum": D(2026, 11, 1)}) for c in contacten(d)]))
breaks("CD005", "301")(change(basis, _set(adres, LandCode=None)))
breaks("CD007", "301")(change(basis, lambda d: d["Client"].update(
    Communicatie={"Vorm": "1"})))
breaks("CD009", "301")(change(basis, _set(_first(contacten),
                                           Periode={"Begindatum": D(2026, 11, 1)})))
breaks("CD025", "301")(change(basis, _set(adres, Huis=None)))
breaks("CD034", "301")(change(basis, _set(adres, Postcode=None, LandCode=None)))
breaks("CS089", "301")(change(basis, _set(adres, Postcode="0123AB")))
breaks("CS050", "301")(change(basis, lambda d: d["Client"]["Naam"].update(NaamGebruik="2")))
breaks("CS318", "301")(change(basis, lambda d: d["Client"]["Naam"].update(NaamGebruik="6")))
breaks("CS335", "301")(change(basis, _set(_first(toegewezen), RedenWijziging="13")))
breaks("CS336", "301")(change(basis, _set(_first(toegewezen), RedenWijziging="01")))


@breaks("TR302", "301")
def tr302(k, m):
    d = basis(k, m)
    second = copy.deepcopy(toegewezen(d)[0])
    second["ToewijzingNummer"] = NUMMER + 1
    second["Ingangsdatum"] = D(2026, 12, 1)
    toegewezen(d).append(second)
    return d


@breaks("CD080", "301")
def cd080(k, m):
    d = k.basis(m, product=k.of("04"))
    toegewezen(d)[0]["Product"].pop("Code")
    return d


# --- product classes of 301, 315, 317 ------------------------------------------------------
def klasse_301_315_317(m):
    return {"301": PRODUCT_KLASSE["301"], "315": PRODUCT_KLASSE["315"],
            "317": "/Bericht/Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct"}[m]


def product_class(k, m, eenheid, which="te"):
    """The data and the product class to change: the 301's ToegewezenProduct, the 315's
    AangevraagdProduct, the 317's TeWijzigenProduct (`which` te) or NieuwProduct (nieuw), in
    `eenheid`."""
    if m == "317":
        d = vow_met(k, te=eenheid if which == "te" else "04",
                    nieuw_=eenheid if which == "nieuw" else "82")
        return d, (te_wijzigen(d) if which == "te" else nieuw(d))[0]
    d = k.basis(m, product=k.of(eenheid))
    return d, producten(d, m)[0]


def on_product(eenheid, which="te", **values):
    def build(k, m):
        d, p = product_class(k, m, eenheid, which)
        for name, value in values.items():
            if value is POP_CODE:
                p["Product"].pop("Code")
            else:
                p[name] = value
        return d
    return build


POP_CODE = object()
END = {"301": "Einddatum", "315": "ToewijzingEinddatum", "317": "Einddatum"}


def without_end(eenheid, which="te"):
    def build(k, m):
        d, p = product_class(k, m, eenheid, which)
        p[END[m]] = None
        return d
    return build


breaks("CD041", "301 315")(on_product("04", Omvang=None))
breaks("CD041", "317")(on_product("04", "nieuw", Omvang=None))
breaks("CD075", "301 315 317")(without_end("83"))
breaks("CD076", "301 315 317")(without_end("04"))
def _budget_en_omvang(k, m):
    """A class in euro's named with its code (so no Omvang-without-code rule fires) holding
    both its Budget and an Omvang."""
    d, p = product_class(k, m, "83")
    product = k.of("83")
    if "Product" in p:
        p["Product"] = {"Categorie": product.categorie, "Code": product.code}
    p["Omvang"] = {"Volume": 100_000, "Eenheid": "83", "Frequentie": "4"}
    return d


BUDGET_EN_OMVANG = ("CD077 (a Budget rules out an Omvang) and CD078 (an Omvang rules out a "
                    "Budget) are broken by the same thing: a class holding both")
breaks("CD077", "301 315 317", also=("CD078",), why=BUDGET_EN_OMVANG)(_budget_en_omvang)
breaks("CD078", "301 315 317", also=("CD077",), why=BUDGET_EN_OMVANG)(_budget_en_omvang)
breaks("CD079", "301 315")(on_product("83", Product=None, Budget=None))
breaks("CD079", "317")(on_product("83", "nieuw", Product=None, Budget=None))
breaks("CD095", "315")(on_product("04", Product=POP_CODE))
breaks("CD096", "317")(on_product("04", "nieuw", Product=POP_CODE))
breaks("CS338", "301 317")(on_product("14", Omvang={"Volume": 1, "Eenheid": "14",
                                                     "Frequentie": "1"}))
breaks("CS343", "315")(on_product("84", Omvang={"Volume": 1, "Eenheid": "84",
                                                 "Frequentie": "1"}))


@breaks("CS003", "301 315 317")
def cs003(k, m):
    d, p = product_class(k, m, "04")
    if m == "317":
        p.update(GewensteIngangsdatum=D(2026, 11, 20), Einddatum=D(2026, 11, 19))
    elif m == "315":
        p.update(ToewijzingEinddatum=p["ToewijzingIngangsdatum"] - (D(2026, 1, 2) - D(2026, 1, 1)))
    else:
        p.update(Einddatum=D(2026, 8, 31))
    return d


# --- 305, 307 --------------------------------------------------------------------------------
breaks("CS058", "305 307")(change(basis, lambda d: d["Client"][
    "StartProducten" if "StartProducten" in d["Client"] else "StopProducten"][
    "StartProduct" if "StartProducten" in d["Client"] else "StopProduct"][0].update(
    StatusAanlevering="2")))
breaks("TR018", "307")(change(basis, lambda d: d["Client"]["StopProducten"]["StopProduct"][0]
                              .update(Einddatum=D(2026, 9, 6))))


# --- 315 ---------------------------------------------------------------------------------------
def _verwijzer(**values):
    return change(basis, lambda d: aangevraagd(d)[0]["Verwijzer"].update(values))


breaks("CD043", "315")(change(basis, _set(_first(aangevraagd), BeschikkingNummer=4711)))
breaks("CD066", "315")(_verwijzer(Naam="Huisarts Dekker"))
breaks("CD067", "315")(_verwijzer(Type="03", ZorgverlenerCode=None))
breaks("CD068", "315")(_verwijzer(Type="06"))


@breaks("TR383", "315", also=("TR101",),
        why="TR101 judges each class's logical key, and an AangevraagdProduct's is its "
            "ReferentieAanbieder: a second one with the same is a repeated key")
def tr383(k, m):
    d = basis(k, m)
    second = copy.deepcopy(aangevraagd(d)[0])
    second["Product"] = k.stuks.as_element()
    second["Omvang"] = k.stuks.omvang()
    aangevraagd(d).append(second)
    return d


@breaks("TR386", "315")
def tr386(k, m):
    d = basis(k, m)
    second = copy.deepcopy(aangevraagd(d)[0])
    second["ReferentieAanbieder"] = "REF2"
    aangevraagd(d).append(second)
    return d


# --- 317 ---------------------------------------------------------------------------------------
@breaks("TR352", "317")
def tr352(k, m):
    k.send("301", k.toewijzing())
    return k.vow(nieuw=[{}])  # no OngewijzigdProduct, no TeWijzigenProduct


@breaks("TR353", "317")
def tr353(k, m):
    k.send("301", k.toewijzing())
    return k.vow(ongewijzigd=[NUMMER])  # no TeWijzigenProduct, no NieuwProduct


@breaks("TR380", "317")
def tr380(k, m):
    """A NieuwProduct wanted from the Dagtekening itself (the official XSLT's reading: not
    after it), and a TeWijzigenProduct ending on it (ketentest's reading until issue 15)."""
    d = basis(k, m)
    dagtekening = d["Header"]["BerichtIdentificatie"]["Dagtekening"]
    te_wijzigen(d)[0]["Einddatum"] = dagtekening
    te_wijzigen(d)[0]["GewensteIngangsdatum"] = D(2026, 11, 1)
    nieuw(d)[0]["GewensteIngangsdatum"] = dagtekening
    return d


@breaks("TR410", "317")
def tr410(k, m):
    d = basis(k, m)
    dagdeel = k.of("16")  # not output (iWmo's XSLT leaves categories 11-14 out of TR410)
    nieuw(d)[0].update(Product=dagdeel.as_element(), Omvang=dagdeel.omvang())
    second = copy.deepcopy(nieuw(d)[0])
    second["GewensteIngangsdatum"] += D(2026, 1, 2) - D(2026, 1, 1)  # a day later: overlapping
    nieuw(d).append(second)
    return d


# --- 319 ---------------------------------------------------------------------------------------
breaks("CD085", "319")(change(basis, lambda d: d["Antwoord"].update(RedenAfwijzingVerzoek=None)))
breaks("CD086", "319")(change(basis, lambda d: d["Antwoord"].update(VerzoekAntwoord="2")))
breaks("TR377", "319", standards=IJW)(change(basis, lambda d: d["Antwoord"].update(
    RedenAfwijzingVerzoek="8", Woonplaatsbeginsel=None)))
breaks("TR409", "319", standards=IJW)(change(basis, lambda d: d["Antwoord"].update(
    RedenAfwijzingVerzoek="7", Woonplaatsbeginsel={"Gemeente": "0344"})))


# --- 323 ---------------------------------------------------------------------------------------
def on_prestatie(fn, eenheid=None):
    def build(k, m):
        d = k.basis(m, product=k.of(eenheid)) if eenheid else basis(k, m)
        fn(d, prestaties(d)[0])
        retotal(d)
        return d
    return build


def _second_prestatie(k, d, **more):
    """A second prestatie on a second toewijzing (sent before), in output."""
    k.send("301", k.toewijzing(nummer=NUMMER + 1, product=k.stuks))
    p = k.prestatie(product=k.stuks, ToewijzingNummer=NUMMER + 1, GeleverdVolume=1)
    built = prestatie(periode=(OKTOBER["Begindatum"], OKTOBER["Einddatum"]), **p, **more)
    prestaties(d).append(built)
    return built


@breaks("TR137", "323")
def tr137(k, m):
    return on_prestatie(lambda d, p: p["ProductPeriode"].update(Begindatum=D(2026, 10, 31),
                                                                 Einddatum=D(2026, 10, 30)))(k, m)


@breaks("TR335", "323", today=D(2031, 12, 2))
def tr335(k, m):
    """October 2026 declared in December 2031: more than 5 years after (TR319 allows it)."""
    d = k.basis(m)
    d["Declaratie"]["DeclaratiePeriode"] = {"Begindatum": D(2031, 11, 1),
                                            "Einddatum": D(2031, 11, 30)}
    return d


@breaks("TR358", "323")
def tr358(k, m):
    d = basis(k, m)
    d["Declaratie"]["TotaalIngediendBedrag"]["TotaalBedrag"] += 1
    return d


@breaks("TR315", "323")
def tr315(k, m):
    """Two credit lines naming the same VorigReferentieNummer."""
    d = basis(k, m)
    p = prestaties(d)[0]
    p["IngediendBedrag"]["DebetCredit"] = "C"
    p["ProductReferentie"]["VorigReferentieNummer"] = "OUD1"
    second = _second_prestatie(k, d)
    second["IngediendBedrag"]["DebetCredit"] = "C"
    second["ProductReferentie"]["VorigReferentieNummer"] = "OUD1"
    retotal(d)
    return d


@breaks("TR316", "323")
def tr316(k, m):
    """A debet line and its credit in the same message."""
    d = basis(k, m)
    debet = prestaties(d)[0]
    credit = copy.deepcopy(debet)
    credit["ProductReferentie"] = {"ReferentieNummer": "CREDIT1", "VorigReferentieNummer":
                                   debet["ProductReferentie"]["ReferentieNummer"]}
    credit["IngediendBedrag"]["DebetCredit"] = "C"
    prestaties(d).append(credit)
    retotal(d)
    return d


@breaks("TR416", "323")
def tr416(k, m):
    """Two debet lines for one client, toewijzing, product and period."""
    d = basis(k, m)
    extra = copy.deepcopy(prestaties(d)[0])
    extra["ProductReferentie"] = {"ReferentieNummer": "TWEEDE"}
    extra["GeleverdVolume"] = 1
    extra["IngediendBedrag"] = {"Bedrag": extra["ProductTarief"], "DebetCredit": "D"}
    prestaties(d).append(extra)
    retotal(d)
    return d


@breaks("CS337", "323")
def cs337(k, m):
    return on_prestatie(lambda d, p: p["ProductPeriode"].update(
        Begindatum=D(2026, 9, 20), Einddatum=D(2026, 10, 10)))(k, m)


@breaks("CS340", "323")
def cs340(k, m):
    d = basis(k, m)
    d["Declaratie"]["DeclaratiePeriode"]["Einddatum"] = D(2026, 10, 30)
    prestaties(d)[0]["ProductPeriode"]["Einddatum"] = D(2026, 10, 30)  # within it (TR319)
    return d


@breaks("CS100", "323", today=D(2021, 2, 3))
def cs100(k, m):
    """December 2020 declared (before release 3.0)."""
    d = k.basis(m)
    december = {"Begindatum": D(2020, 12, 1), "Einddatum": D(2020, 12, 31)}
    d["Declaratie"]["DeclaratiePeriode"] = dict(december)
    prestaties(d)[0]["ProductPeriode"] = dict(december)
    return d


@breaks("CS325", "323")
def cs325(k, m):
    """A credit amount of 0."""
    d = basis(k, m)
    p = prestaties(d)[0]
    p.update(GeleverdVolume=0, IngediendBedrag={"Bedrag": 0, "DebetCredit": "C"})
    p["ProductReferentie"]["VorigReferentieNummer"] = "OUD1"
    _second_prestatie(k, d)
    retotal(d)
    return d


@breaks("CD060", "323")
def cd060(k, m):
    """A credit line without VorigReferentieNummer."""
    return on_prestatie(lambda d, p: p["IngediendBedrag"].update(DebetCredit="C"))(k, m)


breaks("CD087", "323")(on_prestatie(lambda d, p: p.update(ProductTarief=None), "04"))
breaks("CS339", "323")(on_prestatie(lambda d, p: p["IngediendBedrag"].update(
    Bedrag=p["IngediendBedrag"]["Bedrag"] + 1), "83"))
not_exercisable("CS319", "323",
                "the 323's schema holds CS319's pattern (letters and digits), so a "
                "DeclaratieNummer that breaks it is refused at level xsd (StUF055 / BRS13) "
                "before any rule is judged")


# --- 325 ---------------------------------------------------------------------------------------
def on_325(fn):
    def build(k, m):
        root = k.afgewezen_325()
        fn(root)
        rebalance(root)
        return root
    return build


def rebalance(root):
    """TotaalToegekendBedrag = TotaalIngediendBedrag less the listed prestaties (TR342 as the
    official XSLT reads it), after a change of the listed prestaties."""
    def signed(bedrag, total="Bedrag"):
        amount = int(el(bedrag, total).text)
        return -amount if el(bedrag, "DebetCredit").text == "C" else amount
    listed = sum(signed(b) for b in at(root, f"{LISTED}/IngediendBedrag"))
    ingediend = signed(el(root, "DeclaratieAntwoord/TotaalIngediendBedrag"), "TotaalBedrag")
    toegekend = el(root, "DeclaratieAntwoord/TotaalToegekendBedrag")
    el(toegekend, "TotaalBedrag").text = str(abs(ingediend - listed))
    el(toegekend, "DebetCredit").text = "C" if ingediend - listed < 0 else "D"




def _listed_credit(root):
    el(root, f"{LISTED}/IngediendBedrag/DebetCredit").text = "C"


def _listed_zero_credit(root):
    p = el(root, LISTED)
    el(p, "GeleverdVolume").text = "0"
    el(p, "IngediendBedrag/Bedrag").text = "0"
    el(p, "IngediendBedrag/DebetCredit").text = "C"
    ref = el(p, "ProductReferentie")
    vorig = copy.deepcopy(el(ref, "ReferentieNummer"))
    vorig.tag = vorig.tag.replace("ReferentieNummer", "VorigReferentieNummer")
    vorig.text = "OUD1"
    ref.append(vorig)


def _listed_approved(root):
    """The listed prestatie marked approved (ketentest's reading until issue 15) and an
    awarded total that the listed prestaties do not explain (the official XSLT's)."""
    for code in at(root, f"{LISTED}/RetourCodes/RetourCode"):
        code.text = "0200"


def _period_reversed(root):
    el(root, f"{LISTED}/ProductPeriode/Begindatum").text = "2026-10-31"
    el(root, f"{LISTED}/ProductPeriode/Einddatum").text = "2026-10-30"


breaks("CD060", "325")(on_325(_listed_credit))
breaks("CS325", "325")(on_325(_listed_zero_credit))
@breaks("TR342", "325")
def tr342(k, m):
    root = on_325(_listed_approved)(k, m)
    total = el(root, "DeclaratieAntwoord/TotaalToegekendBedrag/TotaalBedrag")
    total.text = str(int(total.text) + 1)
    return root
breaks("TR137", "325")(on_325(_period_reversed))


# --- rules on external data --------------------------------------------------------------------
@breaks("TR381", "301 305 307 315 317 323", klasse=lambda m: PRODUCT_KLASSE[m])
def tr381(k, m):
    """A ProductCode not in the regio's list for its categorie."""
    if m == "317":
        d = basis(k, m)
        nieuw(d)[0]["Product"]["Code"] = k.stuks.categorie + "Z99"
        return d
    if m == "323":  # on a toewijzing by categorie only, so no other code is compared (TR340)
        k.product = k.euro
        k.send("301", k.toewijzing())
        return k.declaratie(k.prestatie(ProductCode=k.euro.categorie + "Z99"))
    d = basis(k, m)
    p = producten(d, m)[0]
    p["Product"]["Code"] = k.product.categorie + "Z99"
    return d


@breaks("TR346", "323", klasse=PRODUCT_KLASSE["323"])
def tr346(k, m):
    return on_prestatie(lambda d, p: p["IngediendBedrag"].update(
        Bedrag=p["IngediendBedrag"]["Bedrag"] + 1))(k, m)


@breaks("TR418", "323", klasse=PRODUCT_KLASSE["323"])
def tr418(k, m):
    def change_(d, p):
        p["ProductTarief"] += 1
        p["IngediendBedrag"]["Bedrag"] = p["GeleverdVolume"] * p["ProductTarief"]
    return on_prestatie(change_)(k, m)
