"""The simulated parties on the real exchange: two ExchangeAgents over HTTP run 301 -> 302,
305 -> 306 and a VOT answered with a 301, judged in the chain on both sides and in the
exchange's session."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from harness.parties import SimulatedAanbieder, SimulatedGemeente
from harness.parties.exchange import ExchangeAgent, ExchangeError
from harness.profiles import builtin

from .exchange_support import Client, Server

TODAY = date(2026, 11, 2)  # a Monday


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("agents")
    srv = Server(f"sqlite:///{tmp / 'exchange.db'}", tmp / "server.log")
    yield srv
    srv.stop()


@pytest.fixture
def agents(server):
    session = Client(server.url).new_session(release="iwmo-3.2")
    g, a = session.gemeente, session.aanbieder
    profile = builtin("regio-accepteert")
    gemeente = ExchangeAgent(server.url, g.token,
                             SimulatedGemeente(profile, "iwmo-3.2", g.code, a.code))
    aanbieder = ExchangeAgent(server.url, a.token,
                              SimulatedAanbieder(profile, "iwmo-3.2", a.code, g.code))
    return session, gemeente, aanbieder


def run(day: date, *agents, rounds: int = 50) -> date:
    """Pump both parties day by day until a day passes with nothing pending, sent or received."""
    for _ in range(rounds):
        busy = sum(agent.pump(day) for agent in agents)
        if not busy and not any(agent.pending for agent in agents):
            return day
        if not busy:
            day += timedelta(days=1)
    raise AssertionError(f"still busy after {rounds} rounds")


def carried(node) -> list[str]:
    """The RetourCodes a received retour message carries, besides 0200 and 0233."""
    if isinstance(node, dict):
        own = node.get("RetourCodes", {}) or {}
        found = [c for c in own.get("RetourCode", []) if c not in ("0200", "0233")]
        return found + [c for k, v in node.items() if k != "RetourCodes" for c in carried(v)]
    if isinstance(node, list):
        return [c for item in node for c in carried(item)]
    return []


def codes(agent, message: str) -> list[list[str]]:
    """Per received message: the codes it carries (it must itself be accepted)."""
    got = agent.party.received(message)
    assert all(r.accepted for r in got), [r.retourcodes for r in got]
    return [carried(r.data) for r in got]


def test_toewijzing_start_and_verzoek_through_the_exchange(agents):
    session, gemeente, aanbieder = agents
    gemeente.send(gemeente.party.toewijzing(TODAY, "02A01"), today=TODAY)
    day = run(TODAY, gemeente, aanbieder)
    assert codes(gemeente, "302") == [[]]
    [bsn] = aanbieder.party.toewijzingen
    aanbieder.send(aanbieder.party.start(day, bsn), today=day)
    day = run(day, gemeente, aanbieder)
    assert codes(aanbieder, "306") == [[]]
    aanbieder.send(aanbieder.party.vot(day, ["03A01"], bsn=bsn), today=day)
    run(day, gemeente, aanbieder)
    assert codes(aanbieder, "316") == [[]]
    assert codes(aanbieder, "301") == [[], []]  # the first toewijzing, then the VOT's
    assert codes(gemeente, "302") == [[], []]
    # the exchange's own journal judged every message in the session's chain: all accepted
    journal = session.c.http.get(f"{session.c.url}/api/sessions/{session.id}/messages",
                                 headers=session.c.admin).json()["messages"]
    verdicts = [session.c.http.get(session.c.url + m["verdict"], headers=session.c.admin)
                .json()["verdict"] for m in journal]
    assert len(journal) == 8 and all(v["accepted"] for v in verdicts), verdicts


def test_a_start_without_toewijzing_is_answered_with_9019(agents):
    """The simulated gemeente judges in its view of the chain: a start on a toewijzing it
    never sent comes back with TR019's code in the 306."""
    session, gemeente, aanbieder = agents
    party = aanbieder.party
    start = party.emit("305", party.build("305", TODAY, Client={
        **party.build("305", TODAY)["Client"], "Bsn": "999993653"}), TODAY)
    aanbieder.send(start, today=TODAY)
    run(TODAY, gemeente, aanbieder)
    assert codes(aanbieder, "306") == [["9019"]]


def test_a_refusal_by_the_exchange_is_an_error_that_says_why(agents):
    session, gemeente, aanbieder = agents
    out = gemeente.party.toewijzing(TODAY, "02A01")
    gemeente.send(out, today=TODAY)
    aanbieder.pending.append(out)  # the aanbieder's token for the gemeente's message
    with pytest.raises(ExchangeError, match="BRS02"):
        aanbieder.pump(TODAY)
