"""307 -> 308: the aanbieder stops the delivery, temporarily or for good."""
from __future__ import annotations

from datetime import timedelta

from pytest_bdd import given, parsers, when

from harness.standard.codes import REDEN_BEEINDIGING, TIJDELIJK

from ..run.actions import Action
from ..run.keten import ChainFailure, Keten
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


def _reden(keten: Keten, omschrijving: str) -> str:
    """A RedenBeeindiging named as the case descriptions name it, in the run's standard."""
    try:
        return REDEN_BEEINDIGING[omschrijving][keten.release.split("-")[0]]
    except KeyError:
        raise ChainFailure(f"unknown RedenBeeindiging {omschrijving!r}: write one of "
                           + ", ".join(f'"{r}"' for r in REDEN_BEEINDIGING)) from None


def _tijdelijke_einddatum(keten: Keten):
    """The Einddatum of the last temporary stop the aanbieder sent for the client."""
    bsn = client_bsn(keten)
    keten.refresh()
    for e in reversed(keten.exchanged):
        if e.code == "307" and e.sender == "aanbieder" and e.data["Client"]["Bsn"] == bsn:
            for p in e.data["Client"]["StopProducten"]["StopProduct"]:
                if p["RedenBeeindiging"] == TIJDELIJK:
                    return p["Einddatum"]
    raise ChainFailure("this step needs a temporary stop first: 'Als de aanbieder de levering "
                       "tijdelijk stopt'")


@when(parsers.re(r"de aanbieder (?P<n>\d+) werkdagen later de levering definitief stopt"
                 r"(?P<zelfde> op de einddatum van de tijdelijke stop)?"
                 r' met reden "(?P<omschrijving>[^"]+)"$'))
def definitief_na_tijdelijk(keten: Keten, n: str, zelfde: str | None, omschrijving: str) -> None:
    """Als de aanbieder N werkdagen later de levering definitief stopt [op de einddatum van de
    tijdelijke stop] met reden "REDEN": after a temporary stop, N werkdagen on (the day the
    definitive stop became known) a 307 with that RedenBeeindiging (volgens plan, eenzijdig
    door aanbieder, in overeenstemming voortijdig: the code of the run's standard) and as
    Einddatum the temporary stop's (no care since) or else that day (TR414: not earlier)."""
    bsn, reden = client_bsn(keten), _reden(keten, omschrijving)
    einde = _tijdelijke_einddatum(keten) if zelfde else None
    keten.set_today(keten.profile.kalender.add_werkdagen(keten.today, int(n)))
    einde = einde or keten.today
    keten.act("aanbieder", Action.STOP_DEFINITIEF, "307",
              lambda a, today: a.stop(today, bsn, einddatum=einde, reden=reden,
                                      vastgesteld=today),
              bsn=bsn, einddatum=einde.isoformat(), reden=reden)


@when(parsers.re(r'de aanbieder de levering definitief stopt met reden "(?P<omschrijving>[^"]+)"$'))
def definitief_met_reden(keten: Keten, omschrijving: str) -> None:
    """Als de aanbieder de levering definitief stopt met reden "REDEN": a 307 today with that
    RedenBeeindiging (as above)."""
    bsn, reden = client_bsn(keten), _reden(keten, omschrijving)
    keten.act("aanbieder", Action.STOP_DEFINITIEF, "307",
              lambda a, today: a.stop(today, bsn, reden=reden), bsn=bsn, reden=reden)


@when(parsers.re(r'de aanbieder (?P<n>\d+) werkdagen later de stop corrigeert naar reden'
                 r' "(?P<omschrijving>[^"]+)"$'))
def stop_corrigeren(keten: Keten, n: str, omschrijving: str) -> None:
    """Als de aanbieder N werkdagen later de stop corrigeert naar reden "REDEN": one 307 that
    deletes the client's last stop (StatusAanlevering 3) and sends it again with that
    RedenBeeindiging (IV008: both classes in one message)."""
    bsn, reden = client_bsn(keten), _reden(keten, omschrijving)
    keten.set_today(keten.profile.kalender.add_werkdagen(keten.today, int(n)))
    keten.act("aanbieder", Action.STOP_CORRIGEREN, "307",
              lambda a, today: a.corrigeer_stop(today, bsn, reden), bsn=bsn, reden=reden)
