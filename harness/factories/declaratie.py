"""The 323 declaratie (prestaties per client, one calendar month) and the 325 declaratie-antwoord
that approves it."""
from __future__ import annotations

from datetime import date

import factory

from ..standard.codes import EURO, GOEDGEKEURD
from . import values
from .base import DataFactory, build_list, default_release, items
from .product import Product, catalogus, products



def signed(bedrag: dict) -> int:
    """A CDT_BedragMetDC or CDT_TotaalBedragMetDC as a number: credit counts negative."""
    amount = bedrag["Bedrag"] if "Bedrag" in bedrag else bedrag["TotaalBedrag"]
    return -amount if bedrag["DebetCredit"] == "C" else amount


def totaal(amount: int) -> dict:
    """CDT_TotaalBedragMetDC of a signed amount."""
    return {"TotaalBedrag": abs(amount), "DebetCredit": "C" if amount < 0 else "D"}


def prestatie(*, product: Product, periode: tuple[date, date], credit: bool = False,
              **elements) -> dict:
    """A Prestatie of `product` over `periode`: a new ReferentieNummer and ToewijzingNummer, a
    month's GeleverdVolume of the product's unit, its categorie, code, eenheid and tarief, and
    IngediendBedrag = GeleverdVolume x ProductTarief (debet, or credit: C, naming the debet
    line it cancels as VorigReferentieNummer). In euro's (Eenheid 83) there is no
    ProductTarief and the amount is the GeleverdVolume (CD087, CS339). An element given
    explicitly wins; the derived ones follow it (give GeleverdVolume, the amount follows)."""
    volume = elements.get("GeleverdVolume")
    if volume is None:
        volume = product.volume_in(*periode)
    euro = elements.get("Eenheid", product.eenheid) == EURO
    tarief = elements.get("ProductTarief", None if euro else product.tarief)
    referentie = {"ReferentieNummer": values.referentie()}
    if credit:
        referentie["VorigReferentieNummer"] = values.referentie()
    derived = {
        "ProductReferentie": referentie,
        "ToewijzingNummer": values.toewijzingnummer(),
        "ProductCategorie": product.categorie,
        "ProductCode": product.code,
        "ProductPeriode": {"Begindatum": periode[0], "Einddatum": periode[1]},
        "GeleverdVolume": volume,
        "Eenheid": product.eenheid,
        "ProductTarief": tarief,
        # without a tarief in the message the amount still follows the contract's
        "IngediendBedrag": {"Bedrag": volume if euro else
                            volume * (product.tarief if tarief is None else tarief),
                            "DebetCredit": "C" if credit else "D"},
    }
    return {**derived, **elements}


class PrestatieFactory(factory.Factory):
    """A debet Prestatie for the month before the dagtekening, on a toewijzing of its own.

    Its model is the function `prestatie`, which draws and derives the values: a 323 holds
    thousands of prestaties, and factory-boy's cost grows with every declaration."""

    class Meta:
        model = prestatie  # a function: factory-boy allows that only without a model above

    class Params:  # those of DataFactory
        release = factory.LazyFunction(default_release)
        dagtekening = values.TODAY

    product = factory.LazyAttribute(lambda o: values.rng.choice(catalogus(o.release)))
    periode = factory.LazyAttribute(lambda o: values.previous_month(o.dagtekening))


class DeclaratieClientFactory(DataFactory):
    """A client of a 323 with `prestaties` (a count or a list of overrides per Prestatie), each
    for another product of the list, so that no two are the same line (TR416)."""

    class Params:
        prestaties = 2
        periode = factory.LazyAttribute(lambda o: values.previous_month(o.dagtekening))

    Bsn = factory.LazyFunction(values.bsn)

    @factory.lazy_attribute
    def Prestaties(o):
        specs = items(o.prestaties)
        found = products(o.release, len(specs))
        # PrestatieFactory's model straight away: the factory would only add the defaults of
        # product and periode, given here, and its overhead per build is the bulk of a 323
        return {"Prestatie": [prestatie(**{"product": product, "periode": o.periode, **spec})
                              for product, spec in zip(found, specs)]}


class DeclaratieFactory(DataFactory):
    """The Declaratie of a 323: the calendar month before the dagtekening (`periode`), dated
    on the message's dagtekening, `clienten` different clients with `prestaties` each (counts,
    or lists of overrides per item), and the total of their amounts, credit subtracted."""

    class Params:
        clienten = 2
        prestaties = 2
        periode = factory.LazyAttribute(lambda o: values.previous_month(o.dagtekening))

    DeclaratieNummer = factory.LazyFunction(values.identificatie)
    DeclaratiePeriode = factory.LazyAttribute(
        lambda o: {"Begindatum": o.periode[0], "Einddatum": o.periode[1]})
    DeclaratieDagtekening = factory.SelfAttribute("dagtekening")

    @factory.lazy_attribute
    def Clienten(o):
        specs = items(o.clienten)
        n = len(specs)
        return {"Client": build_list(DeclaratieClientFactory, o, specs,
                                     Bsn=values.distinct(values.bsn, n),
                                     prestaties=[o.prestaties] * n, periode=[o.periode] * n)}

    @factory.lazy_attribute
    def TotaalIngediendBedrag(o):
        return totaal(sum(signed(p["IngediendBedrag"]) for c in o.Clienten["Client"]
                          for p in c["Prestaties"]["Prestatie"]))


class DeclaratieAntwoordFactory(factory.DictFactory):
    """The DeclaratieAntwoord of a 325 approving the `declaratie` (a 323's Declaratie) in full:
    the awarded total is the submitted one, code 8001, no clients listed."""

    class Params:
        declaratie = None

    DeclaratieNummer = factory.LazyAttribute(lambda o: o.declaratie["DeclaratieNummer"])
    TotaalIngediendBedrag = factory.LazyAttribute(
        lambda o: dict(o.declaratie["TotaalIngediendBedrag"]))
    TotaalToegekendBedrag = factory.LazyAttribute(
        lambda o: dict(o.declaratie["TotaalIngediendBedrag"]))
    RetourCodes = factory.LazyFunction(lambda: {"RetourCode": [GOEDGEKEURD]})
