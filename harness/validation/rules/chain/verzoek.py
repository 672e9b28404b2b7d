"""Cross-message rules on verzoeken (315 VOT, 317 VOW) and their answers (319).

A VOT is answered per AangevraagdProduct (each has its own ReferentieAanbieder), a VOW as a
whole. A verzoek is onderhanden until a 301 honours it or a 319 refuses it; a 319 with
VerzoekAntwoord 2 (in onderzoek) keeps it open for one final answer.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from ....standard.codes import IN_ONDERZOEK
from ...message import Message, parse_date
from .. import rule

LEGE_OMVANG_NA = "2020-12-31"  # TR375/TR412: from 2021 on, no Omvang without a product code


def _overlaps(periods):
    """Pairs of (element, start, end) lists that overlap, by product key; end None = open."""
    by_key = defaultdict(list)
    for key, el, start, end in periods:
        by_key[key].append((start, end or date.max, el))
    for items in by_key.values():
        items.sort(key=lambda x: x[0])
        latest_end, latest_el = None, None
        for start, end, el in items:
            if latest_end is not None and start <= latest_end:
                yield el, latest_el
            if latest_end is None or end > latest_end:
                latest_end, latest_el = end, el


def _referenties(m: Message):
    """(element, ReferentieAanbieder) of the verzoeken in a 315 or 317."""
    if m.id == "315":
        return [(m.get(p, "ReferentieAanbieder"), m.text(p, "ReferentieAanbieder"))
                for p in m.all("AangevraagdeProducten/AangevraagdProduct", m.body)]
    return [(m.get(m.body, "Verzoek/ReferentieAanbieder"),
             m.text(m.body, "Verzoek/ReferentieAanbieder"))]


def _gewijzigd(m: Message):
    """(element, ToewijzingNummer) of every OngewijzigdProduct and TeWijzigenProduct."""
    verzoek = m.get(m.body, "Verzoek")
    for path in ("OngewijzigdeProducten/OngewijzigdProduct",
                 "TeWijzigenProducten/TeWijzigenProduct"):
        for p in m.all(path, verzoek):
            yield p, m.text(p, "ToewijzingNummer")


def _te_wijzigen(m: Message, ctx):
    """(element, toewijzing) of every TeWijzigenProduct naming a known toewijzing."""
    for p in m.all("TeWijzigenProducten/TeWijzigenProduct", m.get(m.body, "Verzoek")):
        t = ctx.state.toewijzing(m.text(p, "ToewijzingNummer"))
        if t is not None:
            yield p, t


@rule("TR347", "chain", "9347", "315 317")
def tr347(m: Message, ctx):
    """ReferentieAanbieder is unique for the aanbieder: not used by an earlier verzoek, nor
    twice in this one."""
    seen = set()
    for el, ref in _referenties(m):
        if ref in ctx.state.verzoeken or ref in seen:
            yield el, (f"ReferentieAanbieder {ref} was already used for a verzoek; give every "
                       "verzoek (every product of a VOT) a new reference.")
        seen.add(ref)


@rule("TR374", "chain", "9374", "315 317")
def tr374(m: Message, ctx):
    """A verzoek is sent only when no earlier verzoek for the client is still onderhanden."""
    open_ = ctx.state.onderhanden(m.text(m.body, "Bsn"))
    if open_:
        yield m.body, (f"Verzoek {open_[0].referentie} for this client is not answered yet; "
                       "wait for the gemeente's 301 or 319 before sending a new verzoek.")


@rule("TR349", "chain", "9349", "317")
def tr349(m: Message, ctx):
    """A VOW lists every current toegewezen product of the client (as OngewijzigdProduct or
    TeWijzigenProduct): it holds the whole desired situation.

    Current: not deleted and not ended before the VOW's Dagtekening."""
    day = m.dagtekening_text
    listed = {nummer for _, nummer in _gewijzigd(m)}
    missing = [t.nummer for t in ctx.state.toewijzingen_van(m.text(m.body, "Bsn"))
               if t.actueel(day) and t.nummer not in listed]
    if missing:
        yield m.get(m.body, "Verzoek"), (
            f"The verzoek leaves out current toewijzing(en) {', '.join(missing)}; list each as "
            "OngewijzigdProduct or TeWijzigenProduct.")


def _niet_actueel(m: Message, ctx, path: str):
    day, bsn = m.dagtekening_text, m.text(m.body, "Bsn")
    for p in m.all(path, m.get(m.body, "Verzoek")):
        nummer = m.text(p, "ToewijzingNummer")
        t = ctx.state.toewijzing(nummer)
        if t is None or (t.bsn == bsn and not t.actueel(day)):
            yield m.get(p, "ToewijzingNummer"), (
                f"ToewijzingNummer {nummer} names no current toewijzing of this client "
                f"({'unknown' if t is None else 'ended or deleted'}).")


@rule("TR350", "chain", "9350", "317")
def tr350(m: Message, ctx):
    """Every OngewijzigdProduct names a current toewijzing by its ToewijzingNummer."""
    yield from _niet_actueel(m, ctx, "OngewijzigdeProducten/OngewijzigdProduct")


@rule("TR351", "chain", "9351", "317")
def tr351(m: Message, ctx):
    """Every TeWijzigenProduct names a current toewijzing by its ToewijzingNummer."""
    yield from _niet_actueel(m, ctx, "TeWijzigenProducten/TeWijzigenProduct")


@rule("TR357", "chain", "9357", "317")
def tr357(m: Message, ctx):
    """A GewensteIngangsdatum on or before the Dagtekening equals the Ingangsdatum of the
    toewijzing being changed."""
    day = m.dagtekening_text
    for p, t in _te_wijzigen(m, ctx):
        gewenst = m.text(p, "GewensteIngangsdatum")
        if gewenst <= day and gewenst != t.ingangsdatum:
            yield m.get(p, "GewensteIngangsdatum"), (
                f"GewensteIngangsdatum {gewenst} is not after the Dagtekening, so it must be the "
                f"toewijzing's Ingangsdatum {t.ingangsdatum}.")


@rule("TR361", "chain", "9361", "317")
def tr361(m: Message, ctx):
    """A product occurs more than once in a VOW only with periods that do not overlap.

    Periods: an OngewijzigdProduct has its toewijzing's; a TeWijzigenProduct runs from its
    toewijzing's Ingangsdatum to its own Einddatum (open without one); a NieuwProduct from its
    GewensteIngangsdatum to its Einddatum. Products without a code are not compared."""
    verzoek = m.get(m.body, "Verzoek")
    periods = []
    for p in m.all("OngewijzigdeProducten/OngewijzigdProduct", verzoek):
        t = ctx.state.toewijzing(m.text(p, "ToewijzingNummer"))
        if t is not None and t.code:
            periods.append((t.product, p, _d(t.ingangsdatum), _d(t.einddatum)))
    for p, t in _te_wijzigen(m, ctx):
        if t.code:
            periods.append((t.product, p, _d(t.ingangsdatum), m.date(p, "Einddatum")))
    for p in m.all("NieuweProducten/NieuwProduct", verzoek):
        product = (m.text(p, "Product/Categorie"), m.text(p, "Product/Code"))
        if product[1]:
            periods.append((product, p, m.date(p, "GewensteIngangsdatum"),
                            m.date(p, "Einddatum")))
    for el, other in _overlaps(periods):
        yield el, (f"This product also occurs in {Message.path(other)} for an overlapping "
                   "period.")


def _d(text: str | None) -> date | None:
    return parse_date(text) if text else None


@rule("TR373", "chain", "9373", "317")
def tr373(m: Message, ctx):
    """A change of Budget, or of an Omvang given as a total over the toewijzing's period
    (Frequentie 6), starts on the toewijzing's Ingangsdatum."""
    for p, t in _te_wijzigen(m, ctx):
        budget = m.text(p, "Budget")
        totaal = m.text(p, "Omvang/Frequentie") == "6" and (
            int(m.text(p, "Omvang/Volume")), m.text(p, "Omvang/Eenheid")) != (t.volume, t.eenheid)
        changed = (budget is not None and int(budget) != t.budget) or totaal
        if changed and m.text(p, "GewensteIngangsdatum") != t.ingangsdatum:
            yield m.get(p, "GewensteIngangsdatum"), (
                "A changed Budget or total Omvang applies to the whole toewijzing: "
                f"GewensteIngangsdatum must be its Ingangsdatum {t.ingangsdatum}.")


def _omvang_regel(m: Message, ctx, wanted):
    """TeWijzigenProducten whose Omvang (present or not) breaks `wanted(toewijzing, omvang)`."""
    for p, t in _te_wijzigen(m, ctx):
        omvang = m.get(p, "Omvang")
        if not wanted(t, omvang):
            yield omvang if omvang is not None else p, t


def _lopend_na_2020(t) -> bool:
    return t.einddatum is None or t.einddatum > LEGE_OMVANG_NA


@rule("TR375", "chain", "9375", "317")
def tr375(m: Message, ctx):
    """Omvang stays empty when the toewijzing has no Product and ends after 31-12-2020 (or
    not at all)."""
    for el, t in _omvang_regel(m, ctx, lambda t, o: not (
            o is not None and t.categorie is None and _lopend_na_2020(t))):
        yield el, (f"Toewijzing {t.nummer} has no product, so the verzoek gives no Omvang "
                   "for it.")


@rule("TR411", "chain", "9411", "317")
def tr411(m: Message, ctx):
    """Omvang is filled when the toewijzing's Product has a Code."""
    for el, t in _omvang_regel(m, ctx, lambda t, o: o is not None or not t.code):
        yield el, (f"Toewijzing {t.nummer} is for product code {t.code}: give the desired "
                   "Omvang.")


@rule("TR412", "chain", "9412", "317")
def tr412(m: Message, ctx):
    """Omvang stays empty when the toewijzing's Product has no Code and it ends after
    31-12-2020 (or not at all)."""
    for el, t in _omvang_regel(m, ctx, lambda t, o: not (
            o is not None and not t.code and _lopend_na_2020(t))):
        yield el, (f"Toewijzing {t.nummer} has no product code, so the verzoek gives no "
                   "Omvang for it.")


def _antwoord(m: Message, ctx):
    ref = m.text(m.body, "ReferentieAanbieder")
    return ref, ctx.state.verzoeken.get(ref), m.get(m.body, "ReferentieAanbieder")


@rule("TR355", "chain", "9355", "319")
def tr355(m: Message, ctx):
    """The answer's ReferentieAanbieder names an earlier VOT or VOW."""
    ref, verzoek, el = _antwoord(m, ctx)
    if verzoek is None:
        yield el, f"ReferentieAanbieder {ref} names no verzoek (315/317) received from the aanbieder."


@rule("TR359", "chain", "9359", "319")
def tr359(m: Message, ctx):
    """No antwoordbericht on a verzoek already honoured by a toewijzing (301)."""
    ref, _, el = _antwoord(m, ctx)
    if ref in ctx.state.toegewezen_refs:
        yield el, f"Verzoek {ref} was already honoured with a toewijzing (301); no 319 follows."


@rule("TR360", "chain", "9360", "319")
def tr360(m: Message, ctx):
    """"In onderzoek" (VerzoekAntwoord 2) is only the first answer to a verzoek."""
    ref, verzoek, el = _antwoord(m, ctx)
    if m.text(m.body, "VerzoekAntwoord") == IN_ONDERZOEK and verzoek and verzoek.antwoorden:
        yield m.get(m.body, "VerzoekAntwoord"), (
            f"Verzoek {ref} was already answered; 'in onderzoek' can only be the first answer.")


@rule("TR365", "chain", "9365", "319")
def tr365(m: Message, ctx):
    """A second answer follows only an 'in onderzoek' (VerzoekAntwoord 2) answer."""
    ref, verzoek, el = _antwoord(m, ctx)
    if verzoek and verzoek.antwoorden and verzoek.antwoorden[-1] != IN_ONDERZOEK:
        yield el, (f"Verzoek {ref} already has a final answer; only an answer 'in onderzoek' "
                   "may be followed by another.")

