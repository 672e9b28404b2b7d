"""The records a chain keeps: what a receiver remembers of each accepted message.

Plain dataclasses with JSON-friendly fields (dates as ISO strings: they compare correctly as
text), so a state can be written to a database and read back (`ChainState.to_json`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..standard.codes import TIJDELIJK, UUR, VERWIJDERD


def minuten(volume: int, eenheid: str | None) -> int:
    """A volume in a comparable unit: hours count as 60 minutes (TR341 lets an uur
    toewijzing be declared in minutes); every other unit stays as it is."""
    return volume * 60 if eenheid == UUR else volume


def levering_product(m, el) -> str:
    """The product part of a StartProduct's or StopProduct's key (m: a message view, el the
    StartProduct or StopProduct): the ToewijzingNummer, or (without one, outside
    output/inspanning) categorie/code/ToewijzingIngangsdatum."""
    nummer = m.text(el, "ToewijzingNummer")
    if nummer:
        return nummer
    return "/".join(v or "" for v in (m.text(el, "Product/Categorie"),
                                      m.text(el, "Product/Code"),
                                      m.text(el, "ToewijzingIngangsdatum")))


@dataclass(slots=True)
class Toewijzing:
    """One ToegewezenProduct as last sent by the gemeente (earlier versions in `history`)."""

    nummer: str
    bsn: str
    categorie: str | None
    code: str | None
    ingangsdatum: str
    einddatum: str | None
    reden: str | None  # RedenWijziging
    referentie: str | None  # ReferentieAanbieder of the verzoek it honours
    volume: int | None  # Omvang
    eenheid: str | None
    frequentie: str | None
    budget: int | None
    toewijzingsdatum: str

    @property
    def verwijderd(self) -> bool:
        return self.reden == VERWIJDERD

    def actueel(self, day: str) -> bool:
        """Current on `day`: not deleted and not ended before it (a future one is current)."""
        return not self.verwijderd and (self.einddatum is None or self.einddatum >= day)

    @property
    def product(self) -> tuple[str | None, str | None]:
        return self.categorie, self.code


@dataclass(slots=True)
class Start:
    """A StartProduct: the delivery of a toegewezen product started on `begindatum`."""

    bsn: str
    product: str  # ToewijzingNummer, or categorie/code/ToewijzingIngangsdatum without one
    begindatum: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.bsn, self.product, self.begindatum


@dataclass(slots=True)
class Stop:
    """A StopProduct on the start with the same key; RedenBeeindiging 20 is temporary."""

    bsn: str
    product: str
    begindatum: str
    reden: str
    einddatum: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.bsn, self.product, self.begindatum

    @property
    def tijdelijk(self) -> bool:
        return self.reden == TIJDELIJK


@dataclass(slots=True)
class Verzoek:
    """A VOT product (315: one per AangevraagdProduct) or a VOW (317: one for the whole
    verzoek), by ReferentieAanbieder. Status: open, onderzoek, toegewezen, afgewezen."""

    referentie: str
    soort: str  # VOT | VOW
    bsn: str
    dagtekening: str
    status: str = "open"
    antwoorden: list[str] = field(default_factory=list)  # VerzoekAntwoord of each 319

    @property
    def onderhanden(self) -> bool:
        return self.status in ("open", "onderzoek")


@dataclass(slots=True)
class Prestatie:
    """A prestatie of a received 323; `goedgekeurd` until a 325 or the verdict rejects it."""

    referentie: str
    vorig: str | None
    bsn: str
    toewijzing: str
    categorie: str
    code: str
    begin: str
    end: str
    volume: int
    eenheid: str
    tarief: int | None
    bedrag: int  # signed: debet positive
    debet: bool
    goedgekeurd: bool = True
    gecrediteerd: bool = False  # a debet cancelled by a later credit line

    @property
    def sleutel(self) -> tuple:
        """The key of TR389: one debet per productperiode, client, toewijzing and product."""
        return self.bsn, self.toewijzing, self.categorie, self.code, self.begin, self.end


@dataclass(slots=True)
class Declaratie:
    """A received 323: its identification (for the 325's references) and prestaties."""

    nummer: str
    identificatie: str
    dagtekening: str
    xsd_versie: tuple[str, str]  # BasisschemaXsdVersie, BerichtXsdVersie
    begin: str  # DeclaratiePeriode
    end: str
    verwerkt: bool  # accepted (in full or in part), so its prestaties count
    prestaties: list[Prestatie] = field(default_factory=list)
