"""Benchmark: the cost of ketentest's XSD-level verdict against raw lxml validation.

For a WMO323 declaratie with 1,000 / 10,000 / 25,000 Prestatie elements (10 per Client) it times
  baseline   raw lxml: etree.fromstring(data, parser) + schema.validate(root), with the OFFICIAL
             WMO323.xsd from ../shared/reference compiled once, outside the timing;
  ketentest  harness.validation.judge(data, "bench.xml"): safe intake, parse, built-in schema
             (cached per process, warmed up before timing), findings.
Each is the best (min) of 5 repeats (3 for 25,000) with time.perf_counter, in the same run.
Why: a receiver judges files up to the exchanges' 25 MB limit, and ketentest's own work around
lxml (intake checks, schema lookup, verdict) must stay cheap. Target: ratio <= 1.3x.

Sizes are in MB of 2**20 bytes, like intake.MAX_BYTES (25,000 prestaties is just under it).
Both verdicts must say valid/accepted for every size, otherwise the script exits 1. Without
../shared/reference the baseline falls back to lxml with ketentest's own derived XSD.

    .venv/bin/python benchmarks/bench_xsd.py [--sizes 1000,10000] [--json FILE]
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from lxml import etree

from harness.standard import release
from harness.standard.sample import build, to_bytes
from harness.standard.xsd import compiled
from harness.validation import judge

OFFICIAL = (Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "istandaarden"
            / "iwmo-3.2" / "xsd" / "WMO323.xsd").resolve()
PER_CLIENT = 10


def message(n: int) -> bytes:
    """A valid WMO323 with n prestaties, PER_CLIENT per Client (n/10 clients)."""
    rel = release("iwmo-3.2")
    root = build(rel, rel.message("323"), full=True)
    ns, basis = rel.message("323").namespace, rel.basis_namespace
    client = root.find(f".//{{{ns}}}Client")
    prestaties = client.find(f"{{{ns}}}Prestaties")
    prestatie = prestaties.find(f"{{{ns}}}Prestatie")
    prestaties.remove(prestatie)
    clienten = client.getparent()
    clienten.remove(client)
    for i in range(n):
        if i % PER_CLIENT == 0:
            current = copy.deepcopy(client)
            clienten.append(current)
            target = current.find(f"{{{ns}}}Prestaties")
        p = copy.deepcopy(prestatie)
        p.find(f"{{{ns}}}ToewijzingNummer").text = str(100000 + i)
        day = (date(2026, 1, 1) + timedelta(days=i % 28)).isoformat()
        for d in p.find(f"{{{ns}}}ProductPeriode").iter(f"{{{basis}}}Begindatum",
                                                         f"{{{basis}}}Einddatum"):
            d.text = day
        target.append(p)
    return to_bytes(root)


def best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,25000",
                    help="comma-separated prestatie counts (default 1000,10000,25000)")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    if OFFICIAL.is_file():
        schema = etree.XMLSchema(etree.parse(str(OFFICIAL)))
        source = f"official {OFFICIAL}"
    else:
        print(f"NOTE: {OFFICIAL} not found; baseline uses ketentest's own derived XSD instead.")
        schema = compiled(release("iwmo-3.2"), "323")
        source = "ketentest derived XSD (official reference absent)"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

    def baseline(data: bytes) -> bool:
        return schema.validate(etree.fromstring(data, parser))

    print(f"baseline schema: {source}")
    header = f"{'prestaties':>10} {'size MB':>8} {'baseline s':>11} {'ketentest s':>12} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    results, failed = [], False
    for n in sizes:
        data = message(n)
        ok_base = baseline(data)
        verdict = judge(data, "bench.xml")  # also warms up the cached built-in schema
        if not (ok_base and verdict.accepted):
            failed = True
            print(f"ERROR at {n} prestaties: baseline valid={ok_base}, ketentest accepted="
                  f"{verdict.accepted} {[f'{f.rule} {f.path}: {f.text}' for f in verdict.findings[:3]]}"
                  f"{'' if ok_base else ' ' + str(schema.error_log.last_error)}")
            continue
        repeats = 3 if n >= 25000 else 5
        t_base = best(lambda: baseline(data), repeats)
        t_kt = best(lambda: judge(data, "bench.xml"), repeats)
        row = {"prestaties": n, "size_mb": len(data) / 2**20, "baseline_s": t_base,
               "ketentest_s": t_kt, "ratio": t_kt / t_base, "repeats": repeats,
               "baseline_valid": ok_base, "ketentest_accepted": verdict.accepted}
        results.append(row)
        print(f"{n:>10,} {row['size_mb']:>8.2f} {t_base:>11.4f} {t_kt:>12.4f} {row['ratio']:>5.2f}x")
    if results:
        print("verdicts: baseline valid and ketentest accepted for every size"
              if not failed else "verdicts: see ERROR lines above")
    if args.json:
        Path(args.json).write_text(json.dumps({"baseline_schema": source, "results": results,
                                               "ok": not failed}, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
