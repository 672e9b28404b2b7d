"""Benchmark: the cross-message rules on a large 323 in a long chain, against raw lxml
validation of that 323, same run.

For N toewijzingen (1,000 / 10,000 by default; 4 per client, August to December 2026) it
1. builds the chain: N/4 WMO301 messages, each judged in the chain and recorded (time per
   toewijzing shows the state grows linearly);
2. builds a WMO323 with 2.5 x N prestaties on those toewijzingen (August to October, every
   rule satisfied) and times, best of 3, with time.perf_counter:
     raw lxml     etree.fromstring + XMLSchema.validate with the OFFICIAL WMO323.xsd
                  (ketentest's own XSD when ../shared/reference is absent);
     chain rules  the 53 cross-message rules on the parsed message (target <= 3x raw lxml);
     full         harness.chain.judge: safe intake, XSD, in-message, external-data and chain
                  rules, as `validate --chain` does.
Every message must be accepted, else the script exits 1.

    .venv/bin/python benchmarks/bench_chain.py [--sizes 1000,10000] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from lxml import etree

from harness.chain import ChainState, judge
from harness.factories import bericht, catalogus, data, render, to_bytes
from harness.standard import release
from harness.validation import Context
from harness.validation.message import Message
from harness.validation.rules import run_rules
from harness.validation.rules.conditions import elfproef

from bench_verdict import baseline, best  # the same baseline and timing (a sibling script)

TODAY = date(2026, 11, 2)
GEMEENTE, AANBIEDER = "0363", "12345678"
PER_CLIENT = 4
MONTHS = [(date(2026, 10, 1), date(2026, 10, 31)), (date(2026, 9, 1), date(2026, 9, 30)),
          (date(2026, 8, 1), date(2026, 8, 31))]


def bsns(n: int) -> list[str]:
    out, k = [], 100_000_000
    while len(out) < n:
        k += 1
        if elfproef(str(k)):
            out.append(str(k))
    return out


def toewijzingen(rel, clients: list[str], products) -> list[bytes]:
    """One 301 per client with PER_CLIENT toewijzingen, numbered client-wise. Built once by the
    factories and copied with new Bsn and numbers: the benchmark is about the chain."""
    template = data(rel, "301", today=TODAY, seed=1, gemeente=GEMEENTE, aanbieder=AANBIEDER,
                    relaties=0, producten=[{"product": p, "Ingangsdatum": date(2026, 8, 1),
                                            "Einddatum": date(2026, 12, 31)} for p in products])
    out = []
    for i, bsn in enumerate(clients):
        template["Header"]["BerichtIdentificatie"]["Identificatie"] = f"T{i}"
        template["Client"]["Bsn"] = bsn
        for j, tp in enumerate(template["Client"]["ToegewezenProducten"]["ToegewezenProduct"]):
            tp["ToewijzingNummer"] = i * PER_CLIENT + j + 1
        out.append(to_bytes(render(rel, "301", template)))
    return out


def declaratie(rel, clients: list[str], products, n_prestaties: int) -> bytes:
    """2.5 prestaties per toewijzing: October and September on each, August on half."""
    per_client = []
    for i, bsn in enumerate(clients):
        specs = [{"product": p, "ToewijzingNummer": i * PER_CLIENT + j + 1,
                  "ProductPeriode": {"Begindatum": b, "Einddatum": e}}
                 for (b, e) in MONTHS for j, p in enumerate(products)]
        per_client.append({"Bsn": bsn, "prestaties": specs[:10]})
    root = bericht(rel, "323", today=TODAY, seed=2, gemeente=GEMEENTE, aanbieder=AANBIEDER,
                   clienten=per_client)
    assert len(root.findall(".//{*}Prestatie")) == n_prestaties
    return to_bytes(root)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="toewijzing counts, comma separated")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args()
    rel = release("iwmo-3.2")
    schema, source, parser = baseline(rel)
    products = [p for p in catalogus(rel) if p.eenheid in ("04", "14", "16", "84")][:PER_CLIENT]
    print(f"baseline: raw lxml with the {source}")
    head = (f"{'toewijzingen':>12} {'build s':>8} {'µs/toew.':>8} {'prestaties':>10} "
            f"{'raw lxml s':>10} {'chain s':>8} {'ratio':>6} {'full s':>7} {'ratio':>6}")
    print(head + "\n" + "-" * len(head))
    results, ok = [], True
    for n in (int(s) for s in args.sizes.split(",")):
        clients = bsns(n // PER_CLIENT)
        state, ctx = ChainState(), Context(today=TODAY)
        messages = toewijzingen(rel, clients, products)
        t0 = time.perf_counter()
        for i, msg in enumerate(messages):
            verdict = judge(state, msg, f"301-{i}", ctx)
            ok &= verdict.accepted
            state.record(verdict)
        t_build = time.perf_counter() - t0
        n_prestaties = n * 5 // 2
        xml = declaratie(rel, clients, products, n_prestaties)
        verdict = judge(state, xml, "323", ctx)
        if not (ok and verdict.accepted and schema.validate(etree.fromstring(xml, parser))):
            print(f"ERROR at {n}: {[f'{f.rule} {f.path}: {f.text}' for f in verdict.findings[:3]]}")
            return 1
        message = Message(verdict.root, rel, rel.message("323"))
        chain_ctx = Context(today=TODAY, state=state)
        t_raw = best(lambda: schema.validate(etree.fromstring(xml, parser)), 3)
        t_chain = best(lambda: run_rules(Message(message.root, rel, message.definition),
                                         chain_ctx, "chain"), 3)
        t_full = best(lambda: judge(state, xml, "323", ctx), 3)
        row = {"toewijzingen": n, "build_s": t_build, "us_per_toewijzing": t_build / n * 1e6,
               "prestaties": n_prestaties, "raw_s": t_raw, "chain_s": t_chain,
               "chain_ratio": t_chain / t_raw, "full_s": t_full, "full_ratio": t_full / t_raw}
        results.append(row)
        print(f"{n:>12,} {t_build:>8.2f} {row['us_per_toewijzing']:>8.0f} {n_prestaties:>10,} "
              f"{t_raw:>10.4f} {t_chain:>8.4f} {row['chain_ratio']:>5.2f}x {t_full:>7.4f} "
              f"{row['full_ratio']:>5.2f}x")
    if args.json:
        Path(args.json).write_text(json.dumps({"baseline": source, "results": results},
                                              indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
