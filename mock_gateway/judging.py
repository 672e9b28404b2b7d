"""The one place where the exchange judges a submitted message.

`judge_submission` gives the full verdict a receiver would give (XML safety, XSD, in-message
and external-data rules, with the session's clock as today). The exchange refuses only what
the hubs refuse (verdict levels `xml` and `xsd`); a schema-valid message is delivered even if
it breaks a rule (the receiver answers with a retour message), and the journal keeps the whole
verdict.

The session's chain state (harness.chain) plugs in here and nowhere else: the message is
judged against it and, once the exchange has delivered it, recorded (`record_delivery`; the
state takes in only what a receiver processes). `judge_submission` depends only on
the bytes and the session's clock and chain state: delivery calls it before taking the
session's lock and again under the lock if either changed meanwhile; `record_delivery` runs
under the lock, so the chain state follows the messages in arrival order.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from harness.chain import ChainState, judge
from harness.validation import Context, Level, Verdict

from .db import ExchangeSession

REFUSED_LEVELS = (Level.XML, Level.XSD)
FILE = "<submission>"


@dataclass
class Judgement:
    verdict: Verdict
    today: date
    state: ChainState

    @property
    def refused(self) -> bool:
        """The hubs refuse it: not well-formed / unsafe, or not conform the schema."""
        return self.verdict.level in REFUSED_LEVELS

    def header(self) -> dict[str, str]:
        """Afzender, Ontvanger, Identificatie (BerichtIdentificatie) of a schema-valid message."""
        view = self.verdict.view
        return view.header_fields() if view is not None else {}

    def as_json(self) -> str:
        v = self.verdict
        d = v.as_dict()
        del d["file"]
        d["findings"] = [{**f.as_dict(), "line": f.line} for f in v.findings]
        d["not_assessed"] = list(v.not_assessed)
        d["today"] = self.today.isoformat()  # the session clock the rules judged with
        return json.dumps(d, ensure_ascii=False)


def judge_submission(session: ExchangeSession, data: bytes) -> Judgement:
    """The verdict on `data` as submitted in `session` (its clock is today)."""
    context = Context(today=session.clock())
    state = ChainState.from_json(session.chain_state)
    return Judgement(judge(state, data, FILE, context), context.today, state)


def record_delivery(session: ExchangeSession, judgement: Judgement) -> None:
    """After the exchange delivered the message: what the receiver processes joins the chain."""
    if judgement.state.record(judgement.verdict):
        session.chain_state = judgement.state.to_json()
