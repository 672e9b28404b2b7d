"""Benchmark: ketentest's verdict against the official rule XSLT on the same WMO323, same run.

For a factory-built WMO323 of 100 / 1,000 prestaties (10 per client, every rule satisfied) it
times, best of 5 rounds in which the three take turns, with time.perf_counter:
  raw lxml   etree.fromstring + XMLSchema.validate with the OFFICIAL WMO323.xsd (the baseline);
  xslt       the official rule XSLT of iWmo 3.2 (lxml etree.XSLT, compiled once outside the
             timing) on the parsed message: the in-message rules only, as the hubs run them;
  full       harness.validation.judge: safe intake, XSD and every in-message and external-data
             rule (with the factories' product list as regio profile).
Both judges must accept every message, else the script exits 1; it exits 2 when
../shared/reference (the official XSLT and XSD) is absent.

    .venv/bin/python benchmarks/bench_xslt.py [--sizes 100,1000] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lxml import etree

from harness.factories import contract
from harness.standard import release
from harness.validation import Context, judge
from harness.validation.xslt import OfficialRules, read_rapport

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_verdict import OFFICIAL, TODAY, fastest, message  # noqa: E402

XSLT = OFFICIAL.parents[1] / "xslt"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,1000", help="prestatie counts, comma separated")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args()
    if not (OFFICIAL.is_file() and XSLT.is_dir()):
        print("../shared/reference is absent: no official XSLT to compare with", file=sys.stderr)
        return 2
    rel = release("iwmo-3.2")
    schema = etree.XMLSchema(etree.parse(str(OFFICIAL)))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    rules = OfficialRules(XSLT)
    transform = rules.transform_for(rel.message("323").namespace)
    context = Context(today=TODAY, products=contract(rel))

    def raw(data):
        return schema.validate(etree.fromstring(data, parser))

    def xslt(data):
        return read_rapport(transform(etree.fromstring(data, parser).getroottree()))

    def full(data):
        return judge(data, "bench.xml", context=context)

    head = f"{'prestaties':>10} {'KB':>6} {'raw lxml s':>10} {'xslt s':>8} {'ratio':>7} " \
           f"{'full s':>7} {'ratio':>6} {'xslt/full':>9}"
    print(head + "\n" + "-" * len(head))
    results, ok = [], True
    for n in (int(s) for s in args.sizes.split(",")):
        data = message(n)
        verdict, fouten = full(data), xslt(data)
        if not (raw(data) and verdict.accepted and fouten == []):
            ok = False
            print(f"ERROR at {n}: ketentest {[f.rule for f in verdict.findings][:5]}, "
                  f"XSLT {[f.code for f in fouten][:5]}")
            continue
        t_raw, t_xslt, t_full = fastest([lambda f=f: f(data) for f in (raw, xslt, full)], 5)
        row = {"prestaties": n, "kb": len(data) / 1024, "raw_s": t_raw, "xslt_s": t_xslt,
               "xslt_ratio": t_xslt / t_raw, "full_s": t_full, "full_ratio": t_full / t_raw,
               "xslt_over_full": t_xslt / t_full}
        results.append(row)
        print(f"{n:>10,} {row['kb']:>6.0f} {t_raw:>10.4f} {t_xslt:>8.3f} {row['xslt_ratio']:>6.0f}x "
              f"{t_full:>7.4f} {row['full_ratio']:>5.2f}x {row['xslt_over_full']:>8.0f}x")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "ok": ok}, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
