"""The code values of the standard that the code speaks of by name, in one place, so that a
rule, a simulated party, a step and the exchange mean the same thing by "in onderzoek" or
"no remark". The full code lists are the release's types (`types.yaml`); these are the few
values the chain's logic turns on.
"""
from __future__ import annotations

from enum import StrEnum

# RetourCode (LDT_RetourCode)
GEEN_OPMERKING = "0200"  # this class is fine ("no remark")
NIET_BEOORDEELD = "0233"  # not assessed: a class above it was rejected
TECHNISCHE_FOUT = "0001"  # an in-message rule is broken (header only)
GOEDGEKEURD = "8001"  # 325: the declaratie is approved in full
FILLERS = frozenset({GEEN_OPMERKING, NIET_BEOORDEELD})  # codes that carry no finding

# VerzoekAntwoord (319)
AFGEWEZEN, IN_ONDERZOEK = "1", "2"

# StatusAanlevering (305, 307): 2 "gewijzigd" is not used in 3.x
NIEUW, VERWIJDEREN = "1", "3"

# RedenBeeindiging (307): a temporary stop; any other reason is definitive
TIJDELIJK = "20"
# the definitive reasons a case description names, per standard (the two code lists differ)
REDEN_BEEINDIGING = {
    "volgens plan": {"iwmo": "19", "ijw": "31"},
    "eenzijdig door aanbieder": {"iwmo": "22", "ijw": "33"},
    "in overeenstemming voortijdig": {"iwmo": "23", "ijw": "34"},
}

# RedenWijziging (301): the toewijzing is deleted (Einddatum = Ingangsdatum)
VERWIJDERD = "13"

# Eenheid (WJ756) the chain's arithmetic turns on
MINUUT, UUR, EURO = "01", "04", "83"


class Role(StrEnum):
    """A party of the chain. A StrEnum, so it is also the plain text 'gemeente'/'aanbieder'
    that journals, JSON and the Gherkin steps use."""

    GEMEENTE = "gemeente"
    AANBIEDER = "aanbieder"

    @property
    def other(self) -> "Role":
        return Role.AANBIEDER if self is Role.GEMEENTE else Role.GEMEENTE


ROLES = (Role.GEMEENTE, Role.AANBIEDER)
