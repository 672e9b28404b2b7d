"""In-message rules (category xslt): judged from the message alone; a break gives retourcode 0001.

Where a rule's text leaves the element open, the docstring says which elements we judge and
why. Each function is pure: Message + Context in, (element, text) out.
"""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from itertools import compress, groupby
from operator import itemgetter, le

from lxml import etree

from ...standard.registry import names
from ..message import Message, local
from . import rule

OPEN_END = date.max


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


def _overlaps(periods):
    """Pairs of (element, start, end) lists that overlap, by product key; end None = open."""
    by_key = defaultdict(list)
    for key, el, start, end in periods:
        by_key[key].append((start, end or OPEN_END, el))
    for items in by_key.values():
        items.sort(key=lambda x: x[0])
        latest_end, latest_el = None, None
        for start, end, el in items:
            if latest_end is not None and start <= latest_end:
                yield el, latest_el
            if latest_end is None or end > latest_end:
                latest_end, latest_el = end, el


def _product_key(m: Message, el):
    product = m.get(el, "Product")
    if product is None:
        return None
    return (m.text(product, "Categorie"), m.text(product, "Code"))


@rule("TR002", "xslt", "0001", "301 305 307 315")
def tr002(m: Message, ctx):
    """Geboortedatum at most 120 years before the Dagtekening, unless the date is unknown."""
    limit = _years_before(m.dagtekening, 120)
    for g in geboortedata(m):
        if m.text(g, "DatumGebruik") != "3" and m.date(g, "Datum") < limit:
            yield g, (f"Geboortedatum {m.text(g, 'Datum')} lies more than 120 years before the "
                      f"Dagtekening {m.dagtekening}; give the right date or DatumGebruik 3.")


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
        if m.date(p, "Einddatum") < m.date(p, "Begindatum"):
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


_BETWEEN_TAGS = re.compile(rb">\s+<")


@rule("TR101", "xslt", "0001", "301 305 307 315 317 323 325")
def tr101(m: Message, ctx):
    """No duplicate lines: two sibling elements of the same kind with identical content.

    Judged on every repeated element of the body (products, prestaties, clients, contacts),
    comparing content with layout whitespace between tags ignored. A 323 is compared on its
    prestatie records (every field), which is the same test at a fraction of the cost."""
    if m.id == "323":
        yield from _duplicate_prestaties(m)
        return
    if m.body is None:  # a 325 answering with 0001 has a header only
        return
    for parent in m.body.iter():
        if len(parent) < 2:
            continue
        by_tag = defaultdict(list)
        for child in parent:
            if isinstance(child.tag, str):
                by_tag[child.tag].append(child)
        for children in by_tag.values():
            if len(children) < 2:  # only repeated elements can duplicate
                continue
            seen: dict = {}
            for child in children:
                key = _BETWEEN_TAGS.sub(b"><", etree.tostring(child, with_tail=False))
                if key in seen:
                    yield child, (f"{local(child)} repeats {Message.path(seen[key])} exactly; "
                                  "send each line once.")
                else:
                    seen[key] = child


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
    columns = m.prestatie_columns
    if len(set(columns.referentie)) == len(columns.referentie):
        return  # the ReferentieNummer is part of a line: no two lines, nor clients, are equal
    keys = list(zip(columns.client, columns.contents()))  # lines compare by content
    for el, first in _repeats(keys, columns.element):
        yield el, f"Prestatie repeats {Message.path(first)} exactly; send each line once."
    seen_clients = {}
    for client, rows in groupby(keys, key=itemgetter(0)):  # a client's lines stand together
        key = tuple(map(itemgetter(1), rows))
        if key in seen_clients:
            yield client, (f"Client repeats {Message.path(seen_clients[key])} exactly; "
                           "send each client once.")
        else:
            seen_clients[key] = client


@rule("TR134", "xslt", "0001", "301 305 307 315 323 325")
def tr134(m: Message, ctx):
    """Dates that describe the past are not after the Dagtekening of the message.

    Judged on: every Geboortedatum (client, relaties), the 301's Toewijzingsdatum, the 323's
    DeclaratieDagtekening and the 325's DeclaratieIdentificatie/Dagtekening (the 323 answered
    must be older than its answer)."""
    dagtekening = m.dagtekening
    dates = [m.get(g, "Datum") for g in geboortedata(m)]
    if m.id == "301":
        dates += [m.get(p, "Toewijzingsdatum")
                  for p in m.all("ToegewezenProducten/ToegewezenProduct", m.body)]
    elif m.id == "323":
        dates.append(m.get(m.body, "DeclaratieDagtekening"))
    elif m.id == "325":
        dates.append(m.get(m.header, "DeclaratieIdentificatie/Dagtekening"))
    for el in dates:
        if el is not None and date.fromisoformat(el.text.strip()) > dagtekening:
            yield el, f"{local(el)} {el.text.strip()} lies after the Dagtekening {dagtekening}."


@rule("TR137", "xslt", "0001", "323 325")
def tr137(m: Message, ctx):
    """Einddatum of a period is on or after its Begindatum and not after the Dagtekening.

    Judged on the DeclaratiePeriode (323) and every ProductPeriode."""
    dagtekening = m.dagtekening.isoformat()
    periods = []
    if m.id == "323":
        p = m.get(m.body, "DeclaratiePeriode")
        periods.append((m.get(p, "Einddatum"), m.text(p, "Begindatum"), m.text(p, "Einddatum")))
    c = m.prestatie_columns
    if c.end and (max(c.end) > dagtekening or not all(map(le, c.begin, c.end))):
        periods += [(m.get(p.element, "ProductPeriode/Einddatum"), p.begin, p.end)
                    for p in m.prestaties if p.end < p.begin or p.end > dagtekening]
    for el, begin, end in periods:
        if end < begin:
            yield el, f"Einddatum {end} lies before Begindatum {begin}."
        elif end > dagtekening:
            yield el, (f"Einddatum {end} lies after the Dagtekening {dagtekening}: declare a "
                       "period once it has ended.")


@rule("TR302", "xslt", "0001", "301")
def tr302(m: Message, ctx):
    """A Product occurs more than once in a 301 only with periods that do not overlap.

    A toewijzing deleted with RedenWijziging 13 has no period and is left out."""
    periods = []
    for p in m.all("ToegewezenProducten/ToegewezenProduct", m.body):
        key = _product_key(m, p)
        if key and m.text(p, "RedenWijziging") != "13":
            periods.append((key, p, m.date(p, "Ingangsdatum"), m.date(p, "Einddatum")))
    for el, other in _overlaps(periods):
        yield el, (f"Product {'/'.join(filter(None, _product_key(m, el)))} is also assigned in "
                   f"{Message.path(other)} for an overlapping period.")


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
    """A debet prestatie is not credited in the same message."""
    c = m.prestatie_columns
    debet = set(compress(c.referentie, c.debet))
    for p in m.prestaties if debet.intersection(c.vorig) else ():  # the common case: no pair
        if not p.debet and p.vorig in debet:
            yield p.element, (f"This credit line credits debet line {p.vorig} of the same "
                              "declaratie; leave both out or credit it in a later declaratie.")


@rule("TR335", "xslt", "0001", "323")
def tr335(m: Message, ctx):
    """Einddatum of a ProductPeriode lies at most 5 years before the DeclaratieDagtekening."""
    limit = _years_before(m.date(m.body, "DeclaratieDagtekening"), 5).isoformat()
    if min(m.prestatie_columns.end) >= limit:
        return
    for p in m.prestaties:
        if p.end < limit:
            yield m.get(p.element, "ProductPeriode/Einddatum"), (
                f"ProductPeriode ends {p.end}, more than 5 years before the DeclaratieDagtekening.")


APPROVED = {"0200", "8001"}


@rule("TR342", "xslt", "0001", "325")
def tr342(m: Message, ctx):
    """A 325 lists only rejected prestaties: each carries a code other than 0200/8001 (0233
    marks a prestatie not assessed because its client was rejected)."""
    for p in m.prestaties:
        codes = {c.text.strip() for c in m.all("RetourCodes/RetourCode", p.element)}
        if codes <= APPROVED:
            yield p.element, ("An approved prestatie is listed in the 325; list only rejected "
                              "prestaties.")


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
    """The Einddatum of a TeWijzigenProduct lies after the Dagtekening of the verzoek.

    The rule text does not name the element. We judge the Einddatum of a TeWijzigenProduct:
    the VOW may shorten a running toewijzing, and an end on or before the day of the request
    would withdraw care retroactively, which the verzoek cannot ask for. GewensteIngangsdatum
    is not judged: asking for a change that starts today or earlier is allowed."""
    for p in m.all("Verzoek/TeWijzigenProducten/TeWijzigenProduct", m.body):
        end = m.date(p, "Einddatum")
        if end is not None and end <= m.dagtekening:
            yield m.get(p, "Einddatum"), (f"Einddatum {end} is not after the Dagtekening "
                                          f"{m.dagtekening}; a VOW cannot end a toewijzing "
                                          "retroactively.")


@rule("TR383", "xslt", "0001", "315")
def tr383(m: Message, ctx):
    """ReferentieAanbieder is unique per AangevraagdProduct within the message."""
    seen = set()
    for p in m.all("AangevraagdeProducten/AangevraagdProduct", m.body):
        ref = m.text(p, "ReferentieAanbieder")
        if ref in seen:
            yield m.get(p, "ReferentieAanbieder"), f"ReferentieAanbieder {ref} is used twice."
        seen.add(ref)


@rule("TR386", "xslt", "0001", "315")
def tr386(m: Message, ctx):
    """A Product occurs more than once in a VOT only with periods that do not overlap."""
    periods = [(_product_key(m, p), p, m.date(p, "ToewijzingIngangsdatum"),
                m.date(p, "ToewijzingEinddatum"))
               for p in m.all("AangevraagdeProducten/AangevraagdProduct", m.body)]
    for el, other in _overlaps([x for x in periods if x[0]]):
        yield el, f"The same product is requested in {Message.path(other)} for an overlapping period."


@rule("TR409", "xslt", "0001", "319", releases=names("ijw"))
def tr409(m: Message, ctx):
    """Without RedenAfwijzingVerzoek 8 there is no Woonplaatsbeginsel class."""
    if m.text(m.body, "RedenAfwijzingVerzoek") != "8" and m.get(m.body, "Woonplaatsbeginsel") is not None:
        yield m.get(m.body, "Woonplaatsbeginsel"), ("Woonplaatsbeginsel is only sent with "
                                                    "RedenAfwijzingVerzoek 8; leave it out.")


@rule("TR410", "xslt", "0001", "317")
def tr410(m: Message, ctx):
    """A Product occurs more than once among the NieuwProduct classes only with periods that
    do not overlap."""
    periods = [(_product_key(m, p), p, m.date(p, "GewensteIngangsdatum"), m.date(p, "Einddatum"))
               for p in m.all("Verzoek/NieuweProducten/NieuwProduct", m.body)]
    for el, other in _overlaps([x for x in periods if x[0]]):
        yield el, f"The same new product is requested in {Message.path(other)} for an overlapping period."


@rule("TR416", "xslt", "0001", "323")
def tr416(m: Message, ctx):
    """At most one debet prestatie per client, ToewijzingNummer, ProductCategorie, ProductCode
    and ProductPeriode within the message."""
    c = m.prestatie_columns
    toewijzingen = list(compress(c.toewijzing, c.debet))
    if len(set(toewijzingen)) == len(toewijzingen):
        return  # the common case: each toewijzing declared on one debet line
    keys = compress(zip(c.bsn, c.toewijzing, c.categorie, c.code, c.begin, c.end), c.debet)
    for el, first in _repeats(keys, compress(c.element, c.debet)):
        yield el, (f"A second debet line for the same toewijzing, product and period as "
                   f"{Message.path(first)}; declare one line per product period.")
