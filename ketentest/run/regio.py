"""A scenario's regio: one session of several gemeenten sharing the aanbieder (the exchange's
`{"gemeenten": N}`). Each gemeente has its own chain with the aanbieder, so it has its own
simulated gemeente, its own dossier at the simulated aanbieder (an agent per gemeente on the
aanbieder's one token, each taking what its gemeente sent), and its own facts (the client, the
toewijzingen). The steps speak of one gemeente at a time (`Keten.use`): the first, until a
step names another; a system under test plays the aanbieder of all of them (the gemeenten
share the aanbieder, not a gemeente: `ketentest run` refuses --gemeenten with --sut gemeente).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from harness.parties import SimulatedAanbieder, SimulatedGemeente
from harness.profiles import Profile

from ..agent import ExchangeAgent


@dataclass
class Side:
    """One gemeente of the regio: its name in the scenario, code, token, session (its chain
    and journal), the agents playing its chain and what the steps remember of it."""

    name: str
    code: str
    token: str
    session: str
    agents: dict = field(repr=False)
    facts: object = field(repr=False)


def open_regio(keten, created: dict, names: list[str] | None, profile: Profile) -> None:
    """The regio's sides from the exchange's answer; `names` as the scenario calls its
    gemeenten (default: their codes). The first side is the keten's own agents and facts."""
    from .keten import Facts

    listed = created.get("gemeenten") or [  # a regio of one: the session's own gemeente
        {**created["parties"][0], "session": created["id"]}]
    names = list(names or [g["code"] for g in listed])
    aanbieder = keten.codes["aanbieder"]
    shared = keten.agents.get("aanbieder")
    for i, (name, g) in enumerate(zip(names, listed)):
        if i == 0:
            agents, facts = keten.agents, keten.facts
        else:
            agents, facts = {}, Facts()
            agents["gemeente"] = ExchangeAgent(
                keten.client.url, g["token"],
                SimulatedGemeente(profile, keten.release, g["code"], aanbieder),
                keten.client.party_http(g))
            if shared is not None:
                agents["aanbieder"] = ExchangeAgent(
                    keten.client.url, keten.tokens["aanbieder"],
                    SimulatedAanbieder(profile, keten.release, aanbieder, g["code"]),
                    shared.client.http)
        if "aanbieder" in agents:
            agents["aanbieder"].only_from = g["code"]
        keten.sides[name] = Side(name, g["code"], g["token"], g["session"], agents, facts)
    keten.sessions = [side.session for side in keten.sides.values()]
    keten.focus = listed[0]["session"]


def release_idle(keten) -> None:
    """After a scenario: the gemeenten of its regio that exchanged nothing are deleted, so
    their CBS codes (unique among live sessions: 342) are free for the next scenarios of a run
    in regio mode; the sessions that hold messages stay for the certificate's permalinks."""
    for side in list(keten.sides.values())[1:]:
        if not keten.client.journal(side.session):
            keten.client.request("DELETE", f"/api/sessions/{side.session}")
