"""pytest options and fixtures of the chain library. `ketentest run` fills in the options;
a pytest run of feature files may give them directly (`--ketentest-sut aanbieder` ...)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from harness.standard.registry import DEFAULT, RELEASES

from ..run.run import SUTS, Run
from ..run.sut import parse_triggers


def pytest_addoption(parser) -> None:
    g = parser.getgroup("ketentest", "ketentest chain library")
    g.addoption("--ketentest-exchange", metavar="URL", help="exchange to run on "
                "(default: an embedded one, started for the run)")
    g.addoption("--ketentest-admin-token", metavar="TOKEN", help="the exchange's admin token")
    g.addoption("--ketentest-sut", choices=SUTS, default="none",
                help="the system under test: which party the harness does not play")
    g.addoption("--ketentest-release", choices=list(RELEASES), default=DEFAULT)
    g.addoption("--ketentest-profile", default="regio-accepteert", metavar="P",
                help="regio profile (name or YAML) for 'Gegeven een keten'")
    g.addoption("--ketentest-today", metavar="YYYY-MM-DD", help="first day of each scenario")
    g.addoption("--ketentest-timeout", type=float, default=60.0, metavar="S",
                help="seconds to wait for a message of the system under test")
    g.addoption("--ketentest-werkdag", type=float, metavar="S",
                help="while waiting for the system under test, move the clock a werkdag "
                     "every S seconds (so a slow answer is a late one; default 10, 0: never)")
    g.addoption("--ketentest-system", metavar="NAME",
                help="the system under test's name; a system registered on the exchange keeps its "
                     "own identity in every scenario")
    g.addoption("--ketentest-gemeenten", metavar="N|profiel",
                help="every scenario in a regio of N gemeenten sharing the aanbieder (profiel: "
                     "as many as the regio profile names); the first acts")
    g.addoption("--ketentest-exchange-ca", metavar="FILE",
                help="the CA certificate of an exchange with TLS")
    g.addoption("--ketentest-trigger", action="append", default=[], metavar="ACTION=CMD|URL")
    g.addoption("--ketentest-interactive", action="store_true",
                help="ask a person at the terminal to perform the system's actions")
    g.addoption("--ketentest-strict", action="store_true",
                help="fail on warnings too: advisory OP/IV checks and rules read as "
                     "ketentest chose")
    g.addoption("--ketentest-database", metavar="FILE",
                help="SQLite file of the embedded exchange (kept after the run)")


def run_from_options(config) -> Run:
    opt = config.getoption
    today = opt("--ketentest-today")
    database = opt("--ketentest-database")
    return Run(exchange=opt("--ketentest-exchange"), admin_token=opt("--ketentest-admin-token"),
               sut=opt("--ketentest-sut"), release=opt("--ketentest-release"),
               profile=opt("--ketentest-profile"),
               today=date.fromisoformat(today) if today else None,
               timeout=opt("--ketentest-timeout"), werkdag=opt("--ketentest-werkdag"),
               triggers=parse_triggers(opt("--ketentest-trigger")),
               interactive=opt("--ketentest-interactive"),
               database=Path(database) if database else None,
               system=opt("--ketentest-system"), exchange_ca=opt("--ketentest-exchange-ca"),
               gemeenten=opt("--ketentest-gemeenten"),
               strict=opt("--ketentest-strict"))


@pytest.fixture(scope="session")
def ketentest_run(pytestconfig):
    """The run: its exchange (embedded unless given) and settings; shared by all scenarios."""
    run = pytestconfig.stash.get(RUN_KEY, None) or run_from_options(pytestconfig)
    pytestconfig.stash[RUN_KEY] = run
    run.start()
    yield run
    run.stop()


RUN_KEY = pytest.StashKey[Run]()


def pytest_runtest_setup(item) -> None:
    """@fout-aanbieder / @fout-gemeente: in this scenario that party deliberately sends a
    message the other must reject, which a system under test will not do on request."""
    sut = item.config.getoption("--ketentest-sut", "none")
    if sut != "none" and item.get_closest_marker(f"fout-{sut}") is not None:
        pytest.skip(f"@fout-{sut}: the {sut} deliberately sends a faulty message here; "
                    f"the {sut} is the system under test")


def pytest_bdd_after_scenario(request, feature, scenario) -> None:
    """A scenario whose steps all passed still fails if the system under test sent anything
    in it that breaks the rules."""
    run = request.config.stash.get(RUN_KEY, None)
    if run is not None and run.current is not None \
            and not any(step.failed for step in scenario.steps):
        run.current.final_check()
