"""The run record: what a certificate certifies, as one JSON document. The system (name,
vendor, version), ketentest's version, a digest of the scenario files, release, profile, the
run's time, per role certified every rule it must enforce with its result (traceability),
every scenario with its rule ids, its session's party codes, steps and messages (each with its
verdict and a digest of its XML). The certificate id is the SHA-256 of this document as embedded in the
certificate (sorted keys, no spaces): anyone can recompute it from the file alone."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__
from .traceability import as_record, matrices


def warning_line(w: dict) -> str:
    """A warning of the run (a review remark kept as a dict) as one line: rule, kind, message,
    what it says and the message's permalink."""
    from ..run.review import Remark
    return Remark(**w).line()


def feature_files(paths) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.rglob("*.feature")) if p.is_dir() else [p])
    return files


def scenario_digest(paths) -> dict:
    """SHA-256 over the scenario files run (each file's name and bytes, in a fixed order)."""
    h = hashlib.sha256()
    files = feature_files(paths)
    for f in sorted(files, key=lambda f: (f.name, str(f))):
        data = f.read_bytes()
        h.update(f"{f.parent.name}/{f.name}\0{len(data)}\0".encode())
        h.update(data)
    return {"sha256": h.hexdigest(), "files": len(files)}


def embedded_json(record: dict) -> str:
    """The record as written into the certificate: sorted keys, no spaces, and "</" escaped so
    it cannot end the <script> element that holds it."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).replace("</", "<\\/")


def certificate_id(text: str) -> str:
    """The SHA-256 of the record's text exactly as embedded."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _message(m) -> dict:
    return {"id": m.id, "message": m.name, "from": {"role": m.sender, "code": m.sender_code},
            "to": {"role": m.receiver, "code": m.receiver_code}, "day": m.day,
            "status": m.status, "accepted": m.accepted, "level": m.level,
            "retourcodes": m.retourcodes, "findings": m.findings, "refusal": m.refusal,
            "termijn": m.termijn,
            "xml_sha256": hashlib.sha256(m.xml.encode("utf-8")).hexdigest() if m.xml else None}


def run_record(recorder, options, finished: datetime | None = None) -> dict:
    finished = finished or datetime.now(timezone.utc)
    run = recorder.run
    exchange = options.exchange or "embedded"
    return {
        "ketentest": __version__,
        "system": {"name": options.system, "vendor": options.vendor,
                   "version": options.system_version},
        "sut": options.sut, "release": options.release, "profile": options.profile,
        "tags": options.tags, "today": options.today, "exchange": exchange,
        "werkdag": _werkdag(options),
        "database": str(run.database) if getattr(run, "database", None) and options.database
        else None,
        "scenario_files": scenario_digest(options.features),
        "started": recorder.started.astimezone(timezone.utc).isoformat(timespec="seconds"),
        "finished": finished.astimezone(timezone.utc).isoformat(timespec="seconds"),
        "counts": recorder.counts(),
        "traceability": as_record(matrices(list(recorder.scenarios.values()), options.release,
                                           options.sut)),
        "scenarios": [{
            "chain": r.chain, "feature": r.feature_file, "name": r.name, "tags": r.tags,
            "rules": r.rule_ids,
            "status": r.status, "error": r.error if r.status != "passed" else None,
            "session": r.session, "codes": r.codes,
            "steps": [{"keyword": s.keyword, "name": s.name, "status": s.status}
                      for s in r.steps],
            "messages": [_message(m) for m in r.messages],
            "warnings": r.warnings}
            for r in recorder.scenarios.values()],
    }


def _werkdag(options) -> float | None:
    """Seconds of waiting on the system under test per werkdag of the session clock."""
    from ..run.behaviour import pace
    return None if options.sut == "none" else pace(options.werkdag, options.interactive)
