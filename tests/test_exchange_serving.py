"""Serving under the shipped gunicorn configuration (mock_gateway/gunicorn_conf.py), with real
sockets: clients that are slow to send (headers never finished, a body announced and not sent)
do not stop the exchange serving others."""
from __future__ import annotations

import socket
from contextlib import ExitStack

import requests

from .exchange_support import Client, running_server

SHIPPED = ("-c", "python:mock_gateway.gunicorn_conf")
PATIENCE = 60  # seconds a request may wait before the test calls the exchange blocked


def slow_clients(stack: ExitStack, url: str, n: int) -> list[socket.socket]:
    """n connections of each kind that stall: half a header block; a whole one announcing a
    body of 100,000 bytes of which 10 arrive."""
    host, port = url.removeprefix("http://").split(":")
    out = []
    for _ in range(n):
        for stall in (b"POST /api/messages HTTP/1.1\r\nHost: x\r\nAuthoriz",
                      b"POST /api/messages HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/xml\r\nAuthorization: Bearer nobody\r\n"
                      b"Content-Length: 100000\r\n\r\n<Bericht/"):
            sock = stack.enter_context(socket.create_connection((host, int(port))))
            sock.sendall(stall)
            out.append(sock)
    return out


def test_slow_clients_do_not_stop_the_exchange_serving_others(tmp_path):
    with running_server(tmp_path, gunicorn_workers=2, gunicorn_args=SHIPPED) as srv, \
            ExitStack() as stack:
        stalled = slow_clients(stack, srv.url, 2)  # 4 stalled connections, 2 workers
        assert len(stalled) == 4
        session = Client(srv.url).new_session()
        for _ in range(6):  # more requests than workers, each answered
            r = session.submit(session.gemeente, session.build("iwmo-3.2", "301"))
            assert r.status_code == 202, r.text
        r = requests.get(srv.url + "/openapi.json", timeout=PATIENCE)
        assert r.status_code == 200
        assert len(session.journal()) == 6


def test_chunked_bodies_read_like_bodies_with_a_length_under_gunicorn(tmp_path):
    def chunks(data: bytes):
        yield from (data[i:i + 100] for i in range(0, len(data), 100))
    with running_server(tmp_path, gunicorn_workers=2, gunicorn_args=SHIPPED) as srv:
        client = Client(srv.url, check=False)  # the OpenAPI check cannot read a stream
        r = client.http.post(srv.url + "/api/sessions", data=chunks(b'{"release": "ijw-3.2"}'),
                             headers={**client.admin, "Content-Type": "application/json"})
        assert r.status_code == 201 and r.json()["release"] == "ijw-3.2", r.text
        session = client.new_session()
        xml = session.build("iwmo-3.2", "301")
        r = session.c.http.post(srv.url + "/api/messages", data=chunks(xml), headers={
            **session.gemeente.auth, "Content-Type": "application/xml"})
        assert r.status_code == 202, r.text
        assert "Content-Length" not in r.request.headers
        assert session.journal()[0]["size"] == len(xml)
