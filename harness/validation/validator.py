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
from dataclasses import dataclass, replace
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
          max_bytes: int = intake.MAX_BYTES, official=None) -> Verdict:
    """The verdict a receiver would give this message on its own. `official` (an
    xslt.OfficialRules) judges the in-message rules instead of ketentest's own."""
    prepared = prepare(data, file, schemas, context, max_bytes, official)
    return finish(prepared, prepared.context.state)


@dataclass
class Prepared:
    """A message judged up to its chain rules: everything but `Context.state` is settled.

    A server judges the costly part before it takes a session's lock and only the chain rules
    (lookups in the state) under it, against exactly the state its commit builds on."""
    verdict: Verdict
    context: Context
    message: Message | None = None  # set while the chain rules are still to run
    large: bool = False

    @property
    def pending(self) -> bool:
        return self.message is not None


def prepare(data: bytes, file: str = "<message>", schemas=None, context: Context | None = None,
            max_bytes: int = intake.MAX_BYTES, official=None) -> Prepared:
    """Safe parse, XSD, in-message and external-data rules (the chain rules wait for `finish`)."""
    large = len(data) >= PAUSE_GC_FROM
    with _gc_paused(large):
        verdict, message, ctx = _judge(data, file, schemas, context or Context(), max_bytes,
                                       official)
    return Prepared(verdict, ctx, message, large)


def finish(prepared: Prepared, state) -> Verdict:
    """The full verdict: `prepared` plus the chain rules against `state` (None: no chain).
    Runs once per Prepared."""
    verdict, message = prepared.verdict, prepared.message
    if message is not None and state is not None:
        ctx = replace(prepared.context, state=state)
        with _gc_paused(prepared.large):
            verdict.findings = verdict.findings + run_rules(message, ctx, "chain")
    prepared.message = None
    return verdict


def _judge(data, file, schemas, ctx: Context, max_bytes,
           official=None) -> tuple[Verdict, Message | None, Context]:
    schemas = schemas or BuiltinSchemas()
    verdict = Verdict(file)
    parsed = intake.parse(data, max_bytes)
    if parsed.root is None:
        verdict.findings = parsed.findings
        return verdict, None, ctx
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
        return verdict, None, ctx
    verdict.findings = xsdcheck.check(root, schema, rel, msg)
    if verdict.findings or msg is None:
        return verdict, None, ctx
    verdict.view = message = Message(root, rel, msg)
    judged = official.findings(root) if official is not None else None
    verdict.findings = run_rules(message, ctx, "xslt") if judged is None else judged
    if judged is not None:
        verdict.inmessage_by = official.description
    if verdict.findings:  # a receiver stops at the first level that fails
        return verdict, None, ctx
    verdict.findings = run_rules(message, ctx, "extern")
    verdict.not_assessed = not_assessed(message, ctx)
    return verdict, message, ctx


def judge_file(path: str | os.PathLike, schemas=None, context: Context | None = None,
               max_bytes: int = intake.MAX_BYTES, official=None) -> Verdict:
    """Judge a file; an oversized file is refused without reading it. Raises OSError."""
    p = Path(path)
    size = p.stat().st_size
    if size > max_bytes:
        return Verdict(str(path), findings=[intake.too_large(size, max_bytes)])
    return judge(p.read_bytes(), str(path), schemas, context, max_bytes, official)
