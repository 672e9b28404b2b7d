"""The `ketentest` command line."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from harness import factories
from harness.chain import ChainState
from harness.standard import RELEASES, all_releases, find_message, release
from harness.standard.registry import DEFAULT
from harness.standard.sample import to_bytes
from harness.standard.xsd import xsd_files
from harness.validation import (RULES, Context, DirectorySchemas, Level, RuleError, SchemaError,
                                Verdict, judge, judge_file, validate_options)
from harness.validation.retour import answer

from . import __version__

LEVEL_MEANING = {
    Level.XML: "not well-formed or unsafe XML: the exchange refuses it, no retour message",
    Level.XSD: "not conform the schema: the exchange refuses it (StUF055 / BRS13), "
               "no retour message",
    Level.XSLT: "an in-message rule is broken: the receiver answers with retourcode 0001",
    Level.RULES: "a rule is broken: the receiver answers with the rule's retourcode",
}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="ketentest")
def main():
    """ketentest: conformance harness and mock exchange for iWmo / iJw 3.2."""


def _schemas(folder: str | None):
    if folder is None:
        return None
    try:
        return DirectorySchemas(folder)
    except SchemaError as e:
        raise click.UsageError(str(e)) from None


def _print_text(v: Verdict) -> None:
    what = f"{v.message} ({v.release})" if v.message else "unknown message"
    if v.accepted:
        click.echo(f"{click.style('✔ accepted', fg='green', bold=True)}  {what}  {v.file}")
        _print_not_assessed(v)
        return
    click.echo(f"{click.style('✘ rejected', fg='red', bold=True)}  {what}  {v.file}")
    click.echo(click.style(f"  level {v.level.value}: {LEVEL_MEANING[v.level]}", fg="yellow"))
    if v.retourcodes:
        click.echo(f"  retourcodes: {' '.join(v.retourcodes)}")
    for f in v.findings:
        code = f" [{f.retourcode}]" if f.retourcode else ""
        click.echo(f"  {click.style(f.rule + code, bold=True)}  {click.style(f.path, fg='cyan')}")
        click.echo(f"      {f.text}")
    _print_not_assessed(v)


def _print_not_assessed(v: Verdict) -> None:
    if v.not_assessed:
        click.echo(click.style(f"  not assessed without a regio profile: "
                               f"{', '.join(v.not_assessed)}", dim=True))


def _parse_today(ctx, param, value):
    try:
        return date.fromisoformat(value) if value else date.today()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "rapport"]), default="text",
              show_default=True, help="text for people, json: one object per file per line, "
                                      "rapport: the Validatiemodule's Rapport XML per file.")
@click.option("--schemas", "schema_dir", type=click.Path(file_okay=False),
              help="Validate with the XSDs in this folder (e.g. the official download) "
                   "instead of ketentest's own.")
@click.option("--xslt", "xslt_path", type=click.Path(),
              help="Judge the in-message rules with the official rule XSLT in this file or "
                   "folder instead of ketentest's own.")
@click.option("--today", callback=_parse_today, metavar="YYYY-MM-DD",
              help="The receiver's system date for TR135 (default: today).")
@click.option("--retour-dir", type=click.Path(file_okay=False),
              help="Write the answer a receiver would send for each heen file: <stem>-retour.xml "
                   "(a retour message, or the 325 for a 323).")
@click.option("--chain", is_flag=True,
              help="The FILEs are one chain between one gemeente and one aanbieder, in order: "
                   "judge each also by the cross-message rules against the earlier accepted ones.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
def validate(fmt, schema_dir, xslt_path, today, retour_dir, chain, files):
    """Say what a receiver would answer to each FILE (exit 0 all accepted, 1 any rejected)."""
    schemas = _schemas(schema_dir)
    try:
        official = validate_options.official_rules(xslt_path)
    except validate_options.XsltError as e:
        raise click.UsageError(str(e)) from None
    state = ChainState() if chain else None
    context = Context(today=today, state=state)
    counts = {"accepted": 0, "rejected": 0, "unreadable": 0}
    for name in files:
        try:
            if name == "-":
                verdict = judge(sys.stdin.buffer.read(), "<stdin>", schemas, context,
                                official=official)
            else:
                verdict = judge_file(name, schemas, context, official=official)
        except OSError as e:
            click.echo(f"ketentest: cannot read {name}: {e.strerror or e}", err=True)
            counts["unreadable"] += 1
            continue
        except SchemaError as e:
            raise click.UsageError(str(e)) from None
        except RuleError as e:
            click.echo(f"ketentest: {name}: {e} (a defect in ketentest: please report it)", err=True)
            counts["unreadable"] += 1
            continue
        if state is not None:
            state.record(verdict)
        counts["accepted" if verdict.accepted else "rejected"] += 1
        if fmt == "json":
            click.echo(json.dumps(verdict.as_dict(), ensure_ascii=False))
        elif fmt == "rapport":
            click.echo(validate_options.rapport_text(verdict), nl=False)
        else:
            _print_text(verdict)
            if validate_options.judged_by(verdict, official):
                click.echo(click.style(f"  {validate_options.judged_by(verdict, official)}",
                                       dim=True))
        if retour_dir:
            _write_answer(verdict, Path(retour_dir), today, quiet=fmt != "text")
    if fmt == "text" and len(files) > 1:
        click.echo(f"\n{len(files)} files: {counts['accepted']} accepted, "
                   f"{counts['rejected']} rejected"
                   + (f", {counts['unreadable']} unreadable" if counts["unreadable"] else ""))
    sys.exit(2 if counts["unreadable"] else 1 if counts["rejected"] else 0)


def _write_answer(verdict: Verdict, folder: Path, today: date, quiet: bool) -> None:
    root = answer(verdict, verdict.rel, today) if verdict.rel else None
    if root is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    stem = Path(verdict.file).stem if verdict.file != "<stdin>" else "stdin"
    target = folder / f"{stem}-retour.xml"
    target.write_bytes(to_bytes(root))
    if not quiet:
        click.echo(click.style(f"  answer written: {target}", dim=True))


CATEGORY = {"xslt": "in-message (0001)", "extern": "external data", "chain": "cross-message"}


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def rules(fmt):
    """List the rules ketentest judges (technical rules, conditions and constraints), with
    scope and status."""
    rows = []
    for r in sorted(RULES.values(), key=lambda r: r.id):
        status = "implemented" + (" (judged with a regio profile)" if r.needs else
                                  " (judged with --chain)" if r.category == "chain" else "")
        rows.append({"rule": r.id, "category": r.category, "retourcode": r.retourcode,
                     "messages": sorted(r.messages), "releases": sorted(r.releases),
                     "status": status, "summary": r.summary, "where": r.where})
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        click.echo(f"{click.style(row['rule'], bold=True)}  {row['retourcode'] or '-   '}  "
                   f"{CATEGORY[row['category']]:18}  {' '.join(row['messages']):32}  "
                   f"{click.style(row['status'], fg='green')}")
        click.echo(f"        {row['summary']}")
        click.echo(click.style(f"        judged in {row['where']}", dim=True))
    click.echo(f"\n{len(rows)} rules")


@main.command()
@click.option("--release", "release_name", type=click.Choice(list(RELEASES)),
              help="Only this release.")
def messages(release_name):
    """List the message catalogue: code, BerichtCode, sender, kind and partner."""
    rels = [release(release_name)] if release_name else all_releases()
    for rel in rels:
        click.echo(click.style(f"{rel.name}", bold=True) + f"  {rel.basis_namespace}")
        for m in rel.messages.values():
            partner = f"{rel.prefix}{m.partner}" if m.partner else "-"
            click.echo(f"  {m.name:7} {m.berichtcode}  {m.kind:6}  {m.sender:9} -> "
                       f"{m.receiver:9}  partner {partner:7}  {m.title}")


@main.command()
@click.argument("message")
@click.option("--today", callback=_parse_today, metavar="YYYY-MM-DD",
              help="The message's Dagtekening (default: today).")
@click.option("--seed", type=int, help="Build the same message every time.")
def example(message, today, seed):
    """Print a realistic MESSAGE that a receiver accepts (e.g. WMO301, JW325, iwmo-3.2:305)."""
    try:
        rel, msg = find_message(message)
    except KeyError as e:
        raise click.UsageError(str(e.args[0])) from None
    click.echo(to_bytes(factories.bericht(rel, msg.id, today=today, seed=seed)).decode(), nl=False)


@main.command()
@click.option("--release", "release_name", type=click.Choice(list(RELEASES)), required=True)
@click.option("--out", type=click.Path(file_okay=False), required=True,
              help="Folder to write basisschema.xsd and one XSD per message into.")
def schemas(release_name, out):
    """Write ketentest's own XSDs of a release, e.g. to use them in another tool."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    files = xsd_files(release(release_name))
    for name, data in files.items():
        (folder / name).write_bytes(data)
    click.echo(f"wrote {len(files)} schemas to {folder}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="0: any free port (the URL printed says which).")
@click.option("--database", envvar="KETENTEST_DATABASE", default="ketentest-exchange.db",
              show_default=True, metavar="URL",
              help="A SQLite file, or postgresql://user@host/db for a shared exchange.")
@click.option("--admin-token", envvar="KETENTEST_ADMIN_TOKEN", metavar="TOKEN",
              help="The admin's bearer token (default: KETENTEST_ADMIN_TOKEN, else a new one).")
@click.option("--public-url", envvar="KETENTEST_PUBLIC_URL", metavar="URL",
              help="The exchange's address as clients reach it (e.g. behind a proxy); the "
                   "WSDL at /ggk?wsdl names {URL}/ggk. Default: the address of each request.")
def serve(host, port, database, admin_token, public_url):
    """Run the mock exchange (one process, threaded; for several workers use gunicorn)."""
    import secrets

    from werkzeug.serving import make_server

    from mock_gateway import Config, create_app  # lazily: validate etc. need no Flask

    token = admin_token or secrets.token_urlsafe(32)
    app = create_app(Config(database=database, admin_token=token, public_url=public_url))
    server = make_server(host, port, app, threaded=True)
    click.echo(f"ketentest exchange on http://{host}:{server.server_port}  "
               f"(database {database})")
    click.echo(f"admin token: {token}")
    click.echo("API: /openapi.json; stop with Ctrl-C", nl=True)
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command(name="run")
@click.argument("features", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--sut", type=click.Choice(["none", "aanbieder", "gemeente"]), default="none",
              show_default=True, help="The system under test; the harness plays the other "
              "party (none: both, a self-test).")
@click.option("--exchange", metavar="URL", help="Run on this exchange (default: an embedded "
              "one, started for the run).")
@click.option("--admin-token", envvar="KETENTEST_ADMIN_TOKEN", metavar="TOKEN",
              help="The exchange's admin token (with --exchange).")
@click.option("--release", type=click.Choice(list(RELEASES)), default=DEFAULT,
              show_default=True)
@click.option("--profile", default="regio-accepteert", show_default=True, metavar="P",
              help="Regio profile (name or YAML file) for scenarios that name none.")
@click.option("--tags", metavar="EXPR", help='Only these scenarios, e.g. "@323-325 and not '
              '@TR341".')
@click.option("--trigger", "triggers", multiple=True, metavar="ACTION=COMMAND|URL",
              help="How to make the system under test perform ACTION (repeatable).")
@click.option("--today", metavar="YYYY-MM-DD", help="First day of every scenario "
              "(default: today).")
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="Seconds to wait for a message of the system under test.")
@click.option("--werkdag", type=float, metavar="S", help="While waiting for the system under "
              "test, move the session clock one werkdag every S seconds (deadline tests).")
@click.option("--interactive/--no-interactive", default=None,
              help="Ask a person to perform the system's actions (default: when the "
              "terminal is interactive and no trigger is given).")
@click.option("--database", metavar="FILE", help="Keep the embedded exchange's journal in "
              "FILE (SQLite).")
@click.option("--junitxml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--cucumberjson", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML certificate.")
def run_command(features, sut, exchange, admin_token, release, profile, tags, triggers, today,
                timeout, werkdag, interactive, database, junitxml, cucumberjson, html):
    """Run the Dutch chain scenarios against the system under test (or, with --sut none,
    between two simulated parties). Exit 0 all passed, 1 any failed, 2 usage error."""
    from .run.command import FEATURES, RunOptions, run
    from .run.sut import parse_triggers

    try:
        parse_triggers(list(triggers))
        if today:
            date.fromisoformat(today)
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    if exchange and not admin_token:
        raise click.UsageError("--exchange needs --admin-token (or KETENTEST_ADMIN_TOKEN)")
    if interactive is None:
        interactive = sut != "none" and not triggers and sys.stdin.isatty()
    options = RunOptions(list(features) or [FEATURES], sut, exchange, admin_token, release,
                         profile, tags, list(triggers), today, timeout, werkdag, interactive,
                         database, junitxml, cucumberjson, html)
    sys.exit(run(options))


@main.command()
@click.argument("chains", nargs=-1, type=click.Choice(["toewijzing", "levering", "verzoek",
                                                        "wijziging", "declaratie"]))
@click.option("--profile", default="regio-accepteert", show_default=True, metavar="P",
              help="Regio profile (name or YAML file) both parties follow.")
@click.option("--release", type=click.Choice(list(RELEASES)), default=DEFAULT,
              show_default=True)
@click.option("--today", callback=_parse_today, metavar="YYYY-MM-DD", help="The first day.")
@click.option("--exchange", metavar="URL", help="Run on this exchange (default: embedded).")
@click.option("--admin-token", envvar="KETENTEST_ADMIN_TOKEN", metavar="TOKEN")
def simulate(chains, profile, release, today, exchange, admin_token):
    """Play chains between a simulated gemeente and aanbieder on the exchange and print each
    message with its verdict and termijn (all chains when none is named)."""
    from .run.run import Run
    from .run.simulate import CHAINS, simulate as play, table

    if exchange and not admin_token:
        raise click.UsageError("--exchange needs --admin-token (or KETENTEST_ADMIN_TOKEN)")
    run = Run(exchange=exchange, admin_token=admin_token, release=release, profile=profile,
              today=today)
    try:
        run.start()
        for chain in chains or CHAINS:
            keten = run.open(None)
            click.echo(f"\n{chain} ({release}, {profile}, session {keten.session})")
            click.echo(table(play(keten, chain)))
    except Exception as e:  # a profile that does not load, an exchange that is not there
        raise click.ClickException(str(e)) from None
    finally:
        run.stop()


@main.command()
def steps():
    """List the steps a scenario can use, with what each does."""
    from .steps.listing import step_listing

    click.echo(step_listing())


if __name__ == "__main__":
    main()
