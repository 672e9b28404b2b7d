"""The Dutch step library: what a tester writes in a scenario, and what it does.

Every step names its party (de gemeente, de aanbieder). A party that is simulated acts at
once; a party that is the system under test is asked to (its trigger, or a person) and its
message awaited. Steps that need a deliberately faulty message can only be played by a
simulated party: with that party under test the scenario is skipped, saying why.

`ketentest steps` lists these steps with their docstrings (the first line is the phrase).
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from lxml import etree
from pytest_bdd import given, parsers, then, when

from harness.standard.codes import UUR
from harness.factories.values import previous_month
from harness.parties.base import Outgoing
from harness.parties.read import read
from ..run.keten import ChainFailure, Keten, carried, rejected_prestaties

ETMAAL = "14"
ONBEKEND_NUMMER = 999999  # a ToewijzingNummer no gemeente in a run hands out
PARTY = r"(?P<role>gemeente|aanbieder)"


# ---------------------------------------------------------------- the chain
@given(parsers.parse('een keten met regioprofiel "{naam}"'), target_fixture="keten")
def keten_met_profiel(ketentest_run, naam: str) -> Keten:
    """Gegeven een keten met regioprofiel "NAAM": a new session between a gemeente and an
    aanbieder of the run's release, the simulated ones following regio profile NAAM (a
    shipped profile, e.g. regio-accepteert or regio-weigert-vow, or a YAML file)."""
    return ketentest_run.open(naam)


@given("een keten", target_fixture="keten")
def keten_standaard(ketentest_run) -> Keten:
    """Gegeven een keten: as above, with the run's profile (`ketentest run --profile`)."""
    return ketentest_run.open(None)


# ---------------------------------------------------------------- helpers
def _products(keten: Keten, phrase: str) -> list[str]:
    """'een product in uren en een outputproduct', 'de producten "07A01" en "07B02"',
    'product "02A01"', 'twee producten die niet samen mogen' (per the stapelmatrix) ->
    product codes of the keten's profile and release."""
    quoted = re.findall(r'"([^"]+)"', phrase)
    if quoted:
        return quoted
    producten = keten.profile.producten_van(keten.release)
    if phrase == "twee producten die niet samen mogen":  # the stapelmatrix forbids the pair
        pairs = ((a.code, b.code) for a in producten for b in producten
                 if a.code < b.code and not keten.profile.may_stack(a.code, b.code))
        pair = next(pairs, None)
        if pair is None:
            raise ChainFailure(f"the profile {keten.profile_name} lets every pair of "
                               f"{keten.release} products run together")
        return list(pair)
    kinds = {"een product in uren": lambda p: p.eenheid == UUR,
             "een outputproduct": lambda p: p.financiering == "output",
             "een product in euro's": lambda p: p.financiering == "trajectfinanciering"}
    codes = []
    for part in phrase.split(" en "):
        if part not in kinds:
            raise ChainFailure(f"unknown product phrase {part!r}: write one of "
                               + ", ".join(kinds) + ', or product "CODE"')
        codes.append(next(p.code for p in producten if kinds[part](p)))
    return codes


def _faulty(keten: Keten, role: str, what: str) -> None:
    """This step sends a deliberately faulty message: only a simulated party does that."""
    if not keten.simulated(role):
        keten.facts["skipped"] = True
        pytest.skip(f"this scenario needs a deliberately faulty message from the {role} "
                    f"({what}); the {role} is the system under test")


def _altered(out: Outgoing, change) -> Outgoing:
    """`out` with `change(root)` applied to its XML and a fresh BerichtIdentificatie."""
    def compose() -> bytes:
        root = etree.fromstring(out.xml)
        change(root)
        _set(root, "Header/BerichtIdentificatie/Identificatie", f"K{out.serial:011d}")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return replace(out, compose=compose)


def _set(root, path: str, value: str) -> None:
    """Set the text of every element at a path of local names below the root."""
    xpath = "/".join(f"*[local-name()='{name}']" for name in path.split("/"))
    for el in root.xpath(xpath) or root.xpath(".//" + xpath):
        el.text = value


def _client(keten: Keten) -> str:
    try:
        return keten.facts["bsn"]
    except KeyError:
        raise ChainFailure("this step needs a client: start with a toewijzing or a verzoek "
                           "(e.g. 'Gegeven de gemeente heeft een toewijzing gestuurd ...')") from None


def _nummer(keten: Keten) -> int:
    nummers = keten.facts.get("toewijzingen")
    if not nummers:
        raise ChainFailure("this step needs a toewijzing: add 'Gegeven de gemeente heeft een "
                           "toewijzing gestuurd voor een product in uren'")
    return nummers[0]


def _remember_toewijzing(keten: Keten, data: dict) -> None:
    """The client and ToewijzingNummers of a 301, as the steps refer to them later."""
    client = data["Client"]
    keten.facts.setdefault("bsn", client["Bsn"])
    if client["Bsn"] == keten.facts["bsn"]:
        nummers = keten.facts.setdefault("toewijzingen", [])
        for t in client["ToegewezenProducten"]["ToegewezenProduct"]:
            if t["ToewijzingNummer"] not in nummers:
                nummers.append(t["ToewijzingNummer"])


def _clean_answer(keten: Keten, role: str, code: str, because: str):
    """Wait for the answer and require it without retourcodes: a Gegeven step's outcome."""
    answer = keten.receive(role, code)
    codes = carried(answer.data)
    if codes:
        raise ChainFailure(f"{because} did not go through: the {role} received a {code} with "
                           f"retourcodes {', '.join(codes)} ({answer.permalink})")
    keten.checkpoint()
    return answer


# ---------------------------------------------------------------- gemeente: 301
def _send_toewijzing(keten: Keten, producten: str, referentie: str | None = None) -> None:
    codes = _products(keten, producten)
    keten.facts.setdefault("product", codes[0])
    sent = keten.act("gemeente", "toewijzing", "301",
                     lambda g, today: g.toewijzing(today, codes, bsn=keten.facts.get("bsn"),
                                                   referentie=referentie),
                     product=" ".join(codes), bsn=keten.facts.get("bsn"))
    _remember_toewijzing(keten, sent.data if sent else read(keten.party("gemeente").sent[-1].xml)[2])


def _bsn(out: Outgoing) -> str:
    return read(out.xml)[2]["Client"]["Bsn"]


@given(parsers.parse("de gemeente heeft een toewijzing gestuurd voor {producten}"))
def toewijzing_gestuurd(keten: Keten, producten: str) -> None:
    """Gegeven de gemeente heeft een toewijzing gestuurd voor PRODUCTEN: a 301 (PRODUCTEN: een
    product in uren, een outputproduct, een product in euro's, product "CODE", joined with
    'en'; or twee producten die niet samen mogen) that the aanbieder accepted with a 302
    without retourcodes."""
    _send_toewijzing(keten, producten)
    _clean_answer(keten, "gemeente", "302", "the toewijzing")


@when(parsers.re(r'de gemeente een toewijzing stuurt voor (?P<producten>.+?)'
                 r'(?: met ReferentieAanbieder "(?P<referentie>[^"]*)")?$'))
def toewijzing_sturen(keten: Keten, producten: str, referentie: str | None) -> None:
    """Als de gemeente een toewijzing stuurt voor PRODUCTEN [met ReferentieAanbieder "REF"]:
    a 301 for the scenario's client (a new one at first). With a ReferentieAanbieder it
    claims to honour that verzoek (a faulty message unless the verzoek exists)."""
    if referentie is not None:
        _faulty(keten, "gemeente", f"ReferentieAanbieder {referentie}")
    _send_toewijzing(keten, producten, referentie)


@when("de gemeente het ToewijzingNummer opnieuw gebruikt voor een andere client")
def toewijzingnummer_hergebruiken(keten: Keten) -> None:
    """Als de gemeente het ToewijzingNummer opnieuw gebruikt voor een andere client: a 301
    for a new client that repeats the scenario's ToewijzingNummer (faulty: TR332)."""
    _faulty(keten, "gemeente", "a ToewijzingNummer used before")
    nummer = _nummer(keten)
    out = keten.party("gemeente").toewijzing(keten.today, keten.facts["product"])
    keten.facts["andere client"] = _bsn(out)
    keten.agents["gemeente"].send(
        _altered(out, lambda root: _set(root, "ToewijzingNummer", str(nummer))), today=keten.today)


@when("de gemeente de toewijzing intrekt")
def toewijzing_intrekken(keten: Keten) -> None:
    """Als de gemeente de toewijzing intrekt: a 301 ending the scenario's toewijzing today
    (RedenWijziging 05)."""
    bsn, nummer = _client(keten), _nummer(keten)
    keten.act("gemeente", "toewijzing-intrekken", "301",
              lambda g, today: g.intrekking(today, bsn, nummer), bsn=bsn, toewijzing=nummer)


@when("de gemeente de toewijzing verwijdert")
def toewijzing_verwijderen(keten: Keten) -> None:
    """Als de gemeente de toewijzing verwijdert: a 301 deleting the scenario's toewijzing
    (RedenWijziging 13, Einddatum = Ingangsdatum)."""
    bsn, nummer = _client(keten), _nummer(keten)
    keten.act("gemeente", "toewijzing-verwijderen", "301",
              lambda g, today: g.verwijdering(today, bsn, nummer), bsn=bsn, toewijzing=nummer)


@when(parsers.parse('de gemeente een antwoordbericht stuurt op verzoek "{referentie}"'))
def antwoord_sturen(keten: Keten, referentie: str) -> None:
    """Als de gemeente een antwoordbericht stuurt op verzoek "REF": a 319 refusing verzoek REF
    with reason 4 (faulty when no such verzoek was sent: TR355)."""
    _faulty(keten, "gemeente", f"a 319 on verzoek {referentie}")
    keten.act("gemeente", "antwoord", "319",
              lambda g, today: g.antwoord(today, referentie))


# ---------------------------------------------------------------- aanbieder: 305 / 307
def _start(keten: Keten, action: str = "start") -> None:
    bsn = _client(keten)
    keten.act("aanbieder", action, "305", lambda a, today: a.start(today, bsn), bsn=bsn)


@given("de aanbieder heeft de levering gestart")
def levering_gestart(keten: Keten) -> None:
    """Gegeven de aanbieder heeft de levering gestart: a 305 for the scenario's client that the
    gemeente accepted (306 without retourcodes)."""
    _start(keten)
    _clean_answer(keten, "aanbieder", "306", "the start")


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
    _start(keten, "herstart")


@when("de aanbieder de levering start op een onbekend ToewijzingNummer")
def start_onbekend(keten: Keten) -> None:
    """Als de aanbieder de levering start op een onbekend ToewijzingNummer: a 305 naming a
    ToewijzingNummer the gemeente never sent (faulty: TR019)."""
    _faulty(keten, "aanbieder", "a start on an unknown toewijzing")
    out = keten.party("aanbieder").start(keten.today, _client(keten))
    keten.agents["aanbieder"].send(
        _altered(out, lambda root: _set(root, "ToewijzingNummer", str(ONBEKEND_NUMMER))),
        today=keten.today)


@when("de aanbieder de levering opnieuw start zonder stop")
def start_zonder_stop(keten: Keten) -> None:
    """Als de aanbieder de levering opnieuw start zonder stop: a second 305, a day later than
    the first, while the first has no stop (faulty: TR326)."""
    _faulty(keten, "aanbieder", "a second start without a stop")
    a = keten.party("aanbieder")
    keten.agents["aanbieder"].send(a.start(keten.today, _client(keten),
                                           begindatum=keten.today + timedelta(days=1)),
                                   today=keten.today)


@when("de aanbieder dezelfde start nog eens stuurt")
def dezelfde_start(keten: Keten) -> None:
    """Als de aanbieder dezelfde start nog eens stuurt: the last 305 once more, under a new
    BerichtIdentificatie (faulty: TR074)."""
    _faulty(keten, "aanbieder", "the same start twice")
    last = [o for o in keten.party("aanbieder").sent if o.id == "305"][-1]
    keten.agents["aanbieder"].send(_altered(last, lambda root: None), today=keten.today)


@when("de aanbieder de start verwijdert")
def start_verwijderen(keten: Keten) -> None:
    """Als de aanbieder de start verwijdert: a 305 with StatusAanlevering 3 for the client's
    last start (the first half of a correction)."""
    bsn = _client(keten)
    keten.act("aanbieder", "start-verwijderen", "305",
              lambda a, today: a.verwijder_start(today, bsn), bsn=bsn)


def _stop(keten: Keten, tijdelijk: bool) -> None:
    bsn = _client(keten)

    def stop(a, today):
        try:
            return a.stop(today, bsn, tijdelijk=tijdelijk)
        except ValueError:  # stopped for good already: the same stop again (TR415 rejects it)
            return a.stop(today, bsn, [n for (b, n) in a.leveringen if b == bsn][-1:],
                          tijdelijk=tijdelijk)
    keten.act("aanbieder", "stop-tijdelijk" if tijdelijk else "stop-definitief", "307", stop,
              bsn=bsn)


@given("de aanbieder heeft de levering definitief gestopt")
def levering_gestopt(keten: Keten) -> None:
    """Gegeven de aanbieder heeft de levering definitief gestopt: a definitive 307 that the
    gemeente accepted (308 without retourcodes)."""
    _stop(keten, tijdelijk=False)
    _clean_answer(keten, "aanbieder", "308", "the stop")


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
    _faulty(keten, "aanbieder", "a stop without a start")
    out = keten.party("aanbieder").stop(keten.today, _client(keten))
    other_day = (keten.today - timedelta(days=40)).isoformat()
    keten.agents["aanbieder"].send(_altered(out, lambda root: _set(root, "Begindatum", other_day)),
                                   today=keten.today)


# ---------------------------------------------------------------- aanbieder: 315 / 317
def _vot(keten: Keten, producten: str, bsn: str | None = None) -> None:
    codes = _products(keten, producten)
    keten.facts.setdefault("product", codes[0])
    sent = keten.act("aanbieder", "verzoek-om-toewijzing", "315",
                     lambda a, today: a.vot(today, codes, bsn=bsn), product=" ".join(codes),
                     bsn=bsn)
    client = (sent.data if sent else read(keten.party("aanbieder").sent[-1].xml)[2])["Client"]
    keten.facts.setdefault("bsn", client["Bsn"])
    keten.facts.setdefault("verzoeken", []).extend(
        p["ReferentieAanbieder"] for p in client["AangevraagdeProducten"]["AangevraagdProduct"])


@given(parsers.parse("de aanbieder heeft een verzoek om toewijzing gestuurd voor {producten}"))
def vot_gestuurd(keten: Keten, producten: str) -> None:
    """Gegeven de aanbieder heeft een verzoek om toewijzing gestuurd voor PRODUCTEN: a 315 the
    gemeente accepted (316 without retourcodes); its answer may still be on its way."""
    _vot(keten, producten)
    _clean_answer(keten, "aanbieder", "316", "the verzoek om toewijzing")


@when(parsers.parse("de aanbieder een verzoek om toewijzing stuurt voor {producten}"))
def vot_sturen(keten: Keten, producten: str) -> None:
    """Als de aanbieder een verzoek om toewijzing stuurt voor PRODUCTEN: a 315 for a new
    client, one AangevraagdProduct per product."""
    _vot(keten, producten)


@when("de aanbieder nog een verzoek om toewijzing stuurt voor dezelfde client")
def vot_nog_een(keten: Keten) -> None:
    """Als de aanbieder nog een verzoek om toewijzing stuurt voor dezelfde client: a second
    315 for the client while the first is still open (faulty: TR374)."""
    _faulty(keten, "aanbieder", "a second verzoek while the first is open")
    _vot(keten, f'product "{keten.facts["product"]}"', bsn=_client(keten))


def _vow(keten: Keten, **kw) -> None:
    bsn = _client(keten)
    sent = keten.act("aanbieder", "verzoek-om-wijziging", "317",
                     lambda a, today: a.vow(today, bsn, **kw), bsn=bsn, toewijzing=_nummer(keten))
    referentie = list(keten.party("aanbieder").verzoeken)[-1] if sent is None \
        else sent.data["Client"]["Verzoek"]["ReferentieAanbieder"]
    keten.facts.setdefault("verzoeken", []).append(referentie)


@when("de aanbieder een verzoek om wijziging stuurt met een hoger volume")
def vow_hoger(keten: Keten) -> None:
    """Als de aanbieder een verzoek om wijziging stuurt met een hoger volume: a 317 holding
    every current toewijzing, the scenario's first one with one unit more."""
    nummer = _nummer(keten)
    if not keten.simulated("aanbieder"):
        return _vow(keten)  # the system under test chooses its own volume
    t = keten.party("aanbieder").toewijzing(_client(keten), nummer)
    volume = (t.get("Omvang") or {}).get("Volume") or t.get("Budget")
    _vow(keten, wijzigen={nummer: volume + 1})


@when("de aanbieder een verzoek om wijziging stuurt dat een actuele toewijzing weglaat")
def vow_weglaten(keten: Keten) -> None:
    """Als de aanbieder een verzoek om wijziging stuurt dat een actuele toewijzing weglaat:
    a 317 without the scenario's last toewijzing (faulty: TR349)."""
    _faulty(keten, "aanbieder", "a VOW leaving out a current toewijzing")
    first, last = keten.facts["toewijzingen"][0], keten.facts["toewijzingen"][-1]
    t = keten.party("aanbieder").toewijzing(_client(keten), first)
    volume = (t.get("Omvang") or {}).get("Volume") or t.get("Budget")
    _vow(keten, wijzigen={first: volume + 1}, beeindigen=[last])


# ---------------------------------------------------------------- aanbieder: 323
@given("de maand is om")
def maand_om(keten: Keten) -> None:
    """En de maand is om: everything in flight is answered, then the clock moves to the first
    werkdag of the next month."""
    keten.month_over()


def _declareer(keten: Keten, action: str = "declaratie", **kw) -> None:
    begin, end = previous_month(keten.today)
    keten.act("aanbieder", action, "323", lambda a, today: a.declaratie(today, **kw),
              bsn=_client(keten), periode=f"{begin.isoformat()}..{end.isoformat()}")


@given("de aanbieder heeft de vorige maand gedeclareerd")
def gedeclareerd(keten: Keten) -> None:
    """Gegeven de aanbieder heeft de vorige maand gedeclareerd: a 323 over the previous
    month that the gemeente approved in full (325 with 8001)."""
    _declareer(keten)
    answer = keten.receive("aanbieder", "325")
    if carried(answer.data) != ["8001"]:
        raise ChainFailure(f"the declaratie was not approved in full: 325 with "
                           f"{', '.join(carried(answer.data))} ({answer.permalink})")
    keten.checkpoint()


@when(parsers.re(r"de aanbieder de vorige maand declareert(?P<hoe>| in minuten)$"))
def declareren(keten: Keten, hoe: str) -> None:
    """Als de aanbieder de vorige maand declareert [in minuten]: a 323 over the calendar month
    before today, one line per toewijzing with care, in its unit (hours in minutes)."""
    _declareer(keten, in_minuten=bool(hoe))


@when("de aanbieder de vorige maand declareert in etmalen")
def declareren_etmalen(keten: Keten) -> None:
    """Als de aanbieder de vorige maand declareert in etmalen: a 323 whose prestaties use
    Eenheid 14 (etmaal) for a toewijzing in hours (faulty: TR341)."""
    _faulty(keten, "aanbieder", "a declaratie in the wrong unit")
    out = keten.party("aanbieder").declaratie(keten.today)
    keten.agents["aanbieder"].send(_altered(out, lambda root: _set(root, "Prestatie/Eenheid",
                                                                    ETMAAL)), today=keten.today)


@when("de aanbieder de vorige maand declareert met een extra prestatie op een onbekende toewijzing")
def declareren_onbekend(keten: Keten) -> None:
    """Als de aanbieder de vorige maand declareert met een extra prestatie op een onbekende
    toewijzing: the 323 plus one line, with its amount in the totals, on a ToewijzingNummer
    the gemeente never sent (faulty: TR338)."""
    _faulty(keten, "aanbieder", "a prestatie on an unknown toewijzing")
    a, bsn, nummer = keten.party("aanbieder"), _client(keten), _nummer(keten)
    # the aanbieder believes in one more toewijzing, declares it, and forgets it again
    a.toewijzingen[bsn][ONBEKEND_NUMMER] = {**a.toewijzing(bsn, nummer),
                                            "ToewijzingNummer": ONBEKEND_NUMMER}
    a.leveringen[(bsn, ONBEKEND_NUMMER)] = list(a.leveringen[(bsn, nummer)])
    try:
        out = a.declaratie(keten.today)
    finally:
        del a.toewijzingen[bsn][ONBEKEND_NUMMER], a.leveringen[(bsn, ONBEKEND_NUMMER)]
    keten.agents["aanbieder"].send(out, today=keten.today)


@when("de aanbieder dezelfde maand nog eens declareert")
def declareren_nog_eens(keten: Keten) -> None:
    """Als de aanbieder dezelfde maand nog eens declareert: a second 323 over the same month
    with new ReferentieNummers, no credit (faulty: TR389)."""
    _faulty(keten, "aanbieder", "the same month declared twice")
    keten.agents["aanbieder"].send(keten.party("aanbieder").declaratie(keten.today),
                                   today=keten.today)


@when("de aanbieder declareert met het vorige declaratienummer")
def declareren_zelfde_nummer(keten: Keten) -> None:
    """Als de aanbieder declareert met het vorige declaratienummer: a 323 over the previous
    month that repeats the last 323's DeclaratieNummer (faulty: TR333)."""
    _faulty(keten, "aanbieder", "a DeclaratieNummer used before")
    a = keten.party("aanbieder")
    last = [o for o in a.sent if o.id == "323"][-1]
    nummer = etree.fromstring(last.xml).xpath("string(//*[local-name()='DeclaratieNummer'])")
    keten.agents["aanbieder"].send(
        _altered(a.declaratie(keten.today), lambda root: _set(root, "DeclaratieNummer", nummer)),
        today=keten.today)


@when("de aanbieder de vorige declaratie corrigeert")
def declaratie_corrigeren(keten: Keten) -> None:
    """Als de aanbieder de vorige declaratie corrigeert: a 323 with, for the last approved
    line, a credit and a new debet of one unit less (and this month's care)."""
    def correct(a, today):
        ref, regel = list(a.gedeclareerd.items())[-1]
        return a.declaratie(today, correcties={ref: regel.prestatie["GeleverdVolume"] - 1})
    keten.act("aanbieder", "declaratie-correctie", "323", correct, bsn=_client(keten))


# ---------------------------------------------------------------- what arrives
def _received(keten: Keten, role: str, code: str):
    """The next `code` delivered to `role`; it must pass the exchange's rules (an answer of
    the system under test is judged like everything else)."""
    got = keten.receive(role, code)
    if got.fault():
        raise ChainFailure(f"the {role} received a {got.name}, but {got.fault()}")
    return got


@then(parsers.re(rf"ontvangt de {PARTY} een (?P<code>\d{{3}}) zonder retourcodes$"))
def zonder_retourcodes(keten: Keten, role: str, code: str) -> None:
    """Dan ontvangt de PARTIJ een NNN zonder retourcodes: the next NNN the party receives
    carries no retourcode besides 0200/0233 (a retour message accepting everything)."""
    got = _received(keten, role, code)
    if carried(got.data):
        raise ChainFailure(f"the {got.name} carries retourcodes {', '.join(carried(got.data))}; "
                           f"expected none ({got.permalink})")


@then(parsers.re(rf'ontvangt de {PARTY} een (?P<code>\d{{3}}) met retourcode "(?P<rc>\w+)"$'))
def met_retourcode(keten: Keten, role: str, code: str, rc: str) -> None:
    """Dan ontvangt de PARTIJ een NNN met retourcode "CODE": the next NNN carries CODE (a
    325: 8001 approved in full, or a code on a rejected prestatie)."""
    got = _received(keten, role, code)
    codes = carried(got.data)
    if rc not in codes:
        raise ChainFailure(f"the {got.name} carries {', '.join(codes) or 'no retourcodes'}; "
                           f"expected {rc} ({got.permalink})")


@then(parsers.re(rf'ontvangt de {PARTY} een 319 met VerzoekAntwoord "(?P<antwoord>\d)"'
                 r'(?: en reden "(?P<reden>\d+)")?$'))
def antwoord_ontvangen(keten: Keten, role: str, antwoord: str, reden: str | None) -> None:
    """Dan ontvangt de PARTIJ een 319 met VerzoekAntwoord "N" [en reden "R"]: the next 319
    answers one of the scenario's verzoeken with VerzoekAntwoord N (1 afgewezen, 2 in
    onderzoek) and RedenAfwijzingVerzoek R."""
    got = _received(keten, role, "319")
    a = got.data["Antwoord"]
    wanted = (antwoord, reden)
    if (a["VerzoekAntwoord"], a.get("RedenAfwijzingVerzoek")) != wanted:
        raise ChainFailure(f"the 319 answers VerzoekAntwoord {a['VerzoekAntwoord']} reden "
                           f"{a.get('RedenAfwijzingVerzoek')}; expected {antwoord} reden "
                           f"{reden} ({got.permalink})")
    if a["ReferentieAanbieder"] not in keten.facts.get("verzoeken", []):
        raise ChainFailure(f"the 319 answers verzoek {a['ReferentieAanbieder']}, not one of "
                           f"the scenario's ({', '.join(keten.facts.get('verzoeken', []))})")


@then(parsers.re(rf"ontvangt de {PARTY} een 301 voor het gevraagde product$"))
def toewijzing_voor_verzoek(keten: Keten, role: str) -> None:
    """Dan ontvangt de aanbieder een 301 voor het gevraagde product: the next 301 honours one
    of the scenario's verzoeken (its ReferentieAanbieder) for the product asked for."""
    got = _received(keten, role, "301")
    producten = got.data["Client"]["ToegewezenProducten"]["ToegewezenProduct"]
    refs = keten.facts.get("verzoeken", [])
    if not any(p.get("ReferentieAanbieder") in refs for p in producten):
        raise ChainFailure(f"the 301 names no verzoek of the scenario ({', '.join(refs)}) in "
                           f"ReferentieAanbieder ({got.permalink})")
    code = keten.facts.get("product")
    # as a toewijzing names the product: care in euro's (a Budget) by its categorie only
    wanted = keten.profile.product(code).as_element() if code else None
    if not any(p.get("Product") == wanted for p in producten):
        raise ChainFailure(f"the 301 assigns no product {keten.facts.get('product')} "
                           f"({got.permalink})")
    _remember_toewijzing(keten, got.data)


@then(parsers.re(rf"ontvangt de {PARTY} (?P<n>\d+) keer een (?P<code>\d{{3}})$"))
def keer_ontvangen(keten: Keten, role: str, n: str, code: str) -> None:
    """Dan ontvangt de PARTIJ N keer een NNN: N more NNN messages arrive, each passing the
    rules."""
    for _ in range(int(n)):
        _received(keten, role, code)


@then(parsers.re(r'ontvangt de aanbieder een 325 die (?P<n>\d+) prestaties? afwijst met '
                 r'retourcode "(?P<rc>\w+)"$'))
def prestaties_afgewezen(keten: Keten, n: str, rc: str) -> None:
    """Dan ontvangt de aanbieder een 325 die N prestatie(s) afwijst met retourcode "CODE":
    the next 325 lists exactly N prestaties, each carrying CODE."""
    got = _received(keten, "aanbieder", "325")
    listed = rejected_prestaties(got.data)
    if len(listed) != int(n) or not all(rc in carried(p) for p in listed):
        found = "; ".join(f"{p['ProductReferentie']['ReferentieNummer']}: "
                          f"{', '.join(carried(p))}" for p in listed) or "none"
        raise ChainFailure(f"the 325 rejects {len(listed)} prestaties ({found}), retourcodes "
                           f"{', '.join(carried(got.data)) or 'none'}; expected {n} with {rc} "
                           f"({got.permalink})")
    keten.facts["325"] = got


@then("is het toegekende bedrag lager dan het ingediende")
def bedrag_lager(keten: Keten) -> None:
    """En is het toegekende bedrag lager dan het ingediende: in the last 325 checked,
    TotaalToegekendBedrag < TotaalIngediendBedrag."""
    a = keten.facts["325"].data["DeclaratieAntwoord"]
    ingediend = a["TotaalIngediendBedrag"]["TotaalBedrag"]
    toegekend = (a.get("TotaalToegekendBedrag") or {}).get("TotaalBedrag", 0)
    if not toegekend < ingediend:
        raise ChainFailure(f"toegekend {toegekend} is not lower than ingediend {ingediend}")


def _termijn(got) -> dict:
    termijn = got.entry.get("termijn")
    if not termijn:
        raise ChainFailure(f"the exchange's journal links the {got.name} to no message it "
                           f"answers ({got.permalink})")
    return termijn


@then(parsers.re(rf"ontvangt de {PARTY} een (?P<code>\d{{3}}) binnen (?P<n>\d+) werkdagen$"))
def binnen_termijn(keten: Keten, role: str, code: str, n: str) -> None:
    """Dan ontvangt de PARTIJ een NNN binnen N werkdagen: the next NNN was sent at most N
    werkdagen (weekends and Dutch holidays skipped) after what it answers arrived."""
    got = _received(keten, role, code)
    t = _termijn(got)
    took = keten.profile.kalender.werkdagen_between(date.fromisoformat(t["received"]),
                                      date.fromisoformat(t["sent"]))
    if took > int(n):
        raise ChainFailure(f"the {got.name} came {took} werkdagen after {t['received']}; "
                           f"expected within {n} ({got.permalink})")


@then("kwam elk antwoord binnen zijn termijn")
def alles_op_tijd(keten: Keten) -> None:
    """En kwam elk antwoord binnen zijn termijn: every answer in the journal so far (retour
    messages 3 werkdagen, 301/319 on a verzoek 5, a 325 10) was on time."""
    keten.refresh()
    late = [f"{e.name} due {e.entry['termijn']['due']}, sent {e.entry['termijn']['sent']}"
            for e in keten.exchanged if (e.entry.get("termijn") or {}).get("on_time") is False]
    if late:
        raise ChainFailure("late: " + "; ".join(late))


@then(parsers.re(r"kent de aanbieder (?P<n>\d+) toewijzing(?:en)? van de (?P<wie>client|andere client)$"))
def toewijzingen_bekend(keten: Keten, n: str, wie: str) -> None:
    """Dan kent de aanbieder N toewijzing(en) van de (andere) client: the ToewijzingNummers
    of that client in the 301s the aanbieder accepted (as the exchange judged them)."""
    bsn = keten.facts.get("bsn" if wie == "client" else "andere client")
    keten.refresh()
    known = set()
    for e in keten.exchanged:
        if e.code == "301" and e.receiver == "aanbieder" and not e.refused \
                and (e.verdict or {}).get("accepted") and e.data["Client"]["Bsn"] == bsn:
            known |= {t["ToewijzingNummer"] for t in
                      e.data["Client"]["ToegewezenProducten"]["ToegewezenProduct"]
                      if t.get("RedenWijziging") != "13"}
    if len(known) != int(n):
        raise ChainFailure(f"the aanbieder knows {len(known)} toewijzingen of client {bsn} "
                           f"({', '.join(map(str, sorted(known))) or 'none'}); expected {n}")

