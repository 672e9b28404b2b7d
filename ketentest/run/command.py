"""`ketentest run`: the chain library through pytest, with the run's reports.

pytest runs the scenarios (one test per scenario, steps from the plugin); the Recorder keeps
what happened; the reports are written from it, not from pytest's own, so every collected
scenario is in them, undefined steps included."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness.standard.registry import DEFAULT

from .. import preflight
from .features import check as check_features
from .record import Recorder

FEATURES = Path(__file__).resolve().parents[1] / "features"  # the shipped library
SUITE = Path(__file__).resolve().parents[1] / "steps" / "suite.py"


@dataclass
class RunOptions:
    features: list[Path] = field(default_factory=lambda: [FEATURES])
    sut: str = "none"
    exchange: str | None = None
    admin_token: str | None = None
    release: str = DEFAULT
    profile: str = "regio-accepteert"
    tags: str | None = None
    triggers: list[str] = field(default_factory=list)
    today: str | None = None
    timeout: float = 60.0
    werkdag: float | None = None
    interactive: bool = False
    database: str | None = None
    junitxml: Path | None = None
    cucumberjson: Path | None = None
    html: Path | None = None
    system: str | None = None  # the system under test: named in the certificate; when it is
    # registered on the exchange (POST /api/systems), its own identity in every scenario
    vendor: str | None = None
    system_version: str | None = None
    exchange_ca: str | None = None  # the CA file of an exchange with TLS
    gemeenten: str | None = None  # a regio in every scenario: N gemeenten, or "profiel"
    strict: bool = False  # warnings fail a scenario too


def pytest_args(o: RunOptions) -> list[str]:
    # pytest's own terminal output is off: ketentest prints one line per scenario and one
    # summary (its collection errors are kept by the Recorder and printed by run())
    args = [str(SUITE), "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:terminal",
            "--rootdir", str(SUITE.parent), "-c", os.devnull, "-o", "console_output_style=classic",
            "-W", "ignore::pytest.PytestUnknownMarkWarning",
            "-W", "ignore::pytest.PytestAssertRewriteWarning",
            "--ketentest-sut", o.sut, "--ketentest-release", o.release,
            "--ketentest-profile", o.profile, "--ketentest-timeout", str(o.timeout)]
    if o.werkdag is not None:  # 0 too: the clock stands still
        args += ["--ketentest-werkdag", str(o.werkdag)]
    for flag, value in (("--ketentest-exchange", o.exchange),
                        ("--ketentest-admin-token", o.admin_token),
                        ("--ketentest-today", o.today), ("--ketentest-database", o.database),
                        ("--ketentest-system", o.system),
                        ("--ketentest-exchange-ca", o.exchange_ca),
                        ("--ketentest-gemeenten", o.gemeenten)):
        if value:
            args += [flag, str(value)]
    for t in o.triggers:
        args += ["--ketentest-trigger", t]
    if o.interactive:
        args += ["--ketentest-interactive", "-s"]
    if o.strict:
        args += ["--ketentest-strict"]
    if o.tags:
        args += ["-m", o.tags.replace("@", "")]  # Cucumber's @tag is pytest-bdd's marker
    return args


def run(o: RunOptions, out=sys.stderr) -> int:
    """Run the scenarios; 0 all passed, 1 any failed, 2 usage error or nothing to run."""
    from ..reports import write_reports

    missing = [p for p in o.features if not p.exists()]
    if missing:
        out.write(f"ketentest run: no such feature file or folder: {missing[0]}\n")
        return 2
    try:  # an exchange that is not there is one sentence, not a traceback per scenario
        if o.exchange:
            preflight.exchange(o.exchange, o.admin_token, o.exchange_ca)
        elif o.database:
            preflight.database(o.database)
    except preflight.NotReady as e:
        out.write(f"ketentest run: {e}\n")
        return 2
    problems = check_features(o.features)
    if problems:
        out.write("ketentest run: a feature file does not parse:\n"
                  + "".join(f"  {p}\n" for p in problems))
        return 2
    os.environ["KETENTEST_FEATURES"] = os.pathsep.join(str(p.resolve()) for p in o.features)
    recorder = Recorder(out)
    code = pytest.main(pytest_args(o), plugins=[recorder])
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR,
                pytest.ExitCode.INTERRUPTED) or recorder.collect_errors:
        out.write("ketentest run: the scenarios could not be read or run"
                  + "".join(f"\n  {e}" for e in recorder.collect_errors) + "\n")
        return 2
    if not recorder.scenarios:
        out.write("ketentest run: no scenario to run"
                  + (f" matches --tags {o.tags}" if o.tags else "") + "\n")
        return 2
    write_reports(recorder, o, out)
    warned = [(r, w) for r in recorder.scenarios.values() for w in r.warnings]
    for r, w in warned:  # advisory: they fail a scenario only with --strict
        out.write(f"warning: {w['rule']}: {r.chain} {r.name}: the {w['message']}: {w['text']}\n")
    c = recorder.counts()
    n = len(recorder.scenarios)
    out.write(f"{n} scenario{'' if n == 1 else 's'}: {c['passed']} passed, {c['failed']} failed, "
              f"{c['skipped']} skipped"
              + (f", {len(warned)} warning{'' if len(warned) == 1 else 's'}" if warned else "")
              + "\n")
    from ..reports.traceability import matrices, summary_line
    out.write(summary_line(matrices(recorder.scenarios.values(), o.release, o.sut)) + "\n")
    return 1 if c["failed"] else 0
