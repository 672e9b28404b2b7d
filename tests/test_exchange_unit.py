"""The exchange in-process (Flask's test client) where no server is needed: werkdagen,
tokens stored hashed, migrations, the admin token, transactions on a crash, and the hook for
the chain state."""
from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import inspect

from harness.factories import bericht, to_bytes
from harness.standard.cbs import gemeentecodes
from mock_gateway import Config, create_app, delivery

ADMIN = {"Authorization": "Bearer adm"}


@pytest.fixture
def app(tmp_path):
    return create_app(Config(database=str(tmp_path / "x.db"), admin_token="adm"))


@pytest.fixture
def client(app):
    return app.test_client()


def new_session(client, **body):
    r = client.post("/api/sessions", headers=ADMIN, json=body)
    assert r.status_code == 201, r.json
    g, a = r.json["parties"]
    return r.json["id"], g, a


def submit(client, party, xml):
    return client.post("/api/messages", data=xml, headers={
        "Authorization": f"Bearer {party['token']}", "Content-Type": "application/xml"})


@pytest.mark.parametrize("profile, after", [
    ("regio-accepteert", date(2026, 5, 5)),  # 5 May off in lustrum years only (holidays.NL)
    ("regio-weigert-vow", date(2026, 5, 6)),  # this regio gives it off every year
    (None, date(2026, 5, 5)),  # no profile: the default calendar
])
def test_the_admin_clock_counts_werkdagen_by_the_regios_calendar(client, profile, after):
    session, _, _ = new_session(client, **({"profile": profile} if profile else {}))
    clock = f"/api/sessions/{session}/clock"
    assert client.post(clock, headers=ADMIN, json={"date": "2026-05-04"}).status_code == 200
    r = client.post(clock, headers=ADMIN, json={"werkdagen": 1})
    assert r.json["today"] == after.isoformat()
    r = client.post(clock, headers=ADMIN, json={"werkdagen": 0})
    assert r.json["today"] == after.isoformat()


def test_identities_are_real_cbs_codes_and_agb_codes(client):
    seen_g, seen_a = set(), set()
    for _ in range(30):
        _, g, a = new_session(client)
        assert g["code"] in gemeentecodes() and len(a["code"]) == 8 and a["code"].isdigit()
        seen_g.add(g["code"]), seen_a.add(a["code"])
    assert len(seen_g) == len(seen_a) == 30


def test_out_of_gemeentecodes_is_503(client, monkeypatch):
    from mock_gateway import sessions
    monkeypatch.setattr(sessions, "gemeentecodes", lambda: frozenset({"0363", "0344"}))
    new_session(client), new_session(client)
    r = client.post("/api/sessions", headers=ADMIN, json={})
    assert r.status_code == 503 and r.json["code"] == "NO_IDENTITIES"


def test_tokens_are_stored_hashed(tmp_path):
    app = create_app(Config(database=str(tmp_path / "t.db"), admin_token="adm"))
    _, g, a = new_session(app.test_client())
    app.extensions["ketentest"].engine.dispose()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("t.db*"))
    assert g["token"].encode() not in raw and a["token"].encode() not in raw
    assert b"adm" not in raw.replace(b"admin_token", b"")
    with sqlite3.connect(tmp_path / "t.db") as db:
        hashes = [h for (h,) in db.execute("select token_hash from parties")]
    assert len(hashes) == 2 and all(len(h) == 64 for h in hashes)


def test_migrations_run_once_and_reach_head(tmp_path):
    from alembic.script import ScriptDirectory
    from mock_gateway.migrate import alembic_config
    db = str(tmp_path / "m.db")
    app = create_app(Config(database=db, admin_token="adm"))
    create_app(Config(database=db, admin_token="adm"))  # a second start: nothing to do
    engine = app.extensions["ketentest"].engine
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as c:
        assert c.exec_driver_sql("select version_num from alembic_version").scalar() == head
        assert c.exec_driver_sql("pragma journal_mode").scalar() == "wal"
    tables = set(inspect(engine).get_table_names())
    assert {"sessions", "parties", "messages", "freezes", "faults", "settings"} <= tables
    assert "chain_state" in {c["name"] for c in inspect(engine).get_columns("sessions")}


def test_messages_journalled_before_the_termijn_migration_keep_null_day_and_termijn(tmp_path):
    """0002 adds day, links and termijn: rows from before stay null and still list."""
    from alembic import command
    from sqlalchemy import create_engine
    from mock_gateway.migrate import alembic_config
    db = str(tmp_path / "old.db")
    engine = create_engine(f"sqlite:///{db}")
    cfg = alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        ids = {"s": "5" * 32, "m": "6" * 32}  # the exchange's ids are 32 hex digits
        conn.exec_driver_sql(
            "insert into sessions (id, release, gemeentecode, agb, created_at) "
            "values (:s, 'iwmo-3.2', '0363', '12345678', '2026-11-02 09:00:00')", ids)
        conn.exec_driver_sql(
            "insert into messages (id, seq, session_id, sender_role, sender_code, receiver_role,"
            " status, size, received_at) values (:m, 1, :s, 'gemeente', '0363', 'aanbieder',"
            " 'afgekeurd', 10, '2026-11-02 09:00:00')", ids)
        conn.commit()
    engine.dispose()
    client = create_app(Config(database=db, admin_token="adm")).test_client()  # migrates to head
    [entry] = client.get(f"/api/sessions/{'5' * 32}/messages", headers=ADMIN).json["messages"]
    assert entry["id"] == "6" * 32 and entry["day"] is None and entry["termijn"] is None


def test_generated_admin_token_is_kept_across_starts(tmp_path, capsys):
    db = str(tmp_path / "a.db")
    first = create_app(Config(database=db))
    token = first.extensions["ketentest.generated_admin_token"]
    assert token and token in capsys.readouterr().err
    second = create_app(Config(database=db))
    assert second.extensions["ketentest.generated_admin_token"] is None
    r = second.test_client().get("/api/sessions", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    r = second.test_client().get("/api/sessions", headers={"Authorization": "Bearer other"})
    assert r.status_code == 401


def test_a_crash_while_storing_leaves_nothing_half_done(client, monkeypatch):
    sid, g, a = new_session(client)
    xml = to_bytes(bericht("iwmo-3.2", "301", gemeente=g["code"], aanbieder=a["code"]))

    def crash(*_args):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(delivery.chains, "record", crash)
    r = submit(client, g, xml)
    assert r.status_code == 500 and r.json["code"] == "INTERNAL"
    assert "nothing was stored" in r.json["message"]
    assert client.get(f"/api/sessions/{sid}/messages", headers=ADMIN).json["messages"] == []
    monkeypatch.undo()
    assert submit(client, g, xml).status_code == 202  # not a BRS20: the first never landed


def test_the_session_chain_judges_and_records_what_was_delivered(client, app):
    """A start on a toewijzing the session's chain holds is fine; on an unknown number it is
    delivered (the exchange refuses only what the hubs refuse) with TR019 in its verdict."""
    from mock_gateway.chains import ChainCache
    from mock_gateway.db import ExchangeSession, reading
    sid, g, a = new_session(client)
    parties = {"gemeente": g["code"], "aanbieder": a["code"]}
    toewijzing = bericht("ijw-3.2", "301", Client__Bsn="999993653", producten=[
        {"ToewijzingNummer": 1001, "Ingangsdatum": date(2026, 10, 1)}], **parties)
    assert submit(client, g, to_bytes(toewijzing)).status_code == 202
    assert submit(client, g, to_bytes(toewijzing)).status_code == 409  # BRS20: not recorded
    verdicts = []
    for nummer in (1001, 4242):
        start = bericht("ijw-3.2", "305", Client__Bsn="999993653", producten=[
            {"ToewijzingNummer": nummer, "Begindatum": date(2026, 10, 5)}], **parties)
        r = submit(client, a, to_bytes(start))
        assert r.status_code == 202
        verdicts.append(client.get(f"/api/messages/{r.json['id']}/verdict",
                                   headers={"Authorization": f"Bearer {a['token']}"}).json["verdict"])
    assert verdicts[0]["accepted"], verdicts[0]
    assert [f["rule"] for f in verdicts[1]["findings"]] == ["TR019"]
    with reading(app.extensions["ketentest"].engine) as s:  # rebuilt from the database
        state = ChainCache().take(s, s.get(ExchangeSession, sid))
    assert set(state.toewijzingen) == {"1001"} and len(state.starts) == 1


def test_openapi_document_is_valid_and_covers_every_route(app):
    from openapi_spec_validator import validate
    doc = app.test_client().get("/openapi.json").json
    validate(doc)
    routes = {(rule.rule.replace("<", "{").replace(">", "}"), method.lower())
              for rule in app.url_map.iter_rules()
              if rule.endpoint != "static" and not rule.endpoint.startswith("web.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in doc["paths"].items()
                  for method in item if method != "parameters"}
    assert routes == documented


def test_config_from_env():
    c = Config.from_env({"KETENTEST_DATABASE": "postgresql://u@h/db", "KETENTEST_ADMIN_TOKEN": "t"})
    assert c.database == "postgresql://u@h/db" and c.admin_token == "t"
    from mock_gateway.config import database_url
    assert database_url(c.database).drivername == "postgresql+psycopg"
    assert database_url("x.db").drivername == "sqlite"


def test_exchange_benchmark_runs_with_tiny_numbers(tmp_path):
    """Not a timing assertion: the script starts both servers, loads them, prints its table."""
    import json
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(root / "benchmarks" / "bench_exchange.py"),
                             "--requests", "16", "--clients", "2", "--prestaties", "5",
                             "--json", str(out)],
                            capture_output=True, text=True, cwd=root, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| mock exchange (judge + journal) |" in result.stdout
    rows = json.loads(out.read_text())["rows"]
    assert [r["statuses"] for r in rows.values()] == [[202], [202]]
    assert all(r["requests"] == 16 for r in rows.values())


def test_scale_benchmark_runs_with_tiny_numbers(tmp_path):
    """Not a timing assertion: both worker classes start, every load is answered with 202s,
    and every submission is judged once (counted inside the workers)."""
    import json
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "scale.json"
    script = root / "benchmarks" / "bench_exchange_scale.py"
    result = subprocess.run([sys.executable, str(script),
                             "--n301", "8", "--n323", "2", "--clienten", "2", "--probe", "2",
                             "--nth", "12", "--sessions", "3", "--per-session", "2",
                             "--clients", "2", "--json", str(out)],
                            capture_output=True, text=True, cwd=root, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    results = json.loads(out.read_text())
    assert set(results) == {"sync", "gthread"}
    for res in results.values():
        loads = [r for r in res["rows"].values() if "verdicts" in r]
        assert len(loads) == 3 and all(r["verdicts"] == [1.0, 1.0] for r in loads)
        assert "cpu_ratio" in res["rows"]["12th message vs the first"]
        assert res["floor"]["4 KB"]["statuses"] == [202]  # the parse + XSD floor accepts them
