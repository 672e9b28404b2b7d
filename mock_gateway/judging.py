"""The one place where the exchange judges a submitted message.

A submission's verdict is the full verdict a receiver would give (XML safety, XSD, in-message
and external-data rules, with the session's clock as today, and the chain rules against the
session's chain state). The exchange refuses only what the hubs refuse (verdict levels `xml`
and `xsd`); a schema-valid message is delivered even if it breaks a rule (the receiver answers
with a retour message), and the journal keeps the whole verdict.

It is judged in two steps, each once: `prepare_submission` (everything but the chain rules:
the costly part, run before delivery takes the session's lock; it depends on the bytes and
the session's clock only) and `complete` (the chain rules, lookups in the state, run under the
lock against exactly the state the commit builds on: mock_gateway.chains).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from harness.chain import ChainState
from harness.validation import Context, Level, Verdict
from harness.validation.validator import Prepared, finish, prepare

REFUSED_LEVELS = (Level.XML, Level.XSD)
FILE = "<submission>"


@dataclass
class Judgement:
    prepared: Prepared
    today: date
    _header: dict | None = field(default=None, repr=False, compare=False)

    @property
    def verdict(self) -> Verdict:
        return self.prepared.verdict

    @property
    def complete(self) -> bool:
        """The chain rules have run (or there are none to run)."""
        return not self.prepared.pending

    @property
    def refused(self) -> bool:
        """The hubs refuse it: not well-formed / unsafe, or not conform the schema."""
        return self.verdict.level in REFUSED_LEVELS

    def header(self) -> dict[str, str]:
        """Afzender, Ontvanger, Identificatie (BerichtIdentificatie) of a schema-valid message
        (read once: the hubs' checks ask for it again and again)."""
        if self._header is None:
            view = self.verdict.view
            self._header = view.header_fields() if view is not None else {}
        return self._header

    def as_json(self) -> str:
        """Verdict.as_dict without "file", each finding with its line, and the session date."""
        d = self.verdict.as_dict()
        del d["file"]
        for f, finding in zip(d["findings"], self.verdict.findings):
            f["line"] = finding.line
        d["today"] = self.today.isoformat()  # the session clock the rules judged with
        return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


def prepare_submission(today: date, data: bytes) -> Judgement:
    """The verdict on `data` on the session's date `today`, but for the chain rules."""
    context = Context(today=today)
    return Judgement(prepare(data, FILE, context=context), context.today)


def complete(judgement: Judgement, state: ChainState) -> Judgement:
    """Run the chain rules against `state`, the session's chain as the commit will build on."""
    finish(judgement.prepared, state)
    return judgement
