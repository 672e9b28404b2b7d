"""Steps of the certification suites (`features/certificering-*/`): the harness, as the
sending party, sends a message built by a rule breaker (`harness.breakers`) after the chain it
needs, and the receiving party must answer it with exactly that rule's retourcode on the
right berichtklasse.

    Gegeven een keten voor regel "TR019" op de 305
    Als de aanbieder een 305 stuurt die regel "TR019" breekt
    Dan ontvangt de aanbieder een 306 met retourcode "9019" op "StartProduct"
"""
from __future__ import annotations

from datetime import date

import pytest
from lxml import etree
from pytest_bdd import given, parsers, then, when

from harness.breakers import BREAKERS, breaker
from harness.breakers.catalogue import registered
from harness.breakers.answer import answer_fault
from harness.parties.base import Outgoing
from harness.standard import registry
from harness.validation import RULES, Level
from harness.validation.retourcheck import compare
from ..run.keten import ChainFailure, Keten
from ..run.review import Remark

PARTY = r"(?P<role>gemeente|aanbieder)"
VERZOEKEN = ("315", "317")  # a gemeente answers these by itself (301 or 319)


@given(parsers.re(r'een keten voor regel "(?P<regel>\w+)" op de (?P<bericht>\d{3})$'),
       target_fixture="keten")
def keten_voor_regel(ketentest_run, regel: str, bericht: str) -> Keten:
    """Gegeven een keten voor regel "REGEL" op de NNN: a new session, its clock on the first
    day of the chain the rule breaker of REGEL on message NNN needs (skipped when the rule is
    not one of the run's release)."""
    rel = registry.release(ketentest_run.release)
    key = registered(regel, bericht)  # TR319 -> TR319/xslt: the level it can be broken at
    b = BREAKERS.get((key, bericht))
    if b is None or rel.name not in b.standards or rel.name not in RULES[key].releases:
        pytest.skip(f"{regel} on the {bericht} is no rule of {rel.name}")
    first = breaker(regel, bericht, rel)  # its days, whatever the parties
    keten = ketentest_run.open(None, start=min([d for _, d in first.before] + [first.today]))
    keten.facts.breaker = breaker(regel, bericht, rel, gemeente=keten.codes["gemeente"],
                                     aanbieder=keten.codes["aanbieder"])
    return keten


def _message(xml: bytes):
    return registry.identify(etree.QName(etree.fromstring(xml)).namespace)[1]


def _sender(xml: bytes) -> str:
    return _message(xml).sender


def _deliver(keten: Keten, xml: bytes, day: date) -> str:
    """Send one message of the case as its sender, on `day`; the receiver, when simulated,
    takes it in that day. Returns the sender's role."""
    msg = _message(xml)
    role = msg.sender
    if not keten.simulated(role):
        keten.facts.skipped = True
        pytest.skip(f"this case needs a {msg.name} from the {role} exactly as the rule breaker "
                    f"builds it; the {role} is the system under test")
    if day > keten.today:
        keten.set_today(day)
    keten.agents[role].send(Outgoing(compose=lambda: xml, due=keten.today, message=msg.name,
                                     sender=role), today=keten.today)
    other = next(r for r in keten.codes if r != role)
    if keten.simulated(other):
        keten.agents[other].pump(keten.today)  # judged on the day it is received
    return role


@when(parsers.re(rf'de {PARTY} een (?P<bericht>\d{{3}}) stuurt die regel "(?P<regel>\w+)" '
                 r'breekt$'))
def breker_sturen(keten: Keten, role: str, bericht: str, regel: str) -> None:
    """Als de PARTIJ een NNN stuurt die regel "REGEL" breekt: the chain the rule breaker needs
    (each message from its own sender), then its NNN that breaks REGEL (and only the rules
    that necessarily break with it, which the breaker names)."""
    case = keten.facts.breaker
    if (RULES[case.rule].id, case.message) != (regel, bericht):
        raise ChainFailure(f"this keten was made for {case.rule} on the {case.message}, not for "
                           f"{regel} on the {bericht}")
    receiver = next(r for r in keten.codes if r != role)
    for xml, day in case.before:
        if case.expected.level is Level.XSLT and not keten.simulated(_sender(xml)):
            continue  # an in-message rule is judged before the chain: not needed from the SUT
        if not keten.simulated(receiver) and _message(xml).id in VERZOEKEN:
            keten.facts.skipped = True
            pytest.skip(f"this case sends the {receiver} (system under test) a verzoek before "
                        f"the breaking {bericht}: the {receiver} may answer it in between, as "
                        "it should, and so change what the breaking message breaks")
        _deliver(keten, xml, day)
    if _deliver(keten, case.xml, case.today) != role:
        raise ChainFailure(f"a {bericht} is not sent by the {role}")
    keten.facts.breaking = etree.fromstring(case.xml).findtext(
        "{*}Header/{*}BerichtIdentificatie/{*}Identificatie")


def _answers(keten: Keten, e) -> etree._Element | None:
    """The answer's XML when it answers the breaking message (a retour copies its header's
    BerichtIdentificatie, a 325 names it as DeclaratieIdentificatie), else None."""
    root = etree.fromstring(keten.client.xml(e.id))
    ident = (root.findtext("{*}Header/{*}BerichtIdentificatie/{*}Identificatie")
             if e.code != "325" else
             root.findtext("{*}Header/{*}DeclaratieIdentificatie/{*}Identificatie"))
    return root if ident == keten.facts.breaking else None


@then(parsers.re(rf'ontvangt de {PARTY} een (?P<code>\d{{3}}) met retourcode "(?P<rc>\w+)" op '
                 r'"(?P<klasse>\w+)"$'))
def retourcode_op_klasse(keten: Keten, role: str, code: str, rc: str, klasse: str) -> None:
    """Dan ontvangt de PARTIJ een NNN met retourcode "CODE" op "KLASSE": the answer to the
    breaking message carries exactly the codes of the rule broken (and of the rules that
    necessarily break with it): CODE on berichtklasse KLASSE (the header for 0001), 0200 on
    every other class and 0233 on a class below a rejected one."""
    case = keten.facts.breaker
    found = {}

    def match(e):
        if e.receiver != role or e.code != code or e.refused:
            return False
        root = _answers(keten, e)
        if root is not None:
            found["root"], found["entry"] = root, e
        return root is not None

    keten.wait(match, "received", f"the {role} to receive a {code} answering the breaking "
               f"{case.message}", from_sut=keten.sut is not None and keten.sut != role)
    root, entry = found["root"], found["entry"]
    fault = answer_fault(root, case.expected, rc, klasse)
    if fault:
        differs = [] if keten.strict else compare(case.judge(), root, case.today)
        if differs and all(a.keuze for a in differs):  # @keuze: ketentest's reading only,
            keten.reviewed([Remark(a.rule, "keuze", entry.name, a.text, entry.permalink)
                            for a in differs])  # a warning (--strict: the failure below)
            return
        strict = (f" ({RULES[case.rule].id} is read as ketentest chose: it fails here because "
                  "the run is --strict)") if keten.strict and RULES[case.rule].keuze else ""
        raise ChainFailure(f"{fault}{strict} ({entry.permalink})")
