"""Steps of the certification suites (`features/certificering-*/`): the harness, as the
sending party, sends a message built by a rule breaker (`harness.breakers`) after the chain it
needs, and the receiving party must answer it with exactly that rule's retourcode on the
right berichtklasse.

Beside a system under test, the system plays its own part of the case's chain: its earlier
messages are asked of it through its triggers with the facts of the breaker's message, and
the harness's later messages (the breaking one too) name what it gave (`Retarget`). A case no
system under test can play (`certificering.NOT_PLAYABLE`) is skipped, saying why.

    Gegeven een keten voor regel "TR019" op de 305
    Als de aanbieder een 305 stuurt die regel "TR019" breekt
    Dan ontvangt de aanbieder een 306 met retourcode "9019" op "StartProduct"
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pytest
from lxml import etree
from pytest_bdd import given, parsers, then, when

from harness.breakers import BREAKERS, breaker
from harness.breakers.catalogue import registered
from harness.breakers.answer import answer_fault
from harness.chain import judge
from harness.factories import to_bytes
from harness.parties.base import Outgoing
from harness.parties.read import read
from harness.standard import registry
from harness.standard.codes import AFGEWEZEN, VERWIJDERD
from harness.validation import RULES, Level
from harness.validation.retourcheck import compare
from ..certificering import NOT_PLAYABLE
from ..run.actions import Action
from ..run.keten import ChainFailure, Keten
from ..run.review import Remark

PARTY = r"(?P<role>gemeente|aanbieder)"


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
    receiver = rel.message(bericht).receiver
    if keten.sut == receiver and (regel, bericht) in NOT_PLAYABLE:
        _not_playable(keten, f"a {receiver} under test cannot play {regel} on the {bericht}: "
                      f"{NOT_PLAYABLE[regel, bericht]}")
    keten.facts.breaker = breaker(regel, bericht, rel, gemeente=keten.codes["gemeente"],
                                     aanbieder=keten.codes["aanbieder"])
    for agent in keten.agents.values():
        _by_the_breaker(agent.party)
    return keten


def _by_the_breaker(party) -> None:
    """A simulated party of a rule case answers what it receives with its retour message (or
    325) only: its further messages (a 301 or 319 on a verzoek, by its profile's policy) are
    the breaker's to send, as the case's chain has them."""
    receive = party.receive

    def retour_only(xml, verdict, today):
        return [o for o in receive(xml, verdict, today) if o.id not in ("301", "319")]
    party.receive = retour_only


def _message(xml: bytes):
    return registry.identify(etree.QName(etree.fromstring(xml)).namespace)[1]


def _sender(xml: bytes) -> str:
    return _message(xml).sender


def _ident(xml: bytes) -> str:
    return etree.fromstring(xml).findtext("{*}Header/{*}BerichtIdentificatie/{*}Identificatie")


def _not_playable(keten: Keten, why: str) -> None:
    """Skip a case the chain the system under test made cannot carry, saying why."""
    keten.facts.skipped = True
    pytest.skip(why)


# Rules whose case holds only while an earlier verzoek of the chain is open: TR374 ("in
# behandeling totdat er ... gestuurd is": a 301 or a refusing 319 naming it). When a gemeente
# under test answers the first verzoek is its own choice.
OPEN_VERZOEK = {"TR374"}


def _still_open(keten: Keten, case, answer) -> None:
    """Skip the case, saying so, when the gemeente under test had closed the case's earlier
    verzoek (a 301 naming it, or a 319 refusing it) before it took in the breaking one: in its
    chain the breaking verzoek then breaks nothing. Taken in: acknowledged or pushed, or at the
    latest when it answered it."""
    refs = {el.text for xml, _ in case.before if _message(xml).id in ("315", "317")
            for el in etree.fromstring(xml).iter("{*}ReferentieAanbieder")}
    keten.refresh()  # the messages as the run read them (their content fetched once)
    stamps = {e["id"]: e for session in keten.sessions
              for e in keten.client.journal(session)}  # delivered_at as it is now
    breaking = next(e for e in stamps.values() if e["identificatie"] == keten.facts.breaking)
    taken = datetime.fromisoformat(breaking["delivered_at"] or stamps[answer.id]["received_at"])
    for e in keten.exchanged:
        if e.sender == keten.sut and not e.refused and _closes(e, refs) \
                and datetime.fromisoformat(e.entry["received_at"]) < taken:
            _not_playable(keten, f"the gemeente (system under test) answered verzoek "
                          f"{', '.join(sorted(refs))} ({e.name}, {e.permalink}) before it took "
                          f"in the breaking {case.message}: the first was no longer open, so "
                          f"{RULES[case.rule].id} did not hold (played when the gemeente takes "
                          "in the second verzoek before it answers the first)")


def _closes(e, refs: set[str]) -> str | None:
    """How a journal entry ends a verzoek of `refs` (its ReferentieAanbieder): "honoured" (a
    301 naming it), "refused" (a 319 refusing it), else None ("in behandeling totdat er ...
    gestuurd is")."""
    if e.code == "319":
        a = e.data["Antwoord"]
        return "refused" if a["ReferentieAanbieder"] in refs \
            and a["VerzoekAntwoord"] == AFGEWEZEN else None
    if e.code == "301" and any(p.get("ReferentieAanbieder") in refs for p in _products(e.data)):
        return "honoured"
    return None


@dataclass
class Retarget:
    """The breaker's chain as the system under test made it: its own earlier messages come
    from its triggers, so the ToewijzingNummers it gave (and the ReferentieAanbieder of its
    verzoeken) replace the breaker's in every message the harness sends after them."""

    nummers: dict[str, str] = field(default_factory=dict)  # breaker's -> the SUT's
    referenties: dict[str, str] = field(default_factory=dict)
    driven: list[str] = field(default_factory=list)  # the messages the SUT sent for the case

    def apply(self, xml: bytes) -> bytes:
        if not (self.nummers or self.referenties):
            return xml
        root = etree.fromstring(xml)
        for name, mapping in (("ToewijzingNummer", self.nummers),
                              ("ReferentieAanbieder", self.referenties)):
            for el in root.iter(f"{{*}}{name}"):
                el.text = mapping.get(el.text, el.text)
        return to_bytes(root)


def _deliver(keten: Keten, xml: bytes, day: date) -> str:
    """Send one message of the case as its (simulated) sender, on `day`; the receiver, when
    simulated, takes it in that day. Returns the sender's role."""
    msg = _message(xml)
    role = msg.sender
    if day > keten.today:
        keten.set_today(day)
    keten.agents[role].send(Outgoing(compose=lambda: xml, due=keten.today, message=msg.name,
                                     sender=role), today=keten.today)
    other = next(r for r in keten.codes if r != role)
    if keten.simulated(other):
        keten.agents[other].pump(keten.today)  # judged on the day it is received
    return role


def _answered(keten: Keten, xml: bytes) -> None:
    """Wait until the system under test answered a message of the chain (its retour, or the
    325 of a 323), so that the next one meets the chain as the breaker built it."""
    msg, ident = _message(xml), _ident(xml)
    retour = registry.release(keten.release).message(msg.id).partner[-3:]
    keten.wait(lambda e: e.sender == keten.sut and e.code == retour
               and _answers(keten, e, ident) is not None, "sent",
               f"the {keten.sut} (system under test) to answer the {msg.id} of the case's chain "
               f"with a {retour}", from_sut=True)


def _products(d: dict) -> list[dict]:
    return d["Client"]["ToegewezenProducten"]["ToegewezenProduct"]


def _code(p: dict) -> str | None:
    return (p.get("Product") or {}).get("Code")


def _volume(p: dict):
    return (p.get("Omvang") or {}).get("Volume") or p.get("Budget")


def _drive(keten: Keten, xml: bytes, day: date, rt: Retarget) -> None:
    """The system under test sends its own version of an earlier message of the case, asked
    through its trigger with the facts the breaker's message holds (or, for a toewijzing that
    honours a verzoek, by itself); what it gave (ToewijzingNummer, ReferentieAanbieder) is
    what the harness's later messages name."""
    role, (_, msg, d) = keten.sut, read(xml)
    if day > keten.today:
        keten.set_today(day)
    if msg.id == "301":
        _drive_301(keten, d, rt)
    elif msg.id == "315":
        asked = d["Client"]["AangevraagdeProducten"]["AangevraagdProduct"]
        codes = [_code(p) for p in asked]
        if None in codes:
            _not_playable(keten, "this case needs a verzoek om toewijzing without a product "
                          "code, which the action verzoek-om-toewijzing cannot ask for")
        sent = keten.act(role, Action.VERZOEK_OM_TOEWIJZING, "315", None,
                         bsn=d["Client"]["Bsn"], product=" ".join(codes))
        theirs = sent.data["Client"]["AangevraagdeProducten"]["AangevraagdProduct"]
        if [_code(p) for p in theirs] != codes:
            raise ChainFailure(f"asked for a verzoek om toewijzing of {' '.join(codes)}, the "
                               f"aanbieder's 315 asks {' '.join(map(str, map(_code, theirs)))} "
                               f"({sent.permalink})")
        rt.referenties.update({p["ReferentieAanbieder"]: q["ReferentieAanbieder"]
                               for p, q in zip(asked, theirs)})
    elif msg.id == "323":
        if "305" not in rt.driven:  # an aanbieder declares care it started
            keten.act(role, Action.START, "305", None, bsn=_bsn_323(d))
            rt.driven.append("305")
            keten.settle()
        periode = d["Declaratie"]["DeclaratiePeriode"]
        keten.act(role, Action.DECLARATIE, "323", None, bsn=_bsn_323(d),
                  periode=f"{periode['Begindatum']}..{periode['Einddatum']}")
    else:
        _not_playable(keten, f"this case needs a {msg.name} from the {role} (system under "
                      "test) that no action of ketentest asks for")
    rt.driven.append(msg.id)
    keten.settle()  # the simulated party answers it before the chain goes on


def _bsn_323(d: dict) -> str:
    return d["Declaratie"]["Clienten"]["Client"][0]["Bsn"]


def _drive_301(keten: Keten, d: dict, rt: Retarget) -> None:
    """A toewijzing from a gemeente under test: a new one through `toewijzing` (its product,
    Ingangsdatum, Einddatum and volume as facts), a deletion through
    `toewijzing-verwijderen`, and one honouring a verzoek awaited as the gemeente's own
    answer to it."""
    role, bsn, products = keten.sut, d["Client"]["Bsn"], _products(d)
    refs = {p.get("ReferentieAanbieder") for p in products} - {None}
    if refs:
        ref = refs.pop()
        found = {}

        def answer(e):
            how = _closes(e, {ref}) if e.sender == role else None
            if how == "refused":
                found["refused"] = e
            return how is not None
        got = keten.wait(answer, "sent", f"the gemeente (system under test) to answer verzoek "
                         f"{ref}", from_sut=True)
        if "refused" in found:
            _not_playable(keten, f"the gemeente (system under test) refused verzoek {ref} "
                          f"(319, {got.permalink}); this case needs it honoured with a 301")
        for p in products:
            q = next(q for q in _products(got.data) if q.get("ReferentieAanbieder") == ref)
            rt.nummers[str(p["ToewijzingNummer"])] = str(q["ToewijzingNummer"])
        return
    nummers = [str(p["ToewijzingNummer"]) for p in products]
    if len(products) == 1 and products[0].get("RedenWijziging") == VERWIJDERD \
            and nummers[0] in rt.nummers:
        theirs = rt.nummers[nummers[0]]
        sent = keten.act(role, Action.TOEWIJZING_VERWIJDEREN, "301", None, bsn=bsn,
                         toewijzing=theirs)
        q = next((q for q in _products(sent.data) if str(q["ToewijzingNummer"]) == theirs), {})
        if q.get("RedenWijziging") != VERWIJDERD:
            raise ChainFailure(f"asked to delete toewijzing {theirs}, the gemeente's 301 does "
                               f"not (RedenWijziging {VERWIJDERD}) ({sent.permalink})")
        return
    dates = {(p["Ingangsdatum"], p.get("Einddatum")) for p in products}
    if len(dates) > 1 or any(p.get("RedenWijziging") for p in products) \
            or set(nummers) & set(rt.nummers):
        _not_playable(keten, "this case needs a 301 whose toewijzingen change earlier ones or "
                      "differ in their dates, which the action toewijzing cannot ask for")
    codes = [_regio_code(keten, p) for p in products]
    if None in codes and len(products) > 1:
        _not_playable(keten, "this case needs one 301 with a toewijzing without a product code "
                      "beside others, which the action toewijzing cannot ask for")
    volumes = {_volume(p) for p in products}
    frequenties = {(p.get("Omvang") or {}).get("Frequentie") for p in products}
    (ingang, einde), = dates
    asked = {"product": " ".join(c for c in codes if c), "ingangsdatum": ingang,
             "einddatum": einde, "volume": volumes.pop() if len(volumes) == 1 else None,
             "categorie": _categorie(products) if None in codes else None,
             "frequentie": frequenties.pop() if len(frequenties) == 1 else None}
    sent = keten.act(role, Action.TOEWIJZING, "301", None, bsn=bsn, **asked)
    taken = set(rt.nummers.values())
    for p in products:
        q = next((q for q in _products(sent.data) if q.get("Product") == p.get("Product")
                  and str(q["ToewijzingNummer"]) not in taken), None)
        want = _summary(p, asked)
        got = q and _summary(q, asked)
        if got != want:
            raise ChainFailure(f"asked for a toewijzing {_show(want)}, the gemeente's 301 has "
                               f"{_show(got) if got else 'no new one of that product'} "
                               f"({sent.permalink})")
        rt.nummers[str(p["ToewijzingNummer"])] = str(q["ToewijzingNummer"])
        taken.add(str(q["ToewijzingNummer"]))


def _regio_code(keten: Keten, p: dict) -> str | None:
    """The code the action toewijzing names a breaker's product by: its own, or for a
    budget by categorie the regio's product in euro's of that categorie; None for a Budget
    without a product code (asked through the fact `categorie`)."""
    product = p.get("Product") or {}
    if product.get("Code"):
        return product["Code"]
    for r in keten.profile.producten_van(keten.release):
        if product and r.as_element() == product and p.get("Budget") is not None:
            return r.code
    return None


def _categorie(products: list[dict]) -> str:
    """The fact `categorie` of a toewijzing without a product code: its ProductCategorie, or
    `geen` when it names no Product at all."""
    product = products[0].get("Product") or {}
    return product.get("Categorie") or "geen"


def _summary(t: dict, asked: dict) -> dict:
    """What a toewijzing must match of what was asked (volume and frequentie when asked)."""
    return {"product": t.get("Product"), "ingangsdatum": t["Ingangsdatum"],
            "einddatum": t.get("Einddatum"),
            **({"frequentie": (t.get("Omvang") or {}).get("Frequentie")}
               if asked["frequentie"] else {}),
            **({"volume": _volume(t)} if asked["volume"] is not None else {})}


def _show(t: dict) -> str:
    product = t["product"] or {}
    named = (product.get("Code") and f"of product {product['Code']}"
             or product.get("Categorie") and f"of a budget for categorie {product['Categorie']}"
             or "of a budget without product")
    return (f"{named} from {t['ingangsdatum']} to {t['einddatum']}"
            + (f", Frequentie {t['frequentie']}" if t.get("frequentie") else "")
            + (f", volume {t['volume']}" if "volume" in t else ""))


def _check_retargeted(keten: Keten, role: str, xml: bytes, case) -> None:
    """ketentest's verdict on the breaking message in the chain as the system under test made
    it (the sending party's view) must name exactly the rules the case is for; a case the SUT's
    chain cannot carry is skipped, saying why."""
    agent = keten.agents[role]
    party = agent.party
    verdict = judge(agent.state, xml, f"{case.rule}-{case.message}",
                    party.profile.context(keten.today, party.release))
    found = {RULES[f.rule].id if f.rule in RULES else f.rule for f in verdict.findings}
    if found != case.expected.rules:
        _not_playable(keten, f"in the chain the {keten.sut} (system under test) made, the "
                      f"breaking {case.message} breaks {', '.join(sorted(found)) or 'no rule'}, "
                      f"not {', '.join(sorted(case.expected.rules))}")


@when(parsers.re(rf'de {PARTY} een (?P<bericht>\d{{3}}) stuurt die regel "(?P<regel>\w+)" '
                 r'breekt$'))
def breker_sturen(keten: Keten, role: str, bericht: str, regel: str) -> None:
    """Als de PARTIJ een NNN stuurt die regel "REGEL" breekt: the chain the rule breaker needs
    (each message from its own sender: the system under test's own through its triggers,
    then the harness's named as the system's made them), then its NNN that breaks REGEL (and
    only the rules that necessarily break with it, which the breaker names)."""
    case = keten.facts.breaker
    if (RULES[case.rule].id, case.message) != (regel, bericht):
        raise ChainFailure(f"this keten was made for {case.rule} on the {case.message}, not for "
                           f"{regel} on the {bericht}")
    rt = Retarget()
    for xml, day in case.before:
        if keten.simulated(_sender(xml)):
            xml = rt.apply(xml)
            _deliver(keten, xml, day)
            if keten.sut is not None:
                _answered(keten, xml)
        elif case.expected.level is not Level.XSLT:
            _drive(keten, xml, day, rt)
        # an in-message rule is judged before the chain: the SUT's own messages not needed
    xml = rt.apply(case.xml)
    if case.today > keten.today:
        keten.set_today(case.today)
    if keten.sut is not None and case.expected.level is not Level.XSLT:
        _check_retargeted(keten, role, xml, case)
    if _deliver(keten, xml, case.today) != role:
        raise ChainFailure(f"a {bericht} is not sent by the {role}")
    keten.facts.breaking = _ident(xml)


def _answers(keten: Keten, e, ident: str | None = None) -> etree._Element | None:
    """The answer's XML when it answers the message `ident` (default: the breaking one; a
    retour copies its header's BerichtIdentificatie, a 325 names it as
    DeclaratieIdentificatie), else None."""
    root = etree.fromstring(keten.client.xml(e.id))
    answered = (root.findtext("{*}Header/{*}BerichtIdentificatie/{*}Identificatie")
                if e.code != "325" else
                root.findtext("{*}Header/{*}DeclaratieIdentificatie/{*}Identificatie"))
    return root if answered == (ident or keten.facts.breaking) else None


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
    if keten.sut != role and RULES[case.rule].id in OPEN_VERZOEK:
        _still_open(keten, case, entry)
    fault = answer_fault(root, case.expected, rc, klasse)
    if fault:
        differs = [] if keten.strict else compare(case.judge(), root, case.today)
        if differs and all(a.keuze for a in differs):  # @keuze: ketentest's reading only,
            keten.reviewed([Remark(a.rule, "keuze", entry.name, a.text, entry.permalink)
                            for a in differs])  # a warning (--strict: the failure below)
            return
        strict = (f" ({RULES[case.rule].id} is read as ketentest chose: it fails here because "
                  "the run is --strict)") if keten.strict and RULES[case.rule].keuze else ""
        raise ChainFailure(f"{RULES[case.rule].id} ({rc}) on the {case.message}: {fault}{strict} "
                           f"({entry.permalink})")
