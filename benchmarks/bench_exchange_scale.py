"""Benchmark: does the exchange's cost per message stay flat as chains grow and sessions
multiply? Every figure is a ratio against a bare Flask endpoint (that only reads the body)
under the same gunicorn configuration, in the same run; beside it the floor: an endpoint that
only parses the body with lxml and validates it against its XSD (bench_exchange.xsd_app), the
least any exchange that refuses what the hubs refuse must do for a message.

Loads (each from C concurrent clients, default 8; gunicorn with 2 workers):
  301s      one session, N 4 KB WMO301s (each a new toewijzing: the chain grows)
  323s      one session, M 1 MB WMO323s (~1,000 prestaties each: the state grows by as many)
  1000th    one session, one client: the median latency and the server's CPU per message of
            messages 1..K against those of messages 1000..1000+K (the 998 between are sent by
            C clients, not timed; each probe after a pause of a second)
  sessions  50 sessions x 20 WMO301s at once

for each worker class asked for (sync: 2 processes of 1 thread; gthread: the shipped
mock_gateway/gunicorn_conf.py, 2 processes of 8 threads; gthread:N: N threads). It also
counts, inside the workers, how often a submission is judged (the part before the session
lock) and how often its chain rules run: the verdicts per submission; and the CPU time the
server used per request (master and workers, from /proc), a figure the machine's other load
moves much less than throughput. --baseline DIR measures the exchange of another checkout
(e.g. `git worktree add DIR main`) in the same run, against the same bare Flask figures.

    .venv/bin/python benchmarks/bench_exchange_scale.py [--classes sync,gthread]
        [--database URL] [--n301 400] [--n323 24] [--loads 301s,323s,1000th,sessions]
        [--baseline DIR] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_exchange  # noqa: E402
from bench_exchange import ADMIN, database, load, load_jobs, measured, stop  # noqa: E402

TODAY = date(2026, 11, 2)


def start(app_spec: str, klass: str, env: dict, log, workers: int, root: Path = ROOT):
    """gunicorn with the shipped configuration (count_conf.py adds the counting); `klass`:
    gthread (shipped), gthread:N (N threads a worker), or sync (one thread a worker)."""
    options = ["-c", str(ROOT / "benchmarks" / "count_conf.py")]
    name, _, threads = klass.partition(":")
    if name == "sync":
        options += ["-k", "sync", "--threads", "1"]
    elif threads:
        options += ["--threads", threads]
    return bench_exchange.start(app_spec, workers, env, log, options, root)


# -- messages ----------------------------------------------------------------------------

def _template(message: str, gemeente: str, aanbieder: str, **kw):
    from harness.factories import bericht
    return bericht("iwmo-3.2", message, today=TODAY, seed=1, gemeente=gemeente,
                   aanbieder=aanbieder, **kw)


def toewijzingen(n: int, gemeente: str, aanbieder: str, first: int = 0) -> list[bytes]:
    """n 4 KB 301s, each with its own Identificatie and ToewijzingNummer."""
    from harness.factories import to_bytes
    root = _template("301", gemeente, aanbieder)
    ident = root.find(".//{*}BerichtIdentificatie/{*}Identificatie")
    nummers = root.findall(".//{*}ToegewezenProduct/{*}ToewijzingNummer")
    out = []
    for i in range(first, first + n):
        ident.text = f"T{uuid.uuid4().hex[:11].upper()}"
        for k, el in enumerate(nummers):
            el.text = str(10_000_000 + i * len(nummers) + k)
        out.append(to_bytes(root))
    return out


def declaraties(n: int, gemeente: str, aanbieder: str, clienten: int = 200) -> list[bytes]:
    """n 323s of `clienten` x 5 prestaties (200: ~1 MB), each with its own Identificatie,
    DeclaratieNummer and ReferentieNummers."""
    from harness.factories import to_bytes
    root = _template("323", gemeente, aanbieder, clienten=clienten, prestaties=5)
    ident = root.find(".//{*}BerichtIdentificatie/{*}Identificatie")
    nummer = root.find(".//{*}DeclaratieNummer")
    refs = root.findall(".//{*}Prestatie/{*}ProductReferentie/{*}ReferentieNummer")
    out = []
    for i in range(n):
        ident.text = f"D{i:011d}"
        nummer.text = f"DN{i:010d}"
        for k, el in enumerate(refs):
            el.text = f"R{i:05d}{k:06d}"
        out.append(to_bytes(root))
    return out


# -- runs --------------------------------------------------------------------------------

class Exchange:
    def __init__(self, url: str, proc):
        self.url, self.proc = url, proc

    def session(self) -> tuple[dict, dict]:
        r = requests.post(self.url + "/api/sessions", json={},
                          headers={"Authorization": f"Bearer {ADMIN}"})
        r.raise_for_status()
        sid = r.json()["id"]
        requests.post(f"{self.url}/api/sessions/{sid}/clock", json={"date": TODAY.isoformat()},
                      headers={"Authorization": f"Bearer {ADMIN}"}).raise_for_status()
        g, a = r.json()["parties"]
        return g, a


def sequential(url: str, token: str, bodies: list[bytes]) -> list[float]:
    http = requests.Session()
    out = []
    for body in bodies:
        t0 = time.perf_counter()
        r = http.post(url + "/api/messages", data=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/xml"})
        out.append(time.perf_counter() - t0)
        assert r.status_code == 202, r.text
    return out


class Counts:
    """Judgings and chain-rule runs counted inside the workers (count_conf.py)."""

    def __init__(self, folder: Path):
        self.prepared, self.chained = folder / "prepared", folder / "chained"

    def read(self) -> tuple[int, int]:
        return tuple(p.stat().st_size if p.exists() else 0
                     for p in (self.prepared, self.chained))

    def since(self, before: tuple[int, int], n: int) -> tuple[float, float]:
        now = self.read()
        return (now[0] - before[0]) / n, (now[1] - before[1]) / n


LOADS = ("301s", "323s", "1000th", "sessions")


def run_class(klass: str, args, tmp: Path, log) -> dict:
    counts = Counts(tmp)
    env = {**os.environ, "KETENTEST_ADMIN_TOKEN": ADMIN, "BENCH_COUNT_DIR": str(tmp)}

    def path(root: Path) -> dict:  # the exchange (and its gunicorn configuration) from root
        return {"PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}

    small = toewijzingen(args.n301 + 16, "0363", "12345678")
    large = declaraties(args.n323 + 2, "0363", "12345678", args.clienten)

    def reference(app_spec: str) -> dict:
        """The 4 KB and 1 MB loads against a reference endpoint (bare Flask, the floor)."""
        proc, url = start(app_spec, klass, {**env, **path(ROOT)}, log, args.workers)
        try:
            load(url, "-", small[:16], args.clients)
            out = {"4 KB": measured(proc, lambda: load(url, "-", small[16:], args.clients)),
                   "1 MB": measured(proc, lambda: load(url, "-", large, args.clients))}
        finally:
            stop(proc)
        assert all(r["statuses"] == [202] for r in out.values()), (app_spec, out)
        return out
    bare, floor = reference("bench_exchange:bare_app()"), reference("bench_exchange:xsd_app()")
    rows = {}
    roots = {"": ROOT, **({"before: ": Path(args.baseline)} if args.baseline else {})}
    for label, root in roots.items():
        with database(args.database, tmp / f"bench-{klass}-{len(label)}.db") as url_db:
            proc, url = start("mock_gateway:create_app()", klass,
                              {**env, **path(root), "KETENTEST_DATABASE": url_db}, log,
                              args.workers, root)
            try:
                rows.update({label + name: r for name, r in
                             exchange_loads(Exchange(url, proc), args, counts, bare).items()})
            finally:
                stop(proc)
    return {"bare": bare, "floor": floor, "rows": rows, "size_301": len(small[0]),
            "size_323": len(large[0])}


def exchange_loads(ex: Exchange, args, counts: Counts, bare: dict) -> dict:
    url, rows = ex.url, {}
    # warm up: start both workers' threads, caches, schemas
    g, a = ex.session()
    load(url, g["token"], toewijzingen(16, g["code"], a["code"], 900_000), args.clients)

    def one_session(bare_rate: float, bodies_for, sender: str) -> dict:
        """Load one new session with bodies_for(gemeente, aanbieder), sent by `sender`."""
        g, a = ex.session()
        bodies = bodies_for(g["code"], a["code"])
        token = (g if sender == "gemeente" else a)["token"]
        before = counts.read()
        r = measured(ex.proc, lambda: load(url, token, bodies, args.clients))
        r["verdicts"] = counts.since(before, len(bodies))
        r["ratio"] = r["per_second"] / bare_rate
        return r

    if "301s" in args.loads:
        rows["one session, 4 KB 301s"] = one_session(
            bare["4 KB"]["per_second"], lambda g, a: toewijzingen(args.n301, g, a), "gemeente")
    if "323s" in args.loads:
        rows["one session, 1 MB 323s"] = one_session(
            bare["1 MB"]["per_second"],
            lambda g, a: declaraties(args.n323, g, a, args.clienten), "aanbieder")

    if "1000th" in args.loads:
        g, a = ex.session()
        k, nth = args.probe, args.nth

        def probe(part: list[bytes]) -> dict:
            # after a pause: the probe measures the message, not the disk still writing back
            # the load before it (an fsync per commit waits for that)
            time.sleep(1)
            return measured(ex.proc, lambda: {"requests": len(part), "latencies": sequential(
                url, g["token"], part)})
        bodies = toewijzingen(nth + k, g["code"], a["code"], 2_000_000)
        first = probe(bodies[:k])
        load(url, g["token"], bodies[k:nth - 1], args.clients)
        late = probe(bodies[nth - 1:nth - 1 + k])
        p50 = [1000 * statistics.median(r["latencies"]) for r in (first, late)]
        rows[f"{nth}th message vs the first"] = {
            "first_p50_ms": p50[0], "late_p50_ms": p50[1], "ratio": p50[1] / p50[0],
            "first_cpu_ms": first["cpu_ms"], "late_cpu_ms": late["cpu_ms"],
            "cpu_ratio": late["cpu_ms"] / first["cpu_ms"]}

    if "sessions" in args.loads:
        jobs = []
        per = args.per_session
        for n in range(args.sessions):
            g, a = ex.session()
            jobs += [(g["token"], b) for b in
                     toewijzingen(per, g["code"], a["code"], 3_000_000 + 100 * n)]
        jobs = [jobs[i] for i in sorted(range(len(jobs)), key=lambda i: (i % per, i))]
        before = counts.read()
        r = measured(ex.proc, lambda: load_jobs(url, jobs, args.clients))
        r["verdicts"] = counts.since(before, len(jobs))
        r["ratio"] = r["per_second"] / bare["4 KB"]["per_second"]
        rows[f"{args.sessions} sessions x {per} 301s"] = r
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--classes", default="sync,gthread")
    ap.add_argument("--database", help="a PostgreSQL server's URL (each exchange gets a new "
                    "database on it); default: a SQLite file per exchange in a temporary folder")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--n301", type=int, default=400)
    ap.add_argument("--n323", type=int, default=24)
    ap.add_argument("--probe", type=int, default=50, help="timed messages at each end")
    ap.add_argument("--nth", type=int, default=1000, help="the late message probed")
    ap.add_argument("--clienten", type=int, default=200, help="of a 323 (x 5 prestaties)")
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--per-session", type=int, default=20)
    ap.add_argument("--loads", default=",".join(LOADS), help="some of " + ",".join(LOADS))
    ap.add_argument("--baseline", metavar="DIR", help="a checkout of the project (e.g. git "
                    "worktree add DIR main) whose exchange is measured too, in the same run")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        log = open(Path(tmp) / "gunicorn.log", "wb")
        for klass in args.classes.split(","):
            results[klass] = run_class(klass, args, Path(tmp), log)
        log.close()
    ok = True
    backend = "PostgreSQL" if (args.database or "").startswith("postgres") \
        else "SQLite (WAL, synchronous=FULL)"
    print(f"gunicorn -w {args.workers}, {args.clients} clients, exchange on {backend}\n")
    print("| worker class | load | bare Flask msg/s | parse + XSD msg/s (ratio) "
          "| exchange msg/s | ratio | p50 | p99 | verdicts / chain checks per submission "
          "| server CPU per msg: bare / parse + XSD / exchange |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---|")
    for klass, res in results.items():
        for name, r in res["rows"].items():
            if "first_p50_ms" in r:
                print(f"| {klass} | {name} | | | | {r['ratio']:.2f}x (CPU "
                      f"{r['cpu_ratio']:.2f}x) | {r['first_p50_ms']:.1f} ms -> "
                      f"{r['late_p50_ms']:.1f} ms | | | {r['first_cpu_ms']:.1f} -> "
                      f"{r['late_cpu_ms']:.1f} ms |")
                continue
            size = "1 MB" if "323" in name else "4 KB"
            bare, floor = res["bare"][size], res["floor"][size]
            v = r["verdicts"]
            print(f"| {klass} | {name} | {bare['per_second']:.0f} | {floor['per_second']:.0f} "
                  f"({100 * floor['per_second'] / bare['per_second']:.0f}%) | "
                  f"{r['per_second']:.1f} | {100 * r['ratio']:.0f}% | {r['p50_ms']:.0f} ms | "
                  f"{r['p99_ms']:.0f} ms | {v[0]:.2f} / {v[1]:.2f} | {bare['cpu_ms']:.1f} / "
                  f"{floor['cpu_ms']:.1f} / {r['cpu_ms']:.1f} ms |")
            ok = ok and r["statuses"] == [202] and r["verdicts"] == (1.0, 1.0)
    for klass, res in results.items():
        print(f"\n{klass}: the clients (requests, in this process) used "
              + ", ".join(f"{r['client_cpu_ms']:.1f} ms" for r in res["bare"].values())
              + " of CPU per request to bare Flask (4 KB, 1 MB)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if not ok:
        print("the exchange did not answer every submission with 202, judged once",
              file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
