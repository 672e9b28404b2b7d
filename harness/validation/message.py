"""A read-only view of a schema-valid message for the rules: access by local names, dates,
element paths. Rules never see namespaces: the XSD level already pinned them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from lxml import etree

from ..standard.model import MessageDef, Release


def local(el) -> str:
    return el.tag.rsplit("}", 1)[-1]


@dataclass(frozen=True, slots=True)
class PrestatieRecord:
    """One prestatie of a 323/325, read once: declaraties hold up to 25,000 of them and a dozen
    rules look at each. Dates stay ISO strings (they compare correctly as text). Records
    compare and hash by their values, not by their elements."""

    client: etree._Element = field(compare=False)
    element: etree._Element = field(compare=False)
    bsn: str
    referentie: str
    vorig: str | None
    toewijzing: str
    categorie: str
    code: str
    begin: str
    end: str
    volume: int
    eenheid: str
    tarief: int | None
    bedrag: int  # signed: debet positive, credit negative
    debet: bool  # DebetCredit D (a credit of 0 is still a credit line)


class Message:
    def __init__(self, root: etree._Element, rel: Release, definition: MessageDef):
        self.root, self.release, self.definition = root, rel, definition
        self._kids: dict = {}

    @property
    def id(self) -> str:
        return self.definition.id

    def kids(self, el) -> dict[str, etree._Element]:
        """Children by local name (the first of each name), cached: rules ask often."""
        found = self._kids.get(el)
        if found is None:
            found = {}
            for c in el:
                if isinstance(c.tag, str):
                    found.setdefault(local(c), c)
            self._kids[el] = found
        return found

    def get(self, el, path: str):
        """The element at a /-separated path of local names below el, or None."""
        for name in path.split("/"):
            if el is None:
                return None
            el = self.kids(el).get(name)
        return el

    def text(self, el, path: str) -> str | None:
        found = self.get(el, path)
        return found.text.strip() if found is not None and found.text else None

    def date(self, el, path: str) -> date | None:
        value = self.text(el, path)
        return date.fromisoformat(value) if value else None

    def all(self, path: str, start=None) -> list[etree._Element]:
        """Every element at a path of local names (the last step may repeat)."""
        *parents, last = path.split("/")
        parent = self.get(start if start is not None else self.root, "/".join(parents)) \
            if parents else (start if start is not None else self.root)
        if parent is None:
            return []
        return [c for c in parent if isinstance(c.tag, str) and local(c) == last]

    @cached_property
    def prestaties(self) -> list[PrestatieRecord]:
        """The prestaties of a 323 or 325 as records, in document order.

        Reads children by position, not by path: this runs for every prestatie of files up to
        25 MB, and the message is schema-valid, so order and presence are known."""
        if self.body is None or self.id not in ("323", "325"):
            return []
        tarief_tag = f"{{{self.definition.namespace}}}ProductTarief"
        clienten = self.kids(self.body).get("Clienten")
        out = []
        for client in (clienten if clienten is not None else ()):
            bsn, prestaties = client[0].text, client[1]
            for p in prestaties:
                ref, toewijzing, categorie, code, periode, volume, eenheid, x = p[:8]
                tarief, ingediend = (x, p[8]) if x.tag == tarief_tag else (None, x)
                debet = ingediend[1].text.strip() == "D"
                bedrag = int(ingediend[0].text)
                out.append(PrestatieRecord(
                    client, p, bsn, ref[0].text, ref[1].text if len(ref) > 1 else None,
                    toewijzing.text.strip(), categorie.text, code.text,
                    periode[0].text.strip(), periode[1].text.strip(), int(volume.text),
                    eenheid.text, int(tarief.text) if tarief is not None else None,
                    bedrag if debet else -bedrag, debet))
        return out

    def amount(self, el) -> int:
        """The signed value of a bedrag with DebetCredit (CDT_BedragMetDC or
        CDT_TotaalBedragMetDC): debet positive, credit negative."""
        value = int(el[0].text)
        return -value if el[1].text.strip() == "C" else value

    @property
    def header(self):
        return self.kids(self.root)["Header"]

    @property
    def body(self):
        return self.kids(self.root).get(self.definition.body.name)

    @property
    def dagtekening(self) -> date:
        return self.date(self.header, "BerichtIdentificatie/Dagtekening")

    @staticmethod
    def path(el) -> str:
        """/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Einddatum: an index only
        where an element has siblings of the same name (as in the schema findings)."""
        steps = []
        while el is not None:
            name = local(el)
            parent = el.getparent()
            if parent is not None:
                same = [c for c in parent if c.tag == el.tag]
                if len(same) > 1:
                    name += f"[{same.index(el) + 1}]"
            steps.append(name)
            el = parent
        return "/" + "/".join(reversed(steps))
