"""The chain between one gemeente and one aanbieder: its state and judging in it.

    state = ChainState()                      # or ChainState.from_json(saved)
    verdict = judge(state, data, "x.xml", Context(today=...))
    state.record(verdict)                     # takes it in only if the receiver processes it
    saved = state.to_json()

`judge` gives the full verdict a receiver would give: XML safety, XSD, in-message rules, and
the external-data and cross-message rules against the state. It does not change the state:
the caller records, so a caller that only wants an opinion (a dry run) leaves it as it was.
"""
from __future__ import annotations

from dataclasses import replace

from ..validation import validator
from ..validation.findings import Verdict
from ..validation.rules import Context
from .state import ChainState


def judge(state: ChainState, data: bytes, file: str = "<message>",
          context: Context | None = None, schemas=None, **kwargs) -> Verdict:
    ctx = replace(context or Context(), state=state)
    return validator.judge(data, file, schemas, ctx, **kwargs)


__all__ = ["ChainState", "judge"]
