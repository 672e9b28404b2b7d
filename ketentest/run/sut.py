"""Driving the system under test: a step it must perform fires the action's trigger (a shell
command or a webhook) if the run names one, asks a person at the terminal when the run is
interactive, and otherwise just waits for the system's message (it may act on its own).

Every trigger gets the same facts: the action, the exchange and the scenario's session with
the system's party code and token (a new session per scenario), the other party's code, the
session's date, and the action's own facts (client BSN, product, ToewijzingNummer, and the
variant a step asks: a unit, a volume, a period; `actions.FACTS` lists them per action):

- a command gets them as environment variables KETENTEST_ACTION, KETENTEST_EXCHANGE,
  KETENTEST_SESSION, KETENTEST_ROLE, KETENTEST_CODE, KETENTEST_TOKEN, KETENTEST_OTHER_CODE,
  KETENTEST_TODAY and KETENTEST_<FACT> (KETENTEST_BSN, KETENTEST_PRODUCT, ...) and must exit 0;
- a URL gets them as a JSON object in a POST and must answer 2xx.

The action `sessie` fires when a scenario opens its session, before any other action, so an
adapter can point the system at the new party code and token; `klok` fires whenever the
session's date moves (e.g. "de maand is om"), so the system's date can follow.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

import requests

from harness.standard.codes import Role

from .actions import ACTIONS
from .keten import ChainFailure


@dataclass
class SutDriver:
    role: str  # gemeente | aanbieder
    triggers: dict[str, str] = field(default_factory=dict)  # action -> command or URL
    interactive: bool = False
    timeout: float = 60.0
    out: TextIO = sys.stderr

    def facts(self, keten, action: str, params: dict) -> dict:
        return {"action": action, "role": self.role, "exchange": keten.client.url,
                "session": keten.session, "code": keten.codes[self.role],
                "token": keten.tokens[self.role],
                "other_code": keten.codes[Role(self.role).other],
                "today": keten.today.isoformat(), "release": keten.release,
                "profile": keten.profile_name,
                **{k: "" if v is None else str(v) for k, v in params.items()}}

    def fire(self, keten, action: str, params: dict) -> None:
        facts = self.facts(keten, action, params)
        target = self.triggers.get(action)
        if target is None:
            if self.interactive:
                self._ask(action, facts)
            return
        if target.startswith(("http://", "https://")):
            self._post(target, action, facts)
        else:
            self._run(target, action, facts)

    def _post(self, url: str, action: str, facts: dict) -> None:
        try:
            r = requests.post(url, json=facts, timeout=self.timeout)
        except requests.RequestException as e:
            raise ChainFailure(f"trigger {action}: POST {url} failed: {e}") from None
        if r.status_code >= 300:
            raise ChainFailure(f"trigger {action}: POST {url} answered HTTP {r.status_code}: "
                               f"{r.text[:300]}")

    def _run(self, command: str, action: str, facts: dict) -> None:
        env = {**os.environ, **{f"KETENTEST_{k.upper()}": v for k, v in facts.items()}}
        try:
            done = subprocess.run(command, shell=True, env=env, capture_output=True,
                                  text=True, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise ChainFailure(f"trigger {action}: `{command}` ran longer than "
                               f"{self.timeout:g} s") from None
        if done.returncode != 0:
            raise ChainFailure(f"trigger {action}: `{command}` exited {done.returncode}: "
                               f"{(done.stderr or done.stdout).strip()[-300:]}")

    def _ask(self, action: str, facts: dict) -> None:
        # all in Dutch, as the actions are: a person reads one language per question
        _, what = ACTIONS.get(action, (self.role, action))
        self.out.write(f"\n>>> {self.role} (het te testen systeem), actie {action}: "
                       f"{what.format_map(_Blank(facts))}\n    druk op Enter als dat gedaan is ")
        self.out.flush()
        sys.stdin.readline()

    _shown: float | None = field(default=None, init=False, repr=False)  # waiting line written
    _line: str = field(default="", init=False, repr=False)

    def waiting(self, keten, what: str, left: float, now: float | None = None) -> None:
        """While the system under test is awaited: what, the seconds left, and the session's
        party codes (so a person can check the system uses them). On a terminal one line
        counting down in place; elsewhere a line every 10 seconds."""
        now = time.monotonic() if now is None else now
        tty = hasattr(self.out, "isatty") and self.out.isatty()
        if self._shown is not None and now - self._shown < (1 if tty else 10):
            return
        self._shown = now
        line = (f"waiting for {what}: {max(left, 0):.0f} s left (session {keten.session[:12]}, "
                f"gemeente {keten.codes['gemeente']}, aanbieder {keten.codes['aanbieder']})")
        self.out.write(f"\r\x1b[K{line}" if tty else line + "\n")
        self.out.flush()
        self._line = line

    def waited(self) -> None:
        """The awaited message came (or the time ran out): the counting line goes."""
        if self._line and hasattr(self.out, "isatty") and self.out.isatty():
            self.out.write("\r\x1b[K")
            self.out.flush()
        self._shown, self._line = None, ""


class _Blank(dict):
    """format_map that leaves facts an action does not have empty."""

    def __missing__(self, key):
        return ""


def parse_triggers(specs: list[str]) -> dict[str, str]:
    """ACTION=COMMAND|URL pairs from the command line, checked against the known actions."""
    triggers = {}
    for spec in specs:
        action, sep, target = spec.partition("=")
        if not sep or not target:
            raise ValueError(f"--trigger {spec!r}: give ACTION=COMMAND or ACTION=URL")
        if action not in ACTIONS:
            raise ValueError(f"--trigger {spec!r}: unknown action {action!r}; known: "
                             + ", ".join(ACTIONS))
        triggers[action] = target
    return triggers
