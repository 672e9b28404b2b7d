"""A read-only view of a schema-valid message for the rules: access by local names, dates,
element paths. Rules never see namespaces: the XSD level already pinned them."""
from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from typing import NamedTuple

from lxml import etree

from ..standard import identify
from ..standard.model import MessageDef, Release


def local(el) -> str:
    return el.tag.rsplit("}", 1)[-1]


def digits(value: str | None, first: int | None = None) -> float:
    """A date as the official XSLT compares it: its digits as one number (2026-11-02 ->
    20261102), NaN when absent. Order-preserving for every date Python's `date` can hold, and
    never failing on the ones it cannot (-2026-01-01 -> 20260101, 10000-01-01 -> 100000101);
    `first` takes only the first characters, as the XSLT does with substring(.., 1, 10)."""
    if value is None:
        return float("nan")
    value = value.strip()[:first] if first else value.strip()
    try:
        return float(value.replace("-", ""))
    except ValueError:
        return float("nan")


def parse_date(value: str) -> date:
    """An ISO date as a `date`; one the XSD allows but Python's `date` cannot hold (a negative
    or five-digit year: -2026-01-01, 10000-01-01) is the earliest or the latest date, so the
    rules that reckon with calendar dates (the chain's) keep its order and never fail."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        if value.startswith("-"):
            return date.min
        if len(value.split("-", 1)[0]) > 4:
            return date.max
        raise


def as_text(value: str | None, first: int | None = None) -> str | None:
    """A date kept as its text: YYYY-MM-DD orders as its digits do."""
    return value


class PrestatieRecord(NamedTuple):
    """One prestatie of a 323/325, read once: declaraties hold up to 25,000 of them and a dozen
    rules look at each. Dates stay ISO strings (they compare correctly as text).

    A tuple, so the fields cost little to build and read; `content` is what two lines compare
    by (TR101), without the elements."""

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
    element: etree._Element
    client: etree._Element

    @property
    def content(self) -> tuple:
        return self[:CONTENT]


class PrestatieColumns(NamedTuple):
    """The same fields as PrestatieRecord, one list per field, in document order. A rule that
    judges every prestatie checks the columns first with passes that run in C (set, zip, min,
    map) and looks at single records only where they show a break."""

    bsn: list
    referentie: list
    vorig: list
    toewijzing: list
    categorie: list
    code: list
    begin: list
    end: list
    volume: list
    eenheid: list
    tarief: list
    bedrag: list
    debet: list
    element: list
    client: list

    def contents(self):
        """Each prestatie's content (its record's `content`), as tuples."""
        return zip(*self[:CONTENT])


CONTENT = PrestatieRecord._fields.index("element")
# The leaves every prestatie has, in document order: read as one flat list and cut into columns.
_REQUIRED = (("b", "ReferentieNummer"), ("m", "ToewijzingNummer"), ("m", "ProductCategorie"),
             ("m", "ProductCode"), ("b", "Begindatum"), ("b", "Einddatum"),
             ("m", "GeleverdVolume"), ("m", "Eenheid"), ("b", "Bedrag"), ("b", "DebetCredit"))


def _optional(clienten, tag: str, prestaties: list, parents) -> list:
    """The text of an optional leaf of each prestatie, None where it is absent. The leaf is
    the only optional child of its parent (`parents()`, one per prestatie), so where some
    prestaties have it and others not, those that have it are the ones whose parent has the
    most children: no lookups from leaf to prestatie."""
    texts = [e.text for e in clienten.iter(tag)]
    if len(texts) in (0, len(prestaties)):  # in none or in all: the common cases
        return texts or [None] * len(prestaties)
    lengths = list(map(len, parents()))
    longest, found = max(lengths), iter(texts)
    return [next(found) if n == longest else None for n in lengths]


class Message:
    """The one reader of a schema-valid message: the rules, the chain state, the links between
    messages (harness.answers), the exchange and the steps read it through this view."""

    def __init__(self, root: etree._Element, rel: Release, definition: MessageDef):
        self.root, self.release, self.definition = root, rel, definition
        self._kids: dict = {}
        self._steps: dict = {}  # parent -> {child: its path step}, for `where`
        self._paths: dict = {}  # element -> its path, for `where`

    @classmethod
    def of(cls, root: etree._Element) -> "Message | None":
        """The view of a message whose root namespace names a known message, else None."""
        found = identify(etree.QName(root).namespace)
        return cls(root, *found) if found else None

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
        return parse_date(value) if value else None

    def all(self, path: str, start=None) -> list[etree._Element]:
        """Every element at a path of local names (the last step may repeat)."""
        *parents, last = path.split("/")
        parent = self.get(start if start is not None else self.root, "/".join(parents)) \
            if parents else (start if start is not None else self.root)
        if parent is None:
            return []
        return [c for c in parent if isinstance(c.tag, str) and local(c) == last]

    @cached_property
    def prestatie_columns(self) -> PrestatieColumns:
        """The prestaties of a 323 or 325, column by column (empty columns for other messages).

        This runs for files up to 25 MB, and in lxml every element object costs, so only the
        leaves and the prestaties get one. The ten leaves every prestatie has come as one flat
        list, cut into columns; the two optional ones (VorigReferentieNummer, ProductTarief)
        are placed by their prestatie. The message is schema-valid, so every leaf is there and
        holds text."""
        clienten = None
        if self.body is not None and self.id in ("323", "325"):
            clienten = self.kids(self.body).get("Clienten")
        if clienten is None:
            return PrestatieColumns(*([] for _ in PrestatieColumns._fields))
        ns = {"m": self.definition.namespace, "b": self.release.basis_namespace}

        def tag(prefix, name):
            return f"{{{ns[prefix]}}}{name}"

        prestaties = list(clienten.iter(tag("m", "Prestatie")))
        flat = [e.text for e in clienten.iter(*(tag(p, name) for p, name in _REQUIRED))]
        if len(flat) != len(_REQUIRED) * len(prestaties):
            raise ValueError("a prestatie lacks a required element: the message is not schema-valid")
        ref, toewijzing, categorie, code, begin, end, volume, eenheid, bedrag, dc = (
            flat[k::len(_REQUIRED)] for k in range(len(_REQUIRED)))
        # the only optional child of its parent: ProductReferentie's second, a Prestatie's 8th
        vorig = _optional(clienten, tag("b", "VorigReferentieNummer"), prestaties,
                          lambda: [p[0] for p in prestaties])
        tarief = [t if t is None else int(t) for t in _optional(
            clienten, tag("m", "ProductTarief"), prestaties, lambda: prestaties)]
        bsns, clients = [], []
        for client in clienten:  # Bsn, then Prestaties
            count = len(client[1])
            bsns += [client[0].text] * count
            clients += [client] * count
        debet = [d.strip() == "D" for d in dc]
        signed = [int(b) if d else -int(b) for b, d in zip(bedrag, debet)]
        return PrestatieColumns(
            bsns, ref, vorig, list(map(str.strip, toewijzing)), categorie, code,
            list(map(str.strip, begin)), list(map(str.strip, end)), list(map(int, volume)),
            eenheid, tarief, signed, debet, prestaties, clients)

    def period_dates(self, *others: str | None):
        """The ProductPeriode Begindatum and Einddatum columns and a key for the other dates a
        rule compares them with, all in one order: as text when every date involved is
        YYYY-MM-DD (the common case: text then orders as the XSLT's digits do, at no cost),
        else as digits (see `digits`)."""
        c = self.prestatie_columns
        if self._plain_periods and all(o is not None and len(o) == 10 for o in others):
            return c.begin, c.end, as_text
        return list(map(digits, c.begin)), list(map(digits, c.end)), digits

    @cached_property
    def _plain_periods(self) -> bool:
        c = self.prestatie_columns
        return set(map(len, c.begin)) | set(map(len, c.end)) <= {10}

    @cached_property
    def prestaties(self) -> list[PrestatieRecord]:
        """The prestaties of a 323 or 325 as records, in document order."""
        return list(map(PrestatieRecord._make, zip(*self.prestatie_columns)))

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

    def digits(self, el, path: str, first: int | None = None) -> float:
        """The date at path as the XSLT compares it (see `digits`)."""
        return digits(self.text(el, path), first)

    @property
    def dagtekening_text(self) -> str:
        return self.text(self.header, "BerichtIdentificatie/Dagtekening")

    @property
    def dagtekening(self) -> date:
        return self.date(self.header, "BerichtIdentificatie/Dagtekening")

    def header_fields(self) -> dict[str, str]:
        """Afzender, Ontvanger, Identificatie and Dagtekening (of BerichtIdentificatie), as
        text; a field the header lacks is left out."""
        h = self.header
        found = {"Afzender": self.text(h, "Afzender"), "Ontvanger": self.text(h, "Ontvanger"),
                 "Identificatie": self.text(h, "BerichtIdentificatie/Identificatie"),
                 "Dagtekening": self.text(h, "BerichtIdentificatie/Dagtekening")}
        return {k: v for k, v in found.items() if v is not None}

    def where(self, el) -> str:
        """`path(el)`, in linear time however many findings a message has: each parent with
        many children has them named once per message; the steps below the nearest such
        ancestor (or the root) lxml names in one call (`getelementpath` indexes a step as
        `path` does); each element's path is kept."""
        known = self._paths.get(el)
        if known is not None:
            return known
        top, parent = el, el.getparent()
        while parent is not None and len(parent) <= MANY_CHILDREN and top not in self._paths:
            top, parent = parent, parent.getparent()
        if top is not el:
            path = self.where(top) + "/" + _NAMESPACE.sub(
                "", etree.ElementTree(top).getelementpath(el))
        elif parent is None:
            path = "/" + local(el)
        else:
            named = self._steps.get(parent)
            if named is None:  # e.g. Clienten: its children named once
                named = self._steps[parent] = _steps(parent)
            path = self.where(parent) + "/" + named[el]
        self._paths[el] = path
        return path

    @staticmethod
    def path(el) -> str:
        """/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Einddatum: an index only
        where an element has siblings of the same name (as in the schema findings)."""
        steps = []
        while el is not None:
            parent = el.getparent()
            steps.append(local(el) if parent is None else _step(parent, el))
            el = parent
        return "/" + "/".join(reversed(steps))


MANY_CHILDREN = 16
_NAMESPACE = re.compile(r"\{[^}]*\}")  # of an ElementPath step: {uri}Name[2]


def _step(parent, el) -> str:
    """The path step of `el` below `parent`: its local name, indexed where siblings share it
    (the siblings of its name found by lxml, without an object for each of the others)."""
    before = sum(1 for _ in el.itersiblings(el.tag, preceding=True))
    if before or next(el.itersiblings(el.tag), None) is not None:
        return f"{local(el)}[{before + 1}]"
    return local(el)


def _steps(parent) -> dict:
    """Each child of `parent` with its path step: its local name, indexed where siblings share
    its name."""
    counts: dict = {}
    for c in parent:
        counts[c.tag] = counts.get(c.tag, 0) + 1
    seen: dict = {}
    out = {}
    for c in parent:
        name = local(c) if isinstance(c.tag, str) else str(c.tag)
        if counts[c.tag] > 1:
            seen[c.tag] = seen.get(c.tag, 0) + 1
            name += f"[{seen[c.tag]}]"
        out[c] = name
    return out
