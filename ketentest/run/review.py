"""After a scenario's steps: what the system under test sent, judged beyond the exchange's
rules (which `Keten.final_check` applies first).

- every retour message and 325 it sent is compared with ketentest's verdict on the heen
  message it answers (`harness.validation.retourcheck`): a code missing or extra, or a
  composition fault, fails the scenario; a disagreement only on a rule whose reading is
  ketentest's choice (`keuze`) is a warning;
- every message it sent is put to the advisory process checks
  (`harness.validation.advice`, OP/IV), judged in the chain before it: warnings.

A warning fails the scenario only in a `--strict` run. The chain before each message is the
session's, rebuilt from its journal in order (each message judged as the exchange judged it).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from lxml import etree

from harness.chain import ChainState, judge
from harness.standard import registry
from harness.validation import RULES
from harness.validation.advice import advise
from harness.validation.retourcheck import compare

PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class Remark:
    """What the review says about one message of the system under test."""

    rule: str  # TR019, IV028, OP186
    kind: str  # retour (a fault), keuze (ketentest's reading), advies (an OP/IV check)
    message: str  # WMO306
    text: str
    link: str  # the message's verdict on the exchange

    @property
    def warning(self) -> bool:
        return self.kind != "retour"

    def line(self) -> str:
        what = {"keuze": " (ketentest's reading of the rule)", "advies": " (advisory)"}
        return f"{self.rule}{what.get(self.kind, '')}: the {self.message}: {self.text} ({self.link})"

    def as_dict(self) -> dict:
        return asdict(self)


def _retour(e, xml: bytes, day: date, judged: dict) -> list[Remark]:
    rule = "IV087" if e.code == "325" else "IV028"
    heen = judged.get((e.entry.get("termijn") or {}).get("answers"))
    if heen is None or heen.view is None:
        return [Remark(rule, "retour", e.name, "it answers no message the "
                       f"{e.receiver} sent (its identification names none)", e.permalink)]
    found = compare(heen, etree.fromstring(xml, PARSER), day)
    return [Remark(a.rule, "keuze" if a.keuze else "retour", e.name, a.text, e.permalink)
            for a in found]


def review(keten, roles: set[str] | None = None, advice: bool = True) -> list[Remark]:
    """The remarks on the messages `roles` (default: the system under test) sent in the
    scenario's chain (refused messages left out: the exchange named why). Each message is
    judged again as its receiver judges it: in the chain before it, with the regio's
    contract (the exchange's own verdict leaves the rules that need it unassessed)."""
    roles = roles or {keten.sut}
    rel = registry.release(keten.release)
    out, judged, states = [], {}, {}
    for e in keten.exchanged:
        if e.refused:
            continue
        # a regio: each gemeente's session is a chain of its own
        state = states.setdefault(e.entry.get("session"), ChainState())
        xml = keten.client.xml(e.id)
        day = date.fromisoformat(e.entry["day"]) if e.entry.get("day") else keten.today
        verdict = judged[e.id] = judge(state, xml, e.id, keten.profile.context(day, rel))
        if e.sender in roles and verdict.view is not None:
            if advice:
                out += [Remark(a.id, "advies", e.name, f"{a.text} (at {a.path})", e.permalink)
                        for a in advise(verdict.view, state, day)]
            msg = rel.messages.get(e.code)
            if msg is not None and (msg.kind == "retour" or msg.id == "325"):
                out += _retour(e, xml, day, judged)
        state.record(verdict)
    return out


def keuze_only(keten, got, codes: set[str]) -> bool:
    """Whether the codes in which an answer `got` of the system under test differs from what a
    step expects (missing or extra) are each given only by rules whose reading is ketentest's
    choice. Then the difference is kept as a warning (failing only a --strict run) and True
    is returned; False when the step must fail as usual."""
    if keten.sut is None or got.sender != keten.sut or not codes:
        return False
    heen = "323" if got.code == "325" else f"{int(got.code) - 1}"
    givers = {c: [r for r in RULES.values() if r.retourcode == c and heen in r.messages
                  and keten.release in r.releases] for c in codes}
    if not all(g and all(r.keuze for r in g) for g in givers.values()):
        return False
    rules = sorted({r.id for g in givers.values() for r in g})
    keten.reviewed([Remark("/".join(rules), "keuze", got.name,
                           f"it differs from ketentest's verdict in {', '.join(sorted(codes))}: "
                           f"{', '.join(rules)} read as ketentest chose ({RULES[rules[0]].keuze})",
                           got.permalink)])
    return True
