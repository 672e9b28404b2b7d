"""The 301 toewijzing: a client with its contact data, relaties and toegewezen producten."""
from __future__ import annotations

import factory

from . import values
from .base import build_list, items, wrapped
from .persoon import ClientFactory, ContactFactory, RelatieFactory, VolledigeNaamFactory
from .product import MetProductFactory, products


class ToegewezenProductFactory(MetProductFactory):
    """A toewijzing made a few days before the 301, starting within two weeks after that and
    ending at a month's end; its Omvang (or Budget, for care in euro's) fits the product."""

    ToewijzingNummer = factory.LazyFunction(values.toewijzingnummer)
    Toewijzingsdatum = factory.LazyAttribute(lambda o: o.dagtekening - values.days(0, 3))
    Toewijzingstijd = factory.LazyFunction(values.office_time)
    Ingangsdatum = factory.LazyAttribute(lambda o: o.Toewijzingsdatum + values.days(0, 14))
    Einddatum = factory.LazyAttribute(
        lambda o: values.month_end(o.Ingangsdatum, values.rng.randint(2, 11)))
    Omvang = factory.LazyAttribute(lambda o: o.product.omvang())
    Budget = factory.LazyAttribute(lambda o: o.product.budget())


class ToewijzingClientFactory(ClientFactory):
    """The Client of a 301. `producten`, `contacten`, `relaties`: a count or a list of
    overrides per item; the products differ (TR302), the first contact is the BRP-adres
    (TR061)."""

    class Params:
        producten = 1
        contacten = 1
        relaties = 1

    Naam = factory.SubFactory(VolledigeNaamFactory, geslacht=factory.SelfAttribute("..Geslacht"))

    @factory.lazy_attribute
    def Relaties(o):
        specs = items(o.relaties)
        numbers = range(1, len(specs) + 1)
        return wrapped("Relatie", build_list(RelatieFactory, o, specs,
                                             Nummer=[str(n) for n in numbers], Volgorde=numbers))

    @factory.lazy_attribute
    def Contactgegevens(o):
        soorten = "01 02 03 04".split()  # BRP-, correspondentie-, verblijf-, tijdelijk adres
        return {"Contact": [ContactFactory.build(**{"Soort": soorten[i % 4], **spec})
                            for i, spec in enumerate(items(o.contacten))]}

    @factory.lazy_attribute
    def ToegewezenProducten(o):
        specs = items(o.producten)
        return {"ToegewezenProduct": build_list(ToegewezenProductFactory, o, specs,
                                                product=products(o.release, len(specs)))}
