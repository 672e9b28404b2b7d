"""A run's settings and its exchange: what `ketentest run` (or pytest with its options) was
asked to do. One `Run` per pytest session; each scenario opens its own `Keten` from it."""
from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import requests

from harness.profiles import Profile, builtin, load_profile
from harness.standard.registry import DEFAULT

from . import behaviour
from .actions import Action
from ..client import ExchangeClient
from .keten import Keten
from .sut import SutDriver

SUTS = ("none", "aanbieder", "gemeente")


def find_profile(name: str) -> Profile:
    """A shipped profile by name (regio-accepteert) or a YAML file."""
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return load_profile(Path(name))
    return builtin(name)


@dataclass
class Run:
    exchange: str | None = None  # URL; None: an embedded exchange for this run
    admin_token: str | None = None
    sut: str = "none"
    release: str = DEFAULT
    profile: str = "regio-accepteert"  # for 'Gegeven een keten' without a named profile
    today: date | None = None  # the first day of every scenario; None: the real date
    timeout: float = 60.0  # seconds to wait for a message of the system under test
    werkdag: float | None = None  # seconds of waiting for it after which the clock moves a werkdag
    triggers: dict[str, str] = field(default_factory=dict)
    interactive: bool = False
    database: Path | None = None  # the embedded exchange's SQLite file
    current: Keten | None = None  # the scenario running now (for the reports)
    system: str | None = None  # the system under test's name (the certificate names it)
    registered: bool = False  # the exchange knows `system`: its own code in every session
    exchange_ca: str | None = None  # the CA file of an exchange with TLS
    gemeenten: str | None = None  # every scenario a regio: N gemeenten, or "profiel" (run/regio.py)
    strict: bool = False  # warnings (advisory checks, ketentest's readings) fail a scenario

    _embedded = None
    _last_regio: Keten | None = None
    _temporary: Path | None = None  # the folder of a journal kept for this run only

    def start(self) -> None:
        if self.exchange is None:
            from .embedded import EmbeddedExchange
            if self.database is None:  # a journal for this run only: removed at its end
                self._temporary = Path(tempfile.mkdtemp(prefix="ketentest-"))
            db = self.database or self._temporary / "journal.db"
            self._embedded = EmbeddedExchange(db)
            self.exchange, self.admin_token = self._embedded.url, self._embedded.admin_token
            self.database = db
        http = requests.Session()
        if self.exchange_ca:
            http.verify = self.exchange_ca
            http.trust_env = False  # else REQUESTS_CA_BUNDLE overrides verify
        self.client = ExchangeClient(self.exchange, self.admin_token or "", http)
        self.registered = self.system is not None and self.client.has_system(self.system)
        if self.system is not None and not self.registered:
            print(f"ketentest: the exchange has no registered system {self.system!r}: the "
                  "certificate names it, and every scenario gives the system under test a new "
                  "party code (register it with POST /api/systems to keep its own)",
                  file=sys.stderr, flush=True)
        self.driver = None if self.sut == "none" else \
            SutDriver(self.sut, self.triggers, self.interactive, self.timeout)

    def stop(self) -> None:
        if self._embedded is not None:
            self._embedded.stop()
            self._embedded.engine_dispose()
        if self._temporary is not None:  # the reports hold what they need of it
            shutil.rmtree(self._temporary, ignore_errors=True)
            self._temporary = None

    def open(self, profile: str | None, start: date | None = None,
             gemeenten: list[str] | None = None) -> Keten:
        """A new chain for a scenario: its own session on the exchange, starting on `start`
        (by default the run's today); with `gemeenten` (their names in the scenario), or in a
        run with --gemeenten, a session of several gemeenten sharing the aanbieder."""
        if self._last_regio is not None:  # the last scenario's regio: its idle gemeenten go
            from .regio import release_idle
            release_idle(self._last_regio)
            self._last_regio = None
        name = profile or self.profile
        regio = find_profile(name)
        if gemeenten is None and self.gemeenten:
            gemeenten = len(regio.gemeenten) if self.gemeenten == "profiel" \
                else int(self.gemeenten)
        keten = Keten(self.client, regio, self.release,
                      start or self.today or date.today(),
                      None if self.sut == "none" else self.sut, self.driver, self.timeout,
                      behaviour.pace(self.werkdag, self.interactive), name,
                      system=self.system if self.registered else None, gemeenten=gemeenten)
        keten.strict = self.strict
        self.current = keten
        if keten.sides:
            self._last_regio = keten
        # a registered system keeps its configuration: `sessie` only tells it the new session
        # (its counterparty and date) when a trigger for it is given, never asks a person
        if self.driver is not None and (not self.registered
                                        or Action.SESSIE in self.driver.triggers):
            self.driver.fire(keten, Action.SESSIE, {})
        return keten
