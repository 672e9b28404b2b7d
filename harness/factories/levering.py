"""The 305 start levering and 307 stop levering: what the aanbieder reports about care it
started or stopped, each product with the key of its toewijzing."""
from __future__ import annotations

import factory

from . import values
from .base import build_list, items
from .persoon import ClientFactory
from .product import MetProductFactory, products

# A definitive stop that ends care as planned (20 would be a temporary stop).
STOP_VOLGENS_PLAN = {"iwmo": "19", "ijw": "31"}


class StartProductFactory(MetProductFactory):
    """Care that started in the week before the 305 (a start is reported within 5 werkdagen),
    on or after the toewijzing's Ingangsdatum; StatusAanlevering 1, a first report."""

    ToewijzingNummer = factory.LazyFunction(values.toewijzingnummer)
    ToewijzingIngangsdatum = factory.LazyAttribute(lambda o: o.Begindatum - values.days(0, 30))
    Begindatum = factory.LazyAttribute(lambda o: o.dagtekening - values.days(0, 7))
    StatusAanlevering = "1"


class StopProductFactory(StartProductFactory):
    """Care that ran for months and stopped as planned in the week before the 307."""

    Begindatum = factory.LazyAttribute(lambda o: o.dagtekening - values.days(60, 300))
    RedenBeeindiging = factory.LazyAttribute(lambda o: STOP_VOLGENS_PLAN[o.release.standard])
    Einddatum = factory.LazyAttribute(
        lambda o: max(o.Begindatum, o.dagtekening - values.days(0, 7)))


class StartClientFactory(ClientFactory):
    """The Client of a 305; `producten`: a count or a list of overrides per StartProduct."""

    class Params:
        producten = 1

    @factory.lazy_attribute
    def StartProducten(o):
        specs = items(o.producten)
        return {"StartProduct": build_list(StartProductFactory, o, specs,
                                           product=products(o.release, len(specs)))}


class StopClientFactory(ClientFactory):
    """The Client of a 307; `producten`: a count or a list of overrides per StopProduct."""

    class Params:
        producten = 1

    @factory.lazy_attribute
    def StopProducten(o):
        specs = items(o.producten)
        return {"StopProduct": build_list(StopProductFactory, o, specs,
                                          product=products(o.release, len(specs)))}
