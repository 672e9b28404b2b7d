"""In-message rules (category xslt): judged from the message alone; a break gives retourcode 0001.

Where a rule's text leaves the element open, the docstring says which elements we judge and
why. Each function is pure: Message + Context in, (element, text) out.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import compress
from operator import le

from ...standard.registry import names
from ..message import Message, as_text, digits, local
from . import rule


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def geboortedata(m: Message):
    """Every Geboortedatum in the message: the client's and the relaties'."""
    client = m.body if m.body is not None and local(m.body) == "Client" else None
    if client is None:
        return []
    found = [m.get(client, "Geboortedatum")]
    found += [m.get(r, "Geboortedatum") for r in m.all("Relaties/Relatie", client)]
    return [g for g in found if g is not None]


def _same_product(m: Message, a, b) -> bool:
    """Two product classes name the same product, as TR302, TR386 and TR410 compare them: the
    same Categorie and Code; the same Categorie where either has no Code; and a class without
    Categorie and Code is the same as every other (it may overlap none)."""
    pa, pb = m.get(a, "Product"), m.get(b, "Product")
    ca, cb = m.text(pa, "Categorie") if pa is not None else None, \
        m.text(pb, "Categorie") if pb is not None else None
    ka, kb = m.text(pa, "Code") if pa is not None else None, \
        m.text(pb, "Code") if pb is not None else None
    if (ka is None and ca is None) or (kb is None and cb is None):
        return True
    if ca is None or cb is None or ca != cb:
        return False
    return ka is None or kb is None or ka == kb


def _periods_overlap(m: Message, a, b, start: str, end: str) -> bool:
    """Whether two periods overlap, an absent end open; dates compared as the XSLT does."""
    sa, ea, sb, eb = (m.digits(a, start), m.get(a, end), m.digits(b, start), m.get(b, end))
    ea = None if ea is None else m.digits(a, end)
    eb = None if eb is None else m.digits(b, end)
    if ea is not None and eb is not None:
        return not (ea < sb or eb < sa)
    if ea is not None:
        return ea >= sb
    if eb is not None:
        return eb >= sa
    return True


# iWmo: products of these categories may occur in overlapping periods (the official XSLT of
# iWmo 3.2 leaves them out of TR302, TR386 and TR410).
STAPELBAAR_WMO = frozenset({"11", "12", "13", "14"})


def _overlapping(m: Message, classes, start: str, end: str):
    """(class, an earlier sibling) for every pair of the same product with overlapping
    periods, in document order (product lists are short: pairs are cheap)."""
    if m.release.standard == "iwmo":
        classes_free = {id(c) for c in classes
                        if m.text(c, "Product/Categorie") in STAPELBAAR_WMO}
    else:
        classes_free = set()
    for i, el in enumerate(classes):
        for other in classes[:i]:
            if id(el) in classes_free or id(other) in classes_free:
                continue
            if _same_product(m, el, other) and _periods_overlap(m, el, other, start, end):
                yield el, other


@rule("TR002", "xslt", "0001", "301 305 307 315")
def tr002(m: Message, ctx):
    """Geboortedatum at most 120 years before the Dagtekening, unless the date is unknown
    (DatumGebruik 3 with Datum 1900-01-01, the value an unknown date is sent with).

    Compared as the XSLT does, on the dates' digits: Datum + 120 years < Dagtekening."""
    dagtekening = m.digits(m.header, "BerichtIdentificatie/Dagtekening", first=10)
    for g in geboortedata(m):
        if m.text(g, "DatumGebruik") == "3" and m.text(g, "Datum") == "1900-01-01":
            continue
        if m.digits(g, "Datum") + 120 * 10000 < dagtekening:
            yield m.get(g, "Datum"), (
                f"Geboortedatum {m.text(g, 'Datum')} lies more than 120 years before the "
                f"Dagtekening; give the right date, or DatumGebruik 3 with 1900-01-01.")


@rule("TR006", "xslt", "0001", "301")
def tr006(m: Message, ctx):
    """A Contact has a Telefoon, or an Adres with both Huis and Postcode."""
    client = m.body
    contacts = m.all("Contactgegevens/Contact", client)
    for relatie in m.all("Relaties/Relatie", client):
        contacts += [c for c in [m.get(relatie, "Contact")] if c is not None]
    for c in contacts:
        has_address = m.get(c, "Adres/Huis") is not None and m.get(c, "Adres/Postcode") is not None
        if m.get(c, "Telefoon") is None and not has_address:
            yield c, "Contact has neither a Telefoon nor an Adres with Huis and Postcode; add one."


@rule("TR018", "xslt", "0001", "307")
def tr018(m: Message, ctx):
    """Einddatum of a StopProduct is on or after its Begindatum."""
    for p in m.all("StopProducten/StopProduct", m.body):
        if m.digits(p, "Einddatum", first=10) < m.digits(p, "Begindatum"):
            yield m.get(p, "Einddatum"), (f"Einddatum {m.text(p, 'Einddatum')} lies before "
                                          f"Begindatum {m.text(p, 'Begindatum')}.")


@rule("TR061", "xslt", "0001", "301")
def tr061(m: Message, ctx):
    """The client has at least one Contact of Soort 01 (BRP), 02 (correspondentie) or 03
    (verblijf) among its Contactgegevens."""
    gegevens = m.get(m.body, "Contactgegevens")
    soorten = {m.text(c, "Soort") for c in m.all("Contact", gegevens)}
    if not soorten & {"01", "02", "03"}:
        yield gegevens, ("The client has no Contact of Soort 01, 02 or 03 (BRP-, correspondentie- "
                         "or verblijfadres); add one.")


@rule("TR101", "xslt", "0001", "301 305 307 315 317 323 325")
def tr101(m: Message, ctx):
    """No duplicate lines: two sibling berichtklassen of one name with the same logical key.

    The toelichting: for every berichtklasse the logical key, together with the keys of the
    classes above it, is unique in the message. The keys per class are a table of the release
    (`data/r3_2/keys.yaml`: a Prestatie by ReferentieNummer and VorigReferentieNummer, a
    StartProduct by Begindatum, Product and ToewijzingNummer, ...); siblings share the keys above
    them, so classes compare with their siblings only. A key element absent from both counts as
    equal, as the official XSLT compares them. The last of each group is reported, naming the
    first."""
    if m.body is None:  # a 325 answering with 0001 has a header only
        return
    keys = m.release.keys.get(m.id, {})
    ns = m.definition.namespace
    for name, paths in keys.items():
        if name == "Prestatie" and m.id in ("323", "325"):
            yield from _duplicate_prestaties(m)
            continue
        if local(m.body) == name:
            found = [m.body]
        elif name == "Client" and m.id in ("323", "325"):  # not a walk over every prestatie
            found = list(m.kids(m.body).get("Clienten", ()))
        else:
            found = list(m.body.iter(f"{{{ns}}}{name}"))
        if len(found) < 2:
            continue
        by_parent = defaultdict(list)
        for el in found:
            by_parent[el.getparent()].append(el)
        for siblings in by_parent.values():
            if len(siblings) < 2:
                continue
            groups = defaultdict(list)
            for el in siblings:
                groups[tuple(_raw(m, el, p) for p in paths)].append(el)
            for group in groups.values():
                if len(group) > 1:
                    yield group[-1], (f"{name} has the same logical key ({', '.join(paths)}) as "
                                      f"{Message.path(group[0])}; send each {name} once.")


def _raw(m: Message, el, path: str):
    found = m.get(el, path)
    return None if found is None else found.text


def _repeats(keys, elements):
    """(element, the first element with the same key) for every key seen before. All keys
    distinct is the common case, decided on the keys alone (a set, in C)."""
    keys = list(keys)
    if len(set(keys)) == len(keys):
        return
    first = {}
    for el, key in zip(elements, keys):
        if key in first:
            yield el, first[key]
        else:
            first[key] = el


def _duplicate_prestaties(m: Message):
    """Prestaties of one client with the same ReferentieNummer and VorigReferentieNummer."""
    c = m.prestatie_columns
    keys = list(zip(c.client, c.referentie, c.vorig))
    groups = defaultdict(list)
    for el, first in _repeats(keys, c.element):
        groups[first].append(el)
    for first, others in groups.items():
        yield others[-1], (f"Prestatie has the same ReferentieNummer and VorigReferentieNummer "
                           f"as {Message.path(first)}; send each prestatie once.")


# TR134: the dates that describe the past, per message (paths below the body).
PAST_DATES = {
    "301": ("Geboortedatum/Datum", "Relaties/Relatie/Geboortedatum/Datum",
            "Beschikking/Afgiftedatum", "ToegewezenProducten/ToegewezenProduct/Toewijzingsdatum"),
    "305": ("Geboortedatum/Datum", "StartProducten/StartProduct/Begindatum"),
    "307": ("Geboortedatum/Datum", "StopProducten/StopProduct/Einddatum"),
    "315": ("Geboortedatum/Datum",),
    "323": ("DeclaratiePeriode/Begindatum",),
    "325": (),
}


@rule("TR134", "xslt", "0001", "301 305 307 315 323 325")
def tr134(m: Message, ctx):
    """Dates that describe the past are not after the Dagtekening of the message.

    Judged, as the official XSLT does, on: every Geboortedatum (client, relaties), the 301's
    Beschikking/Afgiftedatum and Toewijzingsdatum, the 305's StartProduct/Begindatum, the
    307's StopProduct/Einddatum, the 323's DeclaratiePeriode/Begindatum and the Begindatum of
    every ProductPeriode of a 323 or 325 (care declared has begun). A date is after the
    Dagtekening when its digits are larger (so a date Python cannot hold is judged too)."""
    if m.body is None:
        return
    dagtekening = m.digits(m.header, "BerichtIdentificatie/Dagtekening", first=10)
    dates = []
    for path in PAST_DATES[m.id]:
        *parents, leaf = path.split("/")
        holders = [m.body]
        for name in parents:
            holders = [c for h in holders for c in m.all(name, h)]
        dates += [e for h in holders for e in m.all(leaf, h)]
    for el in dates:
        if digits(el.text) > dagtekening:
            yield el, f"{local(el)} {el.text.strip()} lies after the Dagtekening {m.dagtekening_text}."
    begins, _, key = m.period_dates(m.dagtekening_text)
    dag = key(m.dagtekening_text, 10)
    if begins and max(begins) > dag:
        for p, begin in zip(m.prestaties, begins):
            if begin > dag:
                yield m.get(p.element, "ProductPeriode/Begindatum"), (
                    f"ProductPeriode begins {p.begin}, after the Dagtekening "
                    f"{m.dagtekening_text}: declare care once it has been delivered.")


@rule("TR137", "xslt", "0001", "323 325")
def tr137(m: Message, ctx):
    """Einddatum of a period is on or after its Begindatum and not after the Dagtekening.

    Judged on the DeclaratiePeriode (323) and every ProductPeriode; dates compared on their
    digits, as the XSLT does (the later date of a pair on its first ten characters)."""
    dag_text = m.dagtekening_text
    periods = []
    if m.id == "323":
        p = m.get(m.body, "DeclaratiePeriode")
        periods.append((m.get(p, "Einddatum"), m.text(p, "Begindatum"), m.text(p, "Einddatum")))
    begins, ends, key = m.period_dates(dag_text)
    dag = key(dag_text, 10)
    ends10 = ends if key is as_text else list(map(_first10, m.prestatie_columns.end))
    if ends and (max(ends) > dag or not all(map(le, begins, ends10))):
        periods += [(m.get(p.element, "ProductPeriode/Einddatum"), p.begin, p.end)
                    for p, b, e, e10 in zip(m.prestaties, begins, ends, ends10)
                    if e10 < b or e > dag]
    dag = digits(dag_text, 10)
    for el, begin, end in periods:
        if _first10(end) < digits(begin):
            yield el, f"Einddatum {end} lies before Begindatum {begin}."
        if digits(end) > dag:
            yield el, (f"Einddatum {end} lies after the Dagtekening {dag_text}: "
                       "declare a period once it has ended.")


def _first10(value: str) -> float:
    """The later date of a pair as the XSLT reads it: its first ten characters' digits."""
    return digits(value, 10)


@rule("TR302", "xslt", "0001", "301")
def tr302(m: Message, ctx):
    """A Product occurs more than once in a 301 only with periods that do not overlap.

    A toewijzing withdrawn or deleted to nothing (RedenWijziging 01 or 13 with Einddatum equal
    to its Ingangsdatum) has no period and is left out, as the official XSLT does."""
    classes = [p for p in m.all("ToegewezenProducten/ToegewezenProduct", m.body)
               if not (m.text(p, "RedenWijziging") in ("01", "13")
                       and m.text(p, "Einddatum") is not None
                       and m.digits(p, "Ingangsdatum") == m.digits(p, "Einddatum"))]
    for el, other in _overlapping(m, classes, "Ingangsdatum", "Einddatum"):
        yield el, (f"The same product is also assigned in {Message.path(other)} for an "
                   "overlapping period.")


@rule("TR315", "xslt", "0001", "323")
def tr315(m: Message, ctx):
    """VorigReferentieNummer of a Prestatie is unique in the message."""
    c = m.prestatie_columns
    credit = [v is not None for v in c.vorig]
    for el, _ in _repeats(compress(c.vorig, credit), compress(c.element, credit)):
        vorig = m.get(el, "ProductReferentie/VorigReferentieNummer")
        yield vorig, (f"VorigReferentieNummer {vorig.text} occurs more than once in this "
                      "declaratie.")


@rule("TR316", "xslt", "0001", "323")
def tr316(m: Message, ctx):
    """A prestatie is not credited in the same message: no VorigReferentieNummer equals the
    ReferentieNummer of a prestatie of this declaratie (its own included).

    The toelichting states it so, whatever the lines' DebetCredit; the official XSLT judges
    every such pair."""
    c = m.prestatie_columns
    refs = set(c.referentie)
    if refs.isdisjoint(c.vorig):  # the common case: no pair
        return
    for p in m.prestaties:
        if p.vorig is not None and p.vorig in refs:
            yield m.get(p.element, "ProductReferentie/VorigReferentieNummer"), (
                f"VorigReferentieNummer {p.vorig} names a prestatie of this same declaratie; "
                "credit a line in a later declaratie.")


@rule("TR319", "xslt", "0001", "323")
def tr319_bericht(m: Message, ctx):
    """No ProductPeriode begins or ends after the DeclaratiePeriode of its declaratie.

    The published table lists TR319 as a cross-message rule (9319: within the current or an
    earlier declaratieperiode); the part that one message shows, a period after the
    declaratie's own, the official XSLT judges in the message (0001), so ketentest does too."""
    end_text = m.text(m.body, "DeclaratiePeriode/Einddatum")
    begins, ends, key = m.period_dates(end_text)
    end = key(end_text, 10)
    if not ends or max(max(ends), max(begins)) <= end:
        return
    for p, b, e in zip(m.prestaties, begins, ends):
        for name, value, k in (("Begindatum", p.begin, b), ("Einddatum", p.end, e)):
            if k > end:
                yield m.get(p.element, f"ProductPeriode/{name}"), (
                    f"ProductPeriode {name} {value} lies after the DeclaratiePeriode's Einddatum; "
                    "declare it in a later declaratie.")


@rule("TR335", "xslt", "0001", "323")
def tr335(m: Message, ctx):
    """Einddatum of a ProductPeriode lies at most 5 years before the DeclaratieDagtekening.

    A date Python cannot hold is compared on its digits (five years back: minus 50000)."""
    try:
        limit = _years_before(m.date(m.body, "DeclaratieDagtekening"), 5).isoformat()
    except (ValueError, OverflowError):
        limit = None
    _, ends, key = m.period_dates(limit)
    limit = key(limit) if limit else m.digits(m.body, "DeclaratieDagtekening") - 5 * 10000
    if min(ends) >= limit:
        return
    for p, end in zip(m.prestaties, ends):
        if end < limit:
            yield m.get(p.element, "ProductPeriode/Einddatum"), (
                f"ProductPeriode ends {p.end}, more than 5 years before the DeclaratieDagtekening.")


APPROVED = {"0200", "8001"}


@rule("TR342", "xslt", "0001", "325")
def tr342(m: Message, ctx):
    """Only rejected prestaties are listed in a 325: they explain the difference between what
    was declared and what is awarded.

    The toelichting gives the check: SUM(Prestatie.IngediendBedrag) = TotaalIngediendBedrag -
    TotaalToegekendBedrag (signed, debet minus credit). When the DeclaratieAntwoord class itself
    is rejected (a code other than 0200/8001 on it) no prestatie is assessed and
    TotaalToegekendBedrag is 0. An approved prestatie listed in the 325 breaks the sum, so the
    definition is judged through it, as the official XSLT does."""
    antwoord = m.body
    if antwoord is None:  # a 325 answering with 0001 has a header only
        return
    toegekend_el = m.get(antwoord, "TotaalToegekendBedrag")
    ingediend_el = m.get(antwoord, "TotaalIngediendBedrag")
    codes = {c.text for c in m.all("RetourCodes/RetourCode", antwoord)}
    toegekend = m.amount(toegekend_el)
    if codes - APPROVED:
        if toegekend != 0:
            yield toegekend_el, ("The DeclaratieAntwoord is rejected as a whole, so nothing is "
                                 f"awarded: TotaalToegekendBedrag must be 0, not {toegekend}.")
        return
    listed = sum(m.prestatie_columns.bedrag)
    difference = m.amount(ingediend_el) - toegekend
    if listed != difference:
        yield toegekend_el, (f"The listed (rejected) prestaties add up to {listed}, but "
                             f"TotaalIngediendBedrag - TotaalToegekendBedrag is {difference}; "
                             "list every rejected prestatie and only those, and award the rest.")


@rule("TR352", "xslt", "0001", "317")
def tr352(m: Message, ctx):
    """A VOW holds at least one OngewijzigdProduct or TeWijzigenProduct."""
    verzoek = m.get(m.body, "Verzoek")
    if m.get(verzoek, "OngewijzigdeProducten") is None and \
            m.get(verzoek, "TeWijzigenProducten") is None:
        yield verzoek, ("The verzoek names no current toewijzing (OngewijzigdProduct or "
                        "TeWijzigenProduct); a request for new products only is a 315.")


@rule("TR353", "xslt", "0001", "317")
def tr353(m: Message, ctx):
    """A VOW holds at least one TeWijzigenProduct or NieuwProduct."""
    verzoek = m.get(m.body, "Verzoek")
    if m.get(verzoek, "TeWijzigenProducten") is None and m.get(verzoek, "NieuweProducten") is None:
        yield verzoek, "The verzoek changes nothing: add a TeWijzigenProduct or NieuwProduct."


@rule("TR358", "xslt", "0001", "323")
def tr358(m: Message, ctx):
    """TotaalIngediendBedrag equals the sum of the prestaties' IngediendBedrag, debet minus
    credit."""
    total_el = m.get(m.body, "TotaalIngediendBedrag")
    total = m.amount(total_el)
    expected = sum(m.prestatie_columns.bedrag)
    if total != expected:
        sign = "C" if expected < 0 else "D"
        yield total_el, (f"TotaalIngediendBedrag is {abs(total)} {m.text(total_el, 'DebetCredit')}"
                         f" but the prestaties add up to {abs(expected)} {sign}.")


@rule("TR377", "xslt", "0001", "319", releases=names("ijw"))
def tr377(m: Message, ctx):
    """With RedenAfwijzingVerzoek 8 (woonplaatsbeginsel) the Woonplaatsbeginsel class is there."""
    if m.text(m.body, "RedenAfwijzingVerzoek") == "8" and m.get(m.body, "Woonplaatsbeginsel") is None:
        yield m.body, "RedenAfwijzingVerzoek 8 needs the Woonplaatsbeginsel class with the gemeente."


@rule("TR380", "xslt", "0001", "317")
def tr380(m: Message, ctx):
    """The GewensteIngangsdatum of a NieuwProduct lies after the Dagtekening of the verzoek.

    The rule text ("a date greater than the message's Dagtekening") does not name the
    element; the official XSLT judges NieuwProduct/GewensteIngangsdatum, strictly after."""
    dagtekening = m.digits(m.header, "BerichtIdentificatie/Dagtekening")
    for p in m.all("Verzoek/NieuweProducten/NieuwProduct", m.body):
        if not m.digits(p, "GewensteIngangsdatum") > dagtekening:
            yield m.get(p, "GewensteIngangsdatum"), (
                f"GewensteIngangsdatum {m.text(p, 'GewensteIngangsdatum')} is not after the "
                f"Dagtekening {m.dagtekening_text}; ask for new care from a later date.")


@rule("TR383", "xslt", "0001", "315")
def tr383(m: Message, ctx):
    """ReferentieAanbieder is unique per AangevraagdProduct within the message.

    Reported, as the official XSLT does, on the earlier ReferentieAanbieder a later product
    repeats."""
    products = m.all("AangevraagdeProducten/AangevraagdProduct", m.body)
    for i, p in enumerate(products):
        ref = m.get(p, "ReferentieAanbieder")
        for earlier in products[:i]:
            first = m.get(earlier, "ReferentieAanbieder")
            if first.text == ref.text:
                yield first, (f"ReferentieAanbieder {ref.text} is used again in "
                              f"{Message.path(p)}; give each requested product its own.")


@rule("TR386", "xslt", "0001", "315")
def tr386(m: Message, ctx):
    """A Product occurs more than once in a VOT only with periods that do not overlap.

    The toelichting: without a ProductCode the rule holds per ProductCategorie; without a
    Categorie the product may overlap no other requested product."""
    classes = m.all("AangevraagdeProducten/AangevraagdProduct", m.body)
    for el, other in _overlapping(m, classes, "ToewijzingIngangsdatum", "ToewijzingEinddatum"):
        yield el, f"The same product is requested in {Message.path(other)} for an overlapping period."


@rule("TR409", "xslt", "0001", "319", releases=names("ijw"))
def tr409(m: Message, ctx):
    """With a RedenAfwijzingVerzoek other than 8 there is no Woonplaatsbeginsel class.

    Judged where a RedenAfwijzingVerzoek is given, as the rule's text and the XSLT read."""
    reden = m.text(m.body, "RedenAfwijzingVerzoek")
    if reden is not None and reden != "8" and m.get(m.body, "Woonplaatsbeginsel") is not None:
        yield m.get(m.body, "Woonplaatsbeginsel"), ("Woonplaatsbeginsel is only sent with "
                                                    "RedenAfwijzingVerzoek 8; leave it out.")


@rule("TR410", "xslt", "0001", "317")
def tr410(m: Message, ctx):
    """A Product occurs more than once among the NieuwProduct classes only with periods that
    do not overlap (without a Categorie, a NieuwProduct overlaps every other)."""
    classes = m.all("Verzoek/NieuweProducten/NieuwProduct", m.body)
    for el, other in _overlapping(m, classes, "GewensteIngangsdatum", "Einddatum"):
        yield el, f"The same new product is requested in {Message.path(other)} for an overlapping period."


@rule("TR416", "xslt", "0001", "323")
def tr416(m: Message, ctx):
    """At most one debet prestatie per ToewijzingNummer, ProductCategorie, ProductCode and
    ProductPeriode for a client: compared among the prestaties of one Client class, as the
    official XSLT does (two Client classes of one Bsn break TR101)."""
    c = m.prestatie_columns
    toewijzingen = list(compress(zip(c.client, c.toewijzing), c.debet))
    if len(set(toewijzingen)) == len(toewijzingen):
        return  # the common case: each toewijzing declared on one debet line per client
    keys = compress(zip(c.client, c.toewijzing, c.categorie, c.code, c.begin, c.end), c.debet)
    for el, first in _repeats(keys, compress(c.element, c.debet)):
        yield el, (f"A second debet line for the same toewijzing, product and period as "
                   f"{Message.path(first)}; declare one line per product period.")
