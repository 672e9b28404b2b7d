"""The exchange's journal records per answer whether it came within its deadline, in the
session's dates: over real HTTP, on SQLite and PostgreSQL, with messages built by hand so
each day is chosen by the test (the simulated parties' chains: test_chains_on_exchange)."""
from __future__ import annotations

from datetime import date

import pytest

from harness.factories import data, render, to_bytes
from harness.standard import release

from .exchange_support import Client

MON = date(2026, 11, 2)  # a Monday


@pytest.fixture
def session(server):
    s = Client(server.url).new_session()
    s.set_clock(MON)
    return s


def heen(session, message: str, rel: str = "iwmo-3.2", **overrides) -> tuple[dict, str]:
    """Send a heen message built for this session: (its data, its journal id)."""
    d = data(rel, message, today=session.today, gemeente=session.gemeente.code,
             aanbieder=session.aanbieder.code, **overrides)
    msg = release(rel).message(message)
    r = session.submit(session.parties[msg.sender], to_bytes(render(release(rel), message, d)))
    assert r.status_code == 202, r.text
    return d, r.json()["id"]


def answer(session, message: str, rel: str = "iwmo-3.2", **overrides) -> dict:
    """Send an answer built for this session; its journal entry."""
    msg = release(rel).message(message)
    r = session.submit(session.parties[msg.sender],
                       session.build(rel, message, today=session.today, **overrides))
    assert r.status_code == 202, r.text
    [entry] = [e for e in session.journal() if e["id"] == r.json()["id"]]
    return entry


def test_a_retour_on_time(session):
    d, heen_id = heen(session, "301")
    session.set_clock(date(2026, 11, 5))  # 3 werkdagen later: the last day
    entry = answer(session, "302", heen=d, retourcodes=[])
    assert entry["day"] == "2026-11-05"
    assert entry["termijn"] == {"answers": heen_id, "kind": "retour", "received": "2026-11-02",
                                "due": "2026-11-05", "sent": "2026-11-05", "on_time": True,
                                "werkdagen_late": 0}
    [first] = [e for e in session.journal() if e["id"] == heen_id]
    assert first["day"] == "2026-11-02" and first["termijn"] is None  # a heen answers nothing
    # the verdict's permalink carries the same
    page = session.get(session.aanbieder, f"/api/messages/{entry['id']}/verdict").json()
    assert page["termijn"] == entry["termijn"] and page["day"] == entry["day"]


def test_a_retour_late_after_the_clock_moved_on(session):
    d, heen_id = heen(session, "305")
    r = session.admin("POST", "/clock", json={"werkdagen": 4})
    assert r.json()["today"] == "2026-11-06"
    session.today = date(2026, 11, 6)
    t = answer(session, "306", heen=d, retourcodes=[])["termijn"]
    assert (t["answers"], t["kind"], t["due"], t["sent"], t["on_time"], t["werkdagen_late"]) == \
        (heen_id, "retour", "2026-11-05", "2026-11-06", False, 1)


@pytest.mark.parametrize("sent, on_time, late", [(date(2026, 11, 16), True, 0),
                                                 (date(2026, 11, 17), False, 1)])
def test_a_325_within_10_werkdagen(session, sent, on_time, late):
    d, heen_id = heen(session, "323", "ijw-3.2")
    session.set_clock(sent)  # 10 / 11 werkdagen after Monday 2 November
    t = answer(session, "325", "ijw-3.2", heen=d)["termijn"]
    assert (t["answers"], t["kind"], t["received"], t["due"]) == \
        (heen_id, "declaratie", "2026-11-02", "2026-11-16")
    assert (t["on_time"], t["werkdagen_late"]) == (on_time, late)


def test_a_301_after_a_vot_and_the_next_one_answers_nothing(session):
    vot, vot_id = heen(session, "315")
    ref = vot["Client"]["AangevraagdeProducten"]["AangevraagdProduct"][0]["ReferentieAanbieder"]
    session.set_clock(date(2026, 11, 9))  # 5 werkdagen later
    first = answer(session, "301", producten=[{"ReferentieAanbieder": ref}])
    assert first["termijn"]["answers"] == vot_id and first["termijn"]["kind"] == "verzoek"
    assert first["termijn"]["due"] == "2026-11-09" and first["termijn"]["on_time"]
    again = answer(session, "301", producten=[{"ReferentieAanbieder": ref}])
    assert again["termijn"] is None  # the verzoek was answered already


def test_a_refused_message_has_its_day_and_no_termijn(session):
    d, _ = heen(session, "301")
    session.set_clock(date(2026, 11, 3))
    bad = session.build("iwmo-3.2", "302", heen=d, retourcodes=[]).replace(b"<", b"<<", 1)
    assert session.submit(session.aanbieder, bad).status_code == 400
    refused = session.journal()[-1]
    assert refused["status"] == "afgekeurd" and refused["day"] == "2026-11-03"
    assert refused["termijn"] is None
