"""The standard's conditions (CD) and constraints (CS) on data elements that can be judged
within one message (category xslt: a break gives retourcode 0001, like the in-message TRs).

The list is that of the published iJw 3.2 rule report; the same codes apply to iWmo 3.2
wherever the element exists in its message (only Woonplaatsbeginsel and GezagsdragerBekend are
iJw-only, and no condition here reads them). Each function is pure: Message + Context in,
(element, text) out. A required element that is missing is reported on its parent; an element
that must be left out is reported on itself.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import compress

from ...standard.codes import EURO, VERWIJDERD
from ...standard.registry import names
from ..message import Message, as_text, digits
from . import rule
from .inmessage import geboortedata

# Release 3.0 began on 2021-01-01: some conditions hold only for what runs after 2020.
RELEASE_3_START = "2021-01-01"
PER_WEEK = "2"  # LDT_Frequentie
POSTCODE_NL = re.compile(r"[1-9][0-9]{3}[A-Za-z]{2}")
ALPHANUMERIC = re.compile(r"[A-Za-z0-9]+")


# ---------------------------------------------------------------- shared helpers

def elfproef(bsn: str) -> bool:
    """The BSN check: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is divisible by 11."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(bsn[:8], range(9, 1, -1))) - int(bsn[8])
    return total % 11 == 0


def _required(m: Message, parent, name: str, when: str):
    """A break on `parent` when the element at path `name` below it is missing."""
    if m.get(parent, name) is None:
        yield parent, f"{name} is missing; it is required when {when}."


def _left_out(m: Message, parent, name: str, when: str):
    """A break on the element at path `name` below `parent` when it is there."""
    found = m.get(parent, name)
    if found is not None:
        yield found, f"{name} must be left out when {when}."


def _present_iff(m: Message, parent, name: str, condition: bool, when: str):
    """`name` below `parent` is there if and only if `condition` (described by `when`)."""
    if condition:
        yield from _required(m, parent, name, when)
    elif (found := m.get(parent, name)) is not None:
        yield found, f"{name} is only sent when {when}; leave it out."


def _not_before(m: Message, el, start: str, end: str):
    """A break on `end` below `el` when it lies before `start`; both are dates, compared on
    their digits as the XSLT does, and either may be absent, then there is nothing to judge."""
    begin, einde = m.text(el, start), m.text(el, end)
    if begin and einde and digits(einde, 10) < digits(begin):
        yield m.get(el, end), (f"{end} {einde} lies before {start} {begin}; a period ends on "
                               "or after its start.")


def _runs_after_2020(end: str | None) -> bool:
    """A period that is open or ends after 2020-12-31 (on or after release 3.0's start)."""
    return end is None or digits(end) >= digits(RELEASE_3_START)


def _contacts(m: Message) -> list:
    """Every Contact of a 301: the client's Contactgegevens and each Relatie's Contact."""
    found = m.all("Contactgegevens/Contact", m.body)
    for relatie in m.all("Relaties/Relatie", m.body):
        found += m.all("Contact", relatie)
    return found


def _adressen(m: Message) -> list:
    return [a for a in (m.get(c, "Adres") for c in _contacts(m)) if a is not None]


def _namen(m: Message) -> list:
    """The VolledigeNaam of a 301's client and of each of its relaties."""
    return [m.get(m.body, "Naam")] + [m.get(r, "Naam") for r in m.all("Relaties/Relatie", m.body)]


@dataclass(frozen=True)
class ProductKlasse:
    """A class that assigns or asks for a product: where it is, the names of its period's
    start and end, and whether it has a Product element (a TeWijzigenProduct has none)."""

    path: str
    start: str
    end: str
    product: bool = True


PRODUCT_KLASSEN = {
    "301": (ProductKlasse("ToegewezenProducten/ToegewezenProduct", "Ingangsdatum", "Einddatum"),),
    "315": (ProductKlasse("AangevraagdeProducten/AangevraagdProduct", "ToewijzingIngangsdatum",
                          "ToewijzingEinddatum"),),
    "317": (ProductKlasse("Verzoek/NieuweProducten/NieuwProduct", "GewensteIngangsdatum",
                          "Einddatum"),
            ProductKlasse("Verzoek/TeWijzigenProducten/TeWijzigenProduct", "GewensteIngangsdatum",
                          "Einddatum", product=False)),
}
PRODUCT_MESSAGES = " ".join(PRODUCT_KLASSEN)


def _producten(m: Message, with_product: bool = False) -> Iterator[tuple[object, ProductKlasse]]:
    """(element, its class) of every product class of the message; `with_product`: only the
    classes that have a Product element."""
    for klasse in PRODUCT_KLASSEN.get(m.id, ()):
        if klasse.product or not with_product:
            for el in m.all(klasse.path, m.body):
                yield el, klasse


# ---------------------------------------------------------------- persons

@rule("CS002", "xslt", "0001", "301 305 307 315 317 323 325")
def cs002(m: Message, ctx):
    """Every client's Bsn passes the elfproef (9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of
    11).

    A 323 or 325 is judged per client it lists, from the prestatie records: each distinct
    Bsn is checked once, and clients are looked up only for a Bsn that fails."""
    if m.id in ("323", "325"):
        c = m.prestatie_columns
        failing = {bsn for bsn in set(c.bsn) if not elfproef(bsn)}
        clients = dict.fromkeys(pair for pair in zip(c.client, c.bsn) if pair[1] in failing) \
            if failing else {}
    else:
        bsn = m.text(m.body, "Bsn")
        clients = [] if elfproef(bsn) else [(m.body, bsn)]
    for client, bsn in clients:
        yield m.get(client, "Bsn"), f"Bsn {bsn} fails the elfproef; send the client's valid BSN."


# What a Datum must look like for each DatumGebruik (the part of the date that is unknown).
DATUM_GEBRUIK = {
    "1": (lambda d: d[8:] == "01", "day 01 (only month and year are known)"),
    "2": (lambda d: d[5:] == "01-01", "1 January (only the year is known)"),
    "3": (lambda d: d == "1900-01-01", "1900-01-01 (the date is unknown)"),
}


@rule("CS139", "xslt", "0001", "301 305 307 315")
def cs139(m: Message, ctx):
    """A Geboortedatum with DatumGebruik fills its unknown part by convention: DatumGebruik 1
    puts the day on 01, 2 puts the date on 1 January, 3 makes it 1900-01-01.

    Judged on the client's Geboortedatum and, in a 301, every relatie's."""
    for g in geboortedata(m):
        gebruik, datum = m.text(g, "DatumGebruik"), m.text(g, "Datum")
        if gebruik in DATUM_GEBRUIK and not DATUM_GEBRUIK[gebruik][0](datum):
            yield m.get(g, "Datum"), (f"Datum {datum} with DatumGebruik {gebruik} must be on "
                                      f"{DATUM_GEBRUIK[gebruik][1]}.")


@rule("CS318", "xslt", "0001", "301", releases=names("ijw"))
def cs318(m: Message, ctx):
    """The client's NaamGebruik is not 6 (niet-natuurlijk persoon): a client is a person."""
    if m.text(m.body, "Naam/NaamGebruik") == "6":
        yield m.get(m.body, "Naam/NaamGebruik"), ("NaamGebruik 6 (niet-natuurlijk persoon) is "
                                                  "not used for a client, a person; use 1 to 4.")


@rule("CS050", "xslt", "0001", "301")
def cs050(m: Message, ctx):
    """NaamGebruik fits the name: with a Partnernaam one of 1 to 4 (own name, partner's name
    or the two combined), without one 1 (own name) or 6 (niet-natuurlijk persoon).

    Judged on the VolledigeNaam of the client and of every relatie. iWmo has no CS318 and
    no niet-natuurlijk persoon here: without a Partnernaam only 1 (as its official XSLT)."""
    alone = ("1", "6") if m.release.standard == "ijw" else ("1",)
    for naam in _namen(m):
        partner = m.get(naam, "Partnernaam") is not None
        allowed = ("1", "2", "3", "4") if partner else alone
        gebruik = m.text(naam, "NaamGebruik")
        if gebruik not in allowed:
            yield m.get(naam, "NaamGebruik"), (
                f"NaamGebruik {gebruik} does not fit a name {'with' if partner else 'without'} "
                f"Partnernaam; use {', '.join(allowed)}.")


@rule("CD007", "xslt", "0001", "301")
def cd007(m: Message, ctx):
    """The client's Communicatie has a Taal if and only if its Vorm is 1 (tolk taal)."""
    communicatie = m.get(m.body, "Communicatie")
    if communicatie is not None:
        yield from _present_iff(m, communicatie, "Taal", m.text(communicatie, "Vorm") == "1",
                                "Communicatie/Vorm is 1 (tolk taal)")


# ---------------------------------------------------------------- contact data (301)

@rule("CD025", "xslt", "0001", "301")
def cd025(m: Message, ctx):
    """An Adres in the Netherlands (LandCode NL) has a Huis.

    Judged on the Adres of every Contact: the client's and the relaties'."""
    for adres in _adressen(m):
        if m.text(adres, "LandCode") == "NL":
            yield from _required(m, adres, "Huis", "the LandCode is NL")


@rule("CD034", "xslt", "0001", "301")
def cd034(m: Message, ctx):
    """A Contact of Soort 01 (BRP-adres) or 03 (verblijfadres) has an Adres with a Postcode.

    Judged on every Contact, the client's and the relaties': one without any Adres breaks it
    too, as the official XSLT of iWmo and iJw 3.2 judges (reported on its Soort)."""
    for contact in _contacts(m):
        if m.text(contact, "Soort") in ("01", "03") and m.text(contact, "Adres/Postcode") is None:
            yield m.get(contact, "Soort"), (
                "The Contact's Soort is 01 (BRP-adres) or 03 (verblijfadres), so its Adres "
                "needs a Postcode; add it.")


@rule("CS089", "xslt", "0001", "301")
def cs089(m: Message, ctx):
    """A Postcode in the Netherlands (LandCode NL) is four digits, the first not 0, and two
    letters, without a space (1234AB).

    The format is judged as [1-9][0-9]{3}[A-Za-z]{2}: lower-case letters are accepted, a space
    is not; an Adres with LandCode NL and no Postcode breaks it too (as the official XSLT
    judges). On the Adres of every Contact: the client's and the relaties'."""
    for adres in _adressen(m):
        postcode = m.text(adres, "Postcode")
        if m.text(adres, "LandCode") == "NL" and postcode is None:
            yield m.get(adres, "LandCode"), ("LandCode NL needs a Dutch Postcode (1234AB) "
                                             "beside it; add it.")
        elif m.text(adres, "LandCode") == "NL" and not POSTCODE_NL.fullmatch(postcode):
            yield m.get(adres, "Postcode"), (f"Postcode {postcode!r} is not a Dutch postcode: "
                                             "four digits (not starting with 0) and two "
                                             "letters, without a space, e.g. 1234AB.")


@rule("CD005", "xslt", "0001", "301")
def cd005(m: Message, ctx):
    """An Adres has a LandCode if and only if it has a Postcode.

    Judged on the Adres of every Contact: the client's and the relaties'."""
    for adres in _adressen(m):
        yield from _present_iff(m, adres, "LandCode", m.get(adres, "Postcode") is not None,
                                "the Adres has a Postcode")


@rule("CD009", "xslt", "0001", "301")
def cd009(m: Message, ctx):
    """A Contact has a Periode only when its Soort is 04 (tijdelijk verblijfadres).

    Judged on every Contact: the client's and the relaties'."""
    for contact in _contacts(m):
        if m.text(contact, "Soort") != "04":
            yield from _left_out(m, contact, "Periode",
                                 "the Contact's Soort is not 04 (tijdelijk verblijfadres)")


# ---------------------------------------------------------------- periods

@rule("CS003", "xslt", "0001", "301 315 317")
def cs003(m: Message, ctx):
    """An Einddatum lies on or after the start of its period.

    Judged on a 301's Contact Periode (Einddatum >= Begindatum) and ToegewezenProduct
    (Einddatum >= Ingangsdatum), a 315's AangevraagdProduct (ToewijzingEinddatum >=
    ToewijzingIngangsdatum) and a 317's NieuwProduct and TeWijzigenProduct (Einddatum >=
    GewensteIngangsdatum), wherever both dates are there. The periods of the 307 and of the
    323/325 are judged by TR018 and TR137."""
    if m.id == "301":
        for contact in _contacts(m):
            periode = m.get(contact, "Periode")
            if periode is not None:
                yield from _not_before(m, periode, "Begindatum", "Einddatum")
    for el, klasse in _producten(m):
        yield from _not_before(m, el, klasse.start, klasse.end)


# ---------------------------------------------------------------- Product, Omvang, Budget
# On a 301 ToegewezenProduct, 315 AangevraagdProduct, 317 NieuwProduct and TeWijzigenProduct
# (the latter has no Product, so the conditions on Product skip it).

@rule("CD079", "xslt", "0001", PRODUCT_MESSAGES)
def cd079(m: Message, ctx):
    """A product class without a Budget names its Product.

    Not judged on a TeWijzigenProduct, which has no Product element."""
    for el, _ in _producten(m, with_product=True):
        if m.get(el, "Budget") is None:
            yield from _required(m, el, "Product", "there is no Budget")


@rule("CD075", "xslt", "0001", PRODUCT_MESSAGES)
def cd075(m: Message, ctx):
    """A product class with a Budget has an end date (315: ToewijzingEinddatum, otherwise
    Einddatum)."""
    for el, klasse in _producten(m):
        if m.get(el, "Budget") is not None:
            yield from _required(m, el, klasse.end, "a Budget is given")


@rule("CD076", "xslt", "0001", PRODUCT_MESSAGES)
def cd076(m: Message, ctx):
    """A product class with an Omvang per week (Frequentie 2) has an end date (315:
    ToewijzingEinddatum, otherwise Einddatum)."""
    for el, klasse in _producten(m):
        if m.text(el, "Omvang/Frequentie") == PER_WEEK:
            yield from _required(m, el, klasse.end, "the Omvang is per week (Frequentie 2)")


@rule("CD041", "xslt", "0001", PRODUCT_MESSAGES)
def cd041(m: Message, ctx):
    """A product class whose Product has a Code has an Omvang.

    Not judged on a TeWijzigenProduct, which has no Product element."""
    for el, _ in _producten(m, with_product=True):
        if m.get(el, "Product/Code") is not None:
            yield from _required(m, el, "Omvang", "the Product has a Code")


@rule("CD077", "xslt", "0001", PRODUCT_MESSAGES)
def cd077(m: Message, ctx):
    """A product class with a Budget has no Omvang."""
    for el, _ in _producten(m):
        if m.get(el, "Budget") is not None:
            yield from _left_out(m, el, "Omvang", "a Budget is given")


@rule("CD078", "xslt", "0001", PRODUCT_MESSAGES)
def cd078(m: Message, ctx):
    """A product class with an Omvang has no Budget."""
    for el, _ in _producten(m):
        if m.get(el, "Omvang") is not None:
            yield from _left_out(m, el, "Budget", "an Omvang is given")


def _omvang_without_code(m: Message):
    """CD080, CD095, CD096: without a Product/Code, a product running after 2020 has no
    Omvang. A class without Product has no Product/Code either."""
    for el, klasse in _producten(m, with_product=True):
        if m.get(el, "Product/Code") is None and _runs_after_2020(m.text(el, klasse.end)):
            yield from _left_out(m, el, "Omvang", f"there is no Product/Code and the "
                                 f"{klasse.end} is after 2020 or open")


@rule("CD080", "xslt", "0001", "301")
def cd080(m: Message, ctx):
    """A ToegewezenProduct without Product/Code that ends after 2020-12-31 or has no
    Einddatum has no Omvang.

    A ToegewezenProduct without any Product counts as one without Product/Code."""
    yield from _omvang_without_code(m)


@rule("CD095", "xslt", "0001", "315")
def cd095(m: Message, ctx):
    """An AangevraagdProduct without Product/Code whose ToewijzingEinddatum is after
    2020-12-31 or absent has no Omvang.

    An AangevraagdProduct without any Product counts as one without Product/Code."""
    yield from _omvang_without_code(m)


@rule("CD096", "xslt", "0001", "317")
def cd096(m: Message, ctx):
    """A NieuwProduct without Product/Code whose Einddatum is after 2020-12-31 or absent has
    no Omvang.

    A NieuwProduct without any Product counts as one without Product/Code."""
    yield from _omvang_without_code(m)


# Units whose Omvang, after 2020, is given per week, per month or for the whole period.
EENHEDEN_MET_PERIODE = frozenset({"14", "16", "83", "84"})
FREQUENTIES_MET_PERIODE = ("2", "4", "6")


def _frequentie_of_eenheid(m: Message):
    """CS338, CS343: an Omvang in etmaal, dagdeel, euro's or stuks (inspanning) of a product
    running after 2020 is per week, per month or over the whole period."""
    for el, klasse in _producten(m):
        if m.text(el, "Omvang/Eenheid") in EENHEDEN_MET_PERIODE \
                and _runs_after_2020(m.text(el, klasse.end)) \
                and m.text(el, "Omvang/Frequentie") not in FREQUENTIES_MET_PERIODE:
            yield m.get(el, "Omvang/Frequentie"), (
                f"Frequentie {m.text(el, 'Omvang/Frequentie')} does not fit Eenheid "
                f"{m.text(el, 'Omvang/Eenheid')} after 2020: use 2 (per week), 4 (per maand) "
                "or 6 (totaal binnen geldigheidsduur).")


@rule("CS338", "xslt", "0001", "301 317")
def cs338(m: Message, ctx):
    """With Omvang/Eenheid 14, 16, 83 or 84 and an Einddatum after 2020-12-31 or none, the
    Omvang/Frequentie is 2, 4 or 6.

    Judged on a 301's ToegewezenProduct and a 317's NieuwProduct and TeWijzigenProduct."""
    yield from _frequentie_of_eenheid(m)


@rule("CS343", "xslt", "0001", "315")
def cs343(m: Message, ctx):
    """With Omvang/Eenheid 14, 16, 83 or 84 and a ToewijzingEinddatum after 2020-12-31 or
    none, an AangevraagdProduct's Omvang/Frequentie is 2, 4 or 6."""
    yield from _frequentie_of_eenheid(m)


# ---------------------------------------------------------------- toewijzing (301)

@rule("CS335", "xslt", "0001", "301")
def cs335(m: Message, ctx):
    """RedenWijziging 13 (verwijderd) only on a ToegewezenProduct whose Einddatum equals its
    Ingangsdatum.

    Judged where both dates are there, as the official XSLT does (an open toewijzing with
    13 is left to the other rules); reported on the Einddatum."""
    for p in m.all("ToegewezenProducten/ToegewezenProduct", m.body):
        einde = m.text(p, "Einddatum")
        if m.text(p, "RedenWijziging") == VERWIJDERD and einde is not None \
                and einde != m.text(p, "Ingangsdatum"):
            yield m.get(p, "Einddatum"), (
                "RedenWijziging 13 (verwijderd) needs Einddatum equal to Ingangsdatum "
                f"({m.text(p, 'Ingangsdatum')}); set it so, or give another RedenWijziging.")


@rule("CS336", "xslt", "0001", "301")
def cs336(m: Message, ctx):
    """RedenWijziging 01 (administratieve correctie, vervallen) is not used."""
    for p in m.all("ToegewezenProducten/ToegewezenProduct", m.body):
        if m.text(p, "RedenWijziging") == "01":
            yield m.get(p, "RedenWijziging"), ("RedenWijziging 01 is no longer used; use 14 "
                                               "(administratieve correctie).")


# ---------------------------------------------------------------- start and stop (305 307)

LEVERING_PRODUCTEN = {"305": "StartProducten/StartProduct", "307": "StopProducten/StopProduct"}


@rule("CS058", "xslt", "0001", "305 307")
def cs058(m: Message, ctx):
    """StatusAanlevering of a StartProduct or StopProduct is 1 (eerste aanlevering) or 3
    (verwijderen): a correction is a deletion followed by a new report, never a 2."""
    for p in m.all(LEVERING_PRODUCTEN[m.id], m.body):
        status = m.text(p, "StatusAanlevering")
        if status not in ("1", "3"):
            yield m.get(p, "StatusAanlevering"), (
                f"StatusAanlevering {status} is not used; send 1 (new) or 3 (delete), and "
                "correct a report by deleting it and sending it anew.")


# ---------------------------------------------------------------- verzoek om toewijzing (315)

@rule("CD043", "xslt", "0001", "315")
def cd043(m: Message, ctx):
    """An AangevraagdProduct has a BeschikkingIngangsdatum if and only if it has a
    BeschikkingNummer."""
    for p in m.all("AangevraagdeProducten/AangevraagdProduct", m.body):
        yield from _present_iff(m, p, "BeschikkingIngangsdatum",
                                m.get(p, "BeschikkingNummer") is not None,
                                "a BeschikkingNummer is given")


# Verwijzers identified by an AGB code: huisarts, jeugdarts, gecertificeerde instelling,
# medisch specialist.
VERWIJZER_MET_AGB = frozenset({"02", "03", "04", "05"})


def _verwijzers(m: Message):
    """(Verwijzer, whether its Type is one with an AGB code) of every AangevraagdProduct."""
    for p in m.all("AangevraagdeProducten/AangevraagdProduct", m.body):
        verwijzer = m.get(p, "Verwijzer")
        yield verwijzer, m.text(verwijzer, "Type") in VERWIJZER_MET_AGB


@rule("CD066", "xslt", "0001", "315")
def cd066(m: Message, ctx):
    """A Verwijzer of Type 02 to 05 that has a ZorgverlenerCode has no Naam."""
    for verwijzer, met_agb in _verwijzers(m):
        if met_agb and m.get(verwijzer, "ZorgverlenerCode") is not None:
            yield from _left_out(m, verwijzer, "Naam",
                                 "the Verwijzer (Type 02-05) has a ZorgverlenerCode")


@rule("CD067", "xslt", "0001", "315")
def cd067(m: Message, ctx):
    """A Verwijzer of Type 02 to 05 without a ZorgverlenerCode has a Naam."""
    for verwijzer, met_agb in _verwijzers(m):
        if met_agb and m.get(verwijzer, "ZorgverlenerCode") is None:
            yield from _required(m, verwijzer, "Naam",
                                 "the Verwijzer (Type 02-05) has no ZorgverlenerCode")


@rule("CD068", "xslt", "0001", "315")
def cd068(m: Message, ctx):
    """A Verwijzer of another Type than 02 to 05 has no ZorgverlenerCode."""
    for verwijzer, met_agb in _verwijzers(m):
        if not met_agb:
            yield from _left_out(m, verwijzer, "ZorgverlenerCode",
                                 "the Verwijzer's Type is not 02, 03, 04 or 05")


# ---------------------------------------------------------------- antwoord (319)

@rule("CD085", "xslt", "0001", "319")
def cd085(m: Message, ctx):
    """A refusal (VerzoekAntwoord 1) gives its RedenAfwijzingVerzoek."""
    if m.text(m.body, "VerzoekAntwoord") == "1":
        yield from _required(m, m.body, "RedenAfwijzingVerzoek",
                             "the verzoek is refused (VerzoekAntwoord 1)")


@rule("CD086", "xslt", "0001", "319")
def cd086(m: Message, ctx):
    """An answer 'in onderzoek' (VerzoekAntwoord 2) gives no RedenAfwijzingVerzoek."""
    if m.text(m.body, "VerzoekAntwoord") == "2":
        yield from _left_out(m, m.body, "RedenAfwijzingVerzoek",
                             "the verzoek is in onderzoek (VerzoekAntwoord 2)")


# ---------------------------------------------------------------- declaratie (323 325)

@rule("CS319", "xslt", "0001", "323")
def cs319(m: Message, ctx):
    """The DeclaratieNummer consists of letters and digits only.

    The published table gives this constraint no retourcode; ketentest judges it like every
    other in-message condition (xslt, 0001). The 323's schema (ours and the official one)
    holds the same pattern, so a schema-valid declaratie meets it; the rule still speaks for
    itself where other schemas are given (--schemas)."""
    nummer = m.text(m.body, "DeclaratieNummer") or ""
    if not ALPHANUMERIC.fullmatch(nummer):
        yield m.get(m.body, "DeclaratieNummer"), (
            f"DeclaratieNummer {nummer!r} may hold letters and digits only.")


@rule("CS100", "xslt", "0001", "323")
def cs100(m: Message, ctx):
    """The DeclaratiePeriode and every ProductPeriode begin on or after 2021-01-01: care
    before 2021 is declared with the messages of its own time (dates compared on digits)."""
    periode = m.get(m.body, "DeclaratiePeriode")
    periods = [periode] if m.digits(periode, "Begindatum") < digits(RELEASE_3_START) else []
    begins, _, key = m.period_dates(RELEASE_3_START)
    if min(begins) < key(RELEASE_3_START):
        periods += [m.get(p.element, "ProductPeriode") for p, b in zip(m.prestaties, begins)
                    if b < key(RELEASE_3_START)]
    for el in periods:
        yield m.get(el, "Begindatum"), (f"Begindatum {m.text(el, 'Begindatum')} lies before "
                                        f"{RELEASE_3_START}; a 323 declares care from 2021 on.")


@rule("CS340", "xslt", "0001", "323")
def cs340(m: Message, ctx):
    """The DeclaratiePeriode is one whole calendar month: from its first to its last day.

    Judged as the official XSLT does, on the dates' digits: the Begindatum's day is 01, and
    the day after the Einddatum is the Begindatum one month on (so any date, also one Python
    cannot hold, is judged)."""
    periode = m.get(m.body, "DeclaratiePeriode")
    begin, end = m.text(periode, "Begindatum"), m.text(periode, "Einddatum")
    if _after(_after(begin, "-"), "-") != "01":
        yield m.get(periode, "Begindatum"), (f"DeclaratiePeriode begins {begin}, not on the "
                                             "first day of a month.")
    if _calendar_carry(int(digits(end)) + 1) != _calendar_carry(int(digits(begin)) + 100):
        yield periode, (f"DeclaratiePeriode {begin}..{end} is not one calendar month; declare "
                        "from the first to the last day of one month.")


def _after(text: str, sep: str) -> str:
    return text.split(sep, 1)[1] if sep in text else ""


def _calendar_carry(n: int) -> int:
    """A date as digits (YYYYMMDD) with a day or month past its end carried into the next
    month or year, the way the official XSLT adds days and months (a leap year is every
    fourth)."""
    for _ in range(100):
        day, month, year = n % 100, n // 100 % 100, n // 10000 % 10000
        if day > 30 and month in (4, 6, 9, 11):
            carried = n - 30 + 100
        elif day > 31 and month in (1, 3, 5, 7, 8, 10, 12):
            carried = n - 31 + 100
        elif month == 2 and day > (29 if year % 4 == 0 else 28):
            carried = n - (29 if year % 4 == 0 else 28) + 100
        else:
            carried = n
        if carried // 100 % 100 > 12:
            carried += 10000 - 1200
        if carried == n:
            return n
        n = carried
    return n


@rule("CS337", "xslt", "0001", "323")
def cs337(m: Message, ctx):
    """A ProductPeriode ends in the calendar month (and year) it begins in.

    Compared as the XSLT does, on the dates' digits: the first four (the year) and the next
    two (the month); so an end before the begin in another month breaks it too."""
    c = m.prestatie_columns
    if len({_year_month(d) for d in (min(c.begin), max(c.begin), min(c.end), max(c.end))}) == 1 \
            and m.period_dates()[2] is as_text:
        return  # every date lies in one month (as a declaratieperiode does)
    for p in m.prestaties:
        if _year_month(p.begin) != _year_month(p.end):
            yield m.get(p.element, "ProductPeriode/Einddatum"), (
                f"ProductPeriode {p.begin}..{p.end} spans more than one month; declare each "
                "month on a line of its own.")


def _year_month(value: str) -> str:
    return value.replace("-", "")[:6]


def _zero_credit(m: Message, el) -> bool:
    """A CDT_TotaalBedragMetDC of 0 marked C."""
    return el is not None and int(m.text(el, "TotaalBedrag")) == 0 \
        and m.text(el, "DebetCredit") == "C"


@rule("CS325", "xslt", "0001", "323 325")
def cs325(m: Message, ctx):
    """An amount of 0 is debet (DebetCredit D).

    Judged on the 323's TotaalIngediendBedrag, the 325's TotaalIngediendBedrag and
    TotaalToegekendBedrag, and the IngediendBedrag of every prestatie of either."""
    totals = ("TotaalIngediendBedrag",) if m.id == "323" else \
        ("TotaalIngediendBedrag", "TotaalToegekendBedrag")
    amounts = [el for el in (m.get(m.body, name) for name in totals) if _zero_credit(m, el)]
    if 0 in m.prestatie_columns.bedrag:
        amounts += [m.get(p.element, "IngediendBedrag") for p in m.prestaties
                    if p.bedrag == 0 and not p.debet]
    for el in amounts:
        yield m.get(el, "DebetCredit"), "An amount of 0 is sent as debet: DebetCredit D."


@rule("CD060", "xslt", "0001", "323 325")
def cd060(m: Message, ctx):
    """A prestatie has a VorigReferentieNummer if and only if its IngediendBedrag is credit
    (C): a credit line names the debet line it cancels, a debet line names none."""
    c = m.prestatie_columns
    if [v is None for v in c.vorig] == c.debet:
        return
    for p in m.prestaties:
        if (p.vorig is not None) == p.debet:
            yield m.get(p.element, "IngediendBedrag/DebetCredit"), (
                f"A credit line (DebetCredit C) names the line it cancels in "
                f"VorigReferentieNummer, a debet line names none; this line is "
                f"{'debet' if p.debet else 'credit'} and "
                f"{'has' if p.vorig is not None else 'has no'} VorigReferentieNummer.")


@rule("CD087", "xslt", "0001", "323")
def cd087(m: Message, ctx):
    """A prestatie has a ProductTarief if and only if its Eenheid is not 83 (euro's)."""
    c = m.prestatie_columns
    if [t is None for t in c.tarief] == [e == EURO for e in c.eenheid]:
        return
    for p in m.prestaties:
        if (p.tarief is None) != (p.eenheid == EURO):
            yield from _present_iff(m, p.element, "ProductTarief", p.eenheid != EURO,
                                    "the Eenheid is not 83 (euro's)")


@rule("CS339", "xslt", "0001", "323")
def cs339(m: Message, ctx):
    """A prestatie in euro's (Eenheid 83) has an IngediendBedrag equal to its GeleverdVolume."""
    c = m.prestatie_columns
    euro = [e == EURO for e in c.eenheid]
    if list(map(abs, compress(c.bedrag, euro))) == list(compress(c.volume, euro)):
        return
    for p in m.prestaties:
        if p.eenheid == EURO and abs(p.bedrag) != p.volume:
            yield m.get(p.element, "IngediendBedrag"), (
                f"IngediendBedrag {abs(p.bedrag)} differs from GeleverdVolume {p.volume}; in "
                "Eenheid 83 (euro's) the amount is the volume delivered.")
