"""The HTML certificate: one self-contained file per run. Who was tested (the system under
test, release, profile, date, exchange), per chain how many scenarios passed, every scenario
with the messages exchanged (each with its verdict and a link to the journal's permalink),
and which rules and retourcodes the run exercised."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from html import escape
from pathlib import Path

from harness.validation import RULES

from .record import certificate_id, embedded_json, run_record
from .traceability import matrices, proven

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
details.message{margin:.2em 0 .2em 1em} details.message:target{outline:2px solid #0550ae}
pre.xml{background:#f6f8fa;border:1px solid #ddd;padding:.5em;overflow-x:auto;font-size:.85em;max-height:40em}
.session{color:#555;margin:.3em 0}
.proven{color:#1d6b2b} .not-run,.not-playable,.not-exercisable{color:#777} .read-otherwise{color:#8a5a00}
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


def _pages(options, run) -> bool:
    """Whether the exchange's pages outlive the run: a shared exchange (an embedded one is
    gone, also when its journal was kept: `serve --database` serves it on another address)."""
    return bool(options.exchange)


def _messages(r, pages: bool) -> str:
    if not r.messages:
        return "<p>(no messages)</p>"
    rows, bodies = [], []
    for n, m in enumerate(r.messages, 1):
        codes = ", ".join(m.retourcodes)
        anchor = f"m-{m.id or n}"
        live = f' · <a href="{escape(m.page)}">on the exchange</a>' if pages and m.page else ""
        rows.append(f"<tr class=msg><td>{escape(m.day or '')}</td>"
                    f'<td><a href="#{anchor}"><b>{escape(m.name)}</b></a></td>'
                    f"<td>{escape(m.sender)} <code>{escape(m.sender_code)}</code> → "
                    f"{escape(m.receiver)} <code>{escape(m.receiver_code or '')}</code></td>"
                    f"<td>{escape(m.verdict_text)}</td>"
                    f"<td>{escape(codes)}</td><td>{escape(m.termijn_text)}</td>"
                    f'<td><a href="#{anchor}">verdict and XML</a>{live}</td></tr>')
        findings = "".join(
            f"<li><code>{escape(f['rule'])}</code>"
            f"{' retourcode <code>' + escape(f['retourcode']) + '</code>' if f.get('retourcode') else ''}"
            f" at <code>{escape(f['path'] or '')}</code>: {escape(f['text'] or '')}</li>"
            for f in m.findings)
        xml = (f"<pre class=xml>{escape(m.xml)}</pre>" if m.xml
               else "<p>(the content was not stored: a message above the size limit)</p>")
        bodies.append(
            f'<details class=message id="{anchor}"><summary>{escape(m.name)} #{n}: '
            f"{escape(m.verdict_text)}</summary>"
            f"<p>level <code>{escape(m.level or '-')}</code>; retourcodes "
            f"{escape(codes or 'none')}; {escape(m.termijn_text or 'no termijn')}</p>"
            f"{'<ol>' + findings + '</ol>' if findings else '<p>No findings.</p>'}{xml}</details>")
    return _table("<tr><th>day</th><th>message</th><th>from → to</th><th>verdict</th>"
                  "<th>retourcodes</th><th>termijn</th><th>evidence</th></tr>"
                  + "".join(rows)) + "".join(bodies)


def _scenarios(records, pages: bool = False) -> str:
    """Failed scenarios first (open), then chain by chain, each chain in the order it ran."""
    out = []
    for r in sorted(records, key=lambda r: (r.status != "failed", r.chain)):
        session = (f"<p class=session>session <code>{escape(r.session)}</code>: gemeente "
                   f"<code>{escape(r.codes.get('gemeente', ''))}</code>, aanbieder "
                   f"<code>{escape(r.codes.get('aanbieder', ''))}</code></p>"
                   if r.session else "")
        steps = "<br>".join(f"<span class={s.status}>{escape(s.keyword)} {escape(s.name)}</span>"
                            for s in r.steps)
        error = f"<div class=err>{escape(r.error)}</div>" if r.error and r.status != "passed" else ""
        out.append(f"<details class=scenario{' open' if r.status == 'failed' else ''}><summary>"
                   f"<span class={r.status}>{MARK[r.status]}</span> <b>{escape(r.chain)}</b> "
                   f"{escape(r.name)} <small>{escape(' '.join('@' + t for t in r.tags))}"
                   f"</small></summary>{error}{session}<p>{steps}</p>{_messages(r, pages)}"
                   "</details>")
    return "".join(out)


def rule_coverage(records) -> dict[str, dict]:
    """One row per rule: its retourcode, the scenarios that name it in a tag (by its id, or by
    a retourcode only it gives) and how many of those passed, and how often a verdict in the
    run found it broken. Tags naming a retourcode several rules share (0001) or none gives
    (8001) are rows of their own, without a rule."""
    only_rule: dict[str, str | None] = {}
    for r in RULES.values():
        if r.retourcode:
            only_rule[r.retourcode] = None if r.retourcode in only_rule else r.id
    cover: dict[str, dict] = {}

    def row(key: str) -> dict:
        return cover.setdefault(key, {"scenarios": 0, "passed": 0, "findings": 0})

    for r in records:
        named = {only_rule.get(tag) or tag for tag in r.rules}
        for key in named:
            c = row(key)
            c["scenarios"] += 1
            c["passed"] += r.status == "passed"
        for m in r.messages:
            for rule in m.rules:
                row(rule)["findings"] += 1
    for key, c in cover.items():
        rule = RULES.get(key)
        c["rule"] = key if rule else None
        c["retourcode"] = rule.retourcode if rule else key
    return dict(sorted(cover.items(), key=lambda kv: (kv[1]["rule"] is None, kv[0])))


def _coverage(records) -> str:
    cover = rule_coverage(records)
    rules = [k for k, c in cover.items() if c["rule"]]
    codes = [k for k, c in cover.items() if not c["rule"]]
    rows = "".join(
        f"<tr><td>{f'<code>{escape(k)}</code>' if c['rule'] else '<i>no single rule</i>'}</td>"
        f"<td><code>{escape(c['retourcode'] or '')}</code></td>"
        f"<td class=n>{c['scenarios']}</td><td class=n>{c['passed']}</td>"
        f"<td class=n>{c['findings']}</td></tr>" for k, c in cover.items())
    return (f"<p>{len(rules)} of the {len(RULES)} rules ketentest judges were exercised "
            "(named in a scenario's tags, by id or by a retourcode only that rule gives, or "
            f"found broken in a verdict of the run), and {len(codes)} retourcode(s) without a "
            "rule of their own.</p>" + _table(
                "<tr><th>rule</th><th>retourcode</th><th class=n>scenarios</th>"
                "<th class=n>passed</th><th class=n>findings in verdicts</th></tr>" + rows))


def _traceability(found) -> str:
    """Per role certified: the headline "N of M rules proven" and a row per rule it must
    enforce, with the scenarios that exercise it and the result."""
    out = []
    for role, rows in found.items():
        n, m = proven(rows)
        tally = ", ".join(f"{sum(r.result == x for r in rows)} {x}"
                          for x in ("failed", "not run", "not playable")) + \
            f"; listed, not counted: {sum(r.result == 'not exercisable' for r in rows)} " \
            "not exercisable"
        body = []
        for r in rows:
            req = r.requirement
            scenarios = "<br>".join(f"<span class={s.status}>{MARK[s.status]}</span> "
                                    f"{escape(s.name)}" for s in r.scenarios) or "–"
            why = {"not exercisable": req.reason, "not playable": req.unplayable}.get(r.result)
            result = escape(r.result) + (f": {escape(why)}" if why else "")
            body.append(f"<tr><td><code>{escape(r.rule)}</code></td>"
                        f"<td>{escape(', '.join(req.messages))}</td>"
                        f"<td><code>{escape(', '.join(req.retourcodes) or '–')}</code></td>"
                        f"<td>{scenarios}</td>"
                        f"<td class={r.result.replace(' ', '-')}>{result}</td></tr>")
        out.append(f"<h3 id=rules-{role}>{escape(role)}: {n} of {m} rules proven</h3>"
                   f"<p>{escape(tally)}.</p>" + _table(
                       "<tr><th>rule</th><th>message</th><th>retourcode</th><th>scenario</th>"
                       "<th>result</th></tr>" + "".join(body), "trace"))
    return ("<p>Every rule the certified role must enforce on the messages it receives (the "
            "catalogue of rule breakers): proven by a passed scenario tagged with the rule "
            "in which that role receives the message, failed, not run, not playable by a system "
            "under test (why; they run with both parties simulated), or not exercisable: no "
            "receiver can show it (why), listed and not counted in M.</p>" + "".join(out))


def _warnings(records, strict: bool) -> str:
    """The advisory findings on the system under test: OP/IV process checks and rules whose
    reading is ketentest's choice. They fail a scenario only in a --strict run."""
    rows = "".join(
        f"<tr><td><b>{escape(w['rule'])}</b></td><td>{escape(w['kind'])}</td>"
        f"<td>{escape(r.chain)} · {escape(r.name)}</td><td>{escape(w['message'])}</td>"
        f"<td>{escape(w['text'])} <a href=\"{escape(w['link'])}\">verdict</a></td></tr>"
        for r in records for w in r.warnings)
    mode = ("This run was <b>--strict</b>: every warning failed its scenario."
            if strict else "Advisory: they do not fail the run (--strict makes them fail).")
    if not rows:
        return f"<p>None. {mode}</p>"
    return (f"<p>{mode} <i>advies</i>: a bedrijfsregel (OP) or invulinstructie (IV) the "
            "message does not follow; <i>keuze</i>: the system reads a rule otherwise than "
            "ketentest chose to (see <code>ketentest rules</code>).</p>"
            + _table("<tr><th>rule</th><th>kind</th><th>scenario</th><th>message</th>"
                     f"<th>what</th></tr>{rows}"))


def _system(options) -> str:
    name = " ".join(x for x in (options.system, options.system_version) if x)
    if options.vendor:
        name += f" ({options.vendor})" if name else options.vendor
    return name or "an unnamed system"


def _title(options, ok: bool) -> tuple[str, str]:
    """(heading, banner): a self-test is titled as one, a failed run 'not certified'."""
    if options.sut == "none":
        return ("ketentest self-test", "Self-test, both parties simulated (this certifies no "
                "system): ")
    system = f"{_system(options)} as {options.sut}"
    if ok:
        return f"Certificate: {system}", "Certified: "
    return f"Not certified: {system}", "Not certified: "


OPEN_TARGET = ("function openTarget(){var t=document.getElementById(decodeURIComponent("
               "location.hash.slice(1)));for(var e=t;e;e=e.parentElement.closest('details'))"
               "{if(e.tagName==='DETAILS')e.open=true;if(!e.parentElement)break;}"
               "if(t)t.scrollIntoView();}addEventListener('hashchange',openTarget);openTarget();")


def write_certificate(recorder, options, path: Path) -> None:
    records = list(recorder.scenarios.values())
    c = recorder.counts()
    run = recorder.run
    ok = c["failed"] == 0
    record = run_record(recorder, options)
    found = matrices(records, options.release, options.sut)
    headline = "; ".join("{}: {} of {} rules proven".format(role, *proven(rows))
                         for role, rows in found.items())
    text = embedded_json(record)
    cid = certificate_id(text)
    heading, prefix = _title(options, ok)
    started = datetime.fromisoformat(record["started"])
    finished = datetime.fromisoformat(record["finished"])
    when = (f"{started.strftime('%Y-%m-%d %H:%M:%S')} – {finished.strftime('%H:%M:%S')} UTC "
            f"({(finished - started).total_seconds():.0f} s); tags {options.tags or 'all'}")
    if options.exchange:
        exchange = (f"{options.exchange} (each message links its page there, through a shared "
                    f"link valid for 30 days from the run)")
    elif options.database:
        exchange = (f"embedded; journal kept in {options.database} (`ketentest serve --database "
                    f"{options.database}` shows its pages at /web/)")
    else:
        exchange = "embedded, stopped with the run (every message and verdict is in this file)"
    digest = record["scenario_files"]
    sut = {"none": "none: both parties simulated (self-test)"}.get(options.sut, options.sut)
    who = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in (
        ("system", escape(_system(options)) if options.sut != "none" else "none (self-test)"),
        ("vendor", escape(options.vendor or "–")),
        ("version", escape(options.system_version or "–")),
        ("system under test", escape(sut)),
        ("party codes", "each scenario ran in a session of its own with its own gemeente and "
                        "aanbieder codes, listed with the scenario"),
        ("release", escape(options.release)),
        ("regio profile", f"{escape(options.profile)} (scenarios may name their own)"),
        ("clock", escape(_pace(options))),
        ("behaviours", escape(_behaviours(options))),
        ("scenario files", f"{digest['files']} file(s), SHA-256 <code>{digest['sha256']}</code>"),
        ("ketentest", escape(record["ketentest"])),
        ("run", escape(when)), ("exchange", escape(exchange)),
        ("certificate id", f"<code>{cid}</code> (SHA-256 of the run record below)")))
    banner = prefix + (f"all {len(records)} scenarios passed: " if ok
                       else f"{c['failed']} scenario(s) failed: ")
    banner = banner[0].upper() + banner[1:]
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(heading)} · {escape(options.release)}</title>
<style>{STYLE}</style></head><body>
<h1>{escape(heading)}</h1>
<div class="verdict {'ok' if ok else 'nok'}">{escape(banner)}{c['passed']} passed, {c['failed']} failed,
{c['skipped']} skipped</div>
<p><a href="#rules-{escape(next(iter(found)))}">{escape(headline)}</a></p>
{_table(who, "info")}
<h2>Chains</h2>{_chains(records)}
<h2>Traceability</h2>{_traceability(found)}
<h2>Warnings</h2>{_warnings(records, getattr(options, "strict", False))}
<h2>Scenarios</h2>{_scenarios(records, _pages(options, run))}
<h2>Rule coverage</h2>{_coverage(records)}
<h2>Run record</h2>
<p>The certificate id is the SHA-256 of the run record embedded in this file (the UTF-8 text
of the element <code>script#run-record</code>): what was run, by which version, on which
scenario files, and every message with its verdict.</p>
<script type="application/json" id="run-record">{text}</script>
<p><small>ketentest {escape(record["ketentest"])}, certificate <code>{cid[:16]}</code></small></p>
<script>{OPEN_TARGET}</script>
</body></html>"""
    Path(path).write_text(html, encoding="utf-8")


def _pace(options) -> str:
    """How the session's clock moved while the harness waited on the system under test."""
    from ..run.behaviour import pace
    if options.sut == "none":
        return "both parties simulated: the clock jumps to the day each answer falls due"
    seconds = pace(options.werkdag, options.interactive)
    if seconds is None:
        return ("stood still while waiting on the system under test (only the steps move it); "
                "answers and acknowledgements judged against their termijn on that clock")
    default = "" if options.werkdag is not None else " (the default pace)"
    return (f"one werkdag per {seconds:g} s the harness waited on the system under test"
            f"{default}: every answer it owed and every acknowledgement of a message "
            f"delivered to it judged against its termijn on that clock")


def _behaviours(options) -> str:
    """What every scenario with a system under test also checked (ketentest/run/behaviour.py)."""
    if options.sut == "none":
        return "none: no system under test"
    return ("in every scenario: every message delivered to the system fetched and acknowledged "
            "within 3 werkdagen, every answer it owed within its termijn, no retour message or "
            "325 answering nothing; a refused VOW not acted on, one toewijzing per VOT product, "
            "a rejected declaratie line not declared again unchanged")
