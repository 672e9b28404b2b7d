"""`ketentest simulate`: a chain between the two simulated parties on an exchange, for demos
and for a first look at a regio profile: the parties act, answer on the profile's delays, and
the journal is printed as a table (day, message, from -> to, verdict, retourcodes, termijn)."""
from __future__ import annotations

from collections.abc import Callable
from harness.standard.codes import UUR
from .keten import Keten
from .record import MessageRecord

Act = Callable[[Keten], None]


def _hours_product(k: Keten) -> str:
    return next(p.code for p in k.profile.producten_van(k.release) if p.eenheid == UUR)


def _toewijzing(k: Keten) -> None:
    k.agents["gemeente"].send(k.party("gemeente").toewijzing(k.today, _hours_product(k)),
                              today=k.today)


def _bsn(k: Keten) -> str:
    return next(iter(k.party("aanbieder").toewijzingen))


def _aanbieder(action: Callable) -> Act:
    return lambda k: k.agents["aanbieder"].send(action(k.party("aanbieder"), k), today=k.today)


# Each chain: what the parties do, in order; after each act the chain settles.
CHAINS: dict[str, list[Act]] = {
    "toewijzing": [_toewijzing],
    "levering": [_toewijzing, _aanbieder(lambda a, k: a.start(k.today, _bsn(k))),
                 _aanbieder(lambda a, k: a.stop(k.today, _bsn(k), tijdelijk=True)),
                 _aanbieder(lambda a, k: a.stop(k.today, _bsn(k)))],
    "verzoek": [_aanbieder(lambda a, k: a.vot(k.today, [_hours_product(k)]))],
    "wijziging": [_toewijzing, _aanbieder(lambda a, k: a.vow(
        k.today, _bsn(k), wijzigen={n: 10 for n in a.toewijzingen[_bsn(k)]}))],
    "declaratie": [_toewijzing, _aanbieder(lambda a, k: a.start(k.today, _bsn(k))), Keten.month_over,
                   _aanbieder(lambda a, k: a.declaratie(k.today))],
}


def simulate(keten: Keten, chain: str) -> list[list[str]]:
    """Play `chain` and return the journal as table rows."""
    for act in CHAINS[chain]:
        act(keten)
        keten.settle()
    keten.refresh()
    rows = []
    for e in keten.exchanged:
        m = MessageRecord.of(e)
        rows.append([m.day or "", m.name, f"{m.sender} -> {m.receiver}", m.verdict_text,
                     ", ".join(m.retourcodes), m.termijn_text])
    return rows


def table(rows: list[list[str]]) -> str:
    head = ["day", "message", "from -> to", "verdict", "retourcodes", "termijn"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])
