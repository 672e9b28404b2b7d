"""307 -> 308: the aanbieder stops the delivery, temporarily or for good."""
from __future__ import annotations

from datetime import timedelta

from pytest_bdd import given, parsers, when

from ..run.actions import Action
from ..run.keten import Keten
from .common import clean_answer, client_bsn, send_faulty, set_text


def _stop(keten: Keten, tijdelijk: bool) -> None:
    bsn = client_bsn(keten)

    def stop(a, today):
        try:
            return a.stop(today, bsn, tijdelijk=tijdelijk)
        except ValueError:  # stopped for good already: the same stop again (TR415 rejects it)
            return a.stop(today, bsn, [n for (b, n) in a.leveringen if b == bsn][-1:],
                          tijdelijk=tijdelijk)
    keten.act("aanbieder", Action.STOP_TIJDELIJK if tijdelijk else Action.STOP_DEFINITIEF, "307",
              stop,
              bsn=bsn)


@given("de aanbieder heeft de levering definitief gestopt")
def levering_gestopt(keten: Keten) -> None:
    """Gegeven de aanbieder heeft de levering definitief gestopt: a definitive 307 that the
    gemeente accepted (308 without retourcodes)."""
    _stop(keten, tijdelijk=False)
    clean_answer(keten, "aanbieder", "308", "the stop")


@when(parsers.re(r"de aanbieder de levering (?P<hoe>definitief|tijdelijk) stopt$"))
def levering_stoppen(keten: Keten, hoe: str) -> None:
    """Als de aanbieder de levering definitief|tijdelijk stopt: a 307 today; tijdelijk is
    RedenBeeindiging 20, definitief 'volgens plan' (after a definitive stop: the same stop
    again)."""
    _stop(keten, tijdelijk=hoe == "tijdelijk")


@when("de aanbieder een stop stuurt die bij geen start hoort")
def stop_zonder_start(keten: Keten) -> None:
    """Als de aanbieder een stop stuurt die bij geen start hoort: a 307 whose Begindatum
    matches no start (faulty: TR382)."""
    bsn, other_day = client_bsn(keten), (keten.today - timedelta(days=40)).isoformat()
    send_faulty(keten, "aanbieder", "a stop without a start",
                lambda a, today: a.stop(today, bsn),
                lambda root: set_text(root, "Begindatum", other_day))
