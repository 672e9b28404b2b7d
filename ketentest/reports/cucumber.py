"""Cucumber JSON (the format of cucumber-js / cucumber-jvm reporters): features with their
scenarios, steps with status and duration in nanoseconds. Unlike pytest-bdd's own, every
scenario is present; a step without a definition has status "undefined"; `rules` beside a
scenario's tags lists the rule ids they name, and `warnings` its advisory findings (which
fail only a --strict run)."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from .record import warning_line


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


def write_cucumber(recorder, options, path: Path) -> None:
    features = defaultdict(list)
    for r in recorder.scenarios.values():
        features[(r.feature_file, r.feature, r.feature_description)].append(r)
    doc = []
    for (uri, name, description), records in features.items():
        elements = []
        for r in records:
            steps = [{"keyword": s.keyword + " ", "name": s.name, "line": s.line,
                      "result": {"status": s.status, "duration": int(s.duration * 1e9),
                                 **({"error_message": s.error} if s.error else {})}}
                     for s in r.steps]
            if r.status == "failed" and not any(s["result"]["status"] in ("failed", "undefined")
                                                for s in steps):
                steps.append({"keyword": "Na ", "name": "scenario", "line": r.line,
                              "result": {"status": "failed", "error_message": r.error or ""}})
            elements.append({"id": f"{_slug(name)};{_slug(r.name)}", "keyword": "Scenario",
                             "type": "scenario", "name": r.name, "line": r.line,
                             "description": "",
                             "tags": [{"name": "@" + t, "line": r.line - 1} for t in r.tags],
                             "rules": r.rule_ids,
                             "warnings": [warning_line(w) for w in r.warnings],
                             "steps": steps})
        doc.append({"id": _slug(name), "uri": uri, "keyword": "Functionaliteit", "name": name,
                    "description": description, "line": 1, "tags": [], "elements": elements})
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
