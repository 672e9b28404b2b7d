"""317 -> 318, then one 301 or 319: the aanbieder's verzoek om wijziging."""
from __future__ import annotations

from pytest_bdd import when

from ..run.actions import Action
from ..run.keten import Keten
from .common import client_bsn, faulty, toewijzing_nummer


def _vow(keten: Keten, **kw) -> None:
    bsn = client_bsn(keten)
    sent = keten.act("aanbieder", Action.VERZOEK_OM_WIJZIGING, "317",
                     lambda a, today: a.vow(today, bsn, **kw), bsn=bsn, toewijzing=toewijzing_nummer(keten))
    referentie = list(keten.party("aanbieder").verzoeken)[-1] if sent is None \
        else sent.data["Client"]["Verzoek"]["ReferentieAanbieder"]
    keten.facts.verzoeken.append(referentie)


@when("de aanbieder een verzoek om wijziging stuurt met een hoger volume")
def vow_hoger(keten: Keten) -> None:
    """Als de aanbieder een verzoek om wijziging stuurt met een hoger volume: a 317 holding
    every current toewijzing, the scenario's first one with one unit more."""
    nummer = toewijzing_nummer(keten)
    if not keten.simulated("aanbieder"):
        return _vow(keten)  # the system under test chooses its own volume
    t = keten.party("aanbieder").toewijzing(client_bsn(keten), nummer)
    volume = (t.get("Omvang") or {}).get("Volume") or t.get("Budget")
    _vow(keten, wijzigen={nummer: volume + 1})


@when("de aanbieder een verzoek om wijziging stuurt dat een actuele toewijzing weglaat")
def vow_weglaten(keten: Keten) -> None:
    """Als de aanbieder een verzoek om wijziging stuurt dat een actuele toewijzing weglaat:
    a 317 without the scenario's last toewijzing (faulty: TR349)."""
    faulty(keten, "aanbieder", "a VOW leaving out a current toewijzing")
    first, last = keten.facts.toewijzingen[0], keten.facts.toewijzingen[-1]
    t = keten.party("aanbieder").toewijzing(client_bsn(keten), first)
    volume = (t.get("Omvang") or {}).get("Volume") or t.get("Budget")
    _vow(keten, wijzigen={first: volume + 1}, beeindigen=[last])
