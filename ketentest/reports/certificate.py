"""The HTML certificate: one self-contained file per run. Who was tested (the system under
test, release, profile, date, exchange), per chain how many scenarios passed, every scenario
with the messages exchanged (each with its verdict and a link to the journal's permalink),
and which rules and retourcodes the run exercised."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from harness.validation import RULES

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;padding:0 1em;max-width:1100px;color:#222}
h1{margin-bottom:.2em} .verdict{font-size:1.3em;padding:.5em 1em;border-radius:6px;display:inline-block}
.ok{background:#e3f5e6;color:#1d6b2b} .nok{background:#fbe4e4;color:#8f1d1d}
table{border-collapse:collapse;margin:.6em 0 1.4em;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
.info td{overflow-wrap:anywhere}
th{background:#f4f4f4} .n{text-align:right;font-variant-numeric:tabular-nums}
.wide{overflow-x:auto}
.bar{display:flex;height:12px;min-width:3em;border-radius:3px;overflow:hidden;background:#eee}
.bar .p{background:#3a9b4d} .bar .f{background:#c83b3b} .bar .s{background:#bbb}
.passed{color:#1d6b2b} .failed{color:#8f1d1d} .skipped{color:#777}
details{margin:.3em 0 .8em} summary{cursor:pointer} code{font-size:.92em}
.msg td{font-size:.92em} .err{white-space:pre-wrap;color:#8f1d1d;margin:.3em 0}
"""
MARK = {"passed": "✔", "failed": "✘", "skipped": "–"}


def _table(rows: str, cls: str = "") -> str:
    """A table that scrolls sideways on its own where the screen is narrower (a phone)."""
    return f"<div class=wide><table{f' class={cls}' if cls else ''}>{rows}</table></div>"


def _bar(passed: int, failed: int, skipped: int) -> str:
    total = max(passed + failed + skipped, 1)
    return ('<div class="bar">' + "".join(
        f'<div class="{c}" style="width:{100 * n / total:.1f}%"></div>'
        for c, n in (("p", passed), ("f", failed), ("s", skipped)) if n) + "</div>")


def _chains(records) -> str:
    by_chain = defaultdict(lambda: {"passed": 0, "failed": 0, "skipped": 0})
    for r in records:
        by_chain[r.chain][r.status] += 1
    rows = "".join(
        f"<tr><td><b>{escape(chain)}</b></td><td class=n>{c['passed']}</td>"
        f"<td class=n>{c['failed']}</td><td class=n>{c['skipped']}</td>"
        f"<td>{_bar(c['passed'], c['failed'], c['skipped'])}</td>"
        f"<td class={'failed' if c['failed'] else 'passed'}>"
        f"{'not certified' if c['failed'] else 'passed'}</td></tr>"
        for chain, c in sorted(by_chain.items()))
    return _table("<tr><th>chain</th><th class=n>passed</th><th class=n>failed</th>"
                  f"<th class=n>skipped</th><th></th><th>result</th></tr>{rows}")


def _messages(r) -> str:
    if not r.messages:
        return "<p>(no messages)</p>"
    rows = []
    for m in r.messages:
        codes = ", ".join(m.retourcodes)
        rows.append(f"<tr class=msg><td>{escape(m.day or '')}</td><td><b>{escape(m.name)}</b></td>"
                    f"<td>{escape(m.sender)} → {escape(m.receiver)}</td>"
                    f"<td>{escape(m.verdict_text)}</td>"
                    f"<td>{escape(codes)}</td><td>{escape(m.termijn_text)}</td>"
                    f'<td><a href="{escape(m.permalink)}">verdict</a></td></tr>')
    return _table("<tr><th>day</th><th>message</th><th>from → to</th><th>verdict</th>"
                  "<th>retourcodes</th><th>termijn</th><th>journal</th></tr>" + "".join(rows))


def _scenarios(records) -> str:
    """Failed scenarios first (open), then chain by chain, each chain in the order it ran."""
    out = []
    for r in sorted(records, key=lambda r: (r.status != "failed", r.chain)):
        steps = "<br>".join(f"<span class={s.status}>{escape(s.keyword)} {escape(s.name)}</span>"
                            for s in r.steps)
        error = f"<div class=err>{escape(r.error)}</div>" if r.error and r.status != "passed" else ""
        out.append(f"<details{' open' if r.status == 'failed' else ''}><summary>"
                   f"<span class={r.status}>{MARK[r.status]}</span> <b>{escape(r.chain)}</b> "
                   f"{escape(r.name)} <small>{escape(' '.join('@' + t for t in r.tags))}"
                   f"</small></summary>{error}<p>{steps}</p>{_messages(r)}</details>")
    return "".join(out)


def rule_coverage(records) -> dict[str, dict]:
    """Per rule id or retourcode: the scenarios that name it in a tag (and passed), and how
    often a verdict in the run found it broken."""
    cover: dict[str, dict] = {}
    for r in records:
        for tag in r.rules:
            c = cover.setdefault(tag, {"scenarios": 0, "passed": 0, "findings": 0})
            c["scenarios"] += 1
            c["passed"] += r.status == "passed"
        for m in r.messages:
            for rule in m.rules:
                cover.setdefault(rule, {"scenarios": 0, "passed": 0, "findings": 0})["findings"] += 1
    for key, c in cover.items():
        c["retourcode"] = getattr(RULES.get(key), "retourcode", None)
    return dict(sorted(cover.items()))


def _coverage(records) -> str:
    cover = rule_coverage(records)
    rules = [k for k in cover if k in RULES]  # TRs, CD/CS conditions
    codes = [k for k in cover if k not in rules]
    total = len(RULES)
    rows = "".join(
        f"<tr><td><code>{escape(k)}</code></td><td>{escape(cover[k]['retourcode'] or '')}</td>"
        f"<td class=n>{cover[k]['scenarios']}</td><td class=n>{cover[k]['passed']}</td>"
        f"<td class=n>{cover[k]['findings']}</td></tr>" for k in rules + codes)
    return (f"<p>{len(rules)} of the {total} rules ketentest judges and {len(codes)} "
            "retourcodes were exercised: named in a scenario's tags, or found broken in a "
            "verdict of the run.</p>" + _table(
                "<tr><th>rule / retourcode</th><th>retourcode</th><th class=n>scenarios</th>"
                "<th class=n>passed</th><th class=n>findings in verdicts</th></tr>" + rows))


def write_certificate(recorder, options, path: Path) -> None:
    records = list(recorder.scenarios.values())
    c = recorder.counts()
    run = recorder.run
    ok = c["failed"] == 0
    sut = options.sut if options.sut != "none" else "none (both parties simulated: self-test)"
    when = recorder.started.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    exchange = getattr(run, "exchange", None) or options.exchange or "embedded"
    journal = f" (journal kept in {run.database})" if getattr(run, "database", None) else ""
    who = "".join(f"<tr><th>{k}</th><td>{escape(v)}</td></tr>" for k, v in (
        ("system under test", sut), ("release", options.release),
        ("regio profile", f"{options.profile} (scenarios may name their own)"),
        ("run", f"{when}; tags {options.tags or 'all'}"), ("exchange", exchange + journal)))
    html = f"""<!doctype html><html lang="nl"><head><meta charset="utf-8">
<title>ketentest certificate: {escape(sut)} {escape(options.release)}</title>
<style>{STYLE}</style></head><body>
<h1>ketentest certificate</h1>
<div class="verdict {'ok' if ok else 'nok'}">{'All scenarios passed' if ok else
        f'{c["failed"]} scenario(s) failed'}: {c['passed']} passed, {c['failed']} failed,
{c['skipped']} skipped</div>
{_table(who, "info")}
<h2>Chains</h2>{_chains(records)}
<h2>Scenarios</h2>{_scenarios(records)}
<h2>Rule coverage</h2>{_coverage(records)}
<p><small>ketentest, {escape(datetime.now(timezone.utc).strftime('%Y-%m-%d'))}</small></p>
</body></html>"""
    Path(path).write_text(html, encoding="utf-8")
