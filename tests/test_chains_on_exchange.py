"""Every chain of SPEC between the simulated gemeente and aanbieder through a real exchange
server over HTTP, for iWmo and iJw: two ExchangeAgents on one session, pumped on the session's
clock (moved with the admin API). Asserted on the exchange's journal (verdicts, termijnen)
and on what each party received; a profile slower than the deadlines shows in the journal
as answers not on time."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pytest

from ketentest.agent import ExchangeAgent
from harness.profiles import Profile, VerzoekBeleid, builtin

from .exchange_support import SessionClient, agents, codes, run

RELEASES = ["iwmo-3.2", "ijw-3.2"]
START = date(2026, 9, 1)  # a Tuesday
ACCEPTEERT, WEIGERT = builtin("regio-accepteert"), builtin("regio-weigert-vow")


def products(profile: Profile, rel: str) -> list[str]:
    return [p.code for p in profile.producten_van(rel)]


@dataclass
class Keten:
    """One session's chain: the two agents and the session's date."""

    session: SessionClient
    gemeente: ExchangeAgent
    aanbieder: ExchangeAgent
    day: date

    def send(self, agent: ExchangeAgent, outgoing) -> None:
        """`agent` sends a message today; everything that follows runs to its end."""
        agent.send(outgoing, today=self.day)
        self.day = run(self.session, self.day, self.gemeente, self.aanbieder)

    def until(self, day: date) -> None:
        """Move the session's clock to `day`, answering whatever falls due on the way."""
        self.day = run(self.session, self.day, self.gemeente, self.aanbieder, until=day)

    def journal(self, message: str | None = None) -> list[dict]:
        """The exchange's journal, or its entries of one message id ('302')."""
        entries = self.session.journal(limit=1000)
        return [e for e in entries
                if message is None or (e["berichtsoort"] or "").endswith(message)]

    def verdict(self, entry: dict) -> dict:
        return self.session.get(None, entry["verdict"]).json()["verdict"]

    def toegewezen(self, product: str, **kwargs) -> tuple[str, int]:
        """301 -> 302: the client's bsn and the new ToewijzingNummer, as the aanbieder knows
        them."""
        self.send(self.gemeente, self.gemeente.party.toewijzing(self.day, product, **kwargs))
        bsn = self.aanbieder.party.received("301")[-1].data["Client"]["Bsn"]
        return bsn, max(self.aanbieder.party.toewijzingen[bsn])


def keten(server, profile: Profile, rel: str, **kwargs) -> Keten:
    session, gemeente, aanbieder = agents(server, profile, rel, start=START, **kwargs)
    return Keten(session, gemeente, aanbieder, START)


def all_fine(k: Keten) -> list[dict]:
    """Every message delivered and accepted by the exchange's judging, every answer on time,
    nothing left to send; the journal."""
    journal = k.journal()
    assert {e["status"] for e in journal} == {"bezorgd"}, journal
    verdicts = [(e["berichtsoort"], k.verdict(e)) for e in journal]
    assert not [(name, v["findings"]) for name, v in verdicts if not v["accepted"]]
    assert not [e["termijn"] for e in journal if e["termijn"] and not e["termijn"]["on_time"]]
    assert not k.gemeente.pending and not k.aanbieder.pending
    return journal


def answers(k: Keten, message: str) -> list[tuple[str, str]]:
    """For each journalled `message` (an answer): (berichtsoort of what it answers, kind)."""
    by_id = {e["id"]: e for e in k.journal()}
    return [(by_id[e["termijn"]["answers"]]["berichtsoort"][-3:], e["termijn"]["kind"])
            for e in k.journal(message)]


# ---------------------------------------------------------------- 301 -> 302

@pytest.mark.parametrize("rel", RELEASES)
def test_toewijzing_change_withdrawal_and_deletion(sqlite_server, rel):
    k = keten(sqlite_server, ACCEPTEERT, rel)
    first, second = products(ACCEPTEERT, rel)[0], products(ACCEPTEERT, rel)[2]
    bsn, a = k.toegewezen(first, ingangsdatum=date(2026, 9, 1), einddatum=date(2026, 12, 31))
    _, b = k.toegewezen(second, bsn=bsn, ingangsdatum=date(2026, 10, 1))
    k.send(k.gemeente, k.gemeente.party.wijziging(k.day, bsn, a, einddatum=date(2027, 3, 31)))
    k.send(k.gemeente, k.gemeente.party.verwijdering(k.day, bsn, b))
    k.until(date(2026, 10, 5))
    k.send(k.gemeente, k.gemeente.party.intrekking(k.day, bsn, a, einddatum=k.day))
    journal = all_fine(k)
    aanbieder = k.aanbieder.party
    assert aanbieder.toewijzing(bsn, b)["RedenWijziging"] == "13"
    assert aanbieder.toewijzing(bsn, b)["Einddatum"] == aanbieder.toewijzing(bsn, b)["Ingangsdatum"]
    assert (aanbieder.toewijzing(bsn, a)["Einddatum"], aanbieder.toewijzing(bsn, a)[
        "RedenWijziging"]) == (date(2026, 10, 5), "05")
    reden = [[t.get("RedenWijziging") for t in r.data["Client"]["ToegewezenProducten"][
        "ToegewezenProduct"]] for r in aanbieder.received("301")]
    assert reden == [[None], [None, None], ["04", None], ["04", "13"], ["05"]]
    assert codes(k.gemeente, "302") == [[]] * 5  # every 301 accepted by the aanbieder
    # each 302 answers the 301 before it, three werkdagen later at the latest
    t301, t302 = k.journal("301"), k.journal("302")
    assert [e["termijn"]["answers"] for e in t302] == [e["id"] for e in t301]
    assert all(e["termijn"]["kind"] == "retour" and e["termijn"]["on_time"] for e in t302)
    assert [e["termijn"] for e in t301] == [None] * 5  # the gemeente's own: no answers
    assert len(journal) == 10


# ---------------------------------------------------------------- 305 -> 306, 307 -> 308

@pytest.mark.parametrize("rel", RELEASES)
def test_start_then_temporary_and_definitive_stop(sqlite_server, rel):
    k = keten(sqlite_server, ACCEPTEERT, rel)
    bsn, nummer = k.toegewezen(products(ACCEPTEERT, rel)[0])
    aanbieder = k.aanbieder.party
    k.send(k.aanbieder, aanbieder.start(k.day, bsn))
    k.until(date(2026, 9, 21))
    k.send(k.aanbieder, aanbieder.stop(k.day, bsn, tijdelijk=True))
    k.until(date(2026, 9, 28))
    k.send(k.aanbieder, aanbieder.start(k.day, bsn))  # a restart after a stop is a new 305
    k.until(date(2026, 10, 5))
    k.send(k.aanbieder, aanbieder.stop(k.day, bsn))
    all_fine(k)
    stops = [r.data["Client"]["StopProducten"]["StopProduct"][0]
             for r in k.gemeente.party.received("307")]
    definitive = {"iwmo-3.2": "19", "ijw-3.2": "31"}[rel]
    assert [s["RedenBeeindiging"] for s in stops] == ["20", definitive]
    starts = [r.data["Client"]["StartProducten"]["StartProduct"][0]
              for r in k.gemeente.party.received("305")]
    assert [s["ToewijzingNummer"] for s in starts] == [nummer, nummer]
    assert codes(k.aanbieder, "306") == [[], []] and codes(k.aanbieder, "308") == [[], []]
    assert answers(k, "306") == [("305", "retour")] * 2
    assert answers(k, "308") == [("307", "retour")] * 2


# ---------------------------------------------------------------- 315 -> 316, 301 / 319

@pytest.mark.parametrize("rel", RELEASES)
def test_vot_answered_with_a_301_per_product(sqlite_server, rel):
    k = keten(sqlite_server, ACCEPTEERT, rel)
    asked = products(ACCEPTEERT, rel)[8:10]
    k.send(k.aanbieder, k.aanbieder.party.vot(k.day, asked))
    all_fine(k)
    assert codes(k.aanbieder, "316") == [[]]
    assert codes(k.aanbieder, "301") == [[], []] and codes(k.gemeente, "302") == [[], []]
    [vot] = k.journal("315")
    assert [e["termijn"]["answers"] for e in k.journal("301")] == [vot["id"]] * 2
    assert answers(k, "301") == [("315", "verzoek")] * 2
    assert answers(k, "316") == [("315", "retour")]
    [bsn] = k.aanbieder.party.toewijzingen
    assert {t["Product"]["Code"] for t in k.aanbieder.party.current(bsn, k.day)} == set(asked)


@pytest.mark.parametrize("rel", RELEASES)
def test_vot_in_onderzoek_then_the_final_301(sqlite_server, rel):
    k = keten(sqlite_server, WEIGERT, rel)  # its VOT policy: in onderzoek first
    k.send(k.aanbieder, k.aanbieder.party.vot(k.day, products(WEIGERT, rel)[:1]))
    all_fine(k)
    [antwoord] = [r.data["Antwoord"] for r in k.aanbieder.party.received("319")]
    assert antwoord["VerzoekAntwoord"] == "2" and not antwoord.get("RedenAfwijzingVerzoek")
    assert answers(k, "319") == [("315", "verzoek")]
    assert answers(k, "301") == [("315", "na_onderzoek")]
    [vot], [final] = k.journal("315"), k.journal("301")
    assert final["termijn"]["answers"] == vot["id"]
    assert final["termijn"]["received"] == START.isoformat()  # the verzoek's Dagtekening
    assert final["day"] > k.journal("319")[0]["day"]
    # 319 -> 320: the aanbieder's retour answers the 319 it got
    assert answers(k, "320") == [("319", "retour")] and codes(k.gemeente, "320") == [[]]
    assert codes(k.aanbieder, "301") == [[]]


# ---------------------------------------------------------------- 317 -> 318, 319 / 301

@pytest.mark.parametrize("rel", RELEASES)
@pytest.mark.parametrize("profile", [WEIGERT, ACCEPTEERT], ids=["weigert-vow", "accepteert"])
def test_vow_refused_with_4_or_honoured_with_one_301(sqlite_server, rel, profile):
    k = keten(sqlite_server, profile, rel)
    bsn, a = k.toegewezen(products(profile, rel)[2])
    k.toegewezen(products(profile, rel)[4], bsn=bsn)
    k.send(k.aanbieder, k.aanbieder.party.vow(k.day, bsn, wijzigen={a: 9},
                                              nieuw=[products(profile, rel)[8]]))
    all_fine(k)
    [vow] = k.journal("317")
    assert answers(k, "318") == [("317", "retour")] and codes(k.aanbieder, "318") == [[]]
    after = [e for e in k.journal() if e["seq"] > vow["seq"]]
    if profile is WEIGERT:
        [antwoord] = [r.data["Antwoord"] for r in k.aanbieder.party.received("319")]
        assert (antwoord["VerzoekAntwoord"], antwoord["RedenAfwijzingVerzoek"]) == ("1", "4")
        assert answers(k, "319") == [("317", "verzoek")]
        assert answers(k, "320") == [("319", "retour")]
        assert not [e for e in after if e["berichtsoort"].endswith("301")]  # nothing granted
    else:
        assert not k.journal("319")
        [granted] = [e for e in after if e["berichtsoort"].endswith("301")]
        assert granted["termijn"]["answers"] == vow["id"]
        assert granted["termijn"]["kind"] == "verzoek"
        last = k.aanbieder.party.received("301")[-1].data["Client"]["ToegewezenProducten"]
        assert "12" in {t.get("RedenWijziging") for t in last["ToegewezenProduct"]}


# ---------------------------------------------------------------- 323 -> 325

def delivering(server, rel: str, codes_: list[str], **kwargs) -> tuple[Keten, str]:
    """Toewijzingen from 10 September, care started: ready to declare September."""
    k = keten(server, ACCEPTEERT, rel)
    bsn = None
    for code in codes_:
        bsn, _ = k.toegewezen(code, bsn=bsn, ingangsdatum=date(2026, 9, 10), **kwargs)
    k.send(k.aanbieder, k.aanbieder.party.start(k.day, bsn))
    k.until(date(2026, 10, 5))  # October: declare September
    return k, bsn


def antwoord(k: Keten, n: int = -1) -> dict:
    return k.aanbieder.party.received("325")[n].data["DeclaratieAntwoord"]


@pytest.mark.parametrize("rel", RELEASES)
def test_declaratie_approved_in_full(sqlite_server, rel):
    k, bsn = delivering(sqlite_server, rel, products(ACCEPTEERT, rel)[::7])
    k.send(k.aanbieder, k.aanbieder.party.declaratie(k.day))
    all_fine(k)
    a = antwoord(k)
    assert a["RetourCodes"]["RetourCode"] == ["8001"] and not a.get("Clienten")
    assert a["TotaalToegekendBedrag"] == a["TotaalIngediendBedrag"]
    assert answers(k, "325") == [("323", "declaratie")]
    [t325] = k.journal("325")
    assert t325["termijn"]["on_time"] and t325["receiver"]["role"] == "aanbieder"


@pytest.mark.parametrize("rel", RELEASES)
def test_declaratie_partly_rejected_for_a_prestatie_outside_its_toewijzing(sqlite_server, rel):
    k, bsn = delivering(sqlite_server, rel, products(ACCEPTEERT, rel)[2:6:2])
    wrong = min(k.aanbieder.party.toewijzingen[bsn])
    # the aanbieder believes the first toewijzing started earlier: its prestatie starts
    # before the toewijzing does (TR307)
    k.aanbieder.party.toewijzing(bsn, wrong)["Ingangsdatum"] = date(2026, 9, 1)
    k.send(k.aanbieder, k.aanbieder.party.declaratie(k.day))
    [t323] = k.journal("323")
    verdict = k.verdict(t323)
    assert not verdict["accepted"] and verdict["retourcodes"] == ["9307"]  # the exchange too
    a = antwoord(k)
    [client] = a["Clienten"]["Client"]
    [rejected] = client["Prestaties"]["Prestatie"]  # only the rejected prestatie is listed
    assert rejected["ToewijzingNummer"] == wrong
    assert rejected["RetourCodes"]["RetourCode"] == ["9307"]
    assert a["TotaalToegekendBedrag"]["TotaalBedrag"] == \
        a["TotaalIngediendBedrag"]["TotaalBedrag"] - rejected["IngediendBedrag"]["Bedrag"]
    [t325] = k.journal("325")
    assert k.verdict(t325)["accepted"] and t325["termijn"]["on_time"]
    assert t325["termijn"]["answers"] == t323["id"]


@pytest.mark.parametrize("rel", RELEASES)
def test_correction_is_a_credit_and_a_new_debet_next_month(sqlite_server, rel):
    k, bsn = delivering(sqlite_server, rel, products(ACCEPTEERT, rel)[2:3])
    k.send(k.aanbieder, k.aanbieder.party.declaratie(k.day))
    [first] = k.gemeente.party.received("323")[0].data["Declaratie"]["Clienten"]["Client"][0][
        "Prestaties"]["Prestatie"]
    ref = first["ProductReferentie"]["ReferentieNummer"]
    k.until(date(2026, 11, 2))  # November: October, and the correction of September
    k.send(k.aanbieder, k.aanbieder.party.declaratie(
        k.day, correcties={ref: first["GeleverdVolume"] - 1}))
    all_fine(k)
    lines = k.gemeente.party.received("323")[-1].data["Declaratie"]["Clienten"]["Client"][0][
        "Prestaties"]["Prestatie"]
    [credit] = [p for p in lines if p["IngediendBedrag"]["DebetCredit"] == "C"]
    assert credit["ProductReferentie"]["VorigReferentieNummer"] == ref
    assert credit["IngediendBedrag"]["Bedrag"] == first["IngediendBedrag"]["Bedrag"]
    [new] = [p for p in lines if p["IngediendBedrag"]["DebetCredit"] == "D"
             and p["ProductPeriode"] == first["ProductPeriode"]]
    assert new["GeleverdVolume"] == first["GeleverdVolume"] - 1
    assert [antwoord(k, n)["RetourCodes"]["RetourCode"] for n in (0, 1)] == [["8001"]] * 2
    assert answers(k, "325") == [("323", "declaratie")] * 2


# ---------------------------------------------------------------- deadlines missed

@pytest.mark.parametrize("rel", RELEASES)
def test_answers_past_their_deadlines_show_late_in_the_journal(sqlite_server, rel):
    slow = replace(ACCEPTEERT.with_termijnen(retour=4, verzoek=6, declaratie=11,
                                             na_onderzoek=45),  # 6 + 45 werkdagen: past 8 weeks
                   vot=VerzoekBeleid("toewijzen", in_onderzoek=True))
    k = keten(sqlite_server, slow, rel)
    bsn, _ = k.toegewezen(products(slow, rel)[0], ingangsdatum=date(2026, 9, 1))
    k.send(k.aanbieder, k.aanbieder.party.start(k.day, bsn))
    k.aanbieder.send(k.aanbieder.party.vot(k.day, products(slow, rel)[2:3], bsn=bsn),
                     today=k.day)
    k.until(date(2026, 10, 5))
    k.send(k.aanbieder, k.aanbieder.party.declaratie(k.day))
    late = {(e["berichtsoort"][-3:], e["termijn"]["kind"]) for e in k.journal()
            if e["termijn"] and not e["termijn"]["on_time"]}
    assert late == {("302", "retour"), ("306", "retour"), ("316", "retour"), ("320", "retour"),
                    ("319", "verzoek"), ("301", "na_onderzoek"), ("325", "declaratie")}
    for e in k.journal():
        t = e["termijn"]
        if t and not t["on_time"]:
            assert t["sent"] == e["day"] > t["due"] and t["werkdagen_late"] >= 1
    # late, but judged by the rules like any other answer
    assert all(k.verdict(e)["accepted"] for e in k.journal())
