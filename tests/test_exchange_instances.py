"""Several exchange instances behind one PostgreSQL: two gunicorn processes (each with the
shipped configuration, two workers) on different ports share one database. Every message for
a gemeente with a push endpoint is pushed exactly once across them: claims are taken with
SELECT ... FOR UPDATE SKIP LOCKED and a lease (mock_gateway/push.py)."""
from __future__ import annotations

import time
from collections import Counter

import pytest

from mock_gateway.stuf.schema import STUF_NS

from .exchange_support import Client, Server, database_url
from .stuf_gemeente import GemeenteEndpoint, body_element

SHIPPED = ("-c", "python:mock_gateway.gunicorn_conf")
N = 24


class SlowEndpoint(GemeenteEndpoint):
    """A gemeente endpoint that takes its time to answer: claims of the instances overlap."""

    def __init__(self):
        super().__init__()
        handler = self.server.RequestHandlerClass
        post = handler.do_POST

        def slow_post(self_):
            time.sleep(0.05)
            post(self_)
        handler.do_POST = slow_post


@pytest.fixture
def two_instances(tmp_path):
    url, cleanup = database_url("postgresql", tmp_path)
    one = Server(url, tmp_path / "one.log", gunicorn_workers=2, gunicorn_args=SHIPPED)
    try:
        two = Server(url, tmp_path / "two.log", gunicorn_workers=2, gunicorn_args=SHIPPED)
        try:
            yield one, two
        finally:
            two.stop()
    finally:
        one.stop()
        cleanup()


def test_two_instances_on_one_database_push_each_message_once(two_instances):
    one, two = two_instances
    assert one.url != two.url
    endpoint = SlowEndpoint()
    try:
        session = Client(one.url).new_session(ggk_url=endpoint.url)
        via_two = Client(two.url)
        for i in range(N):  # alternately through each instance
            session.c = via_two if i % 2 else Client(one.url)
            r = session.submit(session.aanbieder, session.build("iwmo-3.2", "305"))
            assert r.status_code == 202, r.text
        endpoint.wait(N, timeout=60)
        deadline = time.monotonic() + 60
        while not all(m["status"] == "bezorgd" for m in session.journal()):
            assert time.monotonic() < deadline, "not every message became bezorgd"
            time.sleep(0.2)
        time.sleep(2.5)  # more than both pushers' poll interval: a double push would show
        refs = Counter(body_element(m).findtext(f"*/{{{STUF_NS}}}referentienummer")
                       for m in endpoint.received)
        assert len(endpoint.received) == N and len(refs) == N, refs.most_common(3)
        assert set(refs) == {m["referentienummer"] for m in session.journal()}
    finally:
        endpoint.close()
