"""How a system under test behaves over a whole scenario (ketentest/run/behaviour.py): the
checks as pure functions over a journal, and deliberately faulty systems under test that each
fail their scenario naming what they did, while a correct one passes."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from harness.parties import SimulatedAanbieder, SimulatedGemeente
from harness.profiles import builtin
from ketentest.run import behaviour
from ketentest.run.command import FEATURES

from .test_run import run_against
from .sut_support import FakeSut

START = str(FEATURES / "305-306" / "start.feature")
NOT_FAULTY = "@305-306 and not @fout-aanbieder"  # the start scenarios a real aanbieder plays


# ---------------------------------------------------------------- the checks, on a journal
class Entry:
    """A journal entry as the checks see it (ketentest.run.keten.Exchanged's interface)."""

    def __init__(self, seq, code, sender, receiver, data=None, status="bezorgd", day="2026-11-02",
                 termijn=None, delivered_at=None, fault=None, rules=()):
        self.code, self.sender, self.receiver, self.data = code, sender, receiver, data or {}
        self.name, self.id, self.permalink = f"WMO{code}", f"m{seq}", f"http://x/m{seq}"
        self.refused = status == "afgekeurd"
        self._fault = fault
        self.verdict = {"findings": [{"rule": r} for r in rules]}
        self.entry = {"seq": seq, "status": status, "day": day, "termijn": termijn,
                      "identificatie": f"ID{seq}", "delivered_at": delivered_at}

    def fault(self):
        return self._fault


class Keten:
    def __init__(self, sut, today=date(2026, 11, 2)):
        self.sut, self.today = sut, today
        self.profile = builtin("regio-accepteert")
        self.days = behaviour.DayLog(date(2026, 11, 2))


def test_a_message_never_acknowledged_or_acknowledged_late_is_named():
    k = Keten("aanbieder")
    t0 = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
    k.days.moved(date(2026, 11, 10), t0)  # the clock moved on 6 werkdagen at t0
    on_time = Entry(1, "301", "gemeente", "aanbieder",
                    delivered_at=(t0 - timedelta(seconds=1)).isoformat())
    late = Entry(2, "306", "gemeente", "aanbieder", delivered_at=(t0 + timedelta(seconds=1)).isoformat())
    never = Entry(3, "308", "gemeente", "aanbieder", status="aangeboden")
    sent = Entry(4, "305", "aanbieder", "gemeente", status="aangeboden")  # not the system's inbox
    found = behaviour.unfetched(k, [on_time, late, never, sent])
    assert len(found) == 2, found
    assert "acknowledged the WMO306 ID2" in found[0] and "on 2026-11-10" in found[0] \
        and "due (2026-11-05" in found[0]
    assert "never fetched and acknowledged the WMO308 ID3" in found[1]


def test_late_and_missing_answers_are_named_with_their_termijn():
    k = Keten("gemeente", today=date(2026, 11, 20))
    late = Entry(2, "306", "gemeente", "aanbieder", termijn={
        "answers": "m1", "kind": "retour", "received": "2026-11-02", "due": "2026-11-05",
        "sent": "2026-11-09", "on_time": False, "werkdagen_late": 2})
    heen = Entry(1, "305", "aanbieder", "gemeente")
    owed = Entry(3, "323", "aanbieder", "gemeente", day="2026-11-03")  # 325 due 2026-11-17
    found = behaviour.late(k, [heen, late, owed])
    assert len(found) == 2, found
    assert "WMO306 ID2" in found[0] and "2 werkdagen late" in found[0] and "due 2026-11-05" in found[0]
    assert "never answered the WMO323 ID3 (http://x/m3) with a 325: due 2026-11-17" in found[1]
    assert behaviour.late(Keten("gemeente", today=date(2026, 11, 17)), [owed]) == []


def test_a_retour_or_325_answering_nothing_is_named():
    k = Keten("gemeente")
    linked = Entry(1, "306", "gemeente", "aanbieder", termijn={"answers": "m0", "on_time": True})
    orphan = Entry(2, "306", "gemeente", "aanbieder")
    antwoord = Entry(3, "325", "gemeente", "aanbieder")
    own = Entry(4, "301", "gemeente", "aanbieder")  # a gemeente's own 301 answers nothing
    found = behaviour.orphans(k, [linked, orphan, antwoord, own])
    assert len(found) == 2
    assert "WMO306 ID2" in found[0] and "answers no 305" in found[0]
    assert "WMO325 ID3" in found[1] and "names no declaratie" in found[1]


def test_a_message_beyond_the_old_toewijzing_after_a_refused_vow_is_named_as_acting_on_it():
    vow = Entry(1, "317", "aanbieder", "gemeente", data={"Client": {
        "Bsn": "123", "Verzoek": {"ReferentieAanbieder": "R9"}}})
    refused = Entry(2, "319", "gemeente", "aanbieder", data={"Antwoord": {
        "ReferentieAanbieder": "R9", "VerzoekAntwoord": "1", "RedenAfwijzingVerzoek": "4"}})
    clients = {"Declaratie": {"Clienten": {"Client": [{"Bsn": "123"}]}}}
    beyond = Entry(3, "323", "aanbieder", "gemeente", data=clients, rules=("TR321",))
    own = Entry(3, "323", "aanbieder", "gemeente", data=clients, rules=("TR358",))
    k = Keten("aanbieder")
    why = behaviour.acting_on_refused_vow(k, beyond, [vow, refused, beyond])
    assert "acts on the VOW R9" in why and "client 123" in why
    assert behaviour.acting_on_refused_vow(k, own, [vow, refused, own]) is None  # its own fault
    assert behaviour.acting_on_refused_vow(k, beyond, [vow, beyond]) is None  # not refused
    granted = Entry(2, "319", "gemeente", "aanbieder", data={"Antwoord": {
        "ReferentieAanbieder": "R9", "VerzoekAntwoord": "2"}})
    assert behaviour.acting_on_refused_vow(k, beyond, [vow, granted, beyond]) is None


def _301(*toewijzingen):
    return {"Client": {"ToegewezenProducten": {"ToegewezenProduct": [
        {"ToewijzingNummer": n, "ReferentieAanbieder": ref} for n, ref in toewijzingen]}}}


def test_a_second_toewijzing_for_one_vot_product_is_named():
    vot = Entry(1, "315", "aanbieder", "gemeente", data={"Client": {"AangevraagdeProducten": {
        "AangevraagdProduct": [{"ReferentieAanbieder": "R1"}]}}})
    first = Entry(2, "301", "gemeente", "aanbieder", data=_301((1, "R1")))
    repeated = Entry(3, "301", "gemeente", "aanbieder", data=_301((1, "R1"), (2, None)))
    second = Entry(4, "301", "gemeente", "aanbieder", data=_301((1, "R1"), (3, "R1")))
    assert behaviour.second_toewijzing(Keten("gemeente"), [vot, first, repeated]) == []
    found = behaviour.second_toewijzing(Keten("gemeente"), [vot, first, repeated, second])
    assert len(found) == 1 and "VOT product R1 with 2 toewijzingen" in found[0] \
        and "ToewijzingNummer 1 in the WMO301 ID2" in found[0] and "3 in the WMO301 ID4" in found[0]


def _323(*lines):
    return {"Declaratie": {"Clienten": {"Client": [{"Prestaties": {"Prestatie": [
        {"ProductReferentie": {"ReferentieNummer": ref}, "ToewijzingNummer": 1,
         "ProductCode": "02A01", "ProductPeriode": {"Begindatum": date(2026, 11, 2),
                                                    "Einddatum": date(2026, 11, 30)},
         "GeleverdVolume": 12, "Eenheid": "04", "ProductTarief": tarief,
         "IngediendBedrag": {"Bedrag": 12 * tarief, "DebetCredit": "D"}}
        for ref, tarief in lines]}}]}}}


def test_a_rejected_line_declared_again_unchanged_is_named():
    first = Entry(1, "323", "aanbieder", "gemeente", data=_323(("A1", 6850)))
    answer = Entry(2, "325", "gemeente", "aanbieder", data={"DeclaratieAntwoord": {"Clienten": {
        "Client": [{"Prestaties": {"Prestatie": [{"ProductReferentie": {"ReferentieNummer": "A1"},
                                                  "RetourCodes": {"RetourCode": ["0611"]}}]}}]}}})
    corrected = Entry(3, "323", "aanbieder", "gemeente", data=_323(("A2", 7055)))
    unchanged = Entry(4, "323", "aanbieder", "gemeente", data=_323(("A3", 6850)))
    k = Keten("aanbieder")
    assert behaviour.redeclared(k, [first, answer, corrected]) == []
    found = behaviour.redeclared(k, [first, answer, unchanged])
    assert len(found) == 1 and "declared the line A1 again unchanged in the WMO323 ID4" in found[0] \
        and "rejected it with 0611" in found[0] and "tariff 6850" in found[0]


def test_the_pace_is_the_default_unless_given_and_none_for_a_person():
    assert behaviour.pace(None, False) == behaviour.DEFAULT_WERKDAG
    assert behaviour.pace(0.5, False) == 0.5
    assert behaviour.pace(0, False) is None  # --werkdag 0: the clock stands still
    assert behaviour.pace(None, True) is None


# ---------------------------------------------------------------- faulty systems under test
def test_an_aanbieder_that_never_acknowledges_fails_naming_the_message(tmp_path):
    sut = FakeSut("aanbieder", acknowledges=False)
    code, results = run_against(sut, tmp_path, NOT_FAULTY, START, "--timeout", "3",
                                "--html", "c.html")
    assert code == 1
    status, error = results["De aanbieder start de zorg"]
    assert status == "failed" and "never fetched and acknowledged the WMO301" in error, error
    # the certificate says how the clock moved while the harness waited
    html = (tmp_path / "c.html").read_text()
    assert "one werkdag per 10 s the harness waited on the system under test (the default " \
           "pace)" in html
    assert "every message delivered to the system fetched and acknowledged within 3 " \
           "werkdagen" in html


def test_an_aanbieder_answering_late_fails_any_scenario_not_only_the_deadline_ones(tmp_path):
    sut = FakeSut("aanbieder", answer_delay=2.0)
    code, results = run_against(sut, tmp_path, NOT_FAULTY, START, "--werkdag", "0.4")
    assert code == 1
    status, error = results["De aanbieder start de zorg"]
    assert status == "failed" and "sent the WMO302" in error and "werkdagen late" in error, error


def _orphan(root):
    """A fault: the retour names a heen message that does not exist."""
    for el in root.iter("{*}BerichtIdentificatie"):
        ident = next(el.iter("{*}Identificatie"))
        ident.text = "X" + ident.text[1:]
        return


def test_an_aanbieder_whose_302_answers_no_301_fails(tmp_path):
    # the 301 it owes waits out --timeout: long enough for the orphan 302 to arrive on a
    # busy machine (the check judges what the system sent by then)
    sut = FakeSut("aanbieder", faults={"302": _orphan})
    code, results = run_against(sut, tmp_path, NOT_FAULTY, START, "--timeout", "8")
    assert code == 1
    status, error = results["De aanbieder start de zorg"]
    assert status == "failed" and "WMO302" in error and "answers no 301" in error, error


class HopefulAanbieder(SimulatedAanbieder):
    """Takes its VOW as granted before the gemeente answers: declares the volume it asked."""

    def vow(self, today, bsn, wijzigen=None, **kw):
        out = super().vow(today, bsn, wijzigen=wijzigen, **kw)
        for n, volume in (wijzigen or {}).items():
            t = self.toewijzing(bsn, n)
            t["Omvang"] = {**t["Omvang"], "Volume": volume}
        return out


def failed(results: dict) -> set[str]:
    return {name for name, (status, _) in results.items() if status == "failed"}


REFUSED_VOW = "Na een geweigerd VOW blijft de aanbieder binnen de oude toewijzing"
HERZIEN = "Een herzien tarief: de aanbieder declareert de afgewezen prestatie opnieuw"
VOT = "Een verzoek om toewijzing wordt gehonoreerd"


def test_an_aanbieder_acting_on_a_refused_vow_fails_naming_it(tmp_path):
    sut = FakeSut("aanbieder", party=HopefulAanbieder)
    code, results = run_against(sut, tmp_path, "@317-318")
    assert code == 1
    assert failed(results) == {REFUSED_VOW}  # a VOW granted, or refused and not acted on, passes
    status, error = results[REFUSED_VOW]
    assert status == "failed" and "acts on the VOW" in error and "refused" in error \
        and "TR321" in error, error


def test_an_aanbieder_declaring_a_rejected_line_again_unchanged_fails_naming_it(tmp_path):
    sut = FakeSut("aanbieder", deaf={"tarieven"})  # never hears of the revised tariff
    code, results = run_against(sut, tmp_path, "@323-325 and (@0611 or @8001) and not "
                                "@certificering")
    assert code == 1
    assert failed(results) == {HERZIEN}  # a declaratie without a rejection passes
    status, error = results[HERZIEN]
    assert status == "failed" and "again unchanged" in error \
        and "rejected it with 0611" in error, error


class KeepsWhatItRejects(SimulatedAanbieder):
    """Answers a faulty 301 with the right codes, but files its toewijzingen all the same."""

    def receive(self, xml, verdict, today):
        out = super().receive(xml, verdict, today)
        last = self.received()[-1] if self.inbox else None
        if last is not None and last.id == "301" and not last.accepted:
            self._toewijzing(last.data["Client"])
        return out


REJECTED = "Op een afgewezen toewijzing start de aanbieder niets"


def test_an_aanbieder_starting_a_toewijzing_it_rejected_fails_naming_it(tmp_path):
    """Its 302 rejected the toewijzing with 9379; its start then names it too. In the chain a
    rejected class does not exist, so the start breaks TR019, and the failure says why: it
    acts on what it rejected. A correct aanbieder starts only what it accepted."""
    tags = "@301-302 and @TR379 and not @certificering"
    (tmp_path / "correct").mkdir(), (tmp_path / "faulty").mkdir()
    code, results = run_against(FakeSut("aanbieder"), tmp_path / "correct", tags)
    assert code == 0 and results[REJECTED] == ("passed", ""), results
    code, results = run_against(FakeSut("aanbieder", party=KeepsWhatItRejects),
                                tmp_path / "faulty", tags)
    assert code == 1 and failed(results) == {REJECTED}, results
    status, error = results[REJECTED]
    assert "sent a WMO305" in error and "which it rejected in its WMO302" in error \
        and "TR019 (9019)" in error, error


class EagerGemeente(SimulatedGemeente):
    """Honours every VOT product twice: two toewijzingen for one ReferentieAanbieder."""

    def _vot(self, d, today):
        return super()._vot(d, today) + super()._vot(d, today)


def test_a_gemeente_honouring_a_vot_product_twice_fails_naming_it(tmp_path):
    sut = FakeSut("gemeente", party=EagerGemeente)
    code, results = run_against(sut, tmp_path, "@315-316 and @301-302")
    assert code == 1
    assert failed(results) == {VOT, "Een verzoek om twee producten krijgt een toewijzing per "
                                    "product"}
    status, error = results[VOT]
    assert status == "failed" and "honoured the VOT product" in error \
        and "2 toewijzingen" in error, error


BEHAVIOUR_SCENARIOS = "(@323-325 and @0611 and not @certificering) or (@317-318 and @323-325)" \
                      " or (@315-316 and @301-302)"


def test_a_correct_aanbieder_passes_the_behaviour_scenarios(tmp_path):
    code, results = run_against(FakeSut("aanbieder"), tmp_path, BEHAVIOUR_SCENARIOS)
    assert {results[s] for s in (REFUSED_VOW, HERZIEN, VOT)} == {("passed", "")}, results
    assert code == 0


def test_a_correct_gemeente_passes_the_behaviour_scenarios(tmp_path):
    code, results = run_against(FakeSut("gemeente"), tmp_path, BEHAVIOUR_SCENARIOS)
    assert {results[s] for s in (REFUSED_VOW, HERZIEN, VOT)} == {("passed", "")}, results
    assert code == 0
