"""Deadlines: each answer within its termijn, in werkdagen of the regio's calendar."""
from __future__ import annotations

from datetime import date

from pytest_bdd import parsers, then

from ..run.keten import ChainFailure, Keten
from .common import PARTY, received, termijn_of


@then(parsers.re(rf"ontvangt de {PARTY} een (?P<code>\d{{3}}) binnen (?P<n>\d+) werkdagen$"))
def binnen_termijn(keten: Keten, role: str, code: str, n: str) -> None:
    """Dan ontvangt de PARTIJ een NNN binnen N werkdagen: the next NNN was sent at most N
    werkdagen (weekends and Dutch holidays skipped) after what it answers arrived."""
    got = received(keten, role, code)
    t = termijn_of(got)
    took = keten.profile.kalender.werkdagen_between(date.fromisoformat(t["received"]),
                                      date.fromisoformat(t["sent"]))
    if took > int(n):
        raise ChainFailure(f"the {got.name} came {took} werkdagen after {t['received']}; "
                           f"expected within {n} ({got.permalink})")


@then("kwam elk antwoord binnen zijn termijn")
def alles_op_tijd(keten: Keten) -> None:
    """En kwam elk antwoord binnen zijn termijn: every answer in the journal so far (retour
    messages 3 werkdagen, 301/319 on a verzoek 5, a 325 10) was on time."""
    keten.refresh()
    late = [f"{e.name} due {e.entry['termijn']['due']}, sent {e.entry['termijn']['sent']}"
            for e in keten.exchanged if (e.entry.get("termijn") or {}).get("on_time") is False]
    if late:
        raise ChainFailure("late: " + "; ".join(late))
