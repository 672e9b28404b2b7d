"""Nothing lost, nothing doubled: concurrent submissions against gunicorn with two worker
processes, and a kill -9 of the server right after a 202. On SQLite and PostgreSQL."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from .exchange_support import Client, Server, database_url

THREADS, PER_THREAD = 8, 25


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    url, cleanup = database_url(request.param, tmp_path)
    yield url
    cleanup()


def test_concurrent_submissions_none_lost_none_doubled(database, tmp_path):
    server = Server(database, tmp_path / "gunicorn.log", gunicorn_workers=2)
    try:
        client = Client(server.url, check=False)  # speed; the HTTP tests check the contract
        sessions = [client.new_session() for _ in range(2)]
        messages = [(s, s.build("ijw-3.2", "305" if i % 2 else "323"))
                    for s in sessions for i in range(THREADS * PER_THREAD // 2)]

        def send(chunk):
            out = []
            with_http = Client(server.url, check=False).http
            for s, xml in chunk:
                r = with_http.post(server.url + "/api/messages", data=xml,
                                   headers={**s.aanbieder.auth, "Content-Type": "application/xml"})
                out.append((s.id, r.status_code, r.json().get("id")))
            return out

        chunks = [messages[i::THREADS] for i in range(THREADS)]
        with ThreadPoolExecutor(THREADS) as pool:
            results = [x for part in pool.map(send, chunks) for x in part]
        assert len(results) == THREADS * PER_THREAD
        assert {status for _, status, _ in results} == {202}
        for s in sessions:
            accepted = {msg_id for sid, _, msg_id in results if sid == s.id}
            inbox = s.box(s.gemeente, limit=1000)
            assert len(inbox) == len(accepted) == THREADS * PER_THREAD // 2
            assert {m["id"] for m in inbox} == accepted
            assert len({m["identificatie"] for m in inbox}) == len(inbox)
            assert sorted(m["seq"] for m in inbox) == list(range(1, len(inbox) + 1))
            assert len(s.journal(limit=1000)) == len(inbox)
    finally:
        server.stop()


def test_concurrent_copies_of_one_message_are_delivered_once(database, tmp_path):
    server = Server(database, tmp_path / "gunicorn.log", gunicorn_workers=2)
    try:
        s = Client(server.url, check=False).new_session()
        xml = s.build("iwmo-3.2", "301")
        with ThreadPoolExecutor(THREADS) as pool:
            statuses = list(pool.map(lambda _: s.submit(s.gemeente, xml).status_code,
                                     range(THREADS * 2)))
        assert sorted(statuses) == [202] + [409] * (THREADS * 2 - 1)
        assert len(s.box(s.aanbieder)) == 1
        journal = s.journal()
        assert len(journal) == THREADS * 2
        assert sum(m["refusal"] is not None and m["refusal"]["code"] == "BRS20"
                   for m in journal) == THREADS * 2 - 1
        # sessions created at the same moment get distinct identities
        client = Client(server.url, check=False)
        with ThreadPoolExecutor(THREADS) as pool:
            created = list(pool.map(lambda _: client.new_session(), range(THREADS * 2)))
        assert len({c.gemeente.code for c in created} | {s.gemeente.code}) == THREADS * 2 + 1
        assert len({c.aanbieder.code for c in created} | {s.aanbieder.code}) == THREADS * 2 + 1
    finally:
        server.stop()


def test_kill_9_after_202_loses_nothing(database, tmp_path):
    server = Server(database, tmp_path / "serve.log")
    s = Client(server.url).new_session()
    xml = s.build("iwmo-3.2", "323")
    r = s.submit(s.aanbieder, xml)
    assert r.status_code == 202
    msg_id = r.json()["id"]
    server.kill()
    assert server.proc.returncode == -9

    restarted = Server(database, tmp_path / "serve.log")
    try:
        s.c.url = restarted.url
        assert [m["id"] for m in s.box(s.gemeente)] == [msg_id]
        assert s.get(s.gemeente, f"/api/messages/{msg_id}").content == xml
        assert s.post(s.gemeente, f"/api/messages/{msg_id}/ack").json()["status"] == "bezorgd"
        # and the restarted exchange still knows the identification (BRS20)
        assert s.submit(s.aanbieder, xml).json()["code"] == "BRS20"
    finally:
        restarted.stop()
