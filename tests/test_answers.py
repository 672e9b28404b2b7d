"""harness.answers: what an answer answers (read from its content) and its termijn."""
from __future__ import annotations

from datetime import date

import pytest

from harness.answers import Keys, answered, keys, wanted
from harness.factories import data, render
from harness.standard import release

MON = date(2026, 11, 2)  # a Monday; no holidays before Christmas


def K(message: str, day: date, ident: str, **kw) -> Keys:
    return Keys(message, day, ident, kw.pop("dagtekening", day), ref=kw.pop("ref", ident), **kw)


def built(message: str, rel: str = "iwmo-3.2", **body):
    d = data(rel, message, today=MON, seed=7)
    for path, value in body.items():
        node = d
        *parents, last = path.split("__")
        for p in parents:
            node = node[p]
        node[last] = value
    return render(release(rel), message, d)


# ---------------------------------------------------------------- reading the keys

def test_a_retour_names_its_heen_by_the_copied_identificatie():
    root = built("302", Header__BerichtIdentificatie={"Identificatie": "HEEN0001",
                                                      "Dagtekening": date(2026, 10, 30)})
    k = keys(root, MON, ref="j2")
    assert (k.message, k.identificatie, k.noemt, k.dagtekening, k.day, k.ref) == \
        ("WMO302", "HEEN0001", "HEEN0001", date(2026, 10, 30), MON, "j2")


def test_a_325_names_its_323():
    root = built("325", "ijw-3.2", Header__DeclaratieIdentificatie={
        "Identificatie": "DECL0001", "Dagtekening": date(2026, 10, 1)})
    k = keys(root, MON)
    assert k.message == "JW325" and k.noemt == "DECL0001" and k.identificatie != "DECL0001"


def test_verzoeken_and_their_answers_carry_referenties():
    vot = data("iwmo-3.2", "315", today=MON, seed=7)
    asked = vot["Client"]["AangevraagdeProducten"]["AangevraagdProduct"]
    asked[:] = [dict(asked[0], ReferentieAanbieder=r) for r in ("R1", "R2")]
    assert keys(render(release("iwmo-3.2"), "315", vot), MON).referenties == ("R1", "R2")
    onderzoek = keys(built("319", Antwoord={"ReferentieAanbieder": "R1",
                                            "VerzoekAntwoord": "2"}), MON)
    assert onderzoek.referenties == ("R1",) and onderzoek.in_onderzoek
    refused = keys(built("319", Antwoord={"ReferentieAanbieder": "R1", "VerzoekAntwoord": "1",
                                          "RedenAfwijzingVerzoek": "4"}), MON)
    assert not refused.in_onderzoek
    start = keys(built("305"), MON)
    assert start.referenties == () and start.noemt is None


def test_keys_survive_json():
    k = K("JW315", MON, "V1", referenties=("R1", "R2"), dagtekening=date(2026, 10, 30))
    assert Keys.from_json(k.to_json(), ref=k.ref) == k


def test_what_a_store_must_look_at():
    assert wanted(K("WMO302", MON, "H1", noemt="H1")) == (("WMO301",), "H1")
    assert wanted(K("JW325", MON, "A1", noemt="D1")) == (("JW323",), "D1")
    assert wanted(K("JW319", MON, "A1", referenties=("R",))) == \
        (("JW315", "JW317", "JW301", "JW319"), None)
    assert wanted(K("WMO305", MON, "S1")) is None


# ---------------------------------------------------------------- linking and judging

@pytest.mark.parametrize("sent, on_time, late", [
    (date(2026, 11, 5), True, 0),   # 3 werkdagen after Monday: Thursday
    (date(2026, 11, 6), False, 1),
    (date(2026, 11, 9), False, 2),  # the weekend does not count
])
def test_a_retour_within_3_werkdagen(sent, on_time, late):
    heen = K("WMO301", MON, "H1")
    a = answered(K("WMO302", sent, "H1", noemt="H1"), [K("WMO301", MON, "OTHER"), heen])
    assert a.heen is heen
    assert (a.termijn.kind, a.termijn.received, a.termijn.due) == ("retour", MON, date(2026, 11, 5))
    d = a.as_dict()
    assert (d["answers"], d["on_time"], d["werkdagen_late"], d["sent"]) == \
        ("H1", on_time, late, sent.isoformat())


def test_a_retour_answers_only_its_own_heen():
    heen = K("WMO305", MON, "H1")
    assert answered(K("WMO302", MON, "H1", noemt="H1"), [heen]) is None  # not a 301
    assert answered(K("JW306", MON, "H1", noemt="H1"), [heen]) is None  # other standard
    assert answered(K("WMO306", MON, "H2", noemt="H2"), [heen]) is None  # other identificatie


@pytest.mark.parametrize("werkdagen, on_time", [(10, True), (11, False)])
def test_a_325_within_10_werkdagen(werkdagen, on_time):
    from harness.clock import add_werkdagen
    declaratie = K("JW323", MON, "D1")
    a = answered(K("JW325", add_werkdagen(MON, werkdagen), "A1", noemt="D1"), [declaratie])
    assert a.heen is declaratie and a.termijn.kind == "declaratie"
    assert a.termijn.due == date(2026, 11, 16) and a.termijn.on_time is on_time


def test_a_301_answers_a_vot_once_by_its_referentie():
    own = K("WMO301", MON, "T0")  # the gemeente's own toewijzing answers nothing
    vot = K("WMO315", MON, "V1", referenties=("R1",))
    first = K("WMO301", date(2026, 11, 9), "T1", referenties=("R1",))
    a = answered(first, [own, vot])
    assert a.heen is vot and (a.termijn.kind, a.termijn.due) == ("verzoek", date(2026, 11, 9))
    assert a.termijn.on_time
    # a later 301 repeats the toewijzing with its referentie: it answers nothing any more
    again = K("WMO301", date(2026, 11, 20), "T2", referenties=("R1",))
    assert answered(again, [own, vot, first]) is None
    assert answered(own, []) is None
    late = answered(K("WMO301", date(2026, 11, 10), "T1", referenties=("R1",)), [vot])
    assert not late.termijn.on_time and late.as_dict()["werkdagen_late"] == 1


def test_in_onderzoek_then_the_final_answer_within_8_weeks_of_the_dagtekening():
    vow = K("JW317", date(2026, 11, 3), "V1", referenties=("R1",), dagtekening=MON)
    onderzoek = K("JW319", date(2026, 11, 6), "A1", referenties=("R1",), in_onderzoek=True)
    a = answered(onderzoek, [vow])
    assert a.termijn.kind == "verzoek" and a.termijn.received == date(2026, 11, 3)
    final = K("JW319", date(2026, 12, 28), "A2", referenties=("R1",))
    f = answered(final, [vow, onderzoek])
    assert f.heen is vow and f.termijn.kind == "na_onderzoek"
    assert (f.termijn.received, f.termijn.due) == (MON, date(2026, 12, 28)) and f.termijn.on_time
    assert not answered(K("JW301", date(2026, 12, 29), "T", referenties=("R1",)),
                        [vow, onderzoek]).termijn.on_time
    assert answered(K("JW301", date(2026, 12, 29), "T", referenties=("R1",)),
                    [vow, onderzoek, final]) is None  # refused in the final 319


def test_a_301_answering_two_verzoeken_is_judged_by_the_first_due():
    older = K("WMO315", MON, "V1", referenties=("R1",))
    newer = K("WMO315", date(2026, 11, 4), "V2", referenties=("R2",))
    a = answered(K("WMO301", date(2026, 11, 10), "T", referenties=("R2", "R1")), [older, newer])
    assert a.heen is older and not a.termijn.on_time
