"""The official rule XSLT as a judge of the in-message rules, in place of ketentest's own.

The Zorginstituut publishes the in-message rules (TR, CD and CS at level xslt) of each standard
as one XSLT 1.0 stylesheet, which the hubs and the Validatiemodule run. It takes the message as
its input document, needs no parameters, and returns a `Rapport` whose `Fouten/Fout` carry
`Code`, optional `Retourcode`, one or more `Locatie` (element paths of local names, an index
only where siblings share the name) and `Details`. ketentest does not ship it; a user may point
`validate --xslt FILE|DIR` at a copy, and the tests use the one in ../shared/reference as the
oracle for every in-message rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .findings import Finding, Level
from .schemas import SchemaError

RAPPORT_NS = "http://www.istandaarden.nl/validatie/1_1/rapport/schema"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
_R = {"r": RAPPORT_NS}


class XsltError(SchemaError):
    """An XSLT file or folder cannot be used (missing, unreadable, not a rule stylesheet, or
    failing on a message): like an unusable --schemas folder, a usage error."""


@dataclass(frozen=True)
class Fout:
    """One Fout of a Rapport."""

    code: str
    retourcode: str | None
    locaties: tuple[str, ...]
    details: str


def read_rapport(rapport) -> list[Fout]:
    """The Fouten of a Rapport (an element tree or the XSLT's result)."""
    root = rapport.getroot() if hasattr(rapport, "getroot") else rapport
    return [Fout(f.findtext("r:Code", "", _R).strip(),
                 (f.findtext("r:Retourcode", None, _R) or "").strip() or None,
                 tuple(x.text.strip() for x in f.findall("r:Locatie", _R) if x.text),
                 (f.findtext("r:Details", "", _R) or "").strip())
            for f in root.iterfind("r:Fouten/r:Fout", _R)]


class OfficialRules:
    """Every rule stylesheet in a file or below a folder, found by the message namespaces it
    declares (each standard's stylesheet declares the namespaces of its heen messages)."""

    def __init__(self, where: str | Path):
        self.where = Path(where)
        files = sorted(self.where.rglob("*.xsl*")) if self.where.is_dir() else [self.where]
        if not self.where.exists():
            raise XsltError(f"--xslt {where}: no such file or folder")
        self.description = f"official rules from {self.where}"
        self._files: dict[str, Path] = {}
        self._compiled: dict[Path, etree.XSLT] = {}
        parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
        for path in files:
            try:
                root = etree.parse(str(path), parser).getroot()
            except (OSError, etree.XMLSyntaxError) as e:
                raise XsltError(f"{path}: cannot read this stylesheet ({e})") from None
            if etree.QName(root).namespace != XSL_NS:
                continue
            for ns in root.nsmap.values():
                if ns and "/schema" in ns and "basisschema" not in ns and ns != RAPPORT_NS:
                    self._files.setdefault(ns, path)
        if not self._files:
            raise XsltError(f"--xslt {where}: no rule stylesheet (XSLT naming iWmo/iJw message "
                            "namespaces) found")

    def covers(self, namespace: str) -> bool:
        return namespace in self._files

    def transform_for(self, namespace: str) -> etree.XSLT | None:
        path = self._files.get(namespace)
        if path is None:
            return None
        if path not in self._compiled:
            try:
                parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
                self._compiled[path] = etree.XSLT(etree.parse(str(path), parser),
                                                  access_control=etree.XSLTAccessControl.DENY_ALL)
            except (etree.XSLTParseError, etree.XMLSyntaxError) as e:
                raise XsltError(f"{path}: the stylesheet does not compile: {e}") from None
        return self._compiled[path]

    def rapport(self, root) -> etree._ElementTree | None:
        """The stylesheet's Rapport on a (schema-valid) message, or None when no stylesheet
        covers its namespace."""
        transform = self.transform_for(etree.QName(root).namespace)
        if transform is None:
            return None
        try:
            return transform(root.getroottree())
        except etree.XSLTApplyError as e:
            raise XsltError(f"{self._files[etree.QName(root).namespace]}: the stylesheet failed "
                            f"on this message: {e}") from None

    def findings(self, root) -> list[Finding] | None:
        """The Rapport's Fouten as findings at level xslt (retourcode 0001 unless the Fout names
        one); the first Locatie is the path, the others are named in the text."""
        rapport = self.rapport(root)
        if rapport is None:
            return None
        out = []
        for f in read_rapport(rapport):
            path = f.locaties[0] if f.locaties else "/"
            text = f.details or "(no details)"
            if len(f.locaties) > 1:
                text += f" (also at {', '.join(f.locaties[1:])})"
            out.append(Finding(f.code, Level.XSLT, path, f"{text} [official XSLT]",
                               retourcode=f.retourcode or "0001", also=f.locaties[1:]))
        return out
