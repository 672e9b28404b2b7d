"""Findings and verdicts: what a receiver concludes about one message.

The levels follow the control levels of the standard (SPEC "How a receiver judges a message"):
xml and xsd are refusals by the exchange (no retour message), xslt is an in-message rule
(retourcode 0001), rules are cross-message and external-data rules (the rule's own code).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from ..standard.codes import FILLERS

if TYPE_CHECKING:
    from ..standard.model import MessageDef, Release
    from .message import Message

# Codes a retour carries on classes that did not break a rule; not reported as retourcodes.


class Level(str, Enum):
    OK = "ok"
    XML = "xml"
    XSD = "xsd"
    XSLT = "xslt"
    RULES = "rules"

    @property
    def rank(self) -> int:
        """Earlier levels stop judging: a message that is not XML has no XSD verdict."""
        return _ORDER.index(self)


_ORDER = [Level.OK, Level.RULES, Level.XSLT, Level.XSD, Level.XML]


@dataclass(frozen=True)
class Finding:
    rule: str  # TR358, XSD, XML-DOCTYPE, ...
    level: Level
    path: str  # element path, e.g. /Bericht/Client/Bsn; "/" for the document as a whole
    text: str  # what is wrong and what to do
    retourcode: str | None = None
    line: int | None = None
    element: Any = field(default=None, compare=False, repr=False)  # where it was found
    also: tuple[str, ...] = field(default=(), compare=False)  # more element paths it names

    def as_dict(self) -> dict:
        return {"rule": self.rule, "retourcode": self.retourcode, "path": self.path,
                "text": self.text}


@dataclass
class Verdict:
    """What a receiver would answer, holding what it judged: the message's definition and
    release (once its namespace names one) and, for a schema-valid message, the parsed view
    the rules read (`view`), from which the retour message, the chain state and the exchange's
    journal read it again. Names (WMO301, iwmo-3.2) only in `message`, `release` and JSON."""

    file: str
    definition: MessageDef | None = None
    rel: Release | None = None
    findings: list[Finding] = field(default_factory=list)
    not_assessed: list[str] = field(default_factory=list)  # rules without the data to judge
    view: Message | None = field(default=None, repr=False)  # the schema-valid message, parsed

    @property
    def message(self) -> str | None:  # WMO301
        return self.definition.name if self.definition else None

    @property
    def release(self) -> str | None:  # iwmo-3.2
        return self.rel.name if self.rel else None

    @property
    def root(self):
        """The parsed message's root element (schema-valid messages only)."""
        return self.view.root if self.view is not None else None
    inmessage_by: str | None = None  # who judged the in-message rules when not ketentest

    @property
    def level(self) -> Level:
        if not self.findings:
            return Level.OK
        # the distinct levels first: a 323 may carry thousands of findings of one or two
        return max({f.level for f in self.findings}, key=lambda lv: lv.rank)

    @property
    def accepted(self) -> bool:
        return not self.findings

    @property
    def retourcodes(self) -> list[str]:
        """Codes the retour (or 325) carries besides 0200/0233; none for refusals."""
        if self.level in (Level.OK, Level.XML, Level.XSD):
            return []
        codes = []
        for f in self.findings:
            if f.retourcode and f.retourcode not in FILLERS and f.retourcode not in codes:
                codes.append(f.retourcode)
        return codes

    def as_dict(self) -> dict:
        """The JSON object of the validate contract (CONTRACT-validate.md)."""
        return {
            "file": self.file, "message": self.message, "release": self.release,
            "accepted": self.accepted, "level": self.level.value,
            "retourcodes": self.retourcodes,
            "findings": [f.as_dict() for f in self.findings],
            "not_assessed": list(self.not_assessed),
        }


def unreadable(file: str, error: str) -> dict:
    """The validate contract's object for a file that could not be read at all: no level
    (it was never judged), the reason in `error`."""
    return {"file": file, "message": None, "release": None, "accepted": False, "level": None,
            "retourcodes": [], "findings": [], "not_assessed": [], "error": error}
