"""Persons in a message: the client (Bsn, Geboortedatum, Geslacht, Naam), its contact data and
its relaties. Fictitious, but shaped like the real thing (KTO allows fictitious data only)."""
from __future__ import annotations

import factory

from . import values
from .base import DataFactory, inherit

# Ages that fit the law: iJw clients are young (jeugdhulp), iWmo clients adults.
AGES = {"ijw": (1, 17), "iwmo": (18, 95)}
# The relatie an iJw client usually has is a parent; an iWmo client's a family member.
RELATIE_SOORT = {"ijw": "10", "iwmo": "17"}


class AchternaamFactory(factory.DictFactory):
    """CDT_Achternaam: Achternaam and, where the name has one, Voorvoegsel."""

    class Params:
        split = factory.LazyFunction(values.achternaam)

    Achternaam = factory.LazyAttribute(lambda o: o.split["Achternaam"])
    Voorvoegsel = factory.LazyAttribute(lambda o: o.split.get("Voorvoegsel"))


class VerkorteNaamFactory(factory.DictFactory):
    """CDT_VerkorteNaam (305, 307, 315)."""

    class Params:
        geslacht = "2"

    Geslachtsnaam = factory.SubFactory(AchternaamFactory)
    Voornamen = factory.LazyAttribute(lambda o: values.voornamen(o.geslacht))
    Voorletters = factory.LazyAttribute(lambda o: values.voorletters(o.Voornamen))


class VolledigeNaamFactory(VerkorteNaamFactory):
    """CDT_VolledigeNaam (301): the client uses its own name."""

    NaamGebruik = "1"


class GeboortedatumFactory(DataFactory):
    """CDT_Geboortedatum of someone `min_age`..`max_age` years old on the dagtekening."""

    class Params:
        min_age = factory.LazyAttribute(lambda o: AGES[o.release.standard][0])
        max_age = factory.LazyAttribute(lambda o: AGES[o.release.standard][1])

    Datum = factory.LazyAttribute(lambda o: values.birth_date(o.dagtekening, o.min_age, o.max_age))


class ClientFactory(DataFactory):
    """A client as the 305, 307 and 315 name it; the 301 adds contact data and products."""

    Bsn = factory.LazyFunction(values.bsn)
    Geboortedatum = factory.SubFactory(GeboortedatumFactory, **inherit())
    Geslacht = factory.LazyFunction(lambda: values.rng.choice("12"))
    Naam = factory.SubFactory(VerkorteNaamFactory, geslacht=factory.SelfAttribute("..Geslacht"))


class HuisFactory(factory.DictFactory):
    Huisnummer = factory.LazyFunction(lambda: values.rng.randint(1, 250))


class AdresFactory(factory.DictFactory):
    """CDT_Adres in the Netherlands, with Huis and Postcode (TR006)."""

    Huis = factory.SubFactory(HuisFactory)
    Postcode = factory.LazyFunction(values.postcode)
    Straatnaam = factory.LazyFunction(lambda: values.fake.street_name()[:24])
    Plaatsnaam = factory.LazyFunction(lambda: values.fake.city()[:80])
    LandCode = "NL"


class ContactFactory(factory.DictFactory):
    """Contact: Soort 01 (BRP-adres) with an address and a phone number."""

    Soort = "01"
    Adres = factory.SubFactory(AdresFactory)
    Telefoon = factory.LazyFunction(
        lambda: {"Telefoon01": {"Telefoonnummer": values.telefoonnummer(), "Landnummer": "0031"}})


class RelatieFactory(DataFactory):
    """A relatie of a 301 client: a parent (iJw) or family member (iWmo) with its contact."""

    Nummer = "1"
    Volgorde = 1
    Soort = factory.LazyAttribute(lambda o: RELATIE_SOORT[o.release.standard])
    Geboortedatum = factory.SubFactory(GeboortedatumFactory, **inherit(min_age=25, max_age=80))
    Geslacht = factory.LazyFunction(lambda: values.rng.choice("12"))
    Naam = factory.SubFactory(VolledigeNaamFactory, geslacht=factory.SelfAttribute("..Geslacht"))
    Contact = factory.SubFactory(ContactFactory)
