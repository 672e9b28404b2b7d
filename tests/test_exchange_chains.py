"""The sessions' chain states on the exchange (mock_gateway.chains): a snapshot plus a log of
changes, cached per process by log position. Several processes (here: several apps on one
database, each with its own cache) judge against the same chain; a session migrated from the
schema before the log keeps its state; a submission is judged once, also under concurrency,
and a process judges one submission at a time."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import create_engine

from harness.chain import ChainState, judge
from harness.factories import bericht, to_bytes
from harness.validation import Context
from mock_gateway import Config, create_app, delivery
from mock_gateway.db import token_hash
from mock_gateway.migrate import alembic_config

from .exchange_support import database_url

ADMIN = {"Authorization": "Bearer adm"}
BSN = "999993653"
TODAY = date(2026, 11, 2)


def new_session(client, **body):
    r = client.post("/api/sessions", json={"release": "ijw-3.2", **body}, headers=ADMIN)
    assert r.status_code == 201, r.json
    sid = r.json["id"]
    assert client.post(f"/api/sessions/{sid}/clock", json={"date": TODAY.isoformat()},
                       headers=ADMIN).status_code == 200
    g, a = r.json["parties"]
    return sid, g, a


def submit(client, party, xml: bytes):
    return client.post("/api/messages", data=xml, headers={
        "Authorization": f"Bearer {party['token']}", "Content-Type": "application/xml"})


def findings(client, party, r) -> list[str]:
    assert r.status_code == 202, r.json
    v = client.get(f"/api/messages/{r.json['id']}/verdict",
                   headers={"Authorization": f"Bearer {party['token']}"}).json["verdict"]
    return [f["rule"] for f in v["findings"]]


def toewijzing(g, a, nummer: int) -> bytes:
    return to_bytes(bericht("ijw-3.2", "301", today=TODAY, gemeente=g["code"],
                            aanbieder=a["code"], Client__Bsn=BSN, producten=[
                                {"ToewijzingNummer": nummer, "Ingangsdatum": date(2026, 10, 1)}]))


def start(g, a, nummer: int) -> bytes:
    return to_bytes(bericht("ijw-3.2", "305", today=TODAY, gemeente=g["code"],
                            aanbieder=a["code"], Client__Bsn=BSN, producten=[
                                {"ToewijzingNummer": nummer, "Begindatum": date(2026, 10, 5)}]))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    url, cleanup = database_url(request.param, tmp_path)
    yield url
    cleanup()


def test_two_processes_judge_against_one_chain(database):
    """Each app has its own cache: what one delivered, the other judges against (it applies
    the logged change, without judging that message again)."""
    one = create_app(Config(database=database, admin_token="adm"))
    two = create_app(Config(database=database, admin_token="adm"))
    c1, c2 = one.test_client(), two.test_client()
    sid, g, a = new_session(c1)
    assert submit(c1, g, toewijzing(g, a, 1001)).status_code == 202
    assert findings(c2, a, submit(c2, a, start(g, a, 1001))) == []  # two learnt of 1001
    assert findings(c2, a, submit(c2, a, start(g, a, 4242))) == ["TR019"]
    replayed = two.extensions["ketentest"].chains.replayed
    assert replayed == 1
    assert submit(c2, g, toewijzing(g, a, 1002)).status_code == 202
    assert findings(c1, a, submit(c1, a, start(g, a, 1002))) == []  # one learnt of 1002
    # a reset forgets the chain in every process, whatever it cached
    assert c1.post(f"/api/sessions/{sid}/reset", headers=ADMIN).status_code == 200
    c1.post(f"/api/sessions/{sid}/clock", json={"date": TODAY.isoformat()}, headers=ADMIN)
    assert findings(c2, a, submit(c2, a, start(g, a, 1001))) == ["TR019"]
    assert findings(c1, a, submit(c1, a, start(g, a, 1002))) == ["TR019"]


def test_a_failed_transaction_leaves_no_state_behind(database, monkeypatch):
    app = create_app(Config(database=database, admin_token="adm"))
    c = app.test_client()
    sid, g, a = new_session(c)
    real = delivery.chains.record

    def record_then_crash(*args):
        real(*args)  # the cached state takes the toewijzing in ...
        raise RuntimeError("disk on fire")  # ... and the commit never happens
    monkeypatch.setattr(delivery.chains, "record", record_then_crash)
    assert submit(c, g, toewijzing(g, a, 1001)).status_code == 500
    monkeypatch.undo()
    assert findings(c, a, submit(c, a, start(g, a, 1001))) == ["TR019"]


def test_each_submission_is_judged_once_under_concurrency(database, monkeypatch):
    """8 clients on one session: every submission is judged once before the lock and its
    chain rules run once under it (there is no stale verdict to redo)."""
    app = create_app(Config(database=database, admin_token="adm"))
    c = app.test_client()
    sid, g, a = new_session(c)
    calls = {"prepared": 0, "chained": 0}

    def counted(name, fn):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)
        return wrapper
    monkeypatch.setattr(delivery, "prepare_submission",
                        counted("prepared", delivery.prepare_submission))
    monkeypatch.setattr(delivery, "complete", counted("chained", delivery.complete))
    bodies = [toewijzing(g, a, 2000 + i) for i in range(24)]

    def send(body):
        return submit(app.test_client(), g, body).status_code
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, bodies))
    assert statuses == [202] * 24
    assert calls == {"prepared": 24, "chained": 24}
    assert findings(c, a, submit(c, a, start(g, a, 2023))) == []


def test_a_process_judges_one_submission_at_a_time(database, monkeypatch):
    """8 threads of one process submitting at once: the judging never overlaps (threads wait
    on slow clients and the database; judging is CPU-bound, and several threads judging at
    once only contend for the interpreter lock: README "At scale")."""
    app = create_app(Config(database=database, admin_token="adm"))
    _, g, a = new_session(app.test_client())
    guard, inside, most = threading.Lock(), [0], [0]

    def watched(fn):
        def wrapper(*args, **kwargs):
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            try:
                time.sleep(0.005)  # room for another thread to come in, if it may
                return fn(*args, **kwargs)
            finally:
                with guard:
                    inside[0] -= 1
        return wrapper
    monkeypatch.setattr(delivery, "prepare_submission", watched(delivery.prepare_submission))
    bodies = [toewijzing(g, a, 3000 + i) for i in range(16)]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda b: submit(app.test_client(), g, b).status_code, bodies))
    assert statuses == [202] * 16
    assert most[0] == 1


def _old_database(url: str) -> None:
    """A database in the schema before the chain log (0003) with a session holding a chain
    state: a toewijzing 1001 of client BSN."""
    from alembic import command
    from mock_gateway.config import database_url as sa_url
    engine = create_engine(sa_url(url))
    state = ChainState()
    data = to_bytes(bericht("ijw-3.2", "301", today=TODAY, gemeente="0363", aanbieder="12345678",
                            Client__Bsn=BSN, producten=[{"ToewijzingNummer": 1001,
                                                         "Ingangsdatum": date(2026, 10, 1)}]))
    assert state.record(judge(state, data, "301", Context(today=TODAY)))
    cfg = alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        conn.commit()
        conn.exec_driver_sql(
            "insert into sessions (id, release, gemeentecode, agb, today, chain_state, "
            "created_at) values (%(id)s, 'ijw-3.2', '0363', '12345678', '2026-11-02', "
            "%(state)s, '2026-11-02 09:00:00')" if conn.dialect.name == "postgresql" else
            "insert into sessions (id, release, gemeentecode, agb, today, chain_state, "
            "created_at) values (:id, 'ijw-3.2', '0363', '12345678', '2026-11-02', :state, "
            "'2026-11-02 09:00:00')", {"id": "a" * 32, "state": state.to_json()})
        for role, code in (("gemeente", "0363"), ("aanbieder", "12345678")):
            conn.exec_driver_sql(
                "insert into parties (session_id, role, code, token_hash) values "
                + ("(%(s)s, %(r)s, %(c)s, %(h)s)" if conn.dialect.name == "postgresql"
                   else "(:s, :r, :c, :h)"),
                {"s": "a" * 32, "r": role, "c": code, "h": token_hash(f"old-{role}")})
        conn.commit()
    engine.dispose()


def test_a_session_from_before_the_chain_log_keeps_its_chain(database):
    _old_database(database)
    app = create_app(Config(database=database, admin_token="adm"))  # migrates to head
    c = app.test_client()
    g = {"code": "0363", "token": "old-gemeente"}
    a = {"code": "12345678", "token": "old-aanbieder"}
    assert findings(c, a, submit(c, a, start(g, a, 1001))) == []  # known from the snapshot
    assert findings(c, a, submit(c, a, start(g, a, 4242))) == ["TR019"]
    assert submit(c, g, toewijzing(g, a, 1002)).status_code == 202  # logged after it
    fresh = create_app(Config(database=database, admin_token="adm")).test_client()
    assert findings(fresh, a, submit(fresh, a, start(g, a, 1002))) == []
    # the snapshot's start of 1001 is there too: a second start on it is TR074, not TR019
    assert findings(fresh, a, submit(fresh, a, start(g, a, 1001))) == ["TR074"]
    session = c.get(f"/api/sessions/{'a' * 32}", headers=ADMIN).json
    assert session["messages"] == 5 and session["release"] == "ijw-3.2"


def test_a_compacted_log_serves_warm_and_cold_processes(database, monkeypatch):
    """Every COMPACT_EVERY changes the state becomes a snapshot and the log before it goes: a
    process whose cached state is older rebuilds from the snapshot, a new one starts from it."""
    from mock_gateway import chains
    from mock_gateway.db import ChainChange, ExchangeSession, reading
    from sqlalchemy import func, select
    monkeypatch.setattr(chains, "COMPACT_EVERY", 3)
    one = create_app(Config(database=database, admin_token="adm"))
    two = create_app(Config(database=database, admin_token="adm"))
    c1, c2 = one.test_client(), two.test_client()
    sid, g, a = new_session(c1)
    assert submit(c2, g, toewijzing(g, a, 1000)).status_code == 202  # two caches position 1
    for nummer in (1001, 1002, 1003, 1004):
        assert submit(c1, g, toewijzing(g, a, nummer)).status_code == 202
    with reading(one.extensions["ketentest"].engine) as s:
        session = s.get(ExchangeSession, sid)
        assert (session.chain_from, session.chain_pos) == (3, 5)
        logged = s.scalar(select(func.count()).select_from(ChainChange)
                          .where(ChainChange.session_id == sid))
        assert logged == 2  # positions 4 and 5
    # two's cache (position 1) is older than the snapshot (3): it rebuilds and knows 1000
    assert findings(c2, a, submit(c2, a, start(g, a, 1000))) == []
    # one's cache at the head knows that start now too (a second start on it is TR074)
    assert findings(c1, a, submit(c1, a, start(g, a, 1000))) == ["TR074"]
    cold = create_app(Config(database=database, admin_token="adm")).test_client()
    for nummer in (1001, 1002, 1003, 1004):
        assert findings(cold, a, submit(cold, a, start(g, a, nummer))) == []
    assert findings(cold, a, submit(cold, a, start(g, a, 4242))) == ["TR019"]
