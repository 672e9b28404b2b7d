"""Safe XML intake: the first thing that touches bytes from outside.

Refuses, before or while parsing: payloads over the size cap, byte order marks and encodings
other than UTF-8, any DOCTYPE (so no entity declarations, no external references), and XML
that is not well-formed. The parser never goes to the network, never expands entities and
keeps libxml2's limits on depth and text size (huge_tree=False).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .findings import Finding, Level

MAX_BYTES = 25 * 1024 * 1024  # 25 MB: the exchanges' limit (IB007 at GGk, CC03 at VECOZO)

_BOMS = {
    b"\xef\xbb\xbf": "UTF-8 with a byte order mark",
    b"\xff\xfe": "UTF-16 (little endian)",
    b"\xfe\xff": "UTF-16 (big endian)",
}
_DECLARED = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# A DOCTYPE may only stand in the prolog: after the declaration, comments and PIs. Only the
# first 64 KB are scanned (cost must not grow with the file); the parsed tree is checked too.
_DOCTYPE = re.compile(rb"^\s*(?:<\?(?:[^?]|\?(?!>))*\?>\s*|<!--(?:[^-]|-(?!->))*-->\s*)*<!DOCTYPE")
_PROLOG_SCAN = 64 * 1024
_UTF8_NAMES = {b"utf-8", b"utf8"}
_DOCTYPE_TEXT = ("The message has a DOCTYPE. Messages may not carry a DTD or entity declarations "
                 "(they are refused as unsafe); remove the <!DOCTYPE ...>.")


@dataclass
class Intake:
    root: etree._Element | None
    findings: list[Finding] = field(default_factory=list)


def _refuse(rule: str, text: str, line: int | None = None) -> Intake:
    return Intake(None, [Finding(rule, Level.XML, "/", text, line=line)])


def _parser() -> etree.XMLParser:
    # Comments and processing instructions carry no meaning for any rule; dropping them lets
    # the rules read children by position. So does the layout between elements (whitespace-
    # only text beside other elements; an element holding only whitespace keeps it): half the
    # nodes of a pretty-printed message, which makes parsing and every walk over the tree
    # faster (measured: parsing a 23 MB 323 takes 40% less time).
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True,
                           remove_blank_text=True)


# how common non-XML files start: advice about escaping & would not help their senders
_MAGIC = {b"%PDF": "a PDF document", b"PK\x03\x04": "a ZIP archive (or an Office document)",
          b"\x1f\x8b": "a gzip archive", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
          b"GIF8": "a GIF image", b"\xd0\xcf\x11\xe0": "an old Office document",
          b"{": "JSON", b"[": "JSON"}


def _not_xml(data: bytes) -> str | None:
    """Why `data` (which did not parse) is no XML text at all, or None when it looks like XML
    that is broken somewhere (then the parser's own message fits)."""
    head = data[:4096].lstrip()
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            return (f"The file is not XML: it starts like {what}. Give the message's XML file "
                    "itself (an iWmo/iJw message starts with '<?xml' or '<').")
    if b"\x00" in head:
        return ("The file is not XML text: it holds NUL bytes, as binary data does (or it is "
                "UTF-16). Give the message's XML file itself, saved as UTF-8.")
    if not head.startswith(b"<"):
        return ("The file does not start with an XML element: an iWmo/iJw message starts with "
                "'<?xml' or '<'. Is this the message's XML file?")
    return None


def too_large(size: int, max_bytes: int = MAX_BYTES) -> Finding:
    return Finding("XML-SIZE", Level.XML, "/",
                   f"The message is {size:,} bytes, more than the {max_bytes:,} bytes (25 MB) an "
                   "exchange accepts (IB007 / CC03). Split the content over several messages.")


def parse(data: bytes, max_bytes: int = MAX_BYTES) -> Intake:
    """Parse untrusted bytes into an element tree, or say why not."""
    if len(data) > max_bytes:
        return Intake(None, [too_large(len(data), max_bytes)])
    if not data.strip():
        return _refuse("XML-SYNTAX", "The file is empty; expected an iWmo/iJw XML message.")
    for bom, what in _BOMS.items():
        if data.startswith(bom):
            return _refuse("XML-ENCODING" if bom != b"\xef\xbb\xbf" else "XML-BOM",
                           f"The message starts with a byte order mark ({what}). Messages must be "
                           "UTF-8 without a BOM: save the file as UTF-8 without BOM.")
    declared = _DECLARED.match(data[:200])
    if declared and declared.group(1).lower() not in _UTF8_NAMES:
        name = declared.group(1).decode("ascii")
        return _refuse("XML-ENCODING",
                       f"The XML declaration names encoding {name!r}; messages must be UTF-8. "
                       "Re-encode the file as UTF-8 and declare encoding=\"UTF-8\".")
    if _DOCTYPE.match(data[:_PROLOG_SCAN]):
        return _refuse("XML-DOCTYPE", _DOCTYPE_TEXT)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as e:
        not_xml = _not_xml(data)
        if not_xml:
            return _refuse("XML-SYNTAX", not_xml, 1)
        line, col = (e.position or (None, None))
        rule = "XML-ENCODING" if "UTF-8" in str(e) or "encoding" in str(e).lower() else "XML-SYNTAX"
        where = f" at line {line}, column {col}" if line else ""
        return _refuse(rule, f"The message is not well-formed XML{where}: {e.msg}. Check that the "
                             "file is complete and that &, < and > in text are escaped.", line)
    if root.getroottree().docinfo.doctype:  # defence in depth; the prolog check caught it
        return _refuse("XML-DOCTYPE", _DOCTYPE_TEXT)
    return Intake(root)
