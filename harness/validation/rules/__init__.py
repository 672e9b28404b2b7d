"""The technical rules (TR...) of the standard, and its conditions and constraints on data
elements (CD..., CS...: conditions.py), as small pure functions in a registry.

A rule function takes a Message view and a Context and yields (element, text) for every place
that breaks it; the registry turns those into Findings with the rule's id, level and retourcode.
Categories follow the published rule table: `xslt` (in-message, retourcode 0001), `extern`
(external data: the rule's own code), `chain` (berichtoverstijgend: the rule's own code).
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ...standard import registry
from ...standard.cbs import gemeentecodes
from ..findings import Finding, Level
from ..message import Message

LEVEL_OF = {"xslt": Level.XSLT, "extern": Level.RULES, "chain": Level.RULES}


class RuleError(RuntimeError):
    """A rule failed on a schema-valid message: a defect in ketentest, reported as such."""


@dataclass(frozen=True)
class ContractProduct:
    """A product of a regio's contract (from a regio profile): its category and tariff."""

    categorie: str
    code: str
    tarief: int | None = None  # in cents, per Eenheid
    eenheid: str | None = None


@dataclass
class Context:
    """Everything outside the message a rule may look at."""

    today: date = field(default_factory=date.today)
    gemeentecodes: frozenset[str] | None = None  # CBS list; None = the shipped 2026 list
    products: dict[tuple[str, str], ContractProduct] | None = None  # (categorie, code) -> product
    state: Any = None  # the chain so far (harness.chain.ChainState): chain rules need one

    def __post_init__(self):
        if self.gemeentecodes is None:
            self.gemeentecodes = gemeentecodes()


Check = Callable[[Message, Context], Iterable[tuple[object, str]]]


@dataclass(frozen=True)
class Rule:
    id: str
    category: str  # xslt | extern | chain
    retourcode: str | None  # None: the rule has no code of its own (325 rules: no retour)
    messages: frozenset[str]  # message ids: '301', '323', ...
    check: Check
    releases: frozenset[str]  # the releases the rule belongs to ('ijw-...' only: iJw's own)
    needs: str | None = None  # 'profile': judged only when the context has a product list
    keuze: str | None = None  # a reading of ketentest's where the rule's text leaves room
    # (not settled by the official XSLT): why. A system disagreeing only here is advised,
    # not failed, unless the run is --strict (harness.validation.retourcheck)

    @property
    def summary(self) -> str:
        first_paragraph = (self.check.__doc__ or "").strip().split("\n\n")[0]
        return " ".join(first_paragraph.split())

    @property
    def where(self) -> str:
        """Where the rule is judged: 'harness/validation/rules/inmessage.py:123'."""
        fn = inspect.unwrap(self.check)
        file = Path(inspect.getsourcefile(fn) or "?")
        parts = file.parts
        shown = "/".join(parts[parts.index("harness"):]) if "harness" in parts else str(file)
        return f"{shown}:{inspect.getsourcelines(fn)[1]}"

    def applies(self, message: Message, ctx: Context) -> bool:
        return (message.id in self.messages
                and message.release.name in self.releases
                and (self.needs != "profile" or bool(ctx.products))
                and (self.category != "chain" or ctx.state is not None))

    def run(self, message: Message, ctx: Context) -> list[Finding]:
        try:
            return [Finding(self.id, LEVEL_OF[self.category], message.where(el), text,
                            retourcode=self.retourcode, element=el)
                    for el, text in self.check(message, ctx)]
        except Exception as e:  # a bug in a rule must say which rule, not give a bare traceback
            raise RuleError(f"rule {self.id} could not judge this {message.definition.name}: "
                            f"{type(e).__name__}: {e}") from e


RULES: dict[str, Rule] = {}


def rule(id: str, category: str, retourcode: str | None, messages: str, needs: str | None = None,
         releases: Iterable[str] | None = None, keuze: str | None = None):
    """Register a rule function: @rule("TR358", "xslt", "0001", "323"). `releases`: the names
    of the releases the rule belongs to (`registry.names("ijw")` for an iJw-only rule); every
    known release when left out. A rule judged at two levels (TR319: in the message as the
    official XSLT does, and across the chain) is registered once per category; the second
    under the key "ID/category". `keuze`: the rule's reading is one of ketentest's choices
    (why, in a sentence); such a rule is advisory when a system under test reads it
    otherwise."""
    def register(fn: Check) -> Check:
        key = id if id not in RULES else f"{id}/{category}"
        assert key not in RULES, f"{id} registered twice"
        known = frozenset(registry.names())
        belongs = known if releases is None else frozenset(releases)
        assert belongs <= known, f"{id}: unknown releases {sorted(belongs - known)}"
        RULES[key] = Rule(id, category, retourcode, frozenset(messages.split()), fn, belongs,
                          needs, keuze)
        return fn
    return register


def run_rules(message: Message, ctx: Context, category: str) -> list[Finding]:
    findings = []
    for r in _registered_for(category, message.id, message.release.name):
        if r.applies(message, ctx):
            findings.extend(r.run(message, ctx))
    return findings


_REGISTERED_FOR: dict[tuple, list[Rule]] = {}


def _registered_for(category: str, message_id: str, release: str) -> list[Rule]:
    """The rules of a category registered for a message type and release, in the order of
    RULES: listed once, not sought among every rule for every message (an exchange judges
    hundreds a second)."""
    key = (category, message_id, release, len(RULES))
    found = _REGISTERED_FOR.get(key)
    if found is None:
        found = _REGISTERED_FOR[key] = [
            r for r in RULES.values() if r.category == category and message_id in r.messages
            and release in r.releases]
    return found


def not_assessed(message: Message, ctx: Context) -> list[str]:
    """Rules that apply to this message but could not be judged (no regio profile given)."""
    return [r.id for r in RULES.values()
            if r.needs == "profile" and not ctx.products and message.id in r.messages]


from . import chain, conditions, external, inmessage  # noqa: E402,F401  (registers the rules)
