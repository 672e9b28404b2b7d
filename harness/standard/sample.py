"""Build a schema-valid sample of any message straight from the release tables.

Used for `ketentest example`, as the base of the tests' mutation corpus and for benchmarks.
The values are valid, not meaningful: dates and numbers do not tell a consistent story (the
factories of the rule levels do that).
"""
from __future__ import annotations

import re

from lxml import etree

from .model import Element, MessageDef, Release, SimpleType

_LITERAL = re.compile(r"^\w+$")
_BASE_VALUE = {"date": "2026-01-01", "time": "12:00:00"}


def value_for(t: SimpleType, pattern: str | None = None) -> str:
    if pattern is not None and _LITERAL.match(pattern):
        return pattern  # a narrowed type pinned to one value: BerichtCode 414, BerichtVersie 3
    if t.codes:
        return t.codes[0]
    if t.example is not None:
        return t.example
    if t.base in _BASE_VALUE:
        return _BASE_VALUE[t.base]
    if t.base == "integer":
        lo = t.min_value if t.min_value is not None else 0
        return str(min(lo + 1, t.max_value) if t.max_value is not None else lo + 1)
    return "Voorbeeld"[: t.max_length or None]


def build(rel: Release, msg: MessageDef, full: bool = True, repeat: int = 1) -> etree._Element:
    """A sample Bericht; full=True includes every optional element; `repeat` copies of lists."""
    nsmap = {msg.name.lower(): msg.namespace, rel.standard: rel.basis_namespace}
    root = etree.Element(f"{{{msg.namespace}}}{msg.root.name}", nsmap=nsmap)
    for child in msg.root.children:
        _add(root, child, msg.namespace, rel, full, repeat)
    return root


def _add(parent, el: Element, ns: str, rel: Release, full: bool, repeat: int) -> None:
    if el.min_occurs == 0 and not full:
        return
    count = repeat if el.max_occurs is None else 1
    for _ in range(count):
        node = etree.SubElement(parent, f"{{{ns}}}{el.name}")
        if el.is_group:
            for c in el.children:
                _add(node, c, ns, rel, full, repeat)
        elif el.type in rel.composite:
            for c in rel.composite[el.type]:  # children of basis types live in the basis namespace
                _add(node, c, rel.basis_namespace, rel, full, repeat)
        else:
            node.text = value_for(rel.simple[el.type], el.pattern)


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
