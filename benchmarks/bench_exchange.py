"""Benchmark: submissions to the mock exchange under gunicorn, beside a bare Flask endpoint.

Both run under gunicorn with the same worker count (default 2 sync workers) and get the same
load in the same run: N POSTs of a factory-built ~50 KB WMO323 (each with its own
BerichtIdentificatie) from C concurrent clients (default 8 threads, requests). The bare
endpoint only reads the body; the exchange authenticates, judges the message in full (XSD and
every rule), checks it as the hubs do and journals it durably (SQLite WAL synchronous=FULL by
default, or --database postgresql://...). Prints messages/s and p50/p99 latency per target.

    .venv/bin/python benchmarks/bench_exchange.py [--requests 800] [--clients 8] [--workers 2]
                                                  [--database URL] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ADMIN = "bench-admin-token"


def bare_app():
    """The baseline: a Flask endpoint that reads the body and answers 202."""
    from flask import Flask, jsonify, request

    app = Flask("bare")

    @app.post("/api/messages")
    def receive():
        data = request.get_data()
        return jsonify({"id": "x", "status": "aangeboden", "size": len(data)}), 202

    @app.get("/openapi.json")
    def ready():
        return jsonify({})

    return app


def xsd_app():
    """The floor: a Flask endpoint that parses the body with lxml and validates it against its
    message's XSD (ketentest's own, compiled once a message type), answering 202 or 400. No
    exchange can refuse what the hubs refuse and do less than this for a message."""
    from flask import Flask, jsonify, request
    from lxml import etree

    from harness.standard import identify
    from harness.standard.xsd import compiled

    app = Flask("xsd")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)

    @app.post("/api/messages")
    def receive():
        root = etree.fromstring(request.get_data(), parser)
        rel, msg = identify(etree.QName(root).namespace)
        valid = compiled(rel, msg.id).validate(root)
        return jsonify({"id": "x", "status": "aangeboden" if valid else "afgekeurd"}), \
            202 if valid else 400

    @app.get("/openapi.json")
    def ready():
        return jsonify({})

    return app


@contextmanager
def database(server: str | None, sqlite: Path):
    """A fresh, empty database for one exchange: a SQLite file, or on the PostgreSQL server
    `server` a new database, dropped afterwards (each run starts from the same empty state)."""
    if not server:
        yield str(sqlite)
        return
    from sqlalchemy import create_engine, make_url, text
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(app_spec: str, workers: int, env: dict, log, options: list[str] = (),
          root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """gunicorn serving `app_spec` (imported from `root`) with `workers`; `options`: more of
    gunicorn's command line (a configuration file, a worker class). Returns once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *options, "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--pythonpath", f"{root},{ROOT / 'benchmarks'}",
         "--timeout", "120", app_spec],
        env=env, stdout=log, stderr=log, start_new_session=True, cwd=root)
    url = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            if requests.get(url + "/openapi.json", timeout=2).ok:
                return proc, url
        except requests.RequestException:
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit(f"{app_spec} did not start")


def cpu_seconds(proc: subprocess.Popen) -> float:
    """CPU time (user + system) used so far by gunicorn's master and workers (its process
    group): a figure the machine's other load changes much less than throughput (Linux)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == proc.pid:  # pgrp (start_new_session: the master's pid)
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def measured(proc: subprocess.Popen, run) -> dict:
    """`run()`'s figures with the CPU milliseconds per request of the server (`cpu_ms`) and
    of the clients in this process (`client_cpu_ms`) added."""
    before, client = cpu_seconds(proc), time.process_time()
    r = run()
    r["cpu_ms"] = 1000 * (cpu_seconds(proc) - before) / r["requests"]
    r["client_cpu_ms"] = 1000 * (time.process_time() - client) / r["requests"]
    return r


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(20)


def messages(n: int, gemeente: str, aanbieder: str, prestaties: int) -> list[bytes]:
    """n copies of one ~50 KB 323, each with its own Identificatie (the exchange refuses a
    second delivery of one identification, BRS20)."""
    from harness.factories import bericht, to_bytes
    root = bericht("iwmo-3.2", "323", today=date(2026, 11, 2), seed=1, gemeente=gemeente,
                   aanbieder=aanbieder, clienten=max(1, prestaties // 5), prestaties=5)
    ident = root.find(".//{*}BerichtIdentificatie/{*}Identificatie")
    template = to_bytes(root)
    old = f">{ident.text}<".encode()
    assert template.count(old) == 1
    return [template.replace(old, f">B{i:011d}<".encode()) for i in range(n)]


def load(url: str, token: str, bodies: list[bytes], clients: int) -> dict:
    """POST every body with `token` from `clients` concurrent clients: msg/s, p50, p99."""
    return load_jobs(url, [(token, body) for body in bodies], clients)


def load_jobs(url: str, jobs: list[tuple[str, bytes]], clients: int) -> dict:
    """POST every (token, body) from `clients` concurrent clients, each a keep-alive
    connection taking every `clients`-th job: msg/s, p50 and p99 latency, HTTP statuses."""
    def worker(part: list[tuple[str, bytes]]) -> list[tuple[float, int]]:
        http = requests.Session()
        out = []
        for token, body in part:
            t0 = time.perf_counter()
            r = http.post(url + "/api/messages", data=body, headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/xml"})
            out.append((time.perf_counter() - t0, r.status_code))
        return out

    parts = [jobs[i::clients] for i in range(clients)]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = [x for part in pool.map(worker, parts) for x in part]
    wall = time.perf_counter() - t0
    latencies = sorted(t for t, _ in results)
    return {"requests": len(results), "seconds": wall, "per_second": len(results) / wall,
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
            "statuses": sorted({s for _, s in results})}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=800)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--prestaties", type=int, default=50, help="~1 KB each: 50 give ~50 KB")
    ap.add_argument("--database", help="a PostgreSQL server's URL (the exchange gets a new "
                    "database on it); default: a SQLite file in a temporary folder")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    warmup = max(args.clients * 2, 8)

    with tempfile.TemporaryDirectory() as tmp, \
            database(args.database, Path(tmp) / "bench.db") as url_db:
        env = {**os.environ, "KETENTEST_DATABASE": url_db, "KETENTEST_ADMIN_TOKEN": ADMIN}
        log = open(Path(tmp) / "gunicorn.log", "wb")
        rows = {}
        bare, url = start("bench_exchange:bare_app()", args.workers, env, log)
        try:
            bodies = messages(args.requests + warmup, "0363", "12345678", args.prestaties)
            size = len(bodies[0])
            load(url, "-", bodies[:warmup], args.clients)
            rows["bare Flask (reads the body)"] = measured(
                bare, lambda: load(url, "-", bodies[warmup:], args.clients))
        finally:
            stop(bare)
        exchange, url = start("mock_gateway:create_app()", args.workers, env, log)
        try:
            r = requests.post(url + "/api/sessions", json={},
                              headers={"Authorization": f"Bearer {ADMIN}"})
            r.raise_for_status()
            g, a = r.json()["parties"]
            bodies = messages(args.requests + warmup, g["code"], a["code"], args.prestaties)
            load(url, a["token"], bodies[:warmup], args.clients)
            rows["mock exchange (judge + journal)"] = measured(
                exchange, lambda: load(url, a["token"], bodies[warmup:], args.clients))
        finally:
            stop(exchange)
            log.close()

    backend = "PostgreSQL" if args.database else "SQLite (WAL, synchronous=FULL)"
    print(f"{args.requests} POSTs of a {size / 1024:.0f} KB WMO323, {args.clients} clients, "
          f"gunicorn -w {args.workers}; exchange on {backend}\n")
    print("| target | msg/s | p50 | p99 | server CPU per msg | HTTP statuses |")
    print("|---|---:|---:|---:|---:|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['per_second']:.0f} | {r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms "
              f"| {r['cpu_ms']:.1f} ms | {', '.join(map(str, r['statuses']))} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"size": size, "rows": rows}, indent=1))
    ok = rows["mock exchange (judge + journal)"]["statuses"] == [202]
    if not ok:
        print("the exchange did not answer every submission with 202", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
