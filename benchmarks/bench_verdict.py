"""Benchmark: ketentest's verdict on a large 323 against raw lxml validation, same run.

For a WMO323 declaratie of 1,000 / 10,000 / 25,000 prestaties (factory-built, 10 per client,
every rule satisfied) it times, best of 7 rounds (5 for 25,000) in which the three take turns,
with time.perf_counter:
  raw lxml   etree.fromstring + XMLSchema.validate with the OFFICIAL WMO323.xsd, compiled once
             outside the timing (ketentest's own XSD when ../shared/reference is absent);
  xsd level  ketentest's safe intake + schema check with findings (target <= 1.3x);
  full       harness.validation.judge: XSD + every in-message and external-data rule, with
             the factories' product list as regio profile so TR381/TR418 run too (target <= 2x).
Every message must be valid / accepted, else the script exits 1.

    .venv/bin/python benchmarks/bench_verdict.py [--sizes 1000,10000] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from lxml import etree

from harness.factories import bericht, contract, to_bytes
from harness.standard import release
from harness.standard.xsd import compiled
from harness.validation import Context, judge
from harness.validation import intake, xsdcheck

OFFICIAL = (Path(__file__).resolve().parents[2] / "shared" / "reference" / "istandaarden"
            / "iwmo-3.2" / "xsd" / "WMO323.xsd")
TODAY = date(2026, 11, 2)
PER_CLIENT = 10


def message(n: int) -> bytes:
    return to_bytes(bericht("iwmo-3.2", "323", today=TODAY, seed=n,
                            clienten=max(1, n // PER_CLIENT), prestaties=PER_CLIENT))


def fastest(fns, repeats: int) -> list[float]:
    """The best time of each function over `repeats` rounds. The functions take turns within
    a round, so a load that comes and goes on the machine hits the baseline and the measured
    path alike instead of skewing their ratio."""
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, own in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            own.append(time.perf_counter() - t0)
    return [min(own) for own in times]


def best(fn, repeats: int) -> float:
    return fastest([fn], repeats)[0]


def baseline(rel):
    """The raw lxml baseline: the official WMO323.xsd (ketentest's own without ../shared), its
    description, and a parser with the safe settings."""
    if OFFICIAL.is_file():
        schema, source = etree.XMLSchema(etree.parse(str(OFFICIAL))), f"official {OFFICIAL.name}"
    else:
        schema, source = compiled(rel, "323"), "ketentest's own XSD (no ../shared/reference)"
    return schema, source, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,25000", help="prestatie counts, comma separated")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args()
    rel = release("iwmo-3.2")
    schema, source, parser = baseline(rel)
    context = Context(today=TODAY, products=contract(rel))
    msg = rel.message("323")

    def raw(data):
        return schema.validate(etree.fromstring(data, parser))

    def xsd_level(data):
        root = intake.parse(data).root
        return not xsdcheck.check(root, compiled(rel, "323"), rel, msg)

    def full(data):
        return judge(data, "bench.xml", context=context)

    print(f"baseline: raw lxml with the {source}")
    head = f"{'prestaties':>10} {'MB':>6} {'raw lxml s':>10} {'xsd level s':>11} {'ratio':>6} " \
           f"{'full s':>7} {'ratio':>6}"
    print(head + "\n" + "-" * len(head))
    results, ok = [], True
    for n in (int(s) for s in args.sizes.split(",")):
        data = message(n)
        verdict = full(data)
        if not (raw(data) and xsd_level(data) and verdict.accepted):
            ok = False
            print(f"ERROR at {n}: {[f'{f.rule} {f.path}: {f.text}' for f in verdict.findings[:3]]}")
            continue
        repeats = 5 if n >= 25000 else 7
        t_raw, t_xsd, t_full = fastest([lambda f=f: f(data) for f in (raw, xsd_level, full)],
                                       repeats)
        row = {"prestaties": n, "mb": len(data) / 2**20, "raw_s": t_raw, "xsd_s": t_xsd,
               "xsd_ratio": t_xsd / t_raw, "full_s": t_full, "full_ratio": t_full / t_raw}
        results.append(row)
        print(f"{n:>10,} {row['mb']:>6.2f} {t_raw:>10.4f} {t_xsd:>11.4f} {row['xsd_ratio']:>5.2f}x "
              f"{t_full:>7.4f} {row['full_ratio']:>5.2f}x")
    if args.json:
        Path(args.json).write_text(json.dumps({"baseline": source, "results": results, "ok": ok},
                                              indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
