"""Schema level: validate a parsed message and turn lxml's error log into findings a tester reads.

lxml's messages name elements with their full namespace; we drop namespaces, give the element
path without prefixes, and say what the type expects (from the release tables).
"""
from __future__ import annotations

import re

from lxml import etree

from ..standard.model import Element, MessageDef, Release
from .findings import Finding, Level

MAX_FINDINGS = 50  # a 25,000-prestatie file with one systematic error needs one line, not 25,000

_NS_IN_NAME = re.compile(r"\{[^}]*[:/][^}]*\}")  # {namespace-uri}Name, not a pattern quantifier {9}
_PREFIX = re.compile(r"(?<=/)[A-Za-z_][\w.-]*:")
_INDEX = re.compile(r"\[\d+\]")


def clean_path(lxml_path: str | None) -> str:
    return _PREFIX.sub("", lxml_path or "") or "/"


def element_at(rel: Release, msg: MessageDef, path: str) -> Element | None:
    """The table element a /Bericht/... path points at (indices ignored), or None."""
    names = [n for n in _INDEX.sub("", path).split("/") if n]
    if not names or names[0] != msg.root.name:
        return None
    el = msg.root
    for name in names[1:]:
        children = el.children if el.is_group else rel.composite.get(el.type, ())
        el = next((c for c in children if c.name == name), None)
        if el is None:
            return None
    return el


def _expected(rel: Release | None, msg: MessageDef | None, path: str) -> str:
    if rel is None or msg is None:
        return ""
    el = element_at(rel, msg, path)
    if el is None or el.is_group or el.type not in rel.simple:
        return ""
    t = rel.simple[el.type]
    if el.pattern is not None:
        return f" Expected {el.name} to match {el.pattern} ({t.describe()})."
    return f" Expected {t.describe()}."


def check(root: etree._Element, schema: etree.XMLSchema, rel: Release | None,
          msg: MessageDef | None) -> list[Finding]:
    if schema.validate(root):
        return []
    findings = []
    errors = list(schema.error_log)
    for e in errors[:MAX_FINDINGS]:
        path = clean_path(e.path)
        text = _NS_IN_NAME.sub("", e.message).rstrip(".") + "."
        findings.append(Finding("XSD", Level.XSD, path,
                                f"{text}{_expected(rel, msg, path)} (line {e.line})", line=e.line))
    if len(errors) > MAX_FINDINGS:
        findings.append(Finding("XSD", Level.XSD, "/",
                                f"... and {len(errors) - MAX_FINDINGS} more schema errors "
                                "(fix the ones above first; they often share a cause)."))
    return findings
