"""The hubs' refusal codes (SPEC "Refusals at the exchange") and the HTTP status each one is
answered with. A refusal happens before delivery; it is not a retourcode.

The gemeente's messages enter through GGk (codes IBnnn / StUF055), the aanbieder's through
VECOZO (BRSnn); `code(kind, role)` picks the code of the sender's side.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    gemeente: str  # the code GGk gives
    aanbieder: str  # the code VECOZO gives
    status: int
    meaning: str
    envelope_part: str = "payload"  # what a GGk envelope's Fo01 points at (stuf Envelope.path)


REFUSALS = {
    "too_large": Refusal("IB007", "IB007", 413, "larger than 25 MB"),
    "not_wellformed": Refusal("BRS14", "BRS14", 400, "not well-formed or unsafe XML"),
    "functie": Refusal("IB240", "IB240", 422, "the payload is another message than its "
                       "envelope names", "stuurgegevens/functie"),
    "frozen": Refusal("IB103", "IB103", 503, "message type temporarily blocked (freeze)",
                      "stuurgegevens/functie"),
    "schema": Refusal("StUF055", "BRS13", 422, "not conform the XSD"),
    "sender": Refusal("IB213", "BRS02", 403, "sender is not the token's party"),
    "receiver": Refusal("IB210", "BRS33", 422, "receiver unknown in this session"),
    "duplicate": Refusal("BRS20", "BRS20", 409, "identification not unique"),
    # only GGk envelopes carry a referentienummer of the sender's choosing (VECOZO's is CC08)
    "reference_reused": Refusal("IB216", "CC08", 409, "referentienummer not unique"),
}


def code(kind: str, role: str) -> str:
    r = REFUSALS[kind]
    return r.gemeente if role == "gemeente" else r.aanbieder


def fo01_code(kind: str) -> str:
    """The code of the Fo01 a refused GGk envelope gets. An unreadable payload is 'not conform
    the XSD' to the GGk (StUF055); every other refusal has the gemeente's code (VECOZO's BRS20
    reaches a gemeente as a Fo01 too)."""
    return "StUF055" if kind == "not_wellformed" else REFUSALS[kind].gemeente


def status(kind: str) -> int:
    return REFUSALS[kind].status
