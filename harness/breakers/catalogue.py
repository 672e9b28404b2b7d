"""The catalogue: for every rule a receiver judges, on every message it applies to, in both
standards, a breaker (a way to build that message, and the chain before it, that breaks
exactly that rule) or the reason none can exist.

A breaker is a function of a `Keten` and the message id that sends the chain's earlier
messages and returns the breaking message (its data, or an lxml tree). `breaker(rule,
message, release)` runs it and gives a `Case`: the messages before (bytes, the day they were
judged), the message to send and what the receiver must answer (`Expected`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from ..chain import ChainState, judge
from ..factories import to_bytes
from ..standard import registry, release
from ..standard.model import Release
from ..validation import RULES, Context
from ..validation.findings import Level, Verdict
from ..validation.message import Message, local
from ..validation.xsdcheck import element_at
from .keten import Keten

STANDARDS = registry.names()  # every release: iwmo-3.2, ijw-3.2
HEADER = "Header"


@dataclass(frozen=True)
class Expected:
    """What the receiver must answer: the rule's retourcode (None for the 325's rules: a 325
    has no retour message) on the berichtklasse `klasse` (its element path without indexes;
    `Header` for the header, where every in-message rule puts 0001), at verdict `level`.
    `also`: rules that necessarily break with this one (said in the breaker, with why)."""

    rule: str
    retourcode: str | None
    level: Level
    klasse: str
    also: tuple[str, ...] = ()

    @property
    def rules(self) -> set[str]:
        """The rule ids the verdict names (a rule registered at two levels, e.g. TR319/xslt,
        is named TR319 in a finding)."""
        return {RULES[r].id for r in (self.rule, *self.also)}


@dataclass(frozen=True)
class Case:
    """A built breaker: send `before` in order (each accepted), then `xml`."""

    rule: str
    message: str  # '305'
    release: str  # 'iwmo-3.2'
    before: tuple[tuple[bytes, date], ...]
    xml: bytes
    today: date
    expected: Expected
    products: dict = field(repr=False, default=None)

    def state(self) -> ChainState:
        """The receiver's chain state after `before`."""
        state = ChainState()
        for xml, day in self.before:
            state.record(judge(state, xml, "before", Context(today=day, products=self.products)))
        return state

    def judge(self) -> Verdict:
        """ketentest's verdict on the breaking message, in the chain before it."""
        return judge(self.state(), self.xml, f"{self.rule}-{self.message}.xml",
                     Context(today=self.today, products=self.products))


@dataclass(frozen=True)
class Breaker:
    rule: str
    messages: frozenset[str]
    build: Callable[[Keten, str], dict | etree._Element]
    klasse: str | Callable[[str], str]  # per message when a callable
    also: tuple[str, ...] = ()
    why: str = ""  # why `also` cannot be avoided
    standards: tuple[str, ...] = STANDARDS
    today: date | None = None  # the chain's date, when not the usual 2 November 2026

    def klasse_for(self, message: str) -> str:
        return self.klasse(message) if callable(self.klasse) else self.klasse


@dataclass(frozen=True)
class NotExercisable:
    """A rule on a message for which no message can break it alone, and why."""

    rule: str
    messages: frozenset[str]
    reason: str
    standards: tuple[str, ...] = STANDARDS


BREAKERS: dict[tuple[str, str], Breaker] = {}
NOT_EXERCISABLE: dict[tuple[str, str], NotExercisable] = {}


def breaks(rule: str, messages: str, klasse: str | Callable[[str], str] = HEADER, *,
           also: tuple[str, ...] = (), why: str = "", standards=STANDARDS, today=None):
    """Register a breaker of `rule` on each of `messages` (ids separated by spaces)."""
    def register(fn):
        b = Breaker(rule, frozenset(messages.split()), fn, klasse, tuple(also), why,
                    tuple(standards), today)
        for m in b.messages:
            assert (rule, m) not in BREAKERS, f"two breakers of {rule} on {m}"
            BREAKERS[rule, m] = b
        return fn
    return register


def not_exercisable(rule: str, messages: str, reason: str, standards=STANDARDS) -> None:
    n = NotExercisable(rule, frozenset(messages.split()), reason, tuple(standards))
    for m in n.messages:
        NOT_EXERCISABLE[rule, m] = n


def _release(rel: str | Release) -> Release:
    return release(rel) if isinstance(rel, str) else rel


def breaker(rule: str, message: str, rel: str | Release = registry.DEFAULT,
            gemeente: str | None = None, aanbieder: str | None = None) -> Case:
    """The case that breaks `rule` on `message` ('305' or 'WMO305') of `rel`, between the
    given parties (a session's; fixed fictitious ones by default). KeyError when the
    catalogue has none (see `not_exercisable_reason`)."""
    rel = _release(rel)
    msg = rel.message(message)
    rule = registered(rule, msg.id)
    b = BREAKERS[rule, msg.id]
    if rel.name not in b.standards:
        raise KeyError(f"{rule} has no breaker on {msg.name}: the rule is not in {rel.name}")
    parties = {k: v for k, v in (("gemeente", gemeente), ("aanbieder", aanbieder)) if v}
    k = Keten(rel, **({"today": b.today} if b.today else {}), **parties)
    built = b.build(k, msg.id)
    root = built if isinstance(built, etree._Element) else k.render(msg.id, built)
    r = RULES[rule]
    level = Level.XSLT if r.category == "xslt" else Level.RULES
    return Case(rule, msg.id, rel.name, tuple(k.sent), to_bytes(root), k.day,
                Expected(rule, r.retourcode, level, b.klasse_for(msg.id), b.also), k.products)


def registered(rule: str, message: str) -> str:
    """The registry's key of `rule` with a breaker on `message`: the id itself, or for a rule
    registered at two levels the one that has a breaker ('TR319' -> 'TR319/xslt')."""
    if (rule, message) in BREAKERS:
        return rule
    keys = [key for key, r in RULES.items() if r.id == rule and (key, message) in BREAKERS]
    return keys[0] if len(keys) == 1 else rule


def not_exercisable_reason(rule: str, message: str,
                           rel: str | Release = registry.DEFAULT) -> str | None:
    n = NOT_EXERCISABLE.get((rule, _release(rel).message(message).id))
    return n.reason if n else None


def applies(rule: str, rel: str | Release) -> list[str]:
    """The messages `rule` judges in `rel`, by the registry."""
    r = RULES[rule]
    if _release(rel).name not in r.releases:
        return []
    return sorted(r.messages)


@dataclass(frozen=True)
class Entry:
    """A line of the catalogue: a (rule, message, release) the registry judges, with its
    breaker or the reason it has none."""

    rule: str
    message: str
    release: str
    has_breaker: bool
    reason: str | None = None


def catalogue(rel: str | Release | None = None) -> list[Entry]:
    """Every (rule, message) the registry judges in `rel` (both standards when None)."""
    out = []
    for name in ([_release(rel).name] if rel else STANDARDS):
        for rule in sorted(RULES):
            for m in applies(rule, name):
                if (rule, m) in BREAKERS and name in BREAKERS[rule, m].standards:
                    out.append(Entry(rule, m, name, True))
                else:
                    n = NOT_EXERCISABLE.get((rule, m))
                    out.append(Entry(rule, m, name, False, n.reason if n else None))
    return out


def receives(rel: str | Release, role: str) -> list[str]:
    """The heen messages `role` ('gemeente', 'aanbieder') receives in `rel`, by the message
    catalogue; a retour message is judged by no rule of the registry."""
    rel = _release(rel)
    return sorted(m.id for m in rel.messages.values()
                  if m.kind == "heen" and m.receiver == role)


def klasse_of(verdict: Verdict, finding) -> str:
    """The berichtklasse (or Header) a finding's retourcode goes on, as a path without
    indexes: the nearest class above the element, as the retour builder finds it."""
    rel = release(verdict.release)
    msg = rel.by_name[verdict.message]
    el = finding.element
    while el is not None:
        definition = element_at(rel, msg, Message.path(el))
        if local(el) == HEADER:
            return HEADER
        if definition is not None and definition.klasse:
            break
        el = el.getparent()
    if el is None:
        return "?"
    return "/".join(part.split("[")[0] for part in Message.path(el).split("/"))
