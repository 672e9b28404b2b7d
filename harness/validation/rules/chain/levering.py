"""Cross-message rules on start (305) and stop (307) of a delivery.

A StartProduct's key is Bsn + ToewijzingNummer (or, without one, product and
ToewijzingIngangsdatum) + Begindatum; a StopProduct repeats its start's key (TR382). After a
temporary stop (RedenBeeindiging 20) a definitive one may follow on the same key; a restart is
a new 305 with a new Begindatum. Corrections delete (StatusAanlevering 3) and send anew (1).
"""
from __future__ import annotations

from ....chain.records import levering_product
from ....standard.codes import NIEUW, TIJDELIJK, VERWIJDEREN
from ...message import Message
from .. import rule

NIEUW_OF_GEWIJZIGD = (NIEUW, "2")

SLEUTEL = (
    "the key of a start and of a stop is ketentest's reading: Bsn + ToewijzingNummer (or "
    "product + ToewijzingIngangsdatum) + Begindatum, a stop repeating its start's key; after a "
    "temporary stop one definitive stop may follow on it")


def _producten(m: Message, klasse: str):
    """(element, key, StatusAanlevering) of every Start/StopProduct of the message."""
    bsn = m.text(m.body, "Bsn")
    for p in m.all(f"{klasse}en/{klasse}", m.body):
        yield p, (bsn, levering_product(m, p), m.text(p, "Begindatum")), \
            m.text(p, "StatusAanlevering")


def _eerdere_stops(m: Message, ctx, key) -> list:
    """The stops received earlier on `key`, less those this message deletes: a correction
    may delete a stop (StatusAanlevering 3) and send its replacement in one 307 (the 3.2 case
    descriptions, casus 4), so the replacement is judged without the stop it replaces."""
    weg = {(m.text(p, "RedenBeeindiging"), m.text(p, "Einddatum"))
           for p, k, status in _producten(m, "StopProduct") if k == key and status == VERWIJDEREN}
    return [s for s in ctx.state.stops.get(key, ()) if (s.reden, s.einddatum) not in weg]


def _sleutel(key) -> str:
    return f"Bsn {key[0]}, product {key[1]}, Begindatum {key[2]}"


@rule("TR019", "chain", "9019", "305 307")
def tr019(m: Message, ctx):
    """A start or stop with a ToewijzingNummer (output or inspanning) relates to a toewijzing of
    this client with that number."""
    bsn = m.text(m.body, "Bsn")
    klasse = "StartProduct" if m.id == "305" else "StopProduct"
    for p in m.all(f"{klasse}en/{klasse}", m.body):
        nummer = m.text(p, "ToewijzingNummer")
        t = ctx.state.toewijzing(nummer)
        if nummer and (t is None or t.bsn != bsn):
            yield m.get(p, "ToewijzingNummer"), (
                f"No toewijzing {nummer} for client {bsn} is known: start or stop only a "
                "product the gemeente assigned to this client (301).")


@rule("TR063", "chain", "9063", "305 307", keuze=SLEUTEL)
def tr063(m: Message, ctx):
    """A deletion (StatusAanlevering 3) names an earlier start or stop with the same key."""
    state = ctx.state
    for p, key, status in _producten(m, "StartProduct" if m.id == "305" else "StopProduct"):
        known = key in state.starts if m.id == "305" else bool(state.stops.get(key))
        if status == VERWIJDEREN and not known:
            yield m.get(p, "StatusAanlevering"), (
                f"Nothing to delete: no earlier {'start' if m.id == '305' else 'stop'} with "
                f"{_sleutel(key)} was received.")


@rule("TR071", "chain", "9071", "305")
def tr071(m: Message, ctx):
    """A start cannot be deleted once a stop was sent for it: delete the stop first."""
    for p, key, status in _producten(m, "StartProduct"):
        if status == VERWIJDEREN and ctx.state.stops.get(key):
            yield m.get(p, "StatusAanlevering"), (
                f"The start with {_sleutel(key)} has a stop; delete the stop (307 with "
                "StatusAanlevering 3) before deleting the start.")


@rule("TR074", "chain", "9074", "305 307", keuze=SLEUTEL)
def tr074(m: Message, ctx):
    """A new start or stop (StatusAanlevering 1) is not a repeat of one already received.

    For a stop the whole stop counts (key, RedenBeeindiging, Einddatum): a definitive stop may
    follow a temporary one on the same key (TR413-TR415 judge that sequence)."""
    state = ctx.state
    if m.id == "305":
        for p, key, status in _producten(m, "StartProduct"):
            if status == NIEUW and key in state.starts:
                yield p, f"A start with {_sleutel(key)} was already received."
        return
    for p, key, status in _producten(m, "StopProduct"):
        stop = (m.text(p, "RedenBeeindiging"), m.text(p, "Einddatum"))
        if status == NIEUW and any((s.reden, s.einddatum) == stop
                                   for s in _eerdere_stops(m, ctx, key)):
            yield p, f"This stop on {_sleutel(key)} was already received."


@rule("TR326", "chain", "9326", "305")
def tr326(m: Message, ctx):
    """A new start is sent only when the product has no current (unstopped) start."""
    for p, key, status in _producten(m, "StartProduct"):
        current = ctx.state.actuele_start(key[0], key[1])
        if status == NIEUW and current is not None and current.key != key:
            yield p, (f"Product {key[1]} of client {key[0]} is still delivered since "
                      f"{current.begindatum}: send a stop (307) before a new start.")


@rule("TR382", "chain", "9069", "307", keuze=SLEUTEL)
def tr382(m: Message, ctx):
    """A stop carries the key of a current start unchanged (Bsn, ToewijzingNummer or product,
    Begindatum)."""
    for p, key, status in _producten(m, "StopProduct"):
        if status in NIEUW_OF_GEWIJZIGD and key not in ctx.state.starts:
            yield p, (f"No start with {_sleutel(key)} is known: copy the key elements of the "
                      "start (305) into the stop unchanged.")


@rule("TR413", "chain", "9413", "307", keuze=SLEUTEL)
def tr413(m: Message, ctx):
    """After a temporary stop (RedenBeeindiging 20) on a key, a new stop on it is definitive."""
    for p, key, status in _producten(m, "StopProduct"):
        if status in NIEUW_OF_GEWIJZIGD and m.text(p, "RedenBeeindiging") == TIJDELIJK and \
                any(s.tijdelijk for s in _eerdere_stops(m, ctx, key)):
            yield m.get(p, "RedenBeeindiging"), (
                f"The delivery on {_sleutel(key)} is already stopped temporarily; a second stop "
                "must give a definitive RedenBeeindiging (not 20), or restart with a new 305.")


@rule("TR414", "chain", "9414", "307", keuze=SLEUTEL)
def tr414(m: Message, ctx):
    """A further stop on a key ends on or after the Einddatum of the stop already there."""
    for p, key, status in _producten(m, "StopProduct"):
        einde = m.text(p, "Einddatum")
        earlier = [s.einddatum for s in _eerdere_stops(m, ctx, key)]
        if status in NIEUW_OF_GEWIJZIGD and earlier and einde < max(earlier):
            yield m.get(p, "Einddatum"), (
                f"Einddatum {einde} lies before the Einddatum {max(earlier)} of the stop already "
                f"received on {_sleutel(key)}.")


@rule("TR415", "chain", "9415", "307", keuze=SLEUTEL)
def tr415(m: Message, ctx):
    """No stop follows a definitive stop (RedenBeeindiging other than 20) on the same key."""
    for p, key, status in _producten(m, "StopProduct"):
        if status in NIEUW_OF_GEWIJZIGD and \
                any(not s.tijdelijk for s in _eerdere_stops(m, ctx, key)):
            yield p, (f"The delivery on {_sleutel(key)} is already stopped for good; to correct "
                      "that stop, delete it (StatusAanlevering 3) and send the new one, in this "
                      "307 or an earlier one.")
