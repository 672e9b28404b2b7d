"""Read a schema-valid message back into the data the factories build (the inverse of
`harness.factories.render`): a dict per group, a list for a repeated element, values as str,
int, date or time by their type in the release tables. The parties remember what they
received in this form and build their answers from it."""
from __future__ import annotations

from datetime import date, time

from lxml import etree

from ..standard import identify
from ..standard.model import Element, MessageDef, Release
from ..validation.message import local


def _value(rel: Release, type_name: str, text: str):
    base = rel.simple[type_name].base if type_name in rel.simple else "string"
    text = text.strip()
    if base == "integer":
        return int(text)
    if base == "date":
        return date.fromisoformat(text)
    if base == "time":
        return time.fromisoformat(text)
    return text


def _read(rel: Release, el: Element, node) -> object:
    children = el.children if el.is_group else rel.composite.get(el.type)
    if not children:
        return _value(rel, el.type, node.text or "")
    by_name = {c.name: c for c in children}
    out: dict = {}
    for child in node:
        if not isinstance(child.tag, str):
            continue
        name = local(child)
        definition = by_name.get(name)
        if definition is None:  # RetourCodes of a retour message: kept as a list of codes
            out[name] = {"RetourCode": [c.text.strip() for c in child]}
            continue
        value = _read(rel, definition, child)
        if definition.max_occurs != 1:
            out.setdefault(name, []).append(value)
        else:
            out[name] = value
    return out


def read(root: etree._Element | bytes) -> tuple[Release, MessageDef, dict]:
    """(release, message, data) of a message of release 3.2."""
    if isinstance(root, bytes):
        root = etree.fromstring(root)
    found = identify(etree.QName(root).namespace)
    if not found:
        raise ValueError(f"not a known iWmo/iJw message: {root.tag}")
    rel, msg = found
    return rel, msg, _read(rel, msg.root, root)
