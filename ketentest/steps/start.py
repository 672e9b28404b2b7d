"""305 -> 306: the aanbieder starts the delivery (also again after a temporary stop), and
deletes a start; deliberately faulty starts for the rejection scenarios."""
from __future__ import annotations

from pytest_bdd import given, when

from ..run.actions import Action
from ..run.keten import Keten
from .common import ONBEKEND_NUMMER, clean_answer, client_bsn, faulty, send_faulty, set_text


def _start(keten: Keten, action: Action = Action.START) -> None:
    bsn = client_bsn(keten)
    keten.act("aanbieder", action, "305", lambda a, today: a.start(today, bsn), bsn=bsn)


@given("de aanbieder heeft de levering gestart")
def levering_gestart(keten: Keten) -> None:
    """Gegeven de aanbieder heeft de levering gestart: a 305 for the scenario's client that the
    gemeente accepted (306 without retourcodes)."""
    _start(keten)
    clean_answer(keten, "aanbieder", "306", "the start")


@when("de aanbieder de levering start")
def levering_starten(keten: Keten) -> None:
    """Als de aanbieder de levering start: a 305 for the client's current toewijzingen, from
    their Ingangsdatum."""
    _start(keten)


@when("de aanbieder de levering herstart")
def levering_herstarten(keten: Keten) -> None:
    """Als de aanbieder de levering herstart: the next werkdag, a 305 starting again after a
    temporary stop."""
    keten.set_today(keten.profile.kalender.add_werkdagen(keten.today, 1))
    _start(keten, Action.HERSTART)


@when("de aanbieder de levering start op een onbekend ToewijzingNummer")
def start_onbekend(keten: Keten) -> None:
    """Als de aanbieder de levering start op een onbekend ToewijzingNummer: a 305 naming a
    ToewijzingNummer the gemeente never sent (faulty: TR019)."""
    bsn = client_bsn(keten)
    send_faulty(keten, "aanbieder", "a start on an unknown toewijzing",
                lambda a, today: a.start(today, bsn),
                lambda root: set_text(root, "ToewijzingNummer", str(ONBEKEND_NUMMER)))


@when("de aanbieder de levering opnieuw start zonder stop")
def start_zonder_stop(keten: Keten) -> None:
    """Als de aanbieder de levering opnieuw start zonder stop: the next werkdag a second 305,
    starting that day, while the first has no stop (faulty: TR326). Not dated after its own
    Dagtekening, which TR134 rejects in the message first."""
    bsn, what = client_bsn(keten), "a second start without a stop"
    faulty(keten, "aanbieder", what)  # before the clock moves: a skipped scenario stays put
    keten.set_today(keten.profile.kalender.add_werkdagen(keten.today, 1))
    send_faulty(keten, "aanbieder", what, lambda a, today: a.start(today, bsn, begindatum=today))


@when("de aanbieder dezelfde start nog eens stuurt")
def dezelfde_start(keten: Keten) -> None:
    """Als de aanbieder dezelfde start nog eens stuurt: the last 305 once more, under a new
    BerichtIdentificatie (faulty: TR074)."""
    send_faulty(keten, "aanbieder", "the same start twice",
                lambda a, today: [o for o in a.sent if o.id == "305"][-1], lambda root: None)


@when("de aanbieder de start verwijdert")
def start_verwijderen(keten: Keten) -> None:
    """Als de aanbieder de start verwijdert: a 305 with StatusAanlevering 3 for the client's
    last start (the first half of a correction)."""
    bsn = client_bsn(keten)
    keten.act("aanbieder", Action.START_VERWIJDEREN, "305",
              lambda a, today: a.verwijder_start(today, bsn), bsn=bsn)
