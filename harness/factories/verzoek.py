"""Verzoeken and the answer to them: the 315 verzoek om toewijzing (VOT), the 317 verzoek om
wijziging (VOW) and the 319 antwoordbericht."""
from __future__ import annotations

import factory

from . import values
from .base import DataFactory, build_list, inherit, items, wrapped
from .persoon import ClientFactory
from .product import MetProductFactory, catalogus, products

WOONPLAATSBEGINSEL = "8"


class AangevraagdProductFactory(MetProductFactory):
    """A requested product, referred by a huisarts, with the Omvang (or Budget) it needs."""

    ReferentieAanbieder = factory.LazyFunction(values.referentie)
    ToewijzingIngangsdatum = factory.LazyAttribute(lambda o: o.dagtekening + values.days(0, 21))
    ToewijzingEinddatum = factory.LazyAttribute(
        lambda o: values.month_end(o.ToewijzingIngangsdatum, values.rng.randint(2, 11)))
    Omvang = factory.LazyAttribute(lambda o: o.product.omvang())
    Budget = factory.LazyAttribute(lambda o: o.product.budget())
    # a huisarts (Type 02), named by the AGB code alone (a code rules out a Naam: CD066); an
    # AGB code of a huisarts starts with 01
    Verwijzer = factory.LazyFunction(lambda: {
        "Type": "02", "ZorgverlenerCode": f"01{values.rng.randint(0, 999_999):06d}"})


class VotClientFactory(ClientFactory):
    """The Client of a 315; `producten`: a count or a list of overrides per AangevraagdProduct.
    The products differ (TR386) and so do their ReferentieAanbieder (TR383)."""

    class Params:
        producten = 1

    # iJw only: whether the client's gezagsdrager is known (for a minor, usually so).
    GezagsdragerBekend = factory.LazyAttribute(
        lambda o: "1" if o.release.standard == "ijw" else None)

    @factory.lazy_attribute
    def AangevraagdeProducten(o):
        specs = items(o.producten)
        return {"AangevraagdProduct": build_list(
            AangevraagdProductFactory, o, specs, product=products(o.release, len(specs)),
            ReferentieAanbieder=values.distinct(values.referentie, len(specs)))}


class OngewijzigdProductFactory(DataFactory):
    ToewijzingNummer = factory.LazyFunction(values.toewijzingnummer)


class TeWijzigenProductFactory(DataFactory):
    """A running toewijzing to change from soon on, with one unit more per period, ending after
    the verzoek (TR380)."""

    class Params:  # the toewijzing's product: its Omvang is what changes
        product = factory.LazyAttribute(lambda o: values.rng.choice(catalogus(o.release)))

    ToewijzingNummer = factory.LazyFunction(values.toewijzingnummer)
    GewensteIngangsdatum = factory.LazyAttribute(lambda o: o.dagtekening + values.days(1, 14))
    Einddatum = factory.LazyAttribute(
        lambda o: values.month_end(o.GewensteIngangsdatum, values.rng.randint(2, 11)))

    @factory.lazy_attribute
    def Omvang(o):
        omvang = o.product.omvang()
        return omvang and {**omvang, "Volume": omvang["Volume"] + 1}

    Budget = factory.LazyAttribute(lambda o: o.product.budget())


class NieuwProductFactory(MetProductFactory):
    GewensteIngangsdatum = factory.LazyAttribute(lambda o: o.dagtekening + values.days(1, 14))
    Einddatum = factory.LazyAttribute(
        lambda o: values.month_end(o.GewensteIngangsdatum, values.rng.randint(2, 11)))
    Omvang = factory.LazyAttribute(lambda o: o.product.omvang())
    Budget = factory.LazyAttribute(lambda o: o.product.budget())


class VerzoekFactory(DataFactory):
    """The Verzoek of a 317: the whole desired situation. `ongewijzigd`, `te_wijzigen`, `nieuw`:
    a count or a list of overrides per product; 0 leaves the group out. The default (one of
    each) meets TR352 and TR353; all products differ (TR410)."""

    class Params:
        ongewijzigd = 1
        te_wijzigen = 1
        nieuw = 1
        # the products of te_wijzigen and nieuw, drawn together so that all differ
        wijzigingen = factory.LazyAttribute(
            lambda o: products(o.release, len(items(o.te_wijzigen)) + len(items(o.nieuw))))

    ReferentieAanbieder = factory.LazyFunction(values.referentie)
    RedenVerzoek = factory.LazyFunction(lambda: values.rng.choice("12"))

    @factory.lazy_attribute
    def OngewijzigdeProducten(o):
        return wrapped("OngewijzigdProduct",
                       build_list(OngewijzigdProductFactory, o, items(o.ongewijzigd)))

    @factory.lazy_attribute
    def TeWijzigenProducten(o):
        specs = items(o.te_wijzigen)
        return wrapped("TeWijzigenProduct", build_list(
            TeWijzigenProductFactory, o, specs, product=o.wijzigingen[:len(specs)]))

    @factory.lazy_attribute
    def NieuweProducten(o):
        specs = items(o.nieuw)
        return wrapped("NieuwProduct", build_list(
            NieuwProductFactory, o, specs, product=o.wijzigingen[len(o.wijzigingen) - len(specs):]))


class VowClientFactory(DataFactory):
    """The Client of a 317: the Bsn and the verzoek."""

    class Params:
        ongewijzigd = 1
        te_wijzigen = 1
        nieuw = 1

    Bsn = factory.LazyFunction(values.bsn)
    Verzoek = factory.SubFactory(VerzoekFactory, **inherit(
        ongewijzigd=factory.SelfAttribute("..ongewijzigd"),
        te_wijzigen=factory.SelfAttribute("..te_wijzigen"),
        nieuw=factory.SelfAttribute("..nieuw")))


class AntwoordFactory(DataFactory):
    """The Antwoord of a 319: by default the verzoek is refused (VerzoekAntwoord 1) for a reason
    other than the woonplaatsbeginsel. With RedenAfwijzingVerzoek 8 an iJw answer names the
    gemeente responsible in the Woonplaatsbeginsel class (TR377); otherwise it has none (TR409).
    VerzoekAntwoord 2 (in onderzoek) has no reason."""

    class Params:
        gemeente = None  # the sender: the Woonplaatsbeginsel names another gemeente

    ReferentieAanbieder = factory.LazyFunction(values.referentie)
    VerzoekAntwoord = "1"

    @factory.lazy_attribute
    def RedenAfwijzingVerzoek(o):
        if o.VerzoekAntwoord != "1":
            return None
        codes = o.release.simple["LDT_RedenAfwijzingVerzoek"].codes
        return values.rng.choice([c for c in codes if c != WOONPLAATSBEGINSEL])

    @factory.lazy_attribute
    def Woonplaatsbeginsel(o):
        if o.release.standard != "ijw" or o.RedenAfwijzingVerzoek != WOONPLAATSBEGINSEL:
            return None
        return {"Gemeente": values.gemeentecode(other_than=o.gemeente)}
