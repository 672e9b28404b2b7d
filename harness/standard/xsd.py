"""Derive XSD documents from a release's tables.

Per release one basis schema (the LDT_/CDT_ types in the basisschema namespace) and per message
one schema importing it, with the message's own groups as anonymous types. Validation
behaviour follows the facts of the tables: same built-in bases, same facets, same order and
cardinality as the published schemas.
"""
from __future__ import annotations

from functools import lru_cache

from lxml import etree

from .model import Element, MessageDef, Release, SimpleType

XS_NS = "http://www.w3.org/2001/XMLSchema"
XS = f"{{{XS_NS}}}"
BASIS_FILE = "basisschema.xsd"


def _sub(parent, tag: str, **attrs) -> etree._Element:
    return etree.SubElement(parent, XS + tag, {k: str(v) for k, v in attrs.items()})


def _facets(restriction, t: SimpleType) -> None:
    if t.min_length is not None:
        _sub(restriction, "minLength", value=t.min_length)
    if t.max_length is not None:
        _sub(restriction, "maxLength", value=t.max_length)
    if t.min_value is not None:
        _sub(restriction, "minInclusive", value=t.min_value)
    if t.max_value is not None:
        _sub(restriction, "maxInclusive", value=t.max_value)
    if t.pattern is not None:
        _sub(restriction, "pattern", value=t.pattern)
    for code in t.codes:
        _sub(restriction, "enumeration", value=code)


def _schema(target: str, nsmap: dict) -> etree._Element:
    return etree.Element(XS + "schema", nsmap={"xs": XS_NS, **nsmap},
                         targetNamespace=target, elementFormDefault="qualified")


def _occurs(el: Element) -> dict:
    attrs = {}
    if el.min_occurs != 1:
        attrs["minOccurs"] = el.min_occurs
    if el.max_occurs != 1:
        attrs["maxOccurs"] = "unbounded" if el.max_occurs is None else el.max_occurs
    return attrs


def _element(parent, el: Element, rel: Release) -> None:
    """An element declaration; types of the basis are referenced with the b: prefix."""
    attrs = {"name": el.name, **_occurs(el)}
    if el.is_group:
        x = _sub(parent, "element", **attrs)
        seq = _sub(_sub(x, "complexType"), "sequence")
        for c in el.children:
            _element(seq, c, rel)
    elif el.pattern is not None:  # a narrowed simple type, e.g. BerichtCode = 414
        x = _sub(parent, "element", **attrs)
        r = _sub(_sub(x, "simpleType"), "restriction", base=f"b:{el.type}")
        _sub(r, "pattern", value=el.pattern)
    else:
        _sub(parent, "element", type=f"b:{el.type}", **attrs)


def basis_xsd(rel: Release) -> bytes:
    root = _schema(rel.basis_namespace, {"b": rel.basis_namespace})
    for name, els in sorted(rel.composite.items()):
        seq = _sub(_sub(root, "complexType", name=name), "sequence")
        for e in els:
            _element(seq, e, rel)
    for name, t in sorted(rel.simple.items()):
        r = _sub(_sub(root, "simpleType", name=name), "restriction", base=f"xs:{t.base}")
        _facets(r, t)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def message_xsd(rel: Release, msg: MessageDef) -> bytes:
    root = _schema(msg.namespace, {"b": rel.basis_namespace, "m": msg.namespace})
    _sub(root, "import", namespace=rel.basis_namespace, schemaLocation=BASIS_FILE)
    _element(root, msg.root, rel)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def xsd_files(rel: Release) -> dict[str, bytes]:
    """All schema files of a release by file name, as a user would unpack them in one folder."""
    files = {BASIS_FILE: basis_xsd(rel)}
    for m in rel.messages.values():
        files[f"{m.name}.xsd"] = message_xsd(rel, m)
    return files


class _BasisResolver(etree.Resolver):
    def __init__(self, basis: bytes):
        super().__init__()
        self.basis = basis

    def resolve(self, url, pubid, context):
        if url and url.rsplit("/", 1)[-1] == BASIS_FILE:
            return self.resolve_string(self.basis, context)
        return None


@lru_cache(maxsize=None)
def compiled(rel: Release, message_id: str) -> etree.XMLSchema:
    """The lxml schema of one message, built once per process."""
    msg = rel.messages[message_id]
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_BasisResolver(basis_xsd(rel)))
    doc = etree.fromstring(message_xsd(rel, msg), parser,
                           base_url=f"ketentest:{rel.name}/{msg.name}.xsd")
    return etree.XMLSchema(doc.getroottree())
