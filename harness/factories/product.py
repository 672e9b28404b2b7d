"""A regio's product list (productcodelijst) for the factories: per standard, two products in
every ProductCategorie of the release, each with the unit, tariff and usual volume of its kind
of care.

It is fixed, not random, so a test can hand the same list to the rules that need a regio
profile (TR381 product code, TR418 tariff): `Context(products=contract(rel))`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import factory

from ..standard.model import Release
from ..validation.rules import ContractProduct
from .base import DataFactory
from .values import rng

# Unit (LDT_Eenheid) of the care a category holds; categories not named here are given in hours.
_UNIT_OF_CATEGORY = {
    "iwmo": {"01": "01", "04": "14", "07": "16", "08": "84", "10": "83", "11": "82", "12": "82",
             "13": "82", "14": "82", "15": "14", "16": "14", "17": "14"},
    "ijw": {"33": "16", "35": "14", "36": "14", "37": "14", "38": "14", "41": "16", "42": "84",
            "43": "14", "44": "14", "47": "82", "48": "82", "55": "83"},
}


@dataclass(frozen=True)
class Unit:
    """What a unit of care costs and how much of it a toewijzing and a month usually hold."""

    tarief: int  # cents per unit
    volume: int | None  # toewijzing: units per `frequentie` (None: a Budget instead)
    frequentie: str | None  # LDT_Frequentie: 2 per week, 4 per maand
    per_month: tuple[int, int]  # delivered in a month: least, most


UNITS = {
    "01": Unit(tarief=110, volume=180, frequentie="2", per_month=(240, 780)),  # minuut
    "04": Unit(tarief=6_850, volume=3, frequentie="2", per_month=(4, 13)),  # uur
    "14": Unit(tarief=18_500, volume=7, frequentie="2", per_month=(28, 31)),  # etmaal
    "16": Unit(tarief=4_250, volume=4, frequentie="2", per_month=(8, 17)),  # dagdeel
    "82": Unit(tarief=125_000, volume=1, frequentie="4", per_month=(1, 1)),  # stuks (output)
    # euro's: a month's amount in cents, which is the GeleverdVolume itself (CS339)
    "83": Unit(tarief=100, volume=None, frequentie=None, per_month=(25_000, 150_000)),
    "84": Unit(tarief=1_750, volume=10, frequentie="2", per_month=(8, 40)),  # stuks (inspanning)
}
BUDGET = 1_200_000  # cents: a toewijzing in euro's (trajectfinanciering) carries a Budget


@dataclass(frozen=True)
class Product:
    categorie: str
    code: str  # ProductCode: 5 characters, the category first, e.g. 07A01
    eenheid: str
    tarief: int

    @property
    def unit(self) -> Unit:
        return UNITS[self.eenheid]

    def as_element(self) -> dict:
        """CDT_Product as a toewijzing or verzoek names it: care in euro's, assigned as a
        Budget, by its categorie only (a product code needs an Omvang, CD041, and a Budget
        rules one out, CD077)."""
        if self.budget() is not None:
            return {"Categorie": self.categorie}
        return {"Categorie": self.categorie, "Code": self.code}

    def omvang(self) -> dict | None:
        """CDT_Omvang of a toewijzing; None for care in euro's, which has a Budget instead."""
        if self.unit.volume is None:
            return None
        return {"Volume": self.unit.volume, "Eenheid": self.eenheid,
                "Frequentie": self.unit.frequentie}

    def budget(self) -> int | None:
        return BUDGET if self.unit.volume is None else None

    def volume_in(self, begin: date, end: date) -> int:
        """A month's delivery, scaled to the days of the period; a night per day in care."""
        days = (end - begin).days + 1
        if self.eenheid == "14":
            return days
        lo, hi = self.unit.per_month
        volume = rng.randint(lo, hi)
        return volume if days >= 28 else max(1, volume * days // 30)


@lru_cache(maxsize=None)
def catalogus(rel: Release) -> tuple[Product, ...]:
    units = _UNIT_OF_CATEGORY[rel.standard]
    out = []
    for categorie in rel.simple["LDT_ProductCategorie"].codes:
        eenheid = units.get(categorie, "04")
        base = UNITS[eenheid].tarief
        for n, letter in enumerate("AB"):
            # the second product of a category is the heavier variant: 15% dearer
            out.append(Product(categorie, f"{categorie}{letter}{n + 1:02d}", eenheid,
                               base + base * 15 * n // 100))
    return tuple(out)


@lru_cache(maxsize=None)
def _named_once(rel: Release) -> tuple[Product, ...]:
    """The list with one product per name a toewijzing gives it: care in euro's is named by
    its categorie only, so of those only the first of each categorie is kept."""
    named: dict = {}
    for p in catalogus(rel):
        named.setdefault(tuple(p.as_element().items()), p)
    return tuple(named.values())


def products(rel: Release, n: int) -> list[Product]:
    """n different products, also as a toewijzing names them: a message names a product once
    (TR302, TR386, TR410, TR416)."""
    found = _named_once(rel)
    if n > len(found):
        raise ValueError(f"{rel.name} has {len(found)} products in the factories' product list; "
                         f"{n} different ones asked for")
    return rng.sample(found, n)


def contract(rel: Release) -> dict[tuple[str, str], ContractProduct]:
    """The product list as a regio profile for the rules (Context.products)."""
    return {(p.categorie, p.code): ContractProduct(p.categorie, p.code, p.tarief, p.eenheid)
            for p in catalogus(rel)}


class MetProductFactory(DataFactory):
    """A class that names a product (CDT_Product) from the list; `product` picks it."""

    class Params:
        product = factory.LazyAttribute(lambda o: rng.choice(catalogus(o.release)))

    Product = factory.LazyAttribute(lambda o: o.product.as_element())
