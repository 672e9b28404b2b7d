"""301 -> 302: the gemeente's toewijzing, its intrekking and verwijdering, and what the
aanbieder then knows."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.factories.values import month_end
from harness.parties.read import read
from harness.standard.codes import VERWIJDERD

from ..run.actions import Action
from ..run.keten import ChainFailure, Keten
from .common import (client_bsn, clean_answer, faulty, products, remember_toewijzing, send_faulty,
                     set_text, toewijzing_nummer)


def _send_toewijzing(keten: Keten, producten: str, referentie: str | None = None) -> None:
    codes = products(keten, producten)
    keten.facts.product = keten.facts.product or codes[0]
    sent = keten.act("gemeente", Action.TOEWIJZING, "301",
                     lambda g, today: g.toewijzing(today, codes, bsn=keten.facts.bsn,
                                                   referentie=referentie),
                     product=" ".join(codes), bsn=keten.facts.bsn)
    remember_toewijzing(keten, sent.data if sent else read(keten.party("gemeente").sent[-1].xml)[2])


@given(parsers.parse("de gemeente heeft een toewijzing gestuurd voor {producten}"))
def toewijzing_gestuurd(keten: Keten, producten: str) -> None:
    """Gegeven de gemeente heeft een toewijzing gestuurd voor PRODUCTEN: a 301 (PRODUCTEN: een
    product in uren, een outputproduct, een product in euro's, product "CODE", joined with
    'en'; or twee producten die niet samen mogen) that the aanbieder accepted with a 302
    without retourcodes."""
    _send_toewijzing(keten, producten)
    clean_answer(keten, "gemeente", "302", "the toewijzing")


@when(parsers.re(r'de gemeente een toewijzing stuurt voor (?P<producten>.+?)'
                 r'(?: met ReferentieAanbieder "(?P<referentie>[^"]*)")?$'))
def toewijzing_sturen(keten: Keten, producten: str, referentie: str | None) -> None:
    """Als de gemeente een toewijzing stuurt voor PRODUCTEN [met ReferentieAanbieder "REF"]:
    a 301 for the scenario's client (a new one at first). With a ReferentieAanbieder it
    claims to honour that verzoek (a faulty message unless the verzoek exists)."""
    if referentie is not None:
        faulty(keten, "gemeente", f"ReferentieAanbieder {referentie}")
    _send_toewijzing(keten, producten, referentie)


@when("de gemeente het ToewijzingNummer opnieuw gebruikt voor een andere client")
def toewijzingnummer_hergebruiken(keten: Keten) -> None:
    """Als de gemeente het ToewijzingNummer opnieuw gebruikt voor een andere client: a 301
    for a new client that repeats the scenario's ToewijzingNummer (faulty: TR332)."""
    nummer = toewijzing_nummer(keten)

    def for_another_client(g, today):
        out = g.toewijzing(today, keten.facts.product)
        keten.facts.andere_client = read(out.xml)[2]["Client"]["Bsn"]
        return out
    send_faulty(keten, "gemeente", "a ToewijzingNummer used before", for_another_client,
                lambda root: set_text(root, "ToewijzingNummer", str(nummer)))


@when("de gemeente de toewijzing intrekt")
def toewijzing_intrekken(keten: Keten) -> None:
    """Als de gemeente de toewijzing intrekt: a 301 ending the scenario's toewijzing today
    (RedenWijziging 05)."""
    bsn, nummer = client_bsn(keten), toewijzing_nummer(keten)
    keten.act("gemeente", Action.TOEWIJZING_INTREKKEN, "301",
              lambda g, today: g.intrekking(today, bsn, nummer), bsn=bsn, toewijzing=nummer)


@when("de gemeente de toewijzing verwijdert")
def toewijzing_verwijderen(keten: Keten) -> None:
    """Als de gemeente de toewijzing verwijdert: a 301 deleting the scenario's toewijzing
    (RedenWijziging 13, Einddatum = Ingangsdatum)."""
    bsn, nummer = client_bsn(keten), toewijzing_nummer(keten)
    keten.act("gemeente", Action.TOEWIJZING_VERWIJDEREN, "301",
              lambda g, today: g.verwijdering(today, bsn, nummer), bsn=bsn, toewijzing=nummer)


def _toegewezen(keten: Keten, nummer: int) -> dict:
    """The toewijzing `nummer` as the last 301 the aanbieder accepted shows it."""
    keten.refresh()
    for e in reversed(keten.exchanged):
        if e.code == "301" and e.receiver == "aanbieder" and not e.refused \
                and (e.verdict or {}).get("accepted"):
            for t in e.data["Client"]["ToegewezenProducten"]["ToegewezenProduct"]:
                if t["ToewijzingNummer"] == nummer:
                    return t
    raise ChainFailure(f"the aanbieder accepted no 301 naming toewijzing {nummer}")


@when(parsers.re(r"de gemeente de toewijzing met (?P<n>\d+) maanden verlengt$"))
def toewijzing_verlengen(keten: Keten, n: str) -> None:
    """Als de gemeente de toewijzing met N maanden verlengt: a 301 moving the Einddatum of
    the scenario's toewijzing N months later (to a month's end), same volume and frequentie,
    RedenWijziging 04 and today's Toewijzingsdatum (OP380: the existing toewijzing is
    extended, no new one)."""
    bsn, nummer = client_bsn(keten), toewijzing_nummer(keten)
    einde = _toegewezen(keten, nummer).get("Einddatum")
    if einde is None:
        raise ChainFailure(f"toewijzing {nummer} has no Einddatum to move")
    keten.facts.verlengd_tot = einddatum = month_end(einde, int(n))
    keten.act("gemeente", Action.TOEWIJZING_VERLENGEN, "301",
              lambda g, today: g.wijziging(today, bsn, nummer, einddatum, gedateerd=True),
              bsn=bsn, toewijzing=nummer, einddatum=einddatum.isoformat())


@then(parsers.re(r'loopt de toewijzing bij de aanbieder tot de nieuwe einddatum'
                 r' met RedenWijziging "(?P<reden>\d+)"$'))
def toewijzing_verlengd(keten: Keten, reden: str) -> None:
    """Dan loopt de toewijzing bij de aanbieder tot de nieuwe einddatum met RedenWijziging
    "CODE": the aanbieder accepted a 301 in which the scenario's toewijzing (the same
    ToewijzingNummer, not a new one) ends on the date the extension named, with that
    RedenWijziging."""
    nummer = toewijzing_nummer(keten)
    t = _toegewezen(keten, nummer)
    want = keten.facts.verlengd_tot
    if t.get("Einddatum") != want or t.get("RedenWijziging") != reden:
        raise ChainFailure(f"toewijzing {nummer} as the aanbieder accepted it ends on "
                           f"{t.get('Einddatum')} with RedenWijziging {t.get('RedenWijziging')}; "
                           f"expected {want} with {reden}")


@then(parsers.re(r"kent de aanbieder (?P<n>\d+) toewijzing(?:en)? van de (?P<wie>client|andere client)$"))
def toewijzingen_bekend(keten: Keten, n: str, wie: str) -> None:
    """Dan kent de aanbieder N toewijzing(en) van de (andere) client: the ToewijzingNummers
    of that client in the 301s the aanbieder accepted (as the exchange judged them)."""
    bsn = keten.facts.bsn if wie == "client" else keten.facts.andere_client
    keten.refresh()
    known = set()
    for e in keten.exchanged:
        if e.code == "301" and e.receiver == "aanbieder" and not e.refused \
                and (e.verdict or {}).get("accepted") and e.data["Client"]["Bsn"] == bsn:
            known |= {t["ToewijzingNummer"] for t in
                      e.data["Client"]["ToegewezenProducten"]["ToegewezenProduct"]
                      if t.get("RedenWijziging") != VERWIJDERD}
    if len(known) != int(n):
        raise ChainFailure(f"the aanbieder knows {len(known)} toewijzingen of client {bsn} "
                           f"({', '.join(map(str, sorted(known))) or 'none'}); expected {n}")
