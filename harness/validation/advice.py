"""Advisory process checks: bedrijfsregels (OP) and invulinstructies (IV) that no technical
rule enforces and no receiver rejects for, but that the chain shows when a party breaks them.

Each check is a pure function of a message (its view), the chain state before it (what the
receiver had processed: `harness.chain.ChainState`) and the day it was received; it yields
(element, text) like a rule. `advise` runs those that apply and gives `Advies` (the id of the
OP or IV, where, what). A run reports them as warnings and fails on them only with
`--strict`; the exchange never rejects for them.

Chosen where the chain's state can judge them (the rule pages' toelichting in the standard):

| id | message | checks |
|---|---|---|
| IV099 | 301 | RedenWijziging: none on a new toewijzing (a new ToewijzingNummer, IV066), one on a toegewezen product that changed since it was last sent (Einddatum, Omvang, Budget: an intrekking or verlenging) |
| OP186 | 301 | a toewijzing ended in the past (its Einddatum moved before the 301's Dagtekening; a deletion, RedenWijziging 13, is another matter) is only sent in agreement with the aanbieder |
| OP259 | 301 | no second toewijzing of the same product to the client for (part of) the same period |
| OP363 | 305 | a start lies within its toewijzing: Begindatum on or after its Ingangsdatum, not after its Einddatum |
| IV096 | 305, 307 | with the ToewijzingNummer as key, a ToewijzingIngangsdatum beside it is the toewijzing's own |
| OP011 | 305 | a start is reported once the care has started: Begindatum not after the 305's Dagtekening |
| IV087 | 325 | a 325 that awards the whole declaratie (nothing rejected) says so with 8001 on DeclaratieAntwoord; 8001 only then |
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from ..standard.codes import FILLERS, GOEDGEKEURD, VERWIJDERD
from .message import Message

Check = Callable[[Message, object, date], Iterable[tuple[object, str]]]


@dataclass(frozen=True)
class Controle:
    """A registered advisory check: its OP/IV id, the messages it looks at, the function."""

    id: str
    messages: frozenset[str]
    check: Check

    @property
    def summary(self) -> str:
        return " ".join((self.check.__doc__ or "").strip().split("\n\n")[0].split())


@dataclass(frozen=True)
class Advies:
    """A bedrijfsregel or invulinstructie the message does not follow (advisory)."""

    id: str  # OP186, IV099
    message: str  # WMO301
    path: str
    text: str

    def as_dict(self) -> dict:
        return {"rule": self.id, "message": self.message, "path": self.path, "text": self.text}


CHECKS: dict[str, Controle] = {}


def advice(id: str, messages: str):
    """Register an advisory check: @advice("OP186", "301")."""
    def register(fn: Check) -> Check:
        CHECKS[id] = Controle(id, frozenset(messages.split()), fn)
        return fn
    return register


def advise(m: Message, state, day: date) -> list[Advies]:
    """The advisory checks `m` (received on `day`, after the chain `state`) does not pass."""
    return [Advies(c.id, m.definition.name, m.where(el), text)
            for c in CHECKS.values() if m.id in c.messages
            for el, text in c.check(m, state, day)]


# ------------------------------------------------------------------ the toewijzing (301)
def _toegewezen(m: Message):
    bsn = m.text(m.body, "Bsn")
    for p in m.all("ToegewezenProducten/ToegewezenProduct", m.body):
        yield bsn, p


def _int(text):
    return int(text) if text else None


def _changes(m: Message, p, t) -> list[str]:
    """What a ToegewezenProduct changes against the toewijzing `t` as last sent."""
    now = {"Einddatum": m.text(p, "Einddatum"), "Omvang/Volume": _int(m.text(p, "Omvang/Volume")),
           "Omvang/Frequentie": m.text(p, "Omvang/Frequentie"),
           "Budget": _int(m.text(p, "Budget"))}
    before = {"Einddatum": t.einddatum, "Omvang/Volume": t.volume,
              "Omvang/Frequentie": t.frequentie, "Budget": t.budget}
    return [f"{k} {before[k] or '(none)'} -> {now[k] or '(none)'}" for k in now
            if now[k] != before[k]]


@advice("IV099", "301")
def iv099(m: Message, state, day: date):
    """RedenWijziging is empty on a new toewijzing (a new ToewijzingNummer) and filled on a
    toegewezen product that changed since it was last sent (an intrekking, a verlenging)."""
    for bsn, p in _toegewezen(m):
        nummer, reden = m.text(p, "ToewijzingNummer"), m.text(p, "RedenWijziging")
        t = state.toewijzing(nummer)
        if t is None and reden:
            yield m.get(p, "RedenWijziging"), (
                f"Toewijzing {nummer} is new, yet carries RedenWijziging {reden}; an initial "
                "toewijzing has none (IV066).")
        elif t is not None and not reden and (changed := _changes(m, p, t)):
            yield p, (f"Toewijzing {nummer} changes ({'; '.join(changed)}) without a "
                      "RedenWijziging saying why.")


@advice("OP186", "301")
def op186(m: Message, state, day: date):
    """A toewijzing is ended in the past (its Einddatum moved to before the 301's Dagtekening)
    only in agreement with the aanbieder."""
    dagtekening = m.dagtekening_text
    for bsn, p in _toegewezen(m):
        t = state.toewijzing(m.text(p, "ToewijzingNummer"))
        einde = m.text(p, "Einddatum")
        if t is not None and einde and einde < dagtekening and \
                (t.einddatum is None or einde < t.einddatum) and \
                m.text(p, "RedenWijziging") != VERWIJDERD:  # a deletion: OP362, not this
            yield m.get(p, "Einddatum"), (
                f"Toewijzing {t.nummer} now ends {einde}, before this 301's Dagtekening "
                f"{dagtekening}: ending a toewijzing in the past needs the aanbieder's "
                "agreement.")


def _overlap(a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
    return (a[1] is None or b[0] <= a[1]) and (b[1] is None or a[0] <= b[1])


@advice("OP259", "301")
def op259(m: Message, state, day: date):
    """No second toewijzing of the same product to the client for (part of) the same period."""
    here = {m.text(p, "ToewijzingNummer"): (bsn, p) for bsn, p in _toegewezen(m)}
    periods = {}  # ToewijzingNummer -> (bsn, product, (ingang, einde)), after this message
    for bsn, p in here.values():
        nummer = m.text(p, "ToewijzingNummer")
        periods[nummer] = (bsn, (m.text(p, "Product/Categorie"), m.text(p, "Product/Code")),
                           (m.text(p, "Ingangsdatum"), m.text(p, "Einddatum")),
                           m.text(p, "RedenWijziging") == VERWIJDERD)
    for bsn in {b for b, _ in here.values()}:
        for t in state.toewijzingen_van(bsn):
            periods.setdefault(t.nummer, (t.bsn, t.product, (t.ingangsdatum, t.einddatum),
                                          t.verwijderd))
    for nummer, (bsn, p) in here.items():
        if state.toewijzing(nummer) is not None:
            continue  # only a new toewijzing can double one
        _, product, period, _ = periods[nummer]
        for other, (obsn, oproduct, operiod, weg) in periods.items():
            if other != nummer and not weg and (obsn, oproduct) == (bsn, product) \
                    and operiod[0] != (operiod[1] or "") and _overlap(period, operiod):
                yield m.get(p, "ToewijzingNummer"), (
                    f"Toewijzing {nummer} assigns product {'/'.join(filter(None, product))} "
                    f"to client {bsn} for {period[0]} - {period[1] or '...'}, which toewijzing "
                    f"{other} ({operiod[0]} - {operiod[1] or '...'}) already covers.")
                break


# ------------------------------------------------------------------ start and stop (305/307)
def _met_nummer(m: Message, klasse: str):
    for p in m.all(f"{klasse}en/{klasse}", m.body):
        nummer = m.text(p, "ToewijzingNummer")
        if nummer:
            yield p, nummer


@advice("OP363", "305")
def op363(m: Message, state, day: date):
    """A start lies within its toewijzing: its Begindatum on or after the toewijzing's
    Ingangsdatum and not after its Einddatum."""
    for p, nummer in _met_nummer(m, "StartProduct"):
        t, begin = state.toewijzing(nummer), m.text(p, "Begindatum")
        if t is None or not begin:
            continue
        if begin < t.ingangsdatum or (t.einddatum and begin > t.einddatum):
            yield m.get(p, "Begindatum"), (
                f"Begindatum {begin} lies outside toewijzing {nummer} ({t.ingangsdatum} - "
                f"{t.einddatum or '...'}): start the care the toewijzing covers.")


@advice("IV096", "305 307")
def iv096(m: Message, state, day: date):
    """With the ToewijzingNummer as key, a ToewijzingIngangsdatum beside it is the
    toewijzing's own Ingangsdatum."""
    for p, nummer in _met_nummer(m, "StartProduct" if m.id == "305" else "StopProduct"):
        t, ingang = state.toewijzing(nummer), m.text(p, "ToewijzingIngangsdatum")
        if t is not None and ingang and ingang != t.ingangsdatum:
            yield m.get(p, "ToewijzingIngangsdatum"), (
                f"ToewijzingIngangsdatum {ingang} differs from the Ingangsdatum "
                f"{t.ingangsdatum} of toewijzing {nummer}.")


@advice("OP011", "305")
def op011(m: Message, state, day: date):
    """A start is reported once the care has started: its Begindatum is not after the 305's
    Dagtekening."""
    dagtekening = m.dagtekening_text
    for p in m.all("StartProducten/StartProduct", m.body):
        begin = m.text(p, "Begindatum")
        if begin and begin > dagtekening:
            yield m.get(p, "Begindatum"), (
                f"Begindatum {begin} lies after the 305's Dagtekening {dagtekening}: report "
                "a start when the care has actually started.")


# ------------------------------------------------------------------ the 325
@advice("IV087", "325")
def iv087(m: Message, state, day: date):
    """A 325 that rejects nothing (no prestatie listed, the whole TotaalIngediendBedrag
    awarded) carries 8001 on DeclaratieAntwoord; 8001 only then."""
    body = m.body
    if body is None:
        return
    codes = {c.text for c in m.all("RetourCodes/RetourCode", body)}
    ingediend = m.amount(m.get(body, "TotaalIngediendBedrag"))
    toegekend = m.amount(m.get(body, "TotaalToegekendBedrag"))
    geheel = not list(m.prestaties) and ingediend == toegekend
    if geheel and codes <= FILLERS:
        yield body, ("The declaratie is awarded in full (nothing listed, TotaalToegekendBedrag "
                     f"{toegekend} = TotaalIngediendBedrag): DeclaratieAntwoord carries 8001.")
    elif GOEDGEKEURD in codes and not geheel:
        yield body, (f"DeclaratieAntwoord carries 8001 (awarded in full), but "
                     f"{toegekend} of {ingediend} is awarded.")
