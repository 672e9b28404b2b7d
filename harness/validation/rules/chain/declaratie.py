"""Cross-message rules on the declaratie (323): each prestatie against its toewijzing and
against the prestaties declared before.

Volumes are compared in a common unit (`minuten`: an uur toewijzing may be declared in
minutes, TR341). Where a toewijzing's Omvang is a volume per dag/week/maand, the allowed volume
of a period is the Omvang times the number of those units the period touches: a week that runs
into the period counts whole, so a correct declaration is never rejected (a week's care is
declared in the month of its Sunday).
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from ....chain.records import minuten
from ....standard.codes import MINUUT, UUR
from ...message import Message, parse_date
from .. import rule

EENHEDEN = (
    "ketentest's reading of an Omvang per dag/week/maand: that volume for every such unit the "
    "period touches, so a week's care declared in the month of its Sunday is never rejected")
MAANDEN = (
    "ketentest's reading of 'if care was delivered every period': a gap of months breaks the "
    "rule only when the declaratie holds care in a skipped month")
LETTERLIJK = (
    "ketentest reads the rule's text literally: the 1st (or last) of the month, or the "
    "toewijzing's own Ingangsdatum (Einddatum) when that lies within the month")


def _met_toewijzing(m: Message, ctx):
    """(prestatie record, toewijzing) for every prestatie whose toewijzing is known."""
    for p in m.prestaties:
        t = ctx.state.toewijzing(p.toewijzing)
        if t is not None:
            yield p, t


def _el(p, path: str):
    """The element of a prestatie a finding points at."""
    for name in path.split("/"):
        p = next(c for c in p if c.tag.endswith("}" + name))
    return p


def perioden(frequentie: str | None, begin: date, end: date) -> int:
    """How many frequency units (dag 1, week 2, maand 4) the period touches; 1 for a total
    over the toewijzing's whole period (6)."""
    if frequentie == "1":
        return (end - begin).days + 1
    if frequentie == "2":  # weeks run Monday to Sunday
        return ((end - timedelta(end.weekday())) - (begin - timedelta(begin.weekday()))).days \
            // 7 + 1
    if frequentie == "4":
        return (end.year - begin.year) * 12 + end.month - begin.month + 1
    return 1


def past(eenheid: str, toegewezen: str | None) -> bool:
    """TR341: the prestatie's unit fits the toewijzing's: the same, or minutes for hours."""
    return toegewezen is None or eenheid == toegewezen or (eenheid, toegewezen) == (MINUUT, UUR)


@rule("TR307", "chain", "9307", "323")
def tr307(m: Message, ctx):
    """The ProductPeriode starts on or after the toewijzing's Ingangsdatum."""
    for p, t in _met_toewijzing(m, ctx):
        if p.begin < t.ingangsdatum:
            yield _el(p.element, "ProductPeriode/Begindatum"), (
                f"ProductPeriode starts {p.begin}, before toewijzing {t.nummer} starts "
                f"({t.ingangsdatum}).")


@rule("TR308", "chain", "9308", "323")
def tr308(m: Message, ctx):
    """The ProductPeriode ends on or before the toewijzing's Einddatum, if it has one."""
    for p, t in _met_toewijzing(m, ctx):
        if t.einddatum is not None and p.end > t.einddatum:
            yield _el(p.element, "ProductPeriode/Einddatum"), (
                f"ProductPeriode ends {p.end}, after toewijzing {t.nummer} ends ({t.einddatum}).")


@rule("TR314", "chain", "8021", "323")
def tr314(m: Message, ctx):
    """The ReferentieNummer of a prestatie is unique for the aanbieder: not declared before,
    nor twice in this declaratie."""
    seen = set()
    for p in m.prestaties:
        if p.referentie in ctx.state.prestaties or p.referentie in seen:
            yield _el(p.element, "ProductReferentie/ReferentieNummer"), (
                f"ReferentieNummer {p.referentie} was already declared; every prestatie line, "
                "also a credit line, gets a new number.")
        seen.add(p.referentie)


@rule("TR318", "chain", "8214", "323", keuze=MAANDEN)
def tr318(m: Message, ctx):
    """The DeclaratiePeriode is the calendar month after the previous declaratie's.

    "Indien iedere DeclaratiePeriode zorg is geleverd": a gap of months is judged a break only
    when this declaratie holds care in a skipped month (then care was delivered in it); a
    period on or before the previous one always is."""
    previous = ctx.state.laatste_periode
    if previous is None:
        return
    periode = m.get(m.body, "DeclaratiePeriode")
    begin = m.text(periode, "Begindatum")
    expected = _volgende_maand(previous[1])
    skipped = begin > expected and any(p.begin < begin and p.end >= expected
                                       for p in m.prestaties)
    if begin < expected or skipped:
        yield periode, (f"DeclaratiePeriode starts {begin}; after the previous declaratie "
                        f"({previous[0]} - {previous[1]}) the next one starts {expected}.")


def _volgende_maand(day: str) -> str:
    y, mo = int(day[:4]), int(day[5:7])
    return f"{y + mo // 12:04d}-{mo % 12 + 1:02d}-01"


@rule("TR319", "chain", "9319", "323")
def tr319(m: Message, ctx):
    """A ProductPeriode lies within the current or an earlier declaratieperiode."""
    end = m.text(m.body, "DeclaratiePeriode/Einddatum")
    for p in m.prestaties:
        if p.end > end:
            yield _el(p.element, "ProductPeriode"), (
                f"ProductPeriode ends {p.end}, after the DeclaratiePeriode ({end}); declare it "
                "in a later declaratie.")


@rule("TR321", "chain", "9321", "323", keuze=EENHEDEN)
def tr321(m: Message, ctx):
    """GeleverdVolume fits the toegewezen Omvang, if one was given: at most the Omvang per
    frequency unit times the units the ProductPeriode touches."""
    for p, t in _met_toewijzing(m, ctx):
        if t.volume is None or not p.debet or not past(p.eenheid, t.eenheid):
            continue
        allowed = minuten(t.volume, t.eenheid) * perioden(
            t.frequentie, parse_date(p.begin), parse_date(p.end))
        if minuten(p.volume, p.eenheid) > allowed:
            yield _el(p.element, "GeleverdVolume"), (
                f"GeleverdVolume {p.volume} exceeds what toewijzing {t.nummer} allows for "
                f"{p.begin} - {p.end} (Omvang {t.volume} {t.eenheid} per frequentie "
                f"{t.frequentie}).")


def _cumulatief(m: Message, ctx, limit):
    """Debet prestaties that bring the toewijzing's delivered volume (approved before, plus
    this declaratie's lines in order, credits subtracted) above `limit(toewijzing)`."""
    running = {}
    for p, t in _met_toewijzing(m, ctx):
        cap = limit(t)
        if cap is None:
            continue
        total = running.get(t.nummer, ctx.state.geleverd.get(t.nummer, 0))
        total += minuten(p.volume, p.eenheid) * (1 if p.debet else -1)
        running[t.nummer] = total
        if p.debet and total > cap:
            yield p, t, total, cap


def _totaal(t):
    """The Omvang over the toewijzing's whole period, when that is bounded."""
    if t.volume is None or (t.frequentie != "6" and t.einddatum is None):
        return None
    n = 1 if t.frequentie == "6" else perioden(
        t.frequentie, parse_date(t.ingangsdatum), parse_date(t.einddatum))
    return minuten(t.volume, t.eenheid) * n


@rule("TR322", "chain", "9322", "323", keuze=EENHEDEN)
def tr322(m: Message, ctx):
    """The sum of GeleverdVolume over all prestaties on a toewijzing with an Omvang fits the
    Omvang over its whole period."""
    for p, t, total, cap in _cumulatief(m, ctx, _totaal):
        yield _el(p.element, "GeleverdVolume"), (
            f"With this prestatie the volume declared on toewijzing {t.nummer} comes to {total}, "
            f"more than the {cap} assigned (in {'minutes' if t.eenheid == UUR else 'its unit'}).")


@rule("TR369", "chain", "9369", "323")
def tr369(m: Message, ctx):
    """The sum of GeleverdVolume over all prestaties on a toewijzing with a Budget fits it."""
    for p, t, total, cap in _cumulatief(m, ctx, lambda t: t.budget):
        yield _el(p.element, "GeleverdVolume"), (
            f"With this prestatie {total} is declared on toewijzing {t.nummer}, more than its "
            f"Budget {cap}.")


@rule("TR323", "chain", "8017", "323")
def tr323(m: Message, ctx):
    """A credit line relates to an earlier approved debet line (by VorigReferentieNummer, or
    by the key fields when it names none)."""
    for p in m.prestaties:
        if p.debet or ctx.state.gedebiteerd(p) is not None:
            continue
        earlier = ctx.state.prestaties.get(p.vorig) if p.vorig else None
        if earlier is None or not earlier.gecrediteerd:  # credited twice: TR390
            yield p.element, ("This credit line names no approved debet line declared before "
                              f"({p.vorig or 'no VorigReferentieNummer'}).")


@rule("TR390", "chain", "9390", "323")
def tr390(m: Message, ctx):
    """A debet line is credited once: no credit for a line that already has one."""
    for p in m.prestaties:
        earlier = ctx.state.prestaties.get(p.vorig) if p.vorig and not p.debet else None
        if earlier is not None and earlier.gecrediteerd:
            yield p.element, f"Debet line {p.vorig} was already credited."


@rule("TR389", "chain", "9389", "323")
def tr389(m: Message, ctx):
    """A debet line is sent for a productperiode, client, toewijzing and product only when no
    approved debet is standing for it: credit that one first (in this declaratie or earlier)."""
    credited = {id(ctx.state.gedebiteerd(p)) for p in m.prestaties if not p.debet}
    for p in m.prestaties:
        if not p.debet:
            continue
        standing = ctx.state.live.get((p.bsn, p.toewijzing, p.categorie, p.code, p.begin, p.end))
        if standing is not None and id(standing) not in credited:
            yield p.element, (f"Debet line {standing.referentie} for this period, client, "
                              "toewijzing and product was already approved; credit it before "
                              "declaring again.")


@rule("TR333", "chain", "9333", "323")
def tr333(m: Message, ctx):
    """The DeclaratieNummer is unique for the aanbieder."""
    nummer = m.text(m.body, "DeclaratieNummer")
    if nummer in ctx.state.declaratie_nummers:
        yield m.get(m.body, "DeclaratieNummer"), f"DeclaratieNummer {nummer} was already used."


@rule("TR338", "chain", "9338", "323")
def tr338(m: Message, ctx):
    """Every prestatie relates to a toegewezen product by its ToewijzingNummer."""
    for p in m.prestaties:
        if ctx.state.toewijzing(p.toewijzing) is None:
            yield _el(p.element, "ToewijzingNummer"), (
                f"No toewijzing {p.toewijzing} is known; declare only on toewijzingen the "
                "gemeente sent (301).")


@rule("TR339", "chain", "9339", "323")
def tr339(m: Message, ctx):
    """ProductCategorie equals the toewijzing's, if it has one."""
    for p, t in _met_toewijzing(m, ctx):
        if t.categorie is not None and p.categorie != t.categorie:
            yield _el(p.element, "ProductCategorie"), (
                f"ProductCategorie {p.categorie} differs from {t.categorie} in toewijzing {t.nummer}.")


@rule("TR340", "chain", "9340", "323")
def tr340(m: Message, ctx):
    """ProductCode equals the toewijzing's, if it has one."""
    for p, t in _met_toewijzing(m, ctx):
        if t.code is not None and p.code != t.code:
            yield _el(p.element, "ProductCode"), (
                f"ProductCode {p.code} differs from {t.code} in toewijzing {t.nummer}.")


@rule("TR341", "chain", "9341", "323")
def tr341(m: Message, ctx):
    """The prestatie's Eenheid fits the toewijzing's: the same, or minuut (01) for uur (04)."""
    for p, t in _met_toewijzing(m, ctx):
        if not past(p.eenheid, t.eenheid):
            yield _el(p.element, "Eenheid"), (
                f"Eenheid {p.eenheid} does not fit Eenheid {t.eenheid} of toewijzing "
                f"{t.nummer}; declare in the toewijzing's unit (hours may be declared in "
                "minutes).")


@rule("TR384", "chain", "9384", "323")
def tr384(m: Message, ctx):
    """No declaring on a toewijzing deleted with RedenWijziging 13."""
    for p, t in _met_toewijzing(m, ctx):
        if t.verwijderd:
            yield _el(p.element, "ToewijzingNummer"), (
                f"Toewijzing {t.nummer} was deleted (RedenWijziging 13); nothing can be "
                "declared on it.")


@rule("TR387", "chain", "9387", "323", keuze=LETTERLIJK)
def tr387(m: Message, ctx):
    """A ProductPeriode starts on the first of its month, or on the toewijzing's Ingangsdatum
    when that lies later in the month."""
    for p in m.prestaties:
        t = ctx.state.toewijzing(p.toewijzing)
        first = p.begin[:8] + "01"
        if p.begin != first and not (t and t.ingangsdatum[:7] == p.begin[:7]
                                     and p.begin == t.ingangsdatum):
            yield _el(p.element, "ProductPeriode/Begindatum"), (
                f"ProductPeriode starts {p.begin}; it starts on {first}, the first of the month, "
                "unless the toewijzing starts later in that month.")


@rule("TR388", "chain", "9388", "323", keuze=LETTERLIJK)
def tr388(m: Message, ctx):
    """A ProductPeriode ends on the last of its month, or on the toewijzing's Einddatum when
    that lies earlier in the month."""
    for p in m.prestaties:
        t = ctx.state.toewijzing(p.toewijzing)
        y, mo = int(p.end[:4]), int(p.end[5:7])
        last = f"{p.end[:8]}{calendar.monthrange(y, mo)[1]:02d}"
        if p.end != last and not (t and t.einddatum and t.einddatum[:7] == p.end[:7]
                                  and p.end == t.einddatum):
            yield _el(p.element, "ProductPeriode/Einddatum"), (
                f"ProductPeriode ends {p.end}; it ends on {last}, the last of the month, "
                "unless the toewijzing ends earlier in that month.")
