"""ketentest's own schemas of the GGk SOAP messages (xsd/), compiled once, and their errors
turned into element paths a tester can find."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from lxml import etree

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
STUF_NS = "http://www.egem.nl/StUF/StUF0301"
GGK_NS = "http://www.stufstandaarden.nl/koppelvlak/ggk0210"
NSMAP = {"soap": SOAP_NS, "StUF": STUF_NS, "GGK": GGK_NS}

XSD_DIR = files(__package__) / "xsd"
_NAMED = re.compile(r"Element '(?:\{([^}]*)\})?([^']+)'")
# a namespace in braces holds ':' or '/'; a pattern's quantifier ({8}, {8,17}) does not
_NS_IN_NAME = re.compile(r"\{[^}]*[:/][^}]*\}")


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    """SOAP 1.1 frame + GGk envelopes + StUF Fo01/Fo03/Bv03: one schema for every message the
    endpoint takes or sends; it also validates a bare GGk or StUF document (no SOAP frame)."""
    return etree.XMLSchema(etree.parse(str(XSD_DIR / "soap11.xsd")))


@dataclass(frozen=True)
class SchemaError:
    path: str  # /Envelope/Body/envelopHeenbericht-ggk_Di01/stuurgegevens/referentienummer
    name: str  # local name of the element the error is about
    text: str  # lxml's message without namespaces
    facet: bool  # a value broke a facet (pattern, length): the element itself is there


def path_of(el: etree._Element) -> str:
    parts = []
    while el is not None:
        parent = el.getparent()
        name = etree.QName(el).localname
        if parent is not None:
            same = [s for s in parent if isinstance(s.tag, str) and s.tag == el.tag]
            if len(same) > 1:
                name += f"[{same.index(el) + 1}]"
        parts.append(name)
        el = parent
    return "/" + "/".join(reversed(parts))


def _locate(root: etree._Element, ns: str | None, name: str, line: int) -> str | None:
    tag = f"{{{ns}}}{name}" if ns else name
    for el in root.iter(tag):
        if el.sourceline == line:
            return path_of(el)
    return None


def errors(root: etree._Element) -> list[SchemaError]:
    """Schema errors of a parsed message, in document order; [] when it is valid."""
    s = schema()
    if s.validate(root):
        return []
    out = []
    for e in s.error_log:
        m = _NAMED.match(e.message)
        ns, name = (m.group(1), m.group(2)) if m else (None, "")
        path = (_locate(root, ns, name, e.line) if m else None) or "/"
        text = _NS_IN_NAME.sub("", e.message).rstrip(".") + "."
        out.append(SchemaError(path, name, text, "[facet " in e.message))
    return out
