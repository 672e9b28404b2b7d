"""Cross-message (berichtoverstijgend) rules: each judges a message against the chain's state
(`Context.state`, a `harness.chain.ChainState`) and gives its own retourcode. They run only
when a state is given (`validate --chain`, the exchange); one module per part of the chain."""
from __future__ import annotations

from ...message import Message
from .. import rule
from . import antwoord, declaratie, levering, toewijzing, verzoek  # noqa: F401 (registers)

HEEN = "301 305 307 315 317 319 323 325"


@rule("TR056", "chain", "9056", HEEN)
def tr056(m: Message, ctx):
    """The Identificatie of a message is unique per berichtsoort for the sender."""
    ident = m.text(m.header, "BerichtIdentificatie/Identificatie")
    if (m.text(m.header, "Afzender"), m.id, ident) in ctx.state.identificaties:
        yield m.get(m.header, "BerichtIdentificatie"), (
            f"This sender already sent a {m.definition.name} with Identificatie {ident}; give "
            "every message a new identification.")
