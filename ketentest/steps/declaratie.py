"""323 -> 325: the aanbieder declares a month (also in minutes, corrected, or deliberately
wrong), and the gemeente's declaratie-antwoord."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.factories.values import previous_month
from harness.parties.read import read
from harness.standard.codes import GOEDGEKEURD, MINUUT

from ..run.actions import Action
from ..run.keten import ChainFailure, Keten, carried, rejected_prestaties
from .common import ONBEKEND_NUMMER, client_bsn, received, send_faulty, set_text, toewijzing_nummer

ETMAAL = "14"


def _declareer(keten: Keten, action: Action = Action.DECLARATIE, in_minuten: bool = False,
               facts: dict | None = None, again: frozenset = frozenset(), **kw):
    begin, end = previous_month(keten.today)
    # the variant is a fact, so a system under test is told which unit, and held to it
    eenheid = dict(eenheid=MINUUT, eenheid_naam="minuut") if in_minuten else {}
    sent = keten.act("aanbieder", action, "323",
                     lambda a, today: a.declaratie(today, in_minuten=in_minuten, **kw),
                     bsn=client_bsn(keten), periode=f"{begin.isoformat()}..{end.isoformat()}",
                     **eenheid, **(facts or {}))
    if sent is not None:
        _check_periode(sent, begin.isoformat(), end.isoformat(), again)
    if sent is not None and eenheid:
        other = sorted({p.get("Eenheid") for p in _prestaties(sent.data)} - {MINUUT})
        if other:
            raise ChainFailure(f"asked to declare in Eenheid {MINUUT} (minuut), the 323 has "
                               f"prestaties in Eenheid {', '.join(map(str, other))} "
                               f"({sent.permalink})")
    return sent


def _check_periode(sent, begin: str, end: str, again: frozenset = frozenset()) -> None:
    """Every prestatie of the 323 lies in the month the step asked (fact `periode`), or in
    the period of a rejected line it declares again (`again`: (begin, end) pairs)."""
    for p in _prestaties(sent.data):
        periode = p.get("ProductPeriode") or {}
        van, tot = str(periode.get("Begindatum"))[:10], str(periode.get("Einddatum"))[:10]
        if not begin <= van <= tot <= end and (van, tot) not in again:
            raise ChainFailure(f"asked to declare {begin}..{end}, the 323 has a prestatie over "
                               f"{van}..{tot} ({sent.permalink})")


def _prestaties(node) -> list[dict]:
    """Every Prestatie of a 323 (as a dict), wherever it is nested."""
    if isinstance(node, list):
        return [p for item in node for p in _prestaties(item)]
    if not isinstance(node, dict):
        return []
    found = []
    for k, v in node.items():
        if k == "Prestatie":
            found += v if isinstance(v, list) else [v]
        else:
            found += _prestaties(v)
    return found


@given("de aanbieder heeft de vorige maand gedeclareerd")
def gedeclareerd(keten: Keten) -> None:
    """Gegeven de aanbieder heeft de vorige maand gedeclareerd: a 323 over the previous
    month that the gemeente approved in full (325 with 8001)."""
    _declareer(keten)
    answer = keten.receive("aanbieder", "325")
    if carried(answer.data) != [GOEDGEKEURD]:
        raise ChainFailure(f"the declaratie was not approved in full: 325 with "
                           f"{', '.join(carried(answer.data))} ({answer.permalink})")
    keten.checkpoint()


@when(parsers.re(r"de aanbieder de vorige maand declareert(?P<hoe>| in minuten)$"))
def declareren(keten: Keten, hoe: str) -> None:
    """Als de aanbieder de vorige maand declareert [in minuten]: a 323 over the calendar month
    before today, one line per toewijzing with care, in its unit (hours in minutes). In
    minutes, a system under test is told so (facts `eenheid` 01, `eenheid_naam` minuut) and
    every prestatie of its 323 must have Eenheid 01; always within the month asked
    (fact `periode`)."""
    _declareer(keten, in_minuten=bool(hoe))


@when("de aanbieder de vorige maand declareert met de afgewezen prestaties tegen het herziene "
      "tarief")
def declareren_herzien(keten: Keten) -> None:
    """Als de aanbieder de vorige maand declareert met de afgewezen prestaties tegen het
    herziene tarief: the regio revised a tariff (profile: declaraties.tariefherziening) and a
    325 rejected lines at the old one with 0611 for that reason; the aanbieder, told the
    revised tariffs (fact `tarieven`), declares the month at them and every rejected line
    again, corrected. A line declared again unchanged fails the step, naming it."""
    herzien = keten.profile.herziene_tarieven(keten.release)
    if not herzien:
        raise ChainFailure(f"the profile {keten.profile_name} revises no tariff "
                           "(declaraties.tariefherziening)")
    rejected = keten.facts.declaratie_antwoord
    before = {p["ProductReferentie"]["ReferentieNummer"]: p
              for e in keten.exchanged if e.code == "323" and e.sender == "aanbieder"
              for p in _prestaties(e.data)}
    lines = [before[ref] for ref in (p["ProductReferentie"]["ReferentieNummer"] for p in
             rejected_prestaties(rejected.data) if rejected is not None) if ref in before] \
        if rejected is not None else []
    periodes = frozenset((str(p["ProductPeriode"]["Begindatum"])[:10],
                          str(p["ProductPeriode"]["Einddatum"])[:10]) for p in lines)
    sent = _declareer(keten, herzien=herzien, again=periodes,
                      facts={"tarieven": " ".join(f"{c}={t}" for c, t in herzien.items())})
    if sent is None or rejected is None:
        return
    again = {(p.get("ToewijzingNummer"), str((p.get("ProductPeriode") or {}).get("Begindatum")))
             for p in _prestaties(sent.data)}
    for p in rejected_prestaties(rejected.data):
        line = before.get(p["ProductReferentie"]["ReferentieNummer"])
        if line and (line.get("ToewijzingNummer"), str(line["ProductPeriode"]["Begindatum"])) \
                not in again:
            raise ChainFailure(f"the 323 does not declare again the line "
                               f"{p['ProductReferentie']['ReferentieNummer']} the 325 rejected "
                               f"(toewijzing {line.get('ToewijzingNummer')}, from "
                               f"{line['ProductPeriode']['Begindatum']}) ({sent.permalink})")


@when("de aanbieder de vorige maand declareert in etmalen")
def declareren_etmalen(keten: Keten) -> None:
    """Als de aanbieder de vorige maand declareert in etmalen: a 323 whose prestaties use
    Eenheid 14 (etmaal) for a toewijzing in hours (faulty: TR341)."""
    send_faulty(keten, "aanbieder", "a declaratie in the wrong unit",
                lambda a, today: a.declaratie(today),
                lambda root: set_text(root, "Prestatie/Eenheid", ETMAAL))


@when("de aanbieder de vorige maand declareert met een extra prestatie op een onbekende toewijzing")
def declareren_onbekend(keten: Keten) -> None:
    """Als de aanbieder de vorige maand declareert met een extra prestatie op een onbekende
    toewijzing: the 323 plus one line, with its amount in the totals, on a ToewijzingNummer
    the gemeente never sent (faulty: TR338)."""
    bsn, nummer = client_bsn(keten), toewijzing_nummer(keten)

    def with_unknown_line(a, today):
        # the aanbieder believes in one more toewijzing, declares it, and forgets it again
        a.toewijzingen[bsn][ONBEKEND_NUMMER] = {**a.toewijzing(bsn, nummer),
                                                "ToewijzingNummer": ONBEKEND_NUMMER}
        a.leveringen[(bsn, ONBEKEND_NUMMER)] = list(a.leveringen[(bsn, nummer)])
        try:
            return a.declaratie(today)
        finally:
            del a.toewijzingen[bsn][ONBEKEND_NUMMER], a.leveringen[(bsn, ONBEKEND_NUMMER)]
    send_faulty(keten, "aanbieder", "a prestatie on an unknown toewijzing", with_unknown_line)


@when("de aanbieder dezelfde maand nog eens declareert")
def declareren_nog_eens(keten: Keten) -> None:
    """Als de aanbieder dezelfde maand nog eens declareert: a second 323 over the same month
    with new ReferentieNummers, no credit (faulty: TR389)."""
    send_faulty(keten, "aanbieder", "the same month declared twice",
                lambda a, today: a.declaratie(today))


@when("de aanbieder declareert met het vorige declaratienummer")
def declareren_zelfde_nummer(keten: Keten) -> None:
    """Als de aanbieder declareert met het vorige declaratienummer: a 323 over the previous
    month that repeats the last 323's DeclaratieNummer (faulty: TR333)."""
    used: list[str] = []

    def again(a, today):
        last = [o for o in a.sent if o.id == "323"][-1]
        used.append(read(last.xml)[2]["Declaratie"]["DeclaratieNummer"])
        return a.declaratie(today)
    send_faulty(keten, "aanbieder", "a DeclaratieNummer used before", again,
                lambda root: set_text(root, "DeclaratieNummer", used[0]))


@when("de aanbieder de vorige declaratie corrigeert")
def declaratie_corrigeren(keten: Keten) -> None:
    """Als de aanbieder de vorige declaratie corrigeert: a 323 with, for the last approved
    line, a credit and a new debet of one unit less (and this month's care)."""
    def correct(a, today):
        ref, regel = list(a.gedeclareerd.items())[-1]
        return a.declaratie(today, correcties={ref: regel.prestatie["GeleverdVolume"] - 1})
    keten.act("aanbieder", Action.DECLARATIE_CORRECTIE, "323", correct, bsn=client_bsn(keten))


@then(parsers.re(r'ontvangt de aanbieder een 325 die (?P<n>\d+) prestaties? afwijst met '
                 r'retourcode "(?P<rc>\w+)"$'))
def prestaties_afgewezen(keten: Keten, n: str, rc: str) -> None:
    """Dan ontvangt de aanbieder een 325 die N prestatie(s) afwijst met retourcode "CODE":
    the next 325 lists exactly N prestaties, each carrying CODE."""
    got = received(keten, "aanbieder", "325")
    listed = rejected_prestaties(got.data)
    if len(listed) != int(n) or not all(rc in carried(p) for p in listed):
        found = "; ".join(f"{p['ProductReferentie']['ReferentieNummer']}: "
                          f"{', '.join(carried(p))}" for p in listed) or "none"
        raise ChainFailure(f"the 325 rejects {len(listed)} prestaties ({found}), retourcodes "
                           f"{', '.join(carried(got.data)) or 'none'}; expected {n} with {rc} "
                           f"({got.permalink})")
    keten.facts.declaratie_antwoord = got


@then("is het toegekende bedrag lager dan het ingediende")
def bedrag_lager(keten: Keten) -> None:
    """En is het toegekende bedrag lager dan het ingediende: in the last 325 checked,
    TotaalToegekendBedrag < TotaalIngediendBedrag."""
    a = keten.facts.declaratie_antwoord.data["DeclaratieAntwoord"]
    ingediend = a["TotaalIngediendBedrag"]["TotaalBedrag"]
    toegekend = (a.get("TotaalToegekendBedrag") or {}).get("TotaalBedrag", 0)
    if not toegekend < ingediend:
        raise ChainFailure(f"toegekend {toegekend} is not lower than ingediend {ingediend}")
