"""What `ketentest validate --xslt` and `--format rapport` need beside the verdict: the
user's copy of the official rule XSLT, and the Rapport as text. Kept out of the CLI module
so the command only wires options to these."""
from __future__ import annotations

import click

from .findings import Verdict
from .rapport import rapport, to_bytes
from .xslt import OfficialRules, XsltError


def official_rules(path: str | None) -> OfficialRules | None:
    """The stylesheets at --xslt FILE|DIR, or None; a usage error names what is wrong."""
    if path is None:
        return None
    try:
        return OfficialRules(path)
    except XsltError as e:
        raise click.UsageError(str(e)) from None


def rapport_text(verdict: Verdict) -> str:
    return to_bytes(rapport(verdict, verdict.inmessage_by)).decode("utf-8")


def judged_by(verdict: Verdict, official: OfficialRules | None) -> str | None:
    """The line the text format adds under a verdict when --xslt was given."""
    if official is None or verdict.level.value in ("xml", "xsd"):
        return None
    if verdict.inmessage_by:
        return f"in-message rules judged by the {verdict.inmessage_by}"
    return (f"in-message rules judged by ketentest: no stylesheet for {verdict.message} in "
            f"{official.where}")
