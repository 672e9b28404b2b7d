"""Shared fixtures. The official material in ../shared/reference is an oracle: tests that need
it skip cleanly where it is absent (e.g. on a user's machine)."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
ISTANDAARDEN = REFERENCE / "istandaarden"


@pytest.fixture(scope="session")
def reference() -> Path:
    if not ISTANDAARDEN.is_dir():
        pytest.skip("../shared/reference is absent: no official oracle to compare with")
    return REFERENCE


@pytest.fixture(scope="session")
def official_xsd_paths(reference) -> dict[str, Path]:
    """targetNamespace -> official XSD file (iWmo retours: the derived-unofficial ones)."""
    out = {}
    for path in sorted((reference / "istandaarden").rglob("*.xsd")):
        ns = etree.parse(str(path)).getroot().get("targetNamespace")
        if not ns.endswith("/basisschema/schema"):
            assert ns not in out, f"two official XSDs for {ns}"
            out[ns] = path
    assert len(out) == 28
    return out


@pytest.fixture(scope="session")
def official_schemas(official_xsd_paths) -> dict[str, etree.XMLSchema]:
    return {ns: etree.XMLSchema(etree.parse(str(p))) for ns, p in official_xsd_paths.items()}


def official_examples() -> list[Path]:
    return sorted(ISTANDAARDEN.glob("*/examples/*.xml")) if ISTANDAARDEN.is_dir() else []


# -- the mock exchange in a subprocess, one per module -----------------------------------

@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    """One exchange server per module and database (PostgreSQL skips when unreachable)."""
    from .exchange_support import running_server
    with running_server(tmp_path_factory.mktemp(request.param), request.param) as srv:
        yield srv


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory):
    from .exchange_support import running_server
    with running_server(tmp_path_factory.mktemp("sqlite")) as srv:
        yield srv
