"""315 -> 316, then a 301 or 319 per product: the aanbieder's verzoek om toewijzing."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.parties.read import read

from ..run.actions import Action
from ..run.keten import ChainFailure, Keten
from .common import (PARTY, clean_answer, client_bsn, faulty, products, received,
                     remember_toewijzing)


def _vot(keten: Keten, producten: str, bsn: str | None = None) -> None:
    codes = products(keten, producten)
    keten.facts.product = keten.facts.product or codes[0]
    sent = keten.act("aanbieder", Action.VERZOEK_OM_TOEWIJZING, "315",
                     lambda a, today: a.vot(today, codes, bsn=bsn), product=" ".join(codes),
                     bsn=bsn)
    client = (sent.data if sent else read(keten.party("aanbieder").sent[-1].xml)[2])["Client"]
    keten.facts.bsn = keten.facts.bsn or client["Bsn"]
    keten.facts.verzoeken.extend(
        p["ReferentieAanbieder"] for p in client["AangevraagdeProducten"]["AangevraagdProduct"])


@given(parsers.parse("de aanbieder heeft een verzoek om toewijzing gestuurd voor {producten}"))
def vot_gestuurd(keten: Keten, producten: str) -> None:
    """Gegeven de aanbieder heeft een verzoek om toewijzing gestuurd voor PRODUCTEN: a 315 the
    gemeente accepted (316 without retourcodes); its answer may still be on its way."""
    _vot(keten, producten)
    clean_answer(keten, "aanbieder", "316", "the verzoek om toewijzing")


@when(parsers.parse("de aanbieder een verzoek om toewijzing stuurt voor {producten}"))
def vot_sturen(keten: Keten, producten: str) -> None:
    """Als de aanbieder een verzoek om toewijzing stuurt voor PRODUCTEN: a 315 for a new
    client, one AangevraagdProduct per product."""
    _vot(keten, producten)


@when("de aanbieder nog een verzoek om toewijzing stuurt voor dezelfde client")
def vot_nog_een(keten: Keten) -> None:
    """Als de aanbieder nog een verzoek om toewijzing stuurt voor dezelfde client: a second
    315 for the client while the first is still open (faulty: TR374)."""
    faulty(keten, "aanbieder", "a second verzoek while the first is open")
    _vot(keten, f'product "{keten.facts.product}"', bsn=client_bsn(keten))


@then(parsers.re(rf"ontvangt de {PARTY} een 301 voor het gevraagde product$"))
def toewijzing_voor_verzoek(keten: Keten, role: str) -> None:
    """Dan ontvangt de aanbieder een 301 voor het gevraagde product: the next 301 honours one
    of the scenario's verzoeken (its ReferentieAanbieder) for the product asked for."""
    got = received(keten, role, "301")
    producten = got.data["Client"]["ToegewezenProducten"]["ToegewezenProduct"]
    refs = keten.facts.verzoeken
    if not any(p.get("ReferentieAanbieder") in refs for p in producten):
        raise ChainFailure(f"the 301 names no verzoek of the scenario ({', '.join(refs)}) in "
                           f"ReferentieAanbieder ({got.permalink})")
    code = keten.facts.product
    # as a toewijzing names the product: care in euro's (a Budget) by its categorie only
    wanted = keten.profile.product(code).as_element() if code else None
    if not any(p.get("Product") == wanted for p in producten):
        raise ChainFailure(f"the 301 assigns no product {keten.facts.product} "
                           f"({got.permalink})")
    remember_toewijzing(keten, got.data)
