"""317 -> 318, then one 301 or 319: the aanbieder's verzoek om wijziging."""
from __future__ import annotations

from pytest_bdd import when

from ..run.actions import Action
from ..run.keten import ChainFailure, Keten
from .common import client_bsn, faulty, toewijzing_nummer


def _vow(keten: Keten, volume: int | None = None, **kw) -> None:
    bsn, nummer = client_bsn(keten), toewijzing_nummer(keten)
    sent = keten.act("aanbieder", Action.VERZOEK_OM_WIJZIGING, "317",
                     lambda a, today: a.vow(today, bsn, **kw), bsn=bsn, toewijzing=nummer,
                     **({} if volume is None else {"volume": volume}))
    if sent is not None and volume is not None:
        _check_volume(sent, nummer, volume)
    referentie = list(keten.party("aanbieder").verzoeken)[-1] if sent is None \
        else sent.data["Client"]["Verzoek"]["ReferentieAanbieder"]
    keten.facts.verzoeken.append(referentie)


@when("de aanbieder een verzoek om wijziging stuurt met een hoger volume")
def vow_hoger(keten: Keten) -> None:
    """Als de aanbieder een verzoek om wijziging stuurt met een hoger volume: a 317 holding
    every current toewijzing, the scenario's first one with one unit more. A system under
    test is told that volume (fact `volume`) and its 317 must ask exactly that."""
    nummer = toewijzing_nummer(keten)
    if keten.simulated("aanbieder"):
        t = keten.party("aanbieder").toewijzing(client_bsn(keten), nummer)
        return _vow(keten, wijzigen={nummer: _volume(t) + 1})
    # the system under test is told the volume wanted (as a fact) and held to it
    t = next(t for t in keten.party("gemeente").toewijzingen[client_bsn(keten)]
             if t["ToewijzingNummer"] == nummer)
    _vow(keten, volume=_volume(t) + 1)


def _volume(t: dict) -> int:
    return (t.get("Omvang") or {}).get("Volume") or t.get("Budget")


def _check_volume(sent, nummer: int, volume: int) -> None:
    """The 317 the system under test sent asks that toewijzing's new volume."""
    verzoek = sent.data["Client"]["Verzoek"]
    wijzig = (verzoek.get("TeWijzigenProducten") or {}).get("TeWijzigenProduct", [])
    got = [_volume(p) for p in (wijzig if isinstance(wijzig, list) else [wijzig])
           if p.get("ToewijzingNummer") == nummer]
    if got != [volume]:
        came = f"volume {got[0]}" if got else "no TeWijzigenProduct for it"
        raise ChainFailure(f"asked to request volume {volume} for toewijzing {nummer}, the 317 "
                           f"has {came} ({sent.permalink})")


@when("de aanbieder een verzoek om wijziging stuurt dat een actuele toewijzing weglaat")
def vow_weglaten(keten: Keten) -> None:
    """Als de aanbieder een verzoek om wijziging stuurt dat een actuele toewijzing weglaat:
    a 317 without the scenario's last toewijzing (faulty: TR349)."""
    faulty(keten, "aanbieder", "a VOW leaving out a current toewijzing")
    first, last = keten.facts.toewijzingen[0], keten.facts.toewijzingen[-1]
    t = keten.party("aanbieder").toewijzing(client_bsn(keten), first)
    _vow(keten, wijzigen={first: _volume(t) + 1}, beeindigen=[last])
