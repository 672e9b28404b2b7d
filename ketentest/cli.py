"""The `ketentest` command line."""
from __future__ import annotations

import json
import os
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
from harness.validation.findings import unreadable

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
@click.pass_context
def main(ctx):
    """ketentest: conformance harness and mock exchange for iWmo / iJw 3.2."""
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any value turns colour off
        ctx.color = False


def _schemas(folder: str | None):
    if folder is None:
        return None
    try:
        return DirectorySchemas(folder)
    except SchemaError as e:
        raise click.UsageError(str(e)) from None


def _meaning(v: Verdict) -> str:
    if any(f.rule == "XML-SIZE" for f in v.findings):  # refused for its size, unread
        return ("too large: the exchange refuses it before reading it (IB007), no retour "
                "message")
    return f"level {v.level.value}: {LEVEL_MEANING[v.level]}"


def _print_text(v: Verdict) -> None:
    what = f"{v.message} ({v.release})" if v.message else "unknown message"
    if v.accepted:
        click.echo(f"{click.style('✔ accepted', fg='green', bold=True)}  {what}  {v.file}")
        _print_not_assessed(v)
        return
    click.echo(f"{click.style('✘ rejected', fg='red', bold=True)}  {what}  {v.file}")
    click.echo(click.style(f"  {_meaning(v)}", fg="yellow"))
    if v.retourcodes:
        click.echo(f"  retourcodes: {' '.join(v.retourcodes)}")
    for f in v.findings:
        code = f" [{f.retourcode}]" if f.retourcode else ""
        click.echo(f"  {click.style(f.rule + code, bold=True)}  {click.style(f.path, fg='cyan')}")
        click.echo(f"      {f.text}")
    _print_not_assessed(v)


def _print_not_assessed(v: Verdict) -> None:
    if v.not_assessed:
        click.echo(click.style(f"  not assessed without a regio profile (--profile): "
                               f"{', '.join(v.not_assessed)}", dim=True))


def _profile_products(ctx, param, value):
    """--profile NAME|FILE: the regio's contract (products and tariffs) for TR381 / TR418."""
    if value is None:
        return None
    from harness.profiles import ProfileError, builtin, load_profile
    try:
        if value.endswith((".yaml", ".yml")) or "/" in value:
            profile = load_profile(value)
        else:
            profile = builtin(value)
    except (KeyError, OSError, ProfileError) as e:
        raise click.BadParameter(str(e.args[0]) if isinstance(e, KeyError) else str(e)) from None
    return profile.products()  # both standards: their ProductCategorie codes differ


def _parse_today(ctx, param, value):
    try:
        return date.fromisoformat(value) if value else date.today()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


@main.command(short_help="Say what a receiver would answer to each message file.")
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
                   "(a retour message, or the 325 for a 323); a second file of the same name "
                   "gets <stem>-retour-2.xml.")
@click.option("--profile", "products", callback=_profile_products, metavar="NAME|FILE",
              help="A regio profile (built-in name or YAML file): its products and tariffs "
                   "let TR381 and TR418 be judged.")
@click.option("--chain", is_flag=True,
              help="The FILEs are one chain between one gemeente and one aanbieder, in order: "
                   "judge each also by the cross-message rules against the earlier accepted ones.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
def validate(fmt, schema_dir, xslt_path, today, retour_dir, products, chain, files):
    """Say what a receiver would answer to each FILE.

    Exit 0 when all are accepted, 1 when any is rejected, 2 on a usage or read error."""
    from .answers import AnswerWriter

    schemas = _schemas(schema_dir)
    try:
        official = validate_options.official_rules(xslt_path)
    except validate_options.XsltError as e:
        raise click.UsageError(str(e)) from None
    state = ChainState() if chain else None
    context = Context(today=today, state=state, products=products)
    writer = AnswerWriter(Path(retour_dir), today) if retour_dir else None
    counts = {"accepted": 0, "rejected": 0, "unreadable": 0}
    for name in files:
        try:
            if name == "-":
                verdict = judge(sys.stdin.buffer.read(), "<stdin>", schemas, context,
                                official=official)
            else:
                verdict = judge_file(name, schemas, context, official=official)
        except OSError as e:
            error = f"cannot read {name}: {e.strerror or e}"
        except SchemaError as e:
            raise click.UsageError(str(e)) from None
        except RuleError as e:
            error = f"{name}: {e} (a defect in ketentest: please report it)"
        else:
            error = None
        if error:
            click.echo(f"ketentest: {error}", err=True)
            if fmt == "json":  # one object per FILE, also for one that could not be judged
                click.echo(json.dumps(unreadable(name, error), ensure_ascii=False))
            counts["unreadable"] += 1
            continue
        if state is not None:
            state.record(verdict)
        counts["accepted" if verdict.accepted else "rejected"] += 1
        written = writer.write(verdict) if writer else None
        if fmt == "json":
            out = verdict.as_dict()
            if written:
                out["retour"] = written.as_dict()
            click.echo(json.dumps(out, ensure_ascii=False))
        elif fmt == "rapport":
            click.echo(validate_options.rapport_text(verdict), nl=False)
        else:
            _print_text(verdict)
            judged_by = validate_options.judged_by(verdict, official)
            if judged_by:
                click.echo(click.style(f"  {judged_by}", dim=True))
            if written:
                click.echo(click.style(f"  {written.text()}", dim=True))
    if fmt == "text" and len(files) > 1:
        click.echo(f"\n{len(files)} files: {counts['accepted']} accepted, "
                   f"{counts['rejected']} rejected"
                   + (f", {counts['unreadable']} unreadable" if counts["unreadable"] else ""))
    sys.exit(2 if counts["unreadable"] else 1 if counts["rejected"] else 0)


CATEGORY = {"xslt": "in-message (0001)", "extern": "external data", "chain": "cross-message"}


@main.command(short_help="List the rules ketentest judges.")
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
                     "status": status, "summary": r.summary, "where": r.where,
                     "keuze": r.keuze})
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        click.echo(f"{click.style(row['rule'], bold=True)}  {row['retourcode'] or '-   '}  "
                   f"{CATEGORY[row['category']]:18}  {' '.join(row['messages']):32}  "
                   f"{click.style(row['status'], fg='green')}")
        click.echo(f"        {row['summary']}")
        if row["keuze"]:  # advisory against a system under test unless --strict
            click.echo(click.style(f"        keuze (advisory): {row['keuze']}", fg="yellow"))
        click.echo(click.style(f"        judged in {row['where']}", dim=True))
    click.echo(f"\n{len(rows)} rules")


@main.command(short_help="List the message catalogue.")
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


@main.command(short_help="Print a message a receiver accepts.")
@click.argument("message")
@click.option("--today", callback=_parse_today, metavar="YYYY-MM-DD",
              help="The message's Dagtekening (default: today).")
@click.option("--seed", type=int, help="Build the same message every time (each seed has its "
              "own ToewijzingNummers).")
@click.option("--afzender", metavar="CODE", help="The sender's party code (a session's "
              "gemeentecode or AGB code).")
@click.option("--ontvanger", metavar="CODE", help="The receiver's party code.")
def example(message, today, seed, afzender, ontvanger):
    """Print a realistic MESSAGE that a receiver accepts (e.g. WMO301, JW325, iwmo-3.2:305)."""
    try:
        rel, msg = find_message(message)
    except KeyError as e:
        raise click.UsageError(str(e.args[0])) from None
    codes = {}
    for option, role, code in (("--afzender", msg.sender, afzender),
                               ("--ontvanger", msg.receiver, ontvanger)):
        if code is None:
            continue
        digits = 4 if role == "gemeente" else 8
        if not (code.isdigit() and len(code) == digits):
            what = "gemeentecode" if role == "gemeente" else "AGB code"
            raise click.BadParameter(f"a {msg.name} goes from the {msg.sender} to the "
                                     f"{msg.receiver}: {option} is the {role}'s {what}, "
                                     f"{digits} digits; got {code!r}", param_hint=option)
        codes[role] = code
    click.echo(to_bytes(factories.bericht(rel, msg.id, today=today, seed=seed, **codes)).decode(),
               nl=False)


@main.command(short_help="Write ketentest's own XSDs of a release.")
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


@main.command(short_help="Run the mock exchange.")
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
@click.option("--tls", is_flag=True, help="HTTPS with mutual TLS: a test CA beside the "
              "database issues every party a client certificate (mock_gateway/tlsca.py).")
@click.option("--tls-dir", envvar="KETENTEST_TLS_DIR", metavar="DIR",
              help="The test CA's folder (default: beside the SQLite file, DB-tls/).")
@click.option("--party-auth", type=click.Choice(["certificate", "either", "token"]),
              envvar="KETENTEST_PARTY_AUTH", help="How parties are known (default: "
              "certificate with --tls, else token).")
def serve(host, port, database, admin_token, public_url, tls, tls_dir, party_auth):
    """Run the mock exchange (one process, threaded; for several workers use gunicorn)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from mock_gateway import Config, create_app  # lazily: validate etc. need no Flask
    from mock_gateway.tlsca import TestCA, default_directory

    _ready(None, None, database)
    context = None
    if tls:
        tls_dir = str(tls_dir or default_directory(database))
        context = TestCA.ensure(tls_dir, [host]).server_context()
    # no token given: the one generated at this database's first start stays valid
    app = create_app(Config(database=database, admin_token=admin_token, public_url=public_url,
                            tls_dir=tls_dir if tls else None,
                            party_auth=party_auth or ("certificate" if tls else "token")))
    generated = app.extensions.get("ketentest.generated_admin_token")
    server = make_server(host, port, app, threaded=True, ssl_context=context,
                         request_handler=WSGIRequestHandler if _colour(sys.stderr)
                         else _plain_log(WSGIRequestHandler))
    scheme = "https" if tls else "http"
    click.echo(f"ketentest exchange on {scheme}://{host}:{server.server_port}  "
               f"(database {database})")
    if admin_token:
        click.echo(f"admin token: {admin_token}")
    elif generated:
        click.echo(f"admin token: {generated} (new; kept across restarts on this database, "
                   "stored hashed)")
    else:
        click.echo("admin token: the one printed at this database's first start (kept; "
                   "--admin-token or KETENTEST_ADMIN_TOKEN sets another)")
    if tls:
        click.echo(f"test CA: {tls_dir}/ca.pem (also GET /ca.pem); parties get a client "
                   "certificate in POST /api/sessions")
    click.echo("API: /openapi.json; stop with Ctrl-C", nl=True)
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _ready(exchange: str | None, admin_token: str | None, database: str | None) -> None:
    """An exchange that does not answer or a database that does not open: one sentence on
    stderr and exit status 2, no traceback."""
    from . import preflight

    try:
        if exchange:
            preflight.exchange(exchange, admin_token)
        if database:
            preflight.database(database)
    except preflight.NotReady as e:
        click.echo(f"ketentest: {e}", err=True)
        sys.exit(2)


def _colour(stream) -> bool:
    """Colour codes only for a terminal, and not when NO_COLOR is set."""
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def _plain_log(handler):
    """werkzeug's request log without its colour codes (for a file, a pipe, or NO_COLOR)."""
    class PlainLog(handler):
        def log(self, type, message, *args):
            super().log(type, message, *(click.unstyle(a) if isinstance(a, str) else a
                                         for a in args))
    return PlainLog


@main.command(name="run", short_help="Run the chain scenarios against a system.")
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
              "test, move the session clock one werkdag every S seconds (default 10, so an "
              "answer is judged against its termijn in every scenario; 0: the clock stands "
              "still; an interactive run is not paced by default).")
@click.option("--interactive/--no-interactive", default=None,
              help="Ask a person to perform the system's actions (default: when the "
              "terminal is interactive and no trigger is given).")
@click.option("--database", metavar="FILE", help="Keep the embedded exchange's journal in "
              "FILE (SQLite).")
@click.option("--system", metavar="NAME", help="The system under test's name, for the "
              "certificate; when the exchange has it registered (POST /api/systems), every "
              "scenario uses its own code and credentials.")
@click.option("--exchange-ca", metavar="FILE", type=click.Path(exists=True, dir_okay=False),
              help="The CA certificate of an exchange with TLS (its GET /ca.pem).")
@click.option("--gemeenten", metavar="N|profiel", help="Regio mode: every scenario's session "
              "holds N gemeenten sharing the aanbieder (profiel: as many as the regio profile "
              "names; its codes when it is a shipped one); the first acts unless a step names "
              "another. With --sut aanbieder or none.")
@click.option("--junitxml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--cucumberjson", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML certificate.")
@click.option("--vendor", metavar="NAME", help="Its vendor, for the certificate.")
@click.option("--system-version", metavar="V", help="Its version, for the certificate.")
@click.option("--strict", is_flag=True, help="Fail on warnings too: the advisory OP/IV checks "
              "and a rule whose reading is ketentest's choice (`ketentest rules`: keuze).")
def run_command(features, sut, exchange, admin_token, release, profile, tags, triggers, today,
                timeout, werkdag, interactive, database, system, exchange_ca, gemeenten,
                junitxml, cucumberjson, html, vendor, system_version, strict):
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
    if system and sut == "none":
        raise click.UsageError("--system names the system under test: give --sut too")
    if gemeenten is not None:
        if gemeenten != "profiel" and not (gemeenten.isdigit() and 1 <= int(gemeenten) <= 50):
            raise click.UsageError(f"--gemeenten: give a number from 1 to 50 or 'profiel', "
                                   f"got {gemeenten!r}")
        if sut == "gemeente":
            raise click.UsageError("--gemeenten: a regio's gemeenten share the aanbieder; "
                                   "the system under test is then the aanbieder (--sut "
                                   "aanbieder) or none")
    if interactive is None:
        interactive = sut != "none" and not triggers and sys.stdin.isatty()
    options = RunOptions(list(features) or [FEATURES], sut, exchange, admin_token, release,
                         profile, tags, list(triggers), today, timeout, werkdag, interactive,
                         database, junitxml, cucumberjson, html, system, vendor,
                         system_version, exchange_ca, gemeenten, strict=strict)
    sys.exit(run(options))


@main.command(short_help="Play chains between two simulated parties.")
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
    _ready(exchange, admin_token, None)
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


@main.command(short_help="List the steps a scenario can use.")
def steps():
    """List the steps a scenario can use, with what each does."""
    from .steps.listing import step_listing

    click.echo(step_listing())


if __name__ == "__main__":
    main()
