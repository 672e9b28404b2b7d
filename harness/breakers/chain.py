"""Breakers of the cross-message (berichtoverstijgend) rules: a short chain, every earlier
message accepted, then the message that breaks the rule against the state they built."""
from __future__ import annotations

from datetime import date

from ..factories import catalogus
from .catalogue import breaks, not_exercisable
from .inmessage import PRODUCT_KLASSE, basis
from .keten import ANDER_BSN, BSN, NUMMER, OKTOBER, Keten, el

D = date
TOEGEWEZEN, START, STOP = PRODUCT_KLASSE["301"], PRODUCT_KLASSE["305"], PRODUCT_KLASSE["307"]
AANGEVRAAGD, PRESTATIE = PRODUCT_KLASSE["315"], PRODUCT_KLASSE["323"]
VERZOEK = "/Bericht/Client/Verzoek"
ONGEWIJZIGD = f"{VERZOEK}/OngewijzigdeProducten/OngewijzigdProduct"
TE_WIJZIGEN = f"{VERZOEK}/TeWijzigenProducten/TeWijzigenProduct"
NIEUW = f"{VERZOEK}/NieuweProducten/NieuwProduct"
ANTWOORD = "/Bericht/Antwoord"
DECLARATIE, DCLIENT = "/Bericht/Declaratie", "/Bericht/Declaratie/Clienten/Client"
NO_RETOUR = ""  # a 325 has no retour message: its rules' findings have no class to go on
NOV, DEC = D(2026, 12, 2), D(2027, 1, 4)  # dagtekening of a later 323


# --- any message ---------------------------------------------------------------------------
@breaks("TR056", "301 305 307 315 317 319 323 325", klasse="Header")
def tr056(k: Keten, m):
    """The Identificatie of an earlier message of the same kind from the same sender."""
    if m == "325":  # a first 325 on one declaratie, then a second with the same id
        root = k.afgewezen_325()
        k.send("325", root)
        second = k.declaratie(k.prestatie(GeleverdVolume=9,
                                          ProductPeriode={"Begindatum": D(2026, 11, 1),
                                                          "Einddatum": D(2026, 11, 30)}),
                              today=NOV)
        k.send("323", second, today=NOV)
        answer = k.antwoord_op(second, today=NOV)
        answer["Header"]["BerichtIdentificatie"]["Identificatie"] = "ANTW325"
        return answer
    d = basis(k, m)
    ident = d["Header"]["BerichtIdentificatie"]["Identificatie"]
    earlier = {"301": lambda: k.toewijzing(nummer=NUMMER + 5, bsn=ANDER_BSN),
               "305": lambda: None, "307": lambda: None,
               "315": lambda: k.vot("REF0", bsn=ANDER_BSN),
               "317": lambda: None, "319": lambda: None, "323": lambda: None}[m]()
    if earlier is None:  # the same kind sent before in the chain: copy its Identificatie
        return _same_ident_as_before(k, m, d)
    earlier["Header"]["BerichtIdentificatie"]["Identificatie"] = ident
    k.send(m, earlier)
    return d


def _same_ident_as_before(k, m, d):
    """Send, before `d`, a message of the same kind from the same sender carrying `d`'s
    Identificatie (whatever else the chain needs for it to be accepted)."""
    if m == "305":  # a start on a second toewijzing first
        k.send("301", k.toewijzing(nummer=NUMMER + 1, product=k.stuks))
        first = k.start(nummer=NUMMER + 1, product=k.stuks)
    elif m == "307":  # a stop of a second start first
        k.send("301", k.toewijzing(nummer=NUMMER + 1, product=k.stuks))
        k.send("305", k.start(nummer=NUMMER + 1, product=k.stuks))
        first = k.stop(nummer=NUMMER + 1, product=k.stuks)
    elif m == "317":  # a VOW answered (refused) first
        first = k.vow(ref="VOW0", te_wijzigen=[{"ToewijzingNummer": NUMMER,
                                                "GewensteIngangsdatum": D(2026, 11, 16)}])
        first["Header"]["BerichtIdentificatie"]["Identificatie"] = \
            d["Header"]["BerichtIdentificatie"]["Identificatie"]
        k.send("317", first)
        k.send("319", k.antwoord("VOW0"))
        return d
    elif m == "319":  # an answer to a second VOT first
        k.send("315", k.vot("REF0", bsn=ANDER_BSN))
        first = k.antwoord("REF0")
    else:  # 323: September declared first, the same day
        september = (D(2026, 9, 1), D(2026, 9, 30))
        first = k.declaratie(k.prestatie(ProductPeriode={"Begindatum": september[0],
                                                          "Einddatum": september[1]}),
                             periode=september)
        first["Header"]["BerichtIdentificatie"]["Identificatie"] = \
            d["Header"]["BerichtIdentificatie"]["Identificatie"]
        k.send("323", first)
        k.day = k.today
        return d
    first["Header"]["BerichtIdentificatie"]["Identificatie"] = \
        d["Header"]["BerichtIdentificatie"]["Identificatie"]
    k.send(m, first)
    return d


# --- toewijzing ----------------------------------------------------------------------------
@breaks("TR332", "301", klasse=TOEGEWEZEN)
def tr332(k, m):
    """The chain's ToewijzingNummer again, for another client."""
    k.send("301", k.toewijzing())
    return k.toewijzing(bsn=ANDER_BSN)


@breaks("TR379", "301", klasse=TOEGEWEZEN)
def tr379(k, m):
    """A ReferentieAanbieder of no verzoek."""
    return k.toewijzing(ReferentieAanbieder="REF1")


@breaks("TR385", "301", klasse=TOEGEWEZEN)
def tr385(k, m):
    """Deleting a toewijzing with an approved declaratie."""
    k.send("301", k.toewijzing())
    k.send("323", k.declaratie(k.prestatie()))
    return k.toewijzing(einde=D(2026, 9, 1), RedenWijziging="13")


# --- start and stop ------------------------------------------------------------------------
@breaks("TR019", "305", klasse=START)
def tr019_305(k, m):
    k.send("301", k.toewijzing())
    return k.start(nummer=9999)


@breaks("TR019", "307", klasse=STOP, also=("TR382",),
        why="a stop carries its start's key (TR382), and a start on a ToewijzingNummer of no "
            "toewijzing of the client is never accepted (TR019 on the 305, TR332 keeps a number "
            "with its client): a stop naming such a number names no start either")
def tr019_307(k, m):
    k.send("301", k.toewijzing())
    k.send("305", k.start())
    return k.stop(nummer=9999)


@breaks("TR063", "305", klasse=START)
def tr063_305(k, m):
    k.send("301", k.toewijzing())
    return k.start(status="3")


@breaks("TR063", "307", klasse=STOP)
def tr063_307(k, m):
    k.send("301", k.toewijzing())
    k.send("305", k.start())
    return k.stop(status="3")


@breaks("TR071", "305", klasse=START)
def tr071(k, m):
    k.send("301", k.toewijzing())
    k.send("305", k.start())
    k.send("307", k.stop())
    return k.start(status="3")


@breaks("TR074", "305", klasse=START)
def tr074_305(k, m):
    k.send("301", k.toewijzing())
    k.send("305", k.start())
    return k.start()


@breaks("TR074", "307", klasse=STOP, also=("TR413",),
        why="a stop repeated in full follows a stop on its key: after a temporary one a new "
            "temporary stop breaks TR413, after a definitive one any stop breaks TR415")
def tr074_307(k, m):
    k.send("301", k.toewijzing())
    k.send("305", k.start())
    k.send("307", k.stop(reden="20", einde=D(2026, 10, 1)))
    return k.stop(reden="20", einde=D(2026, 10, 1))


@breaks("TR326", "305", klasse=START)
def tr326(k, m):
    k.send("301", k.toewijzing())
    k.send("305", k.start())
    return k.start(begin=D(2026, 10, 31))


@breaks("TR382", "307", klasse=STOP)
def tr382(k, m):
    k.send("301", k.toewijzing())
    k.send("305", k.start())
    return k.stop(begin=D(2026, 9, 8))


def _stopped(k, reden=None, einde=D(2026, 10, 15)):
    k.send("301", k.toewijzing())
    k.send("305", k.start())
    k.send("307", k.stop(reden=reden, einde=einde))


@breaks("TR413", "307", klasse=STOP)
def tr413(k, m):
    _stopped(k, reden="20", einde=D(2026, 10, 1))
    return k.stop(reden="20", einde=D(2026, 10, 30))


@breaks("TR414", "307", klasse=STOP)
def tr414(k, m):
    _stopped(k, reden="20")
    return k.stop(einde=D(2026, 10, 10))


@breaks("TR415", "307", klasse=STOP)
def tr415(k, m):
    _stopped(k)
    return k.stop(einde=D(2026, 10, 20))


# --- verzoeken and antwoorden --------------------------------------------------------------
@breaks("TR347", "315", klasse=AANGEVRAAGD)
def tr347_315(k, m):
    k.send("315", k.vot("REF1"))
    k.send("301", k.toewijzing(ReferentieAanbieder="REF1"))
    return k.vot("REF1")


@breaks("TR347", "317", klasse=VERZOEK)
def tr347_317(k, m):
    k.send("315", k.vot("REF1"))
    k.send("301", k.toewijzing(ReferentieAanbieder="REF1"))
    return k.vow(ref="REF1", te_wijzigen=[{"ToewijzingNummer": NUMMER,
                                           "GewensteIngangsdatum": D(2026, 11, 16)}])


@breaks("TR374", "315", klasse="/Bericht/Client")
def tr374_315(k, m):
    k.send("315", k.vot("REF1"))
    return k.vot("REF2")


@breaks("TR374", "317", klasse="/Bericht/Client")
def tr374_317(k, m):
    k.send("301", k.toewijzing())
    k.send("315", k.vot("REF1"))
    return k.vow(te_wijzigen=[{"ToewijzingNummer": NUMMER,
                               "GewensteIngangsdatum": D(2026, 11, 16)}])


@breaks("TR349", "317", klasse=VERZOEK)
def tr349(k, m):
    k.send("301", k.data("301", Client__Bsn=BSN, producten=[
        {"ToewijzingNummer": NUMMER, "product": k.uur, "Ingangsdatum": D(2026, 9, 1),
         "Einddatum": D(2026, 12, 31)},
        {"ToewijzingNummer": NUMMER + 1, "product": k.euro, "Ingangsdatum": D(2026, 9, 1),
         "Einddatum": D(2026, 12, 31)}]))
    return k.vow(ongewijzigd=[NUMMER], nieuw=[{}])


@breaks("TR350", "317", klasse=ONGEWIJZIGD)
def tr350(k, m):
    k.send("301", k.toewijzing())
    return k.vow(ongewijzigd=[NUMMER, 9999], nieuw=[{}])


@breaks("TR351", "317", klasse=TE_WIJZIGEN)
def tr351(k, m):
    k.send("301", k.toewijzing())
    return k.vow(ongewijzigd=[NUMMER], te_wijzigen=[{"ToewijzingNummer": 9999,
                                                     "GewensteIngangsdatum": D(2026, 11, 16)}])


@breaks("TR357", "317", klasse=TE_WIJZIGEN)
def tr357(k, m):
    k.send("301", k.toewijzing())
    return k.vow(te_wijzigen=[{"ToewijzingNummer": NUMMER,
                               "GewensteIngangsdatum": D(2026, 10, 1)}])


@breaks("TR361", "317", klasse=NIEUW)
def tr361(k, m):
    k.send("301", k.toewijzing())
    return k.vow(ongewijzigd=[NUMMER], nieuw=[{
        "product": k.uur, "GewensteIngangsdatum": D(2026, 12, 1), "Einddatum": D(2027, 3, 31)}])


def _budget_toewijzing(k, product=True):
    """A toewijzing with a Budget and no product code; without a product at all when
    `product` is false."""
    k.send("301", k.toewijzing(Product={"Categorie": k.uur.categorie} if product else None,
                               Omvang=None, Budget=100_000))


@breaks("TR373", "317", klasse=TE_WIJZIGEN)
def tr373(k, m):
    _budget_toewijzing(k)
    return k.vow(te_wijzigen=[{"ToewijzingNummer": NUMMER, "Omvang": None, "Budget": 150_000,
                               "GewensteIngangsdatum": D(2026, 12, 1)}])


OMVANG = {"Volume": 4, "Eenheid": "04", "Frequentie": "2"}


@breaks("TR375", "317", klasse=TE_WIJZIGEN, also=("TR412",),
        why="a toewijzing without Product has no Product/Code either, so an Omvang for it "
            "breaks TR412 (no Omvang without a code) as well")
def tr375(k, m):
    _budget_toewijzing(k, product=False)
    return k.vow(te_wijzigen=[{"ToewijzingNummer": NUMMER, "Budget": None, "Omvang": OMVANG}])


@breaks("TR411", "317", klasse=TE_WIJZIGEN)
def tr411(k, m):
    k.send("301", k.toewijzing())
    return k.vow(te_wijzigen=[{"ToewijzingNummer": NUMMER, "Budget": None, "Omvang": None}])


@breaks("TR412", "317", klasse=TE_WIJZIGEN)
def tr412(k, m):
    _budget_toewijzing(k)
    return k.vow(te_wijzigen=[{"ToewijzingNummer": NUMMER, "Budget": None, "Omvang": OMVANG}])


@breaks("TR304", "317", klasse=TE_WIJZIGEN)
def tr304_317(k, m):
    k.send("301", k.toewijzing(bsn=ANDER_BSN))
    return k.vow(te_wijzigen=[{"ToewijzingNummer": NUMMER,
                               "GewensteIngangsdatum": D(2026, 11, 16)}])


@breaks("TR355", "319", klasse=ANTWOORD)
def tr355(k, m):
    return k.antwoord("REF1")


@breaks("TR359", "319", klasse=ANTWOORD)
def tr359(k, m):
    k.send("315", k.vot("REF1"))
    k.send("301", k.toewijzing(ReferentieAanbieder="REF1"))
    return k.antwoord("REF1")


@breaks("TR360", "319", klasse=ANTWOORD)
def tr360(k, m):
    k.send("315", k.vot("REF1"))
    k.send("319", k.antwoord("REF1", "2"))
    return k.antwoord("REF1", "2")


@breaks("TR365", "319", klasse=ANTWOORD)
def tr365(k, m):
    k.send("315", k.vot("REF1"))
    k.send("319", k.antwoord("REF1", "1"))
    return k.antwoord("REF1", "1")


# --- declaraties ---------------------------------------------------------------------------
def _declared(k, **more):
    """The chain's toewijzing and October declared (10 units, ReferentieNummer R1)."""
    k.send("301", k.toewijzing(**more))
    k.send("323", k.declaratie(k.prestatie(ProductReferentie={"ReferentieNummer": "R1"})))


def _credit(vorig, **more):
    return {"credit": True, "ProductReferentie": {"ReferentieNummer": f"C{vorig}",
                                                  "VorigReferentieNummer": vorig},
            "GeleverdVolume": 10, "ProductPeriode": dict(OKTOBER), **more}


@breaks("TR304", "323", klasse=DCLIENT)
def tr304_323(k, m):
    k.send("301", k.toewijzing(bsn=ANDER_BSN))
    return k.declaratie(k.prestatie())


@breaks("TR307", "323", klasse=PRESTATIE)
def tr307(k, m):
    k.send("301", k.toewijzing(begin=D(2026, 10, 15)))
    return k.declaratie(k.prestatie(GeleverdVolume=5))


@breaks("TR308", "323", klasse=PRESTATIE)
def tr308(k, m):
    k.send("301", k.toewijzing(einde=D(2026, 10, 15)))
    return k.declaratie(k.prestatie(GeleverdVolume=5))


@breaks("TR314", "323", klasse=PRESTATIE)
def tr314(k, m):
    _declared(k)
    return k.declaratie(k.prestatie(ProductReferentie={"ReferentieNummer": "R1"},
                                    ProductPeriode={"Begindatum": D(2026, 11, 1),
                                                    "Einddatum": D(2026, 11, 30)}), today=NOV)


@breaks("TR318", "323", klasse=DECLARATIE)
def tr318(k, m):
    """December declared after October, with care in the skipped November."""
    _declared(k)
    return k.declaratie(k.prestatie(ProductPeriode={"Begindatum": D(2026, 11, 1),
                                                     "Einddatum": D(2026, 11, 30)}), today=DEC)


not_exercisable("TR319", "323",
                "what one 323 shows of TR319 (a ProductPeriode after its DeclaratiePeriode) is "
                "judged in the message, as the official XSLT does (TR319 at level xslt, 0001), "
                "before the chain; the chain reading (9319) has nothing beyond it")


@breaks("TR319/xslt", "323")
def tr319(k, m):
    """October declared in December with care of November in it."""
    k.send("301", k.toewijzing())
    return k.declaratie(k.prestatie(ProductPeriode={"Begindatum": D(2026, 11, 1),
                                                     "Einddatum": D(2026, 11, 30)}),
                        today=DEC, periode=(D(2026, 10, 1), D(2026, 10, 31)))


@breaks("TR321", "323", klasse=PRESTATIE)
def tr321(k, m):
    """16 hours in October on 3 hours a week (October touches 5 weeks: 15)."""
    k.send("301", k.toewijzing())
    return k.declaratie(k.prestatie(GeleverdVolume=16))


@breaks("TR322", "323", klasse=PRESTATIE)
def tr322(k, m):
    k.send("301", k.toewijzing(Omvang={"Volume": 20, "Eenheid": "04", "Frequentie": "6"}))
    k.send("323", k.declaratie(k.prestatie(GeleverdVolume=13)))
    return k.declaratie(k.prestatie(GeleverdVolume=8, ProductPeriode={
        "Begindatum": D(2026, 11, 1), "Einddatum": D(2026, 11, 30)}), today=NOV)


@breaks("TR369", "323", klasse=PRESTATIE)
def tr369(k, m):
    k.product = k.euro
    k.send("301", k.toewijzing(Omvang=None, Budget=1_000))
    k.send("323", k.declaratie(k.prestatie(GeleverdVolume=600)))
    return k.declaratie(k.prestatie(GeleverdVolume=401, ProductPeriode={
        "Begindatum": D(2026, 11, 1), "Einddatum": D(2026, 11, 30)}), today=NOV)


@breaks("TR323", "323", klasse=PRESTATIE)
def tr323(k, m):
    _declared(k)
    return k.declaratie(_credit("R9"), today=NOV)


@breaks("TR389", "323", klasse=PRESTATIE)
def tr389(k, m):
    _declared(k)
    return k.declaratie({"GeleverdVolume": 12, "ProductReferentie": {"ReferentieNummer": "R2"},
                         "ProductPeriode": dict(OKTOBER)}, today=NOV)


@breaks("TR390", "323", klasse=PRESTATIE)
def tr390(k, m):
    _declared(k)
    k.send("323", k.declaratie(_credit("R1"), today=NOV), today=NOV)
    return k.declaratie(_credit("R1", ProductReferentie={
        "ReferentieNummer": "CC1", "VorigReferentieNummer": "R1"}), today=DEC)


@breaks("TR333", "323", klasse=DECLARATIE)
def tr333(k, m):
    k.send("301", k.toewijzing())
    k.send("323", k.declaratie(k.prestatie(), Declaratie__DeclaratieNummer="D1"))
    return k.declaratie(k.prestatie(ProductPeriode={"Begindatum": D(2026, 11, 1),
                                                     "Einddatum": D(2026, 11, 30)}),
                        today=NOV, Declaratie__DeclaratieNummer="D1")


@breaks("TR338", "323", klasse=PRESTATIE)
def tr338(k, m):
    k.send("301", k.toewijzing())
    return k.declaratie(k.prestatie(ToewijzingNummer=9999))


@breaks("TR339", "323", klasse=PRESTATIE)
def tr339(k, m):
    """Output declared on a toewijzing in euro's (by categorie only: no code to differ)."""
    k.send("301", k.toewijzing(product=k.euro))
    return k.declaratie(k.prestatie(product=k.stuks, GeleverdVolume=1))


@breaks("TR340", "323", klasse=PRESTATIE)
def tr340(k, m):
    k.send("301", k.toewijzing())
    other = next(p for p in catalogus(k.rel) if p.categorie == k.uur.categorie and p != k.uur)
    return k.declaratie(k.prestatie(product=other))  # the category's other product


@breaks("TR341", "323", klasse=PRESTATIE)
def tr341(k, m):
    k.send("301", k.toewijzing())
    return k.declaratie(k.prestatie(Eenheid="14", GeleverdVolume=6))


@breaks("TR384", "323", klasse=PRESTATIE)
def tr384(k, m):
    """A day declared on a toewijzing deleted since (its period: that one day)."""
    begin = D(2026, 10, 1)
    k.send("301", k.toewijzing(begin=begin))
    k.send("301", k.toewijzing(begin=begin, einde=begin, RedenWijziging="13"))
    return k.declaratie(k.prestatie(GeleverdVolume=1, ProductPeriode={
        "Begindatum": begin, "Einddatum": begin}))


@breaks("TR387", "323", klasse=PRESTATIE)
def tr387(k, m):
    k.send("301", k.toewijzing())
    return k.declaratie(k.prestatie(GeleverdVolume=5, ProductPeriode={
        "Begindatum": D(2026, 10, 2), "Einddatum": D(2026, 10, 31)}))


@breaks("TR388", "323", klasse=PRESTATIE)
def tr388(k, m):
    k.send("301", k.toewijzing())
    return k.declaratie(k.prestatie(GeleverdVolume=5, ProductPeriode={
        "Begindatum": D(2026, 10, 1), "Einddatum": D(2026, 10, 30)}))


# --- the declaratie-antwoord (judged by the aanbieder) -------------------------------------
def _325(path, value):
    def build(k, m):
        root = k.afgewezen_325()
        el(root, path).text = value
        return root
    return build


LISTED = "DeclaratieAntwoord/Clienten/Client/Prestaties/Prestatie"
breaks("TR337", "325", klasse="Header")(_325("Header/DeclaratieIdentificatie/Identificatie",
                                              "ONBEKEND"))
breaks("TR371", "325", klasse="Header")(_325("Header/XsdVersieDeclaratie/BerichtXsdVersie",
                                              "9.9.9"))
breaks("TR376", "325", klasse=NO_RETOUR)(_325("DeclaratieAntwoord/DeclaratieNummer", "ANDERS"))
breaks("TR366", "325", klasse=NO_RETOUR)(_325(f"{LISTED}/ProductReferentie/ReferentieNummer",
                                              "ONBEKEND"))
breaks("TR367", "325", klasse=NO_RETOUR)(_325(f"{LISTED}/GeleverdVolume", "2"))
breaks("TR304", "325", klasse=NO_RETOUR)(_325("DeclaratieAntwoord/Clienten/Client/Bsn",
                                              ANDER_BSN))
