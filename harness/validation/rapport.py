"""A verdict written as the Validatiemodule's `Rapport`, so a tool that reads the official
report reads ketentest's.

The shape is the one the official rule XSLTs return (namespace
http://www.istandaarden.nl/validatie/1_1/rapport/schema): a `Header` with the message's
BerichtCode, BerichtVersie, BerichtSubversie and BerichtIdentificatie (Identificatie,
Dagtekening) and `XSLTVersie`, then `Fouten` with one `Fout` per finding: `Code` (the rule),
`Retourcode` (when the rule has one), one `Locatie` per element path and `Details` (the text).
Every level is reported: a message refused at level xml or xsd gets its XML or XSD finding as
a Fout (without Retourcode, as the exchange sends no retour message), and a Header with what
could be read of it.
"""
from __future__ import annotations

from lxml import etree

from .. import __version__
from .findings import Verdict
from .xslt import RAPPORT_NS

_HEADER = ("BerichtCode", "BerichtVersie", "BerichtSubversie")


def _q(name: str) -> str:
    return f"{{{RAPPORT_NS}}}{name}"


def _child(el, name: str):
    if el is None:
        return None
    return next((c for c in el if isinstance(c.tag, str)
                 and etree.QName(c).localname == name), None)


def rapport(verdict: Verdict, generator: str | None = None) -> etree._Element:
    """The Rapport of a verdict. `generator` names who judged the in-message rules (default
    ketentest's own rules); it goes into XSLTVersie and a comment."""
    root = etree.Element(_q("Rapport"), nsmap={"n8": RAPPORT_NS})
    judged_by = generator or f"ketentest {__version__}"
    root.append(etree.Comment(f" judged by ketentest {__version__}; in-message rules: "
                              f"{judged_by}; file {verdict.file}; level {verdict.level.value} "))
    header = etree.SubElement(root, _q("Header"))
    message_header = _child(verdict.root, "Header")
    for name in _HEADER:
        el = _child(message_header, name)
        if el is not None and el.text:
            etree.SubElement(header, _q(name)).text = el.text.strip()
    ident = _child(message_header, "BerichtIdentificatie")
    if ident is not None:
        out = etree.SubElement(header, _q("BerichtIdentificatie"))
        for name in ("Identificatie", "Dagtekening"):
            el = _child(ident, name)
            if el is not None and el.text:
                etree.SubElement(out, _q(name)).text = el.text.strip()
    etree.SubElement(header, _q("XSLTVersie")).text = judged_by
    fouten = etree.SubElement(root, _q("Fouten"))
    for f in verdict.findings:
        fout = etree.SubElement(fouten, _q("Fout"))
        etree.SubElement(fout, _q("Code")).text = f.rule
        if f.retourcode:
            etree.SubElement(fout, _q("Retourcode")).text = f.retourcode
        for path in (f.path, *f.also):
            etree.SubElement(fout, _q("Locatie")).text = path
        etree.SubElement(fout, _q("Details")).text = f.text
    return root


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
