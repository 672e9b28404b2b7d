"""What `ketentest validate --xslt` and `--format rapport` need beside the verdict: the
user's copy of the official rule XSLT, the Rapport as text, and the line saying who judged.
Kept out of the CLI module (no click here) so the command only wires options to these."""
from __future__ import annotations

from .findings import Verdict
from .rapport import rapport, to_bytes
from .xslt import OfficialRules, XsltError  # noqa: F401 (XsltError: what official_rules raises)


def official_rules(path: str | None) -> OfficialRules | None:
    """The stylesheets at --xslt FILE|DIR, or None; raises XsltError naming what is wrong."""
    return None if path is None else OfficialRules(path)


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
