"""The chain state: what changes it (accepted messages, the approved part of a 323, a 325's
rejections) and what does not (rejected messages, retour messages, judging alone); persistence;
`validate --chain` per the contract."""
from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner
from lxml import etree

from harness.chain import ChainState, judge
from ketentest.cli import main
from harness.factories import to_bytes
from harness.validation import Context, Finding, Level, Verdict
from harness.validation.message import Message
from harness.validation.retour import answer

from .keten import ANDER_BSN, Keten, codes
from .test_chain_rules import NOV, ok

D = date


def test_judging_alone_leaves_the_state_as_it_was():
    k = Keten()
    ok(k.toewijzing())
    before = k.state.to_json()
    root = k.bouw("305", Client__Bsn="999993653", producten=[{"ToewijzingNummer": 1001}])
    judge(k.state, to_bytes(root), "x", Context(today=k.today))
    assert k.state.to_json() == before


def test_a_rejected_message_changes_nothing():
    k = Keten()
    ok(k.toewijzing())
    rejected = k.toewijzing(bsn=ANDER_BSN, nummer=1001)  # TR332: the number is taken
    assert codes(rejected) == {"TR332"}
    assert k.state.toewijzing("1001").bsn == "999993653"
    # a start for the other client on that number relates to no toewijzing of theirs
    assert "TR019" in codes(k.start(bsn=ANDER_BSN))


def test_retour_messages_change_nothing():
    k = Keten()
    before = k.state.to_json()
    ok(k.stuur("302", retourcodes=["9019"]))
    assert k.state.to_json() == before


def test_the_state_survives_json_and_judges_the_same(tmp_path):
    k = Keten("ijw-3.2")
    ok(k.toewijzing())
    ok(k.start())
    ok(k.stop(reden="20", einde=D(2026, 10, 1)))
    ok(k.declaratie({"GeleverdVolume": 10, "ProductReferentie": {"ReferentieNummer": "R1"}}))
    ok(k.vot("REF1"))
    saved = k.state.to_json()
    restored = ChainState.from_json(saved)
    assert restored.to_json() == saved
    for message, overrides in [("307", {}), ("323", {}), ("315", {})]:
        root = {"307": lambda: k.bouw("307", Client__Bsn="999993653", producten=[{
                    "ToewijzingNummer": 1001, "product": k.product, "Begindatum": D(2026, 9, 7),
                    "ToewijzingIngangsdatum": D(2026, 9, 1), "RedenBeeindiging": "20",
                    "Einddatum": D(2026, 10, 9), "StatusAanlevering": "1"}]),
                "323": lambda: k.bouw("323", today=NOV, clienten=[{"Bsn": "999993653", "prestaties": [
                    {"ToewijzingNummer": 1001, "product": k.product, "GeleverdVolume": 3,
                     "ProductReferentie": {"ReferentieNummer": "R1"}}]}]),
                "315": lambda: k.bouw("315", Client__Bsn="999993653")}[message]()
        data = to_bytes(root)
        ctx = Context(today=NOV)
        original, again = judge(k.state, data, "x", ctx), judge(restored, data, "x", ctx)
        assert codes(original) == codes(again) != set(), message
    assert ChainState.from_json(None).to_json() == ChainState().to_json()


def _afwijzing(k, verdict323, referentie):
    """The 325 a gemeente sends rejecting one prestatie (by ReferentieNummer) of a 323."""
    m = Message(verdict323.root, k.rel, k.rel.by_name[verdict323.message])
    p = next(r for r in m.prestaties if r.referentie == referentie)
    rejected = Verdict(verdict323.file, verdict323.definition, verdict323.rel, [Finding(
        "TR338", Level.RULES, Message.path(p.element), "rejected", "9338", element=p.element)],
        view=verdict323.view)
    return answer(rejected, k.rel, k.today)


def test_a_325_rejection_takes_the_prestatie_out_of_the_chain():
    k = Keten()
    ok(k.toewijzing())
    verdict = ok(k.declaratie({"GeleverdVolume": 10, "ProductReferentie": {"ReferentieNummer": "R1"}}))
    assert k.state.goedgekeurd_op("1001")
    ok(k.oordeel(_afwijzing(k, verdict, "R1")))
    assert not k.state.goedgekeurd_op("1001") and k.state.geleverd["1001"] == 0
    # a credit of the rejected line has no debet to cancel (judged, not recorded)
    oktober = {"Begindatum": D(2026, 10, 1), "Einddatum": D(2026, 10, 31)}
    credit = k.bouw("323", today=NOV, clienten=[{"Bsn": "999993653", "prestaties": [{
        "ToewijzingNummer": 1001, "product": k.product, "credit": True, "GeleverdVolume": 10,
        "ProductPeriode": oktober,
        "ProductReferentie": {"ReferentieNummer": "C1", "VorigReferentieNummer": "R1"}}]}])
    assert "TR323" in codes(judge(k.state, to_bytes(credit), "credit", Context(today=NOV)))
    # the rejected line is simply declared again next month, without a credit
    ok(k.declaratie({"GeleverdVolume": 10, "ProductReferentie": {"ReferentieNummer": "R2"},
                     "ProductPeriode": oktober}, today=NOV))
    # and a toewijzing whose only line was rejected and re-declared is not deletable
    assert "TR385" in codes(k.toewijzing(einde=D(2026, 9, 1), RedenWijziging="13"))


def test_a_partly_rejected_323_is_processed_for_the_rest():
    k = Keten()
    ok(k.toewijzing())
    verdict = k.declaratie({"ProductReferentie": {"ReferentieNummer": "R1"}, "GeleverdVolume": 5},
                           {"ToewijzingNummer": 9999, "product": k.stuks,
                            "ProductReferentie": {"ReferentieNummer": "R2"}})
    assert codes(verdict) == {"TR338"}
    assert k.state.prestaties["R1"].goedgekeurd and not k.state.prestaties["R2"].goedgekeurd
    assert k.state.geleverd["1001"] == 5 * 60  # hours count in minutes
    assert k.state.declaratie_nummers  # the number is taken


def test_a_323_rejected_as_a_whole_is_remembered_only_as_received():
    k = Keten()
    ok(k.toewijzing())
    verdict = k.declaratie(Declaratie__TotaalIngediendBedrag={"TotaalBedrag": 1, "DebetCredit": "D"})
    assert verdict.level is Level.XSLT
    assert not k.state.prestaties and not k.state.declaratie_nummers
    assert len(k.state.declaraties) == 1  # so the 325 (with 0001) relates to it
    ok(k.oordeel(answer(verdict, k.rel, k.today)))


def _files(tmp_path, k, *roots):
    paths = []
    for i, root in enumerate(roots):
        path = tmp_path / f"{i + 1:02d}-{etree.QName(root).namespace.split('/')[-2]}.xml"
        path.write_bytes(to_bytes(root))
        paths.append(str(path))
    return paths


def test_validate_chain_per_the_contract(tmp_path):
    k = Keten()
    toewijzing = k.bouw("301", Client__Bsn="999993653", producten=[{
        "ToewijzingNummer": 1001, "product": k.product, "Ingangsdatum": D(2026, 9, 1)}])
    start = k.bouw("305", Client__Bsn="999993653", producten=[{
        "ToewijzingNummer": 1001, "product": k.product, "Begindatum": D(2026, 9, 7),
        "ToewijzingIngangsdatum": D(2026, 9, 1)}])
    files = _files(tmp_path, k, toewijzing, start, start)
    out = tmp_path / "retour"
    result = CliRunner().invoke(main, ["validate", "--chain", "--today", "2026-11-02",
                                       "--format", "json", "--retour-dir", str(out), *files])
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert result.exit_code == 1
    assert [v["accepted"] for v in lines] == [True, True, False]
    # the same file again: the same start (TR074) and the same identification (TR056)
    assert lines[2]["level"] == "rules" and sorted(lines[2]["retourcodes"]) == ["9056", "9074"]
    assert {f["rule"] for f in lines[2]["findings"]} == {"TR056", "TR074"}
    # the contract's keys, then what was not assessed and (with --retour-dir) the answer file
    assert list(lines[2]) == ["file", "message", "release", "accepted", "level", "retourcodes",
                              "findings", "not_assessed", "retour"]
    assert lines[2]["retour"] == {"file": str(out / "03-wmo305-retour.xml"), "replaced": False}
    retour = etree.parse(str(out / "03-wmo305-retour.xml"))
    assert "9074" in [c.text for c in retour.iter("{*}RetourCode")]
    # without --chain every file is judged on its own: the repeat is accepted
    alone = CliRunner().invoke(main, ["validate", "--today", "2026-11-02", *files])
    assert alone.exit_code == 0, alone.output


def test_validate_chain_in_text_names_the_rule(tmp_path):
    k = Keten()
    start = k.bouw("305", Client__Bsn="999993653", producten=[{"ToewijzingNummer": 4242}])
    files = _files(tmp_path, k, start)
    result = CliRunner().invoke(main, ["validate", "--chain", "--today", "2026-11-02", *files])
    assert result.exit_code == 1
    assert "TR019 [9019]" in result.output and "StartProduct/ToewijzingNummer" in result.output


def test_rules_lists_the_chain_rules_as_implemented():
    rows = json.loads(CliRunner().invoke(main, ["rules", "--format", "json"]).output)
    chain = [r for r in rows if r["category"] == "chain"]
    assert len(chain) == 53
    assert all(r["status"] == "implemented (judged with --chain)" for r in chain)
    assert {r["rule"] for r in chain if r["retourcode"] is None} == {"TR337", "TR371", "TR376"}


def test_a_state_rebuilt_from_receipts_is_the_state_recorded():
    """What a server stores per delivered message (its bytes and its receipt) rebuilds the
    state without judging again: the same state, also for a partly rejected 323 and a 325."""
    from harness.chain.state import receipt
    k = Keten()
    log = []
    record = k.state.record

    def logged(verdict):
        taken = record(verdict)
        assert taken == receipt(verdict)
        if taken:
            log.append((etree.tostring(verdict.root), taken))
        return taken
    k.state.record = logged
    ok(k.toewijzing())
    ok(k.start())
    ok(k.stop(reden="20", einde=D(2026, 10, 1)))
    ok(k.vot("REF1"))
    partly = k.declaratie({"ProductReferentie": {"ReferentieNummer": "R1"}, "GeleverdVolume": 5},
                          {"ToewijzingNummer": 9999, "product": k.stuks,
                           "ProductReferentie": {"ReferentieNummer": "R2"}})
    assert codes(partly) == {"TR338"}
    whole = k.declaratie(Declaratie__TotaalIngediendBedrag={"TotaalBedrag": 1, "DebetCredit": "D"})
    assert whole.level is Level.XSLT
    ok(k.oordeel(_afwijzing(k, partly, "R1")))
    assert [t["message"] for _, t in log] == ["WMO301", "WMO305", "WMO307", "WMO315", "WMO323",
                                              "WMO323", "WMO325"]
    assert log[4][1]["verwerkt"] and log[4][1]["rejected"] == [1]
    assert not log[5][1]["verwerkt"]
    rebuilt = ChainState()
    for data, taken in log:
        rebuilt.apply(etree.fromstring(data), json.loads(json.dumps(taken)))
    assert rebuilt.to_json() == k.state.to_json()
    assert not rebuilt.prestaties["R1"].goedgekeurd  # the 325 took it out
