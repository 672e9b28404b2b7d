"""The catalogue of rule breakers: every (rule, message, release) the registry judges has a
breaker or a stated reason, and every breaker breaks exactly its rule (and the companions it
names), on the expected class, with the chain before it accepted; for the in-message rules
the official XSLT reports exactly that code too."""
from __future__ import annotations

import copy
from functools import lru_cache

import pytest
from lxml import etree

from harness.breakers import (BREAKERS, NOT_EXERCISABLE, STANDARDS, applies, breaker, catalogue,
                              klasse_of, receives)
from harness.breakers.answer import answer_fault
from harness.standard import release
from harness.validation import RULES, Level

from .conftest import ISTANDAARDEN

CASES = [(e.rule, e.message, e.release) for e in catalogue() if e.has_breaker]
RAPPORT = "{http://www.istandaarden.nl/validatie/1_1/rapport/schema}"


def _id(case):
    return "-".join(case)


def test_every_rule_on_every_message_has_a_breaker_or_a_reason():
    entries = catalogue()
    assert len(entries) == sum(len(applies(r, rel)) for r in RULES for rel in STANDARDS)
    missing = [(e.rule, e.message, e.release) for e in entries
               if not e.has_breaker and not e.reason]
    assert missing == []
    # nothing registered for a rule or message the registry does not judge
    for rule, message in [*BREAKERS, *NOT_EXERCISABLE]:
        assert rule in RULES and message in RULES[rule].messages, (rule, message)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_breaker_breaks_exactly_its_rule(case):
    rule, message, rel = case
    built = breaker(rule, message, rel)
    verdict = built.judge()
    found = {f.rule for f in verdict.findings}
    assert found == built.expected.rules, [(f.rule, f.path, f.text) for f in verdict.findings]
    assert verdict.level is built.expected.level
    r = RULES[rule]
    assert all(f.retourcode == r.retourcode for f in verdict.findings if f.rule == r.id)
    if built.expected.level is Level.XSLT:
        assert built.expected.klasse == "Header" and verdict.retourcodes == ["0001"]
    else:
        assert {klasse_of(verdict, f) for f in verdict.findings if f.rule == r.id} == \
            {built.expected.klasse or "?"}
        codes = [RULES[x].retourcode for x in (rule, *built.expected.also)]
        assert sorted(verdict.retourcodes) == sorted(c for c in codes if c)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_a_chain_moves_forward_in_time(case):
    """An exchange's session clock only moves forward: the messages of a case are dated so."""
    built = breaker(*case)
    days = [day for _, day in built.before] + [built.today]
    assert days == sorted(days)


def test_a_breaker_between_given_parties():
    case = breaker("TR019", "305", "ijw-3.2", gemeente="0344", aanbieder="87654321")
    for xml in [*(x for x, _ in case.before), case.xml]:
        root = etree.fromstring(xml)
        assert {root.findtext("{*}Header/{*}Afzender"), root.findtext("{*}Header/{*}Ontvanger")} \
            == {"0344", "87654321"}
    assert {f.rule for f in case.judge().findings} == {"TR019"}


def test_a_breaker_is_found_by_message_name_and_says_what_to_expect():
    case = breaker("TR019", "WMO305", "iwmo-3.2")
    assert (case.rule, case.message, case.release) == ("TR019", "305", "iwmo-3.2")
    assert case.expected.retourcode == "9019" and len(case.before) == 1
    assert case.expected.klasse == "/Bericht/Client/StartProducten/StartProduct"
    with pytest.raises(KeyError):
        breaker("TR377", "319", "iwmo-3.2")  # an iJw rule only
    with pytest.raises(KeyError):
        breaker("CS319", "323", "ijw-3.2")  # no breaker can exist: see its reason


@lru_cache(maxsize=None)
def _xslt(standard: str):
    [path] = (ISTANDAARDEN / standard / "xslt").glob("*.xsl")
    return etree.XSLT(etree.parse(str(path)))


def official_codes(rel: str, xml: bytes) -> set[str]:
    rapport = _xslt(rel)(etree.fromstring(xml))
    return {c.text.strip() for c in rapport.iter(f"{RAPPORT}Code")}


@pytest.mark.reference
@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_official_xslt_agrees(case, reference):
    """In-message rules: the XSLT reports exactly the rule (and its named companions); every
    other breaker is in-message correct, so the XSLT reports nothing on it."""
    rule, message, rel = case
    built = breaker(rule, message, rel)
    expected = built.expected.rules if RULES[rule].category == "xslt" else set()
    assert official_codes(rel, built.xml) == expected
    for xml, _ in built.before:
        assert official_codes(rel, xml) == set()


@pytest.mark.parametrize("rel", STANDARDS)
def test_share_of_rules_each_role_must_enforce_that_have_a_breaker(rel):
    """Per receiving role: the rules judged on the heen messages it receives (a retour message
    is judged by no rule), and how many of them have a breaker."""
    entries = catalogue(rel)
    share = {}
    for role in ("aanbieder", "gemeente"):
        messages = set(receives(rel, role))
        mine = [e for e in entries if e.message in messages]
        rules = {RULES[e.rule].id for e in mine}  # TR319 and TR319/xslt: one rule
        with_breaker = {RULES[e.rule].id for e in mine if e.has_breaker}
        share[role] = (len(with_breaker), len(rules))
        # a rule without a breaker on any of the role's messages has a reason for each
        assert all(e.reason for e in mine if not e.has_breaker)
    assert receives(rel, "aanbieder") == ["301", "319", "325"]
    assert receives(rel, "gemeente") == ["305", "307", "315", "317", "323"]
    # the gemeente's one rule without a breaker: CS319 (the 323's schema refuses it first)
    expected = {"iwmo-3.2": {"aanbieder": (49, 49), "gemeente": (87, 88)},
                "ijw-3.2": {"aanbieder": (52, 52), "gemeente": (87, 88)}}[rel]
    assert share == expected


def _answer(case):
    from harness.validation.retour import answer
    return answer(case.judge(), release(case.release), case.today)


@pytest.mark.parametrize("case", [c for c in CASES if c[1] != "325"],
                         ids=[_id(c) for c in CASES if c[1] != "325"])
def test_ketentests_own_answer_is_the_one_the_breaker_expects(case):
    """The retour message (or 325) ketentest composes for the breaking message passes the
    certification's check: the rule's code on its class, 0200 beside, 0233 below."""
    built = breaker(*case)
    klasse = built.expected.klasse.rsplit("/", 1)[-1]
    assert answer_fault(_answer(built), built.expected, RULES[case[0]].retourcode, klasse) is None


def _set_codes(root, local, codes):
    for el in root.iter(f"{{*}}{local}"):
        for c, code in zip(el.find("{*}RetourCodes"), codes):
            c.text = code


def _add_code(root, local, code):
    codes = next(root.iter(f"{{*}}{local}")).find("{*}RetourCodes")
    codes.append(copy.deepcopy(codes[0]))
    codes[-1].text = code


@pytest.mark.parametrize("change, says", [
    (lambda r: _set_codes(r, "AangevraagdProduct", ["0200"]),
     "carries 0200 on AangevraagdProduct; expected 0233 (below the rejected class)"),
    (lambda r: _set_codes(r, "Header", ["0233"]),
     "carries 0233 on Header; expected 0200 (beside the rejected class)"),
    (lambda r: _set_codes(r, "Client", ["0200"]), "carries no code; expected exactly 9374"),
    (lambda r: (_set_codes(r, "Client", ["0200"]), _set_codes(r, "AangevraagdProduct", ["9374"])),
     "carries 9374 on AangevraagdProduct; expected it on Client"),
    (lambda r: _add_code(r, "Client", "9019"), "carries 9019, 9374; expected exactly 9374"),
])
def test_an_answer_that_is_not_the_expected_one_is_told_apart(change, says):
    """TR374 on a 315: 9374 on the Client, 0233 on its AangevraagdProduct, 0200 on the
    header; each way of getting that wrong is named."""
    case = breaker("TR374", "315", "iwmo-3.2")
    root = _answer(case)
    assert answer_fault(root, case.expected, "9374", "Client") is None
    change(root)
    assert answer_fault(root, case.expected, "9374", "Client") == f"the WMO316 {says}"
