"""The three floors import one way: ketentest (the application) -> mock_gateway (the exchange)
-> harness (the standard). Read from the source with `ast`, so a lazy import inside a function
counts as much as one at the top."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEB_AND_HTTP = {"flask", "werkzeug", "requests", "jinja2", "itsdangerous", "gunicorn",
                "sqlalchemy", "alembic", "psycopg", "urllib3", "http"}
FORBIDDEN = {
    "harness": {"mock_gateway", "ketentest"} | WEB_AND_HTTP,
    "mock_gateway": {"ketentest"},
}


def imports(package: str) -> list[tuple[str, int, str]]:
    """(file, line, top-level module) of every import in a package, relative ones resolved."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), node.lineno, a.name.split(".")[0])
                          for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                top = package if node.level else (node.module or "").split(".")[0]
                found.append((str(path.relative_to(ROOT)), node.lineno, top))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_floor_imports_nothing_from_the_floors_above_it(package):
    wrong = [f"{f}:{line} imports {top}" for f, line, top in imports(package)
             if top in FORBIDDEN[package]]
    assert not wrong, "\n".join(wrong)


def test_the_graph_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The check itself: an upward import in a module of the floor is found."""
    (tmp_path / "harness").mkdir()
    (tmp_path / "harness" / "bad.py").write_text("def f():\n    import requests\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert imports("harness") == [("harness/bad.py", 2, "requests")]


def test_python_m_ketentest_prints_the_version():
    for flag in ("--version", "-V"):
        done = subprocess.run([sys.executable, "-m", "ketentest", flag], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("ketentest, version ")


RELEASE_DATA = ("harness/standard/registry.py", "harness/standard/data/")


def release_literals(package: str) -> list[str]:
    """Strings in the code (not docstrings or comments) that name release 3.2 by number."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        shown = str(path.relative_to(ROOT))
        if shown.startswith(RELEASE_DATA):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                        ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr)
                      and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in docstrings \
                    and any(v in node.value for v in ("3.2", "3_2")):
                found.append(f"{shown}:{node.lineno}: {node.value[:60]!r}")
    return found


@pytest.mark.parametrize("package", ["harness", "mock_gateway", "ketentest"])
def test_releases_are_data_named_only_by_the_registry(package):
    """Adding a release is a folder of tables and an entry in the registry: no other code
    names release 3.2."""
    assert not release_literals(package), "\n".join(release_literals(package))


def test_blueprints_share_through_the_app_not_through_each_other():
    """A blueprint module (one that makes a Flask Blueprint) is imported by the app factory
    only: what blueprints share lives in modules of its own (delivery, queries, views, ...)."""
    folder = ROOT / "mock_gateway"
    blueprints = {p.stem for p in folder.glob("*.py") if "Blueprint(" in p.read_text()}
    assert {"sessions", "admin", "mailbox", "journal", "ggk"} <= blueprints
    wrong = []
    for path in sorted(folder.glob("*.py")):
        if path.stem == "app":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                named = {node.module} if node.module else {a.name for a in node.names}
                wrong += [f"{path.name}:{node.lineno} imports {m}" for m in named & blueprints]
    assert not wrong, "\n".join(wrong)
