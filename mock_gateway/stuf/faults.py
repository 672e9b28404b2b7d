"""StUF faults: why the GGk refuses an envelope, as the Fo01 it sends back.

The codes and their short Dutch descriptions are the ISD-keten's (the list of Fo01 codes for
gemeenten); ketentest adds what exactly is wrong, where, and what to do. A Fo01's omschrijving
holds at most 200 characters and its details at most 1000 (StUF 03.01), so both are cut to fit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .envelope import Stuurgegevens

OMSCHRIJVING_MAX = 200
DETAILS_MAX = 1000


@dataclass(frozen=True)
class Code:
    code: str
    plek: str  # client: the sender's message is at fault; server: the exchange's condition
    description: str  # the chain's own wording, so testers recognise the code


CODES = {c.code: c for c in (
    Code("RIN001", "client", "Asynchrone algemeen fout: de StUF-berichtenvelop voldoet niet aan de XSD"),
    Code("IB007", "server", "Bericht is te groot"),
    Code("IB009", "client", "Opgegeven (cross)referentienummer is geen geldig UUID"),
    Code("IB102", "client", "Geen routering bekend voor combinatie organisatie en berichttype"),
    Code("IB103", "server", "Aangeboden berichttype tijdelijk geblokkeerd"),
    Code("IB210", "client", "Ontvangende organisatie onbekend"),
    Code("IB213", "client", "Zendende organisatie onbekend"),
    Code("IB216", "client", "Combinatie zender en referentienummer niet uniek"),
    Code("IB240", "client", "Combinatie berichtcode en functie is niet toegestaan"),
    Code("StUF055", "client", "Berichtbody is niet conform schema in sectormodel"),
    # VECOZO's refusal of a payload identification used before, passed to the gemeente as a
    # Fo01 (the ISD list in ../shared/reference does not word it: this wording is ours)
    Code("BRS20", "client", "Berichtidentificatie is niet uniek"),
)}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass(frozen=True)
class StufFault:
    """A refusal: the code, what is wrong (`what`), where (`path`), and what to do (`todo`).

    `stuurgegevens` are the refused envelope's, where they could be read: the Fo01 answers them.
    """
    code: str
    what: str
    path: str = "/"
    todo: str = ""
    stuurgegevens: "Stuurgegevens | None" = field(default=None, compare=False)

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unknown StUF fault code {self.code!r}; known: {', '.join(CODES)}")

    @property
    def plek(self) -> str:
        return CODES[self.code].plek

    @property
    def omschrijving(self) -> str:
        return _cut(f"{CODES[self.code].description}. {self.what}", OMSCHRIJVING_MAX)

    @property
    def details(self) -> str:
        """The chain's value (functie-applicatieVersie+Subversie, e.g. WMO301-00040003) first,
        then where and what to do: a Fo01 reader that only wants the chain's value splits on
        the first space."""
        sg = self.stuurgegevens
        lead = sg.details_value if sg else ""
        text = self.what if self.path == "/" else f"{self.path}: {self.what}"
        if self.todo:
            text += f" {self.todo}"
        return _cut(f"{lead} {text}".strip(), DETAILS_MAX)

    def __str__(self) -> str:
        return f"{self.code} at {self.path}: {self.what} {self.todo}".strip()
