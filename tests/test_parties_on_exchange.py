"""The simulated parties on the real exchange: two ExchangeAgents over HTTP run 301 -> 302,
305 -> 306 and a VOT answered with a 301, judged in the chain on both sides and in the
exchange's session."""
from __future__ import annotations

from datetime import date

import pytest

from ketentest.agent import ExchangeError
from harness.profiles import builtin

from .exchange_support import agents as on_exchange
from .exchange_support import codes, run

TODAY = date(2026, 11, 2)  # a Monday


@pytest.fixture
def agents(sqlite_server):
    return on_exchange(sqlite_server, builtin("regio-accepteert"), start=TODAY)


def test_toewijzing_start_and_verzoek_through_the_exchange(agents):
    session, gemeente, aanbieder = agents
    gemeente.send(gemeente.party.toewijzing(TODAY, "02A01"), today=TODAY)
    day = run(session, TODAY, gemeente, aanbieder)
    assert codes(gemeente, "302") == [[]]
    [bsn] = aanbieder.party.toewijzingen
    aanbieder.send(aanbieder.party.start(day, bsn), today=day)
    day = run(session, day, gemeente, aanbieder)
    assert codes(aanbieder, "306") == [[]]
    aanbieder.send(aanbieder.party.vot(day, ["03A01"], bsn=bsn), today=day)
    run(session, day, gemeente, aanbieder)
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
    run(session, TODAY, gemeente, aanbieder)
    assert codes(aanbieder, "306") == [["9019"]]


def test_a_refusal_by_the_exchange_is_an_error_that_says_why(agents):
    session, gemeente, aanbieder = agents
    out = gemeente.party.toewijzing(TODAY, "02A01")
    gemeente.send(out, today=TODAY)
    aanbieder.pending.append(out)  # the aanbieder's token for the gemeente's message
    with pytest.raises(ExchangeError, match="BRS02"):
        aanbieder.pump(TODAY)
