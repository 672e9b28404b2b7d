"""319 -> 320: the gemeente's antwoordbericht on a verzoek."""
from __future__ import annotations

from pytest_bdd import parsers, then, when

from ..run.keten import ChainFailure, Keten
from .common import PARTY, received, send_faulty


@when(parsers.parse('de gemeente een antwoordbericht stuurt op verzoek "{referentie}"'))
def antwoord_sturen(keten: Keten, referentie: str) -> None:
    """Als de gemeente een antwoordbericht stuurt op verzoek "REF": a 319 refusing verzoek REF
    with reason 4 (faulty when no such verzoek was sent: TR355)."""
    send_faulty(keten, "gemeente", f"a 319 on verzoek {referentie}",
                lambda g, today: g.antwoord(today, referentie))


@then(parsers.re(rf'ontvangt de {PARTY} een 319 met VerzoekAntwoord "(?P<antwoord>\d)"'
                 r'(?: en reden "(?P<reden>\d+)")?$'))
def antwoord_ontvangen(keten: Keten, role: str, antwoord: str, reden: str | None) -> None:
    """Dan ontvangt de PARTIJ een 319 met VerzoekAntwoord "N" [en reden "R"]: the next 319
    answers one of the scenario's verzoeken with VerzoekAntwoord N (1 afgewezen, 2 in
    onderzoek) and RedenAfwijzingVerzoek R."""
    got = received(keten, role, "319")
    a = got.data["Antwoord"]
    wanted = (antwoord, reden)
    if (a["VerzoekAntwoord"], a.get("RedenAfwijzingVerzoek")) != wanted:
        raise ChainFailure(f"the 319 answers VerzoekAntwoord {a['VerzoekAntwoord']} reden "
                           f"{a.get('RedenAfwijzingVerzoek')}; expected {antwoord} reden "
                           f"{reden} ({got.permalink})")
    if a["ReferentieAanbieder"] not in keten.facts.verzoeken:
        raise ChainFailure(f"the 319 answers verzoek {a['ReferentieAanbieder']}, not one of "
                           f"the scenario's ({', '.join(keten.facts.verzoeken)})")
