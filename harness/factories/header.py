"""Headers: of a heen message, of a retour message (the heen's header plus the retour fields)
and of the 325 (which names the declaratie it answers)."""
from __future__ import annotations

import factory

from ..standard.codes import GEEN_OPMERKING
from . import values
from .base import DataFactory



def xsd_versie(rel) -> dict:
    """CDT_XsdVersie of the release's published schemas (1.0.0 / 1.0.0 for 3.2)."""
    return {"BasisschemaXsdVersie": rel.xsd_version, "BerichtXsdVersie": rel.xsd_version}


def _party(o, role: str) -> str:
    """Afzender or Ontvanger: the table types it as a gemeentecode or an AGB code."""
    return o.gemeente if o.definition.header.child(role).type == "LDT_Gemeente" else o.aanbieder


class HeaderFactory(DataFactory):
    """The header of `definition` (a MessageDef) between `gemeente` and `aanbieder`, with a new
    Identificatie and the dagtekening as Dagtekening."""

    class Params:
        definition = None
        gemeente = factory.LazyFunction(values.gemeentecode)
        aanbieder = factory.LazyFunction(values.agb)

    BerichtCode = factory.LazyAttribute(lambda o: o.definition.berichtcode)
    BerichtVersie = factory.LazyAttribute(lambda o: int(o.release.version.split(".")[0]))
    BerichtSubversie = factory.LazyAttribute(lambda o: int(o.release.version.split(".")[1]))
    Afzender = factory.LazyAttribute(lambda o: _party(o, "Afzender"))
    Ontvanger = factory.LazyAttribute(lambda o: _party(o, "Ontvanger"))
    BerichtIdentificatie = factory.LazyAttribute(
        lambda o: {"Identificatie": values.identificatie(), "Dagtekening": o.dagtekening})
    XsdVersie = factory.LazyAttribute(lambda o: xsd_versie(o.release))


class RetourHeaderFactory(factory.DictFactory):
    """The header of a retour message: the `heen` header unchanged (parties included) under the
    retour's BerichtCode, plus IdentificatieRetour, DagtekeningRetour (`today`) and
    XsdVersieRetour. No RetourCodes on the header unless a test sets them."""

    class Params:
        heen = None  # the heen message's Header
        definition = None
        release = None
        today = values.TODAY

    BerichtCode = factory.LazyAttribute(lambda o: o.definition.berichtcode)
    BerichtVersie = factory.LazyAttribute(lambda o: o.heen["BerichtVersie"])
    BerichtSubversie = factory.LazyAttribute(lambda o: o.heen["BerichtSubversie"])
    Afzender = factory.LazyAttribute(lambda o: o.heen["Afzender"])
    Ontvanger = factory.LazyAttribute(lambda o: o.heen["Ontvanger"])
    BerichtIdentificatie = factory.LazyAttribute(lambda o: dict(o.heen["BerichtIdentificatie"]))
    XsdVersie = factory.LazyAttribute(lambda o: dict(o.heen["XsdVersie"]))
    IdentificatieRetour = factory.LazyFunction(values.identificatie)
    DagtekeningRetour = factory.SelfAttribute("today")
    XsdVersieRetour = factory.LazyAttribute(lambda o: xsd_versie(o.release))


class DeclaratieAntwoordHeaderFactory(HeaderFactory):
    """The header of a 325: from the gemeente back to the aanbieder of the `declaratie` (a
    323's Header), naming it and its XsdVersie, with 0200 (no remark) on the header."""

    class Params:
        declaratie = None
        gemeente = factory.LazyAttribute(lambda o: o.declaratie["Ontvanger"])
        aanbieder = factory.LazyAttribute(lambda o: o.declaratie["Afzender"])

    DeclaratieIdentificatie = factory.LazyAttribute(
        lambda o: dict(o.declaratie["BerichtIdentificatie"]))
    XsdVersieDeclaratie = factory.LazyAttribute(lambda o: dict(o.declaratie["XsdVersie"]))
    RetourCodes = factory.LazyFunction(lambda: {"RetourCode": [GEEN_OPMERKING]})
