"""harness.validation.retourcheck: an answer (retour message or 325) against ketentest's
verdict on its heen message: codes per class, composition, ketentest's choices advisory."""
from __future__ import annotations

import copy
import json
import re

import pytest
from lxml import etree

from harness.breakers import breaker, catalogue
from harness.standard import release
from harness.validation import RULES
from harness.validation.retour import answer
from harness.validation.retourcheck import compare

# one case per rule and message (iWmo, and iJw where only iJw has it): every rule's own answer
CASES = sorted({(e.rule, e.message): e.release for e in reversed(catalogue())
                if e.has_breaker}.items())


def _own(case):
    verdict = case.judge()
    return verdict, answer(verdict, release(case.release), case.today)


@pytest.mark.parametrize("case", CASES, ids=[f"{r}-{m}" for (r, m), _ in CASES])
def test_ketentests_own_answer_to_every_breaker_conforms(case):
    (rule, message), rel = case
    built = breaker(rule, message, rel)
    verdict, root = _own(built)
    if root is None:  # a 325 breaker: the 325 is itself an answer
        return
    assert compare(verdict, root, built.today) == []


def _codes(root, local):
    return next(root.iter(f"{{*}}{local}")).find("{*}RetourCodes")


def _set(root, local, code):
    _codes(root, local)[0].text = code


def _add(root, local, code):
    holder = _codes(root, local)
    holder.append(copy.deepcopy(holder[0]))
    holder[-1].text = code


def test_a_missing_code_names_the_rule():
    built = breaker("TR019", "305", "iwmo-3.2")
    verdict, root = _own(built)
    _set(root, "StartProduct", "0200")
    [a] = compare(verdict, root)
    assert (a.rule, a.keuze) == ("TR019", False)
    assert "StartProduct lacks retourcode 9019" in a.text


def test_an_extra_code_names_the_rules_that_give_it():
    built = breaker("TR019", "305", "iwmo-3.2")
    verdict, root = _own(built)
    _add(root, "StartProduct", "9326")
    [a] = compare(verdict, root)
    assert (a.rule, a.keuze) == ("TR326", False)
    assert "carries retourcode 9326, which ketentest does not find" in a.text


def test_a_code_no_rule_gives_on_a_retour_message_is_wrong():
    built = breaker("TR019", "305", "iwmo-3.2")
    verdict, root = _own(built)
    _add(root, "StartProduct", "8999")
    [a] = compare(verdict, root)
    assert a.rule == "8999" and "no rule on the WMO305 gives it" in a.text


def test_disagreeing_only_on_ketentests_choice_is_advisory():
    """TR074 reads the start's key as ketentest chose (SLEUTEL): a system that does not find
    the repeat is advised, not failed."""
    assert RULES["TR074"].keuze
    built = breaker("TR074", "305", "iwmo-3.2")
    verdict, root = _own(built)
    _set(root, "StartProduct", "0200")
    [a] = compare(verdict, root)
    assert (a.rule, a.keuze) == ("TR074", True)


def test_an_extra_code_of_a_choice_rule_on_an_accepted_message_is_advisory():
    """ketentest accepts the 305 (TR019 broken elsewhere is not it); a system rejecting it
    with 9074 reads the key otherwise: advisory. With 9019 (no choice) it is an error."""
    built = breaker("TR019", "305", "iwmo-3.2")
    verdict, root = _own(built)
    _set(root, "StartProduct", "9074")
    found = {a.rule: a.keuze for a in compare(verdict, root)}
    assert found == {"TR019": False, "TR074": True}


def test_fillers_and_classes_are_the_composition():
    built = breaker("TR374", "315", "iwmo-3.2")
    verdict, root = _own(built)
    _set(root, "AangevraagdProduct", "0200")
    [a] = compare(verdict, root)
    assert a.rule == "IV028" and "AangevraagdProduct carries 0200; expected 0233" in a.text


def test_an_accepted_message_is_answered_with_the_header_only():
    built = breaker("TR019", "305", "iwmo-3.2")
    from harness.chain import ChainState, judge
    from harness.validation import Context
    first = judge(ChainState(), built.before[-1][0], "b", Context(today=built.before[-1][1]))
    assert first.accepted and first.definition.id == "301"
    root = answer(first, first.rel, built.today)
    assert compare(first, root) == []
    rejected = answer(verdict := breaker("TR332", "301", "iwmo-3.2").judge(), verdict.rel,
                      built.today)
    body = next(c for c in rejected if etree.QName(c).localname == "Client")
    root.append(copy.deepcopy(body))
    for c in root.iter("{*}RetourCode"):
        c.text = "0200"
    found = compare(first, root)
    assert found and all(a.rule == "IV028" for a in found)
    assert any("which it must leave out" in a.text for a in found)


def test_the_header_is_copied_from_the_heen_message():
    built = breaker("TR019", "305", "iwmo-3.2")
    verdict, root = _own(built)
    next(root.iter("{*}Afzender")).text = "99999999"
    [a] = compare(verdict, root)
    assert a.rule == "IV028" and a.text.startswith("Header/Afzender is 99999999")


def test_an_answer_of_the_wrong_message():
    built = breaker("TR019", "305", "iwmo-3.2")
    verdict, _ = _own(built)
    other = breaker("TR332", "301", "iwmo-3.2")
    _, root = _own(other)
    [a] = compare(verdict, root)
    assert "a WMO302 does not answer a WMO305" in a.text


def _declaratie_case():
    built = breaker("TR307", "323", "iwmo-3.2")
    verdict, root = _own(built)
    assert compare(verdict, root) == []
    return built, verdict, root


def test_a_325_with_a_wrong_total():
    _, verdict, root = _declaratie_case()
    el = next(root.iter("{*}TotaalToegekendBedrag")).find("{*}TotaalBedrag")
    el.text = str(int(el.text) + 100)
    [a] = compare(verdict, root)
    assert a.rule == "IV087" and a.text.startswith("TotaalToegekendBedrag is")


def test_a_325_approving_in_full_what_ketentest_rejects_in_part():
    _, verdict, root = _declaratie_case()
    body = root.find("{*}DeclaratieAntwoord")
    body.remove(body.find("{*}Clienten"))
    _set(root, "DeclaratieAntwoord", "8001")
    rules = {a.rule for a in compare(verdict, root)}
    assert rules == {"TR307", "IV087"}


def test_a_325_may_reject_for_the_gemeentes_own_reasons():
    """A code no technical rule gives (a business reason of the gemeente, IV088) is no
    finding; a technical rule's code ketentest does not find is."""
    _, verdict, root = _declaratie_case()
    _add(root, "Prestatie", "8999")
    assert compare(verdict, root) == []
    _add(root, "Prestatie", "9308")
    [a] = compare(verdict, root)
    assert a.rule == "TR308"



def test_a_325_rejecting_for_its_own_reasons_awards_the_rest():
    """ketentest approves the 323; the gemeente rejects a prestatie for its own reason (a code
    no technical rule gives): listed with its code and subtracted from the total, no finding;
    a total that does not subtract it is named."""
    import dataclasses
    built, verdict, _ = _declaratie_case()
    approved = dataclasses.replace(verdict, findings=[])
    own = dataclasses.replace(verdict, findings=[
        dataclasses.replace(f, rule="EIGEN", retourcode="8999", element=f.element)
        for f in verdict.findings])
    root = answer(own, own.rel, built.today)
    assert [c.text for c in root.iter("{*}RetourCode")].count("8999") == 1
    assert compare(approved, root) == []
    el = next(root.iter("{*}TotaalToegekendBedrag")).find("{*}TotaalBedrag")
    el.text = next(root.iter("{*}TotaalIngediendBedrag")).findtext("{*}TotaalBedrag")
    [a] = compare(approved, root)
    assert a.rule == "IV087" and a.text.startswith("TotaalToegekendBedrag is")


def test_the_choice_rules_are_in_the_registry_and_shown_by_ketentest_rules():
    from click.testing import CliRunner

    from ketentest.certificering import suites
    from ketentest.cli import main
    keuze = {r.id for r in RULES.values() if r.keuze}
    assert keuze == {"TR063", "TR074", "TR382", "TR413", "TR414", "TR415", "TR332", "TR321",
                     "TR322", "TR318", "TR387", "TR388"}
    rows = json.loads(CliRunner().invoke(main, ["rules", "--format", "json"]).output)
    shown = {row["rule"]: row["keuze"] for row in rows}
    assert shown["TR332"] and shown["TR019"] is None
    assert "keuze (advisory): " in CliRunner().invoke(main, ["rules"]).output
    # every certification row of a choice rule carries @keuze, and no other row does
    rows = [(tags, rule) for text in suites().values() for tags, rule in re.findall(
        r"^    (@.+)\n    Voorbeelden:\n.*\n      \| (\w+)", text, re.M)]
    assert len(rows) > 100 and any(rule in keuze for _, rule in rows)
    for tags, rule in rows:
        assert ("@keuze" in tags.split()) == (rule in keuze), (rule, tags)


def test_the_client_tree_is_copied_unchanged():
    built = breaker("TR019", "305", "iwmo-3.2")
    verdict, root = _own(built)
    next(root.iter("{*}Begindatum")).text = "2026-01-01"
    [a] = compare(verdict, root)
    assert a.rule == "IV028" and "Begindatum is 2026-01-01; the classes are copied" in a.text
