"""harness.validation.advice: each advisory OP/IV check fires on a message that does not
follow it and holds on one that does (the chain built as the rule breakers build theirs)."""
from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from harness.breakers.keten import BEGIN, EINDE, NUMMER, START, Keten
from harness.factories import to_bytes
from harness.validation.advice import CHECKS, advise
from harness.validation.message import Message


def advised(k: Keten, message: str, d, today: date | None = None) -> dict[str, str]:
    root = d if isinstance(d, etree._Element) else k.render(message, d)
    m = Message.of(etree.fromstring(to_bytes(root)))
    return {a.id: a.text for a in advise(m, k.state, today or k.today)}


@pytest.fixture(params=["iwmo-3.2", "ijw-3.2"])
def k(request) -> Keten:
    return Keten(request.param)


def test_every_check_names_its_rule_and_messages():
    assert set(CHECKS) == {"IV099", "OP186", "OP259", "OP363", "IV096", "OP011", "IV087"}
    assert all(c.summary and c.messages for c in CHECKS.values())


def test_iv099_reden_wijziging(k):
    k.send("301", k.toewijzing())
    assert advised(k, "301", k.toewijzing(einde=date(2026, 11, 30), RedenWijziging="05")) == {}
    found = advised(k, "301", k.toewijzing(einde=date(2026, 11, 30)))
    assert set(found) == {"IV099"} and "Einddatum 2026-12-31 -> 2026-11-30" in found["IV099"]
    assert advised(k, "301", k.toewijzing()) == {}  # unchanged: none needed
    new = advised(k, "301", k.toewijzing(nummer=NUMMER + 1, product=k.stuks, RedenWijziging="04"))
    assert set(new) == {"IV099"} and "is new" in new["IV099"]


def test_op186_ending_in_the_past(k):
    k.send("301", k.toewijzing())
    past = advised(k, "301", k.toewijzing(einde=date(2026, 10, 15), RedenWijziging="05"))
    assert set(past) == {"OP186"} and "before this 301's Dagtekening" in past["OP186"]
    assert advised(k, "301", k.toewijzing(einde=date(2026, 11, 15), RedenWijziging="05")) == {}


def test_op259_the_same_product_twice(k):
    k.send("301", k.toewijzing())
    twice = advised(k, "301", k.toewijzing(nummer=NUMMER + 1, begin=date(2026, 11, 1)))
    assert set(twice) == {"OP259"} and f"toewijzing {NUMMER}" in twice["OP259"]
    after = advised(k, "301", k.toewijzing(nummer=NUMMER + 1, begin=date(2027, 1, 1),
                                           einde=date(2027, 6, 30)))
    assert after == {}
    # the old one ended in the same 301 (a VOW honoured): no overlap left
    d = k.data("301", Client__Bsn=k.toewijzing()["Client"]["Bsn"], producten=[
        {"ToewijzingNummer": NUMMER, "product": k.product, "Ingangsdatum": BEGIN,
         "Einddatum": date(2026, 11, 15), "RedenWijziging": "05"},
        {"ToewijzingNummer": NUMMER + 1, "product": k.product,
         "Ingangsdatum": date(2026, 11, 16), "Einddatum": EINDE}])
    assert advised(k, "301", d) == {}


def test_op363_a_start_within_its_toewijzing(k):
    k.send("301", k.toewijzing())
    assert advised(k, "305", k.start()) == {}
    early = advised(k, "305", k.start(begin=date(2026, 8, 20)))
    assert set(early) == {"OP363"} and "outside toewijzing" in early["OP363"]


def test_iv096_toewijzing_ingangsdatum(k):
    k.send("301", k.toewijzing())
    d = k.start()
    d["Client"]["StartProducten"]["StartProduct"][0]["ToewijzingIngangsdatum"] = \
        date(2026, 9, 2)
    found = advised(k, "305", d)
    assert set(found) == {"IV096"} and "2026-09-01" in found["IV096"]


def test_op011_a_start_reported_before_it_happened(k):
    k.send("301", k.toewijzing())
    found = advised(k, "305", k.start(begin=date(2026, 11, 20)))
    assert set(found) == {"OP011"}
    assert advised(k, "305", k.start(begin=START)) == {}


def test_iv087_8001_exactly_when_awarded_in_full(k):
    antwoord = k.basis("325")
    root = k.render("325", antwoord)
    assert advised(k, "325", root) == {}
    for c in root.iter("{*}RetourCode"):
        if c.getparent().getparent().tag.endswith("DeclaratieAntwoord"):
            c.text = "0200"
    assert set(advised(k, "325", root)) == {"IV087"}


def test_iv087_8001_on_a_325_that_rejects(k):
    root = k.afgewezen_325()
    assert advised(k, "325", root) == {}
    next(c for c in root.iter("{*}RetourCode")
         if c.getparent().getparent().tag.endswith("DeclaratieAntwoord")).text = "8001"
    found = advised(k, "325", root)
    assert set(found) == {"IV087"} and "awarded" in found["IV087"]


def test_op186_leaves_a_deletion_alone(k):
    k.send("301", k.toewijzing())
    assert advised(k, "301", k.toewijzing(einde=BEGIN, RedenWijziging="13")) == {}
