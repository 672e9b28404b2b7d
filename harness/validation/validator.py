"""The judging pipeline: bytes -> safe parse -> identify -> XSD -> in-message rules ->
external-data rules.

Each stage returns findings; a stage that finds something stops the ones after it, as a
receiver does (a schema-invalid message is refused by the exchange and never reaches the rules).
"""
from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

from ..standard import identify
from . import intake, xsdcheck
from .findings import Finding, Level, Verdict
from .message import Message
from .rules import Context, not_assessed, run_rules
from .schemas import BuiltinSchemas

KNOWN_PATTERN = "http://www.istandaarden.nl/{iwmo|ijw}/3_2/{wmoNNN|jwNNN}/schema"


def judge(data: bytes, file: str = "<message>", schemas=None, context: Context | None = None,
          max_bytes: int = intake.MAX_BYTES) -> Verdict:
    """The verdict a receiver would give this message on its own."""
    schemas = schemas or BuiltinSchemas()
    verdict = Verdict(file)
    parsed = intake.parse(data, max_bytes)
    if parsed.root is None:
        verdict.findings = parsed.findings
        return verdict
    root = parsed.root
    namespace = etree.QName(root).namespace
    found = identify(namespace)
    rel, msg = found if found else (None, None)
    if msg:
        verdict.message, verdict.release = msg.name, rel.name
    schema = schemas.schema_for(namespace) if namespace else None
    if schema is None:
        verdict.findings = [Finding(
            "XSD", Level.XSD, "/" + etree.QName(root).localname,
            f"No schema for root namespace {namespace!r} in the {schemas.description}: this is not "
            f"a known iWmo/iJw message. Expected a Bericht in {KNOWN_PATTERN}.")]
        return verdict
    verdict.findings = xsdcheck.check(root, schema, rel, msg)
    if verdict.findings or msg is None:
        return verdict
    verdict.root = root
    message, ctx = Message(root, rel, msg), context or Context()
    verdict.findings = run_rules(message, ctx, "xslt")
    if not verdict.findings:  # a receiver stops at the first level that fails
        verdict.findings = run_rules(message, ctx, "extern") + run_rules(message, ctx, "chain")
        verdict.not_assessed = not_assessed(message, ctx)
    return verdict


def judge_file(path: str | os.PathLike, schemas=None, context: Context | None = None,
               max_bytes: int = intake.MAX_BYTES) -> Verdict:
    """Judge a file; an oversized file is refused without reading it. Raises OSError."""
    p = Path(path)
    size = p.stat().st_size
    if size > max_bytes:
        return Verdict(str(path), findings=[intake.too_large(size, max_bytes)])
    return judge(p.read_bytes(), str(path), schemas, context, max_bytes)
