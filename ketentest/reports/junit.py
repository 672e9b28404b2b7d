"""JUnit XML (the Jenkins/GitLab flavour): a testsuite per feature, a testcase per scenario
(classname = chain folder and feature), failures with the failing step's message, and a
property `rule` per rule id the scenario's tags name; a warning (an advisory finding that
fails only a --strict run) as a property `warning` and in the case's system-out."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from lxml import etree

from .record import warning_line


def write_junit(recorder, options, path: Path) -> None:
    by_feature = defaultdict(list)
    for r in recorder.scenarios.values():
        by_feature[(r.chain, r.feature)].append(r)
    suites = etree.Element("testsuites", name="ketentest", tests=str(len(recorder.scenarios)))
    for (chain, feature), records in by_feature.items():
        suite = etree.SubElement(
            suites, "testsuite", name=f"{chain}: {feature}", tests=str(len(records)),
            failures=str(sum(r.status == "failed" for r in records)),
            skipped=str(sum(r.status == "skipped" for r in records)),
            time=f"{sum(r.duration for r in records):.3f}")
        for r in records:
            case = etree.SubElement(suite, "testcase", classname=f"{chain}.{feature}",
                                    name=r.name, file=r.feature_file, line=str(r.line),
                                    time=f"{r.duration:.3f}")
            if r.status == "failed":
                failure = etree.SubElement(case, "failure", message=(r.error or "failed")[:500])
                failure.text = "\n".join(f"{s.keyword} {s.name}: {s.status}"
                                         + (f"\n    {s.error}" if s.error else "")
                                         for s in r.steps)
            elif r.status == "skipped":
                etree.SubElement(case, "skipped", message=r.error or "skipped")
            props = etree.SubElement(case, "properties")
            etree.SubElement(props, "property", name="tags", value=" ".join(r.tags))
            for rule in r.rule_ids:  # the rules it exercises, one property each
                etree.SubElement(props, "property", name="rule", value=rule)
            lines = [warning_line(w) for w in r.warnings]
            for line in lines:
                etree.SubElement(props, "property", name="warning", value=line)
            if lines:  # where CI servers show a passing case's notes
                etree.SubElement(case, "system-out").text = "\n".join(lines)
    Path(path).write_bytes(etree.tostring(suites, xml_declaration=True, encoding="UTF-8",
                                          pretty_print=True))
