"""The judging pipeline: bytes -> safe parse -> identify -> XSD -> in-message rules ->
external-data rules.

Each stage returns findings; a stage that finds something stops the ones after it, as a
receiver does (a schema-invalid message is refused by the exchange and never reaches the rules).
"""
from __future__ import annotations

import gc
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from lxml import etree

from ..standard import identify
from ..standard.registry import namespace_pattern
from . import intake, xsdcheck
from .findings import Finding, Level, Verdict
from .message import Message
from .rules import Context, not_assessed, run_rules
from .schemas import BuiltinSchemas

# Judging a large declaratie allocates some 100,000 objects and no reference cycles; Python's
# cyclic collector would walk them all again and again (measured: it doubles the rule time of
# a 25,000-prestatie 323). It is paused while a large message is judged, across threads.
PAUSE_GC_FROM = 1024 * 1024
_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = True


@contextmanager
def _gc_paused(pause: bool):
    global _gc_pausers, _gc_was_enabled
    if not pause:
        yield
        return
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def judge(data: bytes, file: str = "<message>", schemas=None, context: Context | None = None,
          max_bytes: int = intake.MAX_BYTES) -> Verdict:
    """The verdict a receiver would give this message on its own."""
    with _gc_paused(len(data) >= PAUSE_GC_FROM):
        return _judge(data, file, schemas, context, max_bytes)


def _judge(data, file, schemas, context, max_bytes) -> Verdict:
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
        verdict.definition, verdict.rel = msg, rel
    schema = schemas.schema_for(namespace) if namespace else None
    if schema is None:
        verdict.findings = [Finding(
            "XSD", Level.XSD, "/" + etree.QName(root).localname,
            f"No schema for root namespace {namespace!r} in the {schemas.description}: this is not "
            f"a known iWmo/iJw message. Expected a Bericht in {namespace_pattern()}.")]
        return verdict
    verdict.findings = xsdcheck.check(root, schema, rel, msg)
    if verdict.findings or msg is None:
        return verdict
    verdict.view = message = Message(root, rel, msg)
    ctx = context or Context()
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
