"""What a run did, scenario by scenario and step by step, as the reports need it: a pytest
plugin object that `ketentest run` passes to pytest.main and reads afterwards.

Every collected scenario gets a record at collection time, so a scenario that never ran its
steps (an undefined step, a failing set-up) is still reported, as failed. Progress goes to
the terminal, one line per scenario."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

from harness.validation import RULES

from .keten import Exchanged

RULE_TAG = re.compile(r"^(TR\d{3}|OP\d{3}|C[DS]\d{3}|[0-9]{4}|[A-Z]\d{3})$")  # TR019, 9019, S329
CHAIN_TAG = re.compile(r"^\d{3}-\d{3}$")  # @301-302: the chain a scenario belongs to
RULE_IDS = frozenset(r.id for r in RULES.values())  # a tag naming a rule (TR019, not 9019)
MAX_XML = 500_000  # characters of a message kept in the certificate (the rest: on the exchange)


@dataclass
class StepRecord:
    keyword: str
    name: str
    line: int
    status: str = "skipped"  # passed | failed | undefined | skipped
    duration: float = 0.0
    error: str | None = None


@dataclass
class MessageRecord:
    name: str
    sender: str
    receiver: str
    status: str
    day: str | None
    accepted: bool | None
    retourcodes: list[str]
    rules: list[str]  # rule ids of the verdict's findings
    refusal: str | None
    permalink: str
    termijn: dict | None
    id: str = ""
    sender_code: str = ""
    receiver_code: str | None = None
    level: str | None = None
    findings: list[dict] = field(default_factory=list)
    xml: str | None = None  # the message as sent (cut at MAX_XML characters)
    page: str = ""  # the exchange's web page of the message

    @property
    def verdict_text(self) -> str:
        if self.refusal:
            return f"refused: {self.refusal}"
        return "accepted" if self.accepted else "rejected: " + ", ".join(self.rules)

    @property
    def termijn_text(self) -> str:
        t = self.termijn
        if not t:
            return ""
        return f"{'on time' if t.get('on_time') else 'LATE'} ({t.get('kind')}, due {t.get('due')})"

    @classmethod
    def of(cls, e: Exchanged) -> "MessageRecord":
        v = e.verdict or {}
        refusal = e.entry.get("refusal")
        try:
            xml = e.client.xml(e.id).decode("utf-8", errors="replace")[:MAX_XML]
        except Exception:  # too large to be stored, or the exchange went away: the verdict stays
            xml = None
        return cls(e.name, e.sender, e.receiver, e.entry["status"], e.entry.get("day"),
                   v.get("accepted"), v.get("retourcodes", []),
                   sorted({f["rule"] for f in v.get("findings", [])}),
                   f"{refusal['code']}: {refusal['message']}" if refusal else None,
                   e.permalink, e.entry.get("termijn"), e.id, e.entry["sender"]["code"],
                   e.entry["receiver"].get("code"), v.get("level"),
                   [{k: f.get(k) for k in ("rule", "retourcode", "path", "text")}
                    for f in v.get("findings", [])], xml,
                   f"{e.client.url}/web/messages/{e.id}")


@dataclass
class ScenarioRecord:
    nodeid: str
    feature: str
    feature_file: str
    feature_description: str
    name: str
    line: int
    tags: list[str]
    steps: list[StepRecord]
    status: str = "failed"  # passed | failed | skipped; failed until shown otherwise
    error: str | None = None
    duration: float = 0.0
    messages: list[MessageRecord] = field(default_factory=list)
    chain_tags: list[str] = field(default_factory=list)  # @301-302 ..., in the file's order
    session: str | None = None  # its session on the exchange
    codes: dict[str, str] = field(default_factory=dict)  # role -> the session's party code
    warnings: list[dict] = field(default_factory=list)  # run.review.Remark dicts: advisory

    @property
    def chain(self) -> str:
        """The chain the reports group it by: its first chain tag (@301-302), else the folder
        its feature file is in."""
        if self.chain_tags:
            return self.chain_tags[0]
        parts = self.feature_file.replace("\\", "/").split("/")
        return parts[-2] if len(parts) > 1 else self.feature

    @property
    def rules(self) -> set[str]:
        return {t for t in self.tags if RULE_TAG.match(t)}

    @property
    def rule_ids(self) -> list[str]:
        """The rules it names by id in its tags (its retourcode tags left out)."""
        return sorted(t for t in self.tags if t in RULE_IDS)


class Recorder:
    def __init__(self, out=None):
        self.scenarios: dict[str, ScenarioRecord] = {}
        self.started = datetime.now(timezone.utc)
        self.out = out
        self._step_started = 0.0
        self._run = None
        self.collect_errors: list[str] = []  # what pytest could not collect (its text)

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.collect_errors.append(str(report.longrepr).strip().splitlines()[-1][:1000])

    # ------------------------------------------------------------ collection
    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session) -> None:
        for item in session.items:
            template = scenario_wrapper_template_registry.get(getattr(item, "function", None))
            if template is None:
                continue
            feature = template.feature
            # an Abstract Scenario's example: its values in the name and steps, its tags too
            example = getattr(getattr(item, "callspec", None), "params", {}).get(
                "_pytest_bdd_example")
            scenario = template.render(example) if example else template
            tags = set(template.tags) | set(feature.tags)
            if example:
                tags |= {t for e in template.examples for t in e.tags
                         if item.get_closest_marker(t) is not None}
            steps = [StepRecord(s.keyword.strip(), s.name, s.line_number) for s in scenario.steps]
            self.scenarios[item.nodeid] = ScenarioRecord(
                item.nodeid, feature.name, feature.rel_filename, feature.description or "",
                scenario.name, template.line_number, sorted(tags), steps,
                chain_tags=_chain_tags(feature.filename, template.line_number, tags))

    # ------------------------------------------------------------ steps
    def _step(self, request, step) -> StepRecord | None:
        record = self.scenarios.get(request.node.nodeid)
        if record is None:
            return None
        for s in record.steps:
            if s.line == step.line_number:
                return s
        return None

    def pytest_bdd_before_scenario(self, request, feature, scenario) -> None:
        self._run = request.getfixturevalue("ketentest_run")
        self._run.current = None

    def pytest_bdd_before_step(self, request, feature, scenario, step, step_func) -> None:
        self._step_started = time.monotonic()

    def pytest_bdd_after_step(self, request, feature, scenario, step, step_func,
                              step_func_args) -> None:
        s = self._step(request, step)
        if s:
            s.status, s.duration = "passed", time.monotonic() - self._step_started

    def pytest_bdd_step_error(self, request, feature, scenario, step, step_func,
                              step_func_args, exception) -> None:
        s = self._step(request, step)
        if s:
            s.status, s.duration = "failed", time.monotonic() - self._step_started
            s.error = f"{type(exception).__name__}: {exception}"

    def pytest_bdd_step_func_lookup_error(self, request, feature, scenario, step,
                                          exception) -> None:
        s = self._step(request, step)
        if s:
            s.status, s.error = "undefined", f"undefined step: {step.keyword} {step.name}"
            from ..steps.listing import suggestions
            close = suggestions(step.name)
            if close:
                s.error += " (did you mean: " + "; ".join(f'"{c}"' for c in close) + "?)"

    @pytest.hookimpl(trylast=True)
    def pytest_bdd_after_scenario(self, request, feature, scenario) -> None:
        record = self.scenarios.get(request.node.nodeid)
        keten = self._run.current if self._run else None
        if record is not None and keten is not None:
            record.session, record.codes = keten.session, dict(keten.codes)
            record.warnings = list(keten.warnings)
            try:
                keten.refresh()
                record.messages = [MessageRecord.of(e) for e in keten.exchanged]
                if getattr(self._run, "_embedded", None) is None:  # a shared exchange
                    _link_pages(keten, record)
            except Exception as e:  # the report must not hide the scenario's own outcome
                record.error = (record.error or "") + f" (journal not read: {e})"

    # ------------------------------------------------------------ outcomes
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        record = self.scenarios.get(item.nodeid)
        if record is None:
            return
        record.duration += report.duration
        if report.when == "call" or report.failed or report.skipped:
            if report.skipped:
                record.status = "skipped"
                record.error = _skip_reason(report)
            elif report.failed:
                record.status = "failed"
                record.error = _failure_text(report, record)
            elif report.when == "call":
                record.status = "passed"

    def pytest_report_teststatus(self, report, config):
        """No pytest dot per scenario: the progress lines say it."""
        if report.nodeid in self.scenarios:
            return report.outcome, "", report.outcome.upper()
        return None

    def pytest_runtest_logfinish(self, nodeid, location) -> None:
        record = self.scenarios.get(nodeid)
        if record is None or self.out is None:
            return
        done = sum(1 for r in self.scenarios.values() if r.duration)
        mark = {"passed": "✔", "failed": "✘", "skipped": "–"}[record.status]
        line = f"{mark} [{done}/{len(self.scenarios)}] {record.chain}  {record.name}" \
               f"  ({record.duration:.1f} s)"
        if record.status != "passed" and record.error:
            line += "\n      " + record.error.splitlines()[0][:300]
        self.out.write(line + "\n")
        self.out.flush()

    # ------------------------------------------------------------ summary
    @property
    def run(self):
        return self._run

    def counts(self) -> dict[str, int]:
        out = {"passed": 0, "failed": 0, "skipped": 0}
        for r in self.scenarios.values():
            out[r.status] += 1
        return out


SHARE_DAYS = 30  # how long a certificate's links open the exchange's pages


def _link_pages(keten, record: ScenarioRecord) -> None:
    """On a shared exchange each message links its page through its session's shared link,
    which opens without a token (for SHARE_DAYS days)."""
    try:
        share = keten.client.request("POST", f"/api/sessions/{keten.session}/share",
                                     json={"days": SHARE_DAYS}).json()["url"]
    except Exception:  # an exchange without shared links: the pages ask for a sign-in
        return
    for m in record.messages:
        m.page = f"{share}?m={m.id}"


def _chain_tags(filename: str, line: int, tags) -> list[str]:
    """The scenario's chain tags in the order they are written (pytest-bdd keeps a set):
    read from the tag lines above the scenario, then those of the feature."""
    chain = {t for t in tags if CHAIN_TAG.match(t)}
    if len(chain) < 2:
        return sorted(chain)
    try:
        with open(filename, encoding="utf-8") as f:
            text = f.read().splitlines()[:line - 1]
    except OSError:
        return sorted(chain)
    above: list[str] = []
    for row in reversed(text):
        row = row.strip()
        if not row.startswith("@"):
            break
        above = row.split() + above
    ordered = [t[1:] for t in above if t[1:] in chain]
    return list(dict.fromkeys(ordered + sorted(chain)))


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _failure_text(report, record: ScenarioRecord) -> str:
    """The failing step's own message when there is one; pytest's text otherwise."""
    for s in record.steps:
        if s.status in ("failed", "undefined") and s.error:
            return f"{s.keyword} {s.name}: {s.error}"
    crash = getattr(report.longrepr, "reprcrash", None)
    return crash.message if crash is not None else str(report.longrepr)[-2000:]
