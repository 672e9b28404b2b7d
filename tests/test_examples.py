"""The done criterion of issue 17, end to end: `ketentest serve --tls`, a system registered with
its own code, and the reference systems in examples/ complete scenarios of the chain library
with `ketentest run --system` over mutual TLS, one fixed identity for every scenario: the
aanbieder speaking only VECOZO's VSP-REST, the gemeente only GGk StUF. A subset of the library
here (the whole of it: README, "Systems connect unchanged")."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import requests
from lxml import etree

from ketentest.run.sut import ACTIONS

from .exchange_support import ADMIN, ROOT, running_server

EXAMPLES = ROOT / "examples"
# the aanbieder's certification suite over VSP: a sample of its rule cases in CI, every one
# with KETENTEST_FULL_CERTIFICATION=1 (about a minute more)
CERTIFICERING = ("@certificering-aanbieder" if os.environ.get("KETENTEST_FULL_CERTIFICATION")
                 == "1" else "(@certificering-aanbieder and (@TR002 or @TR332 or @TR385))")


def example(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def register(url: str, ca: str, tmp: Path, **system) -> tuple[str, str]:
    r = requests.post(url + "/api/systems", json=system, verify=ca,
                      headers={"Authorization": f"Bearer {ADMIN}"})
    assert r.status_code == 201, r.text
    cert, key = tmp / f"{system['name']}.pem", tmp / f"{system['name']}.key"
    cert.write_text(r.json()["certificate"]["pem"])
    key.write_text(r.json()["certificate"]["key"])
    return str(cert), str(key)


def run(url: str, ca: str, tmp: Path, role: str, system: str, trigger: str, tags: str):
    args = [sys.executable, "-m", "ketentest", "run", "--sut", role, "--system", system,
            "--exchange", url, "--exchange-ca", ca, "--admin-token", ADMIN, "--timeout", "15",
            "--no-interactive", "--tags", tags, "--junitxml", str(tmp / "junit.xml")]
    for action, (who, _) in ACTIONS.items():
        if who in (role, "beide"):
            args += ["--trigger", f"{action}={trigger}"]
    done = subprocess.run(args, capture_output=True, text=True, cwd=tmp)
    results = {}
    for case in etree.parse(str(tmp / "junit.xml")).getroot().iter("testcase"):
        failed = case.find("failure")
        skipped = case.find("skipped")
        results[case.get("name")] = "failed" if failed is not None else \
            "skipped" if skipped is not None else "passed"
    return done, results


def journal(url: str, ca: str) -> list[dict]:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    sessions = requests.get(url + "/api/sessions", headers=admin, verify=ca).json()["sessions"]
    return [m for s in sessions for m in requests.get(
        f"{url}/api/sessions/{s['id']}/messages", headers=admin, verify=ca,
        params={"limit": 1000}).json()["messages"]]


def test_reference_aanbieder_over_vsp_rest_with_its_certificate(tmp_path):
    tls = tmp_path / "tls"
    ca = str(tls / "ca.pem")
    vsp_aanbieder = example("vsp_aanbieder")
    with running_server(tmp_path, args=("--tls", "--tls-dir", str(tls)), verify=ca) as srv:
        cert, key = register(srv.url, ca, tmp_path, name="ecd", role="aanbieder",
                             code="12345678")
        aanbieder = vsp_aanbieder.Aanbieder(vsp_aanbieder.Vsp(srv.url, ca, cert, key),
                                            "12345678")
        server, stop = vsp_aanbieder.serve(aanbieder)
        try:
            done, results = run(srv.url, ca, tmp_path, "aanbieder", "ecd",
                                f"http://127.0.0.1:{server.server_port}/trigger",
                                "@301-302 or @305-306 or @323-325 or @regio or " + CERTIFICERING)
        finally:
            stop.set()
            server.shutdown()
        assert done.returncode == 0, done.stderr[-3000:] + str(aanbieder.errors[:3])
        assert list(results.values()).count("passed") >= 8, results
        assert "failed" not in results.values()
        assert any(name.startswith("De aanbieder wijst een 301 af die regel") and v == "passed"
                   for name, v in results.items()), results  # its certification cases
        assert results["Twee gemeenten van een regio wijzen toe aan één aanbieder, die bij "
                       "elk declareert"] == "passed"  # a regio: both gemeenten served
        entries = journal(srv.url, ca)
        sent = [m for m in entries if m["sender"]["role"] == "aanbieder"]
        assert sent and {m["sender"]["code"] for m in sent} == {"12345678"}
        assert len({m["session"] for m in sent}) >= 8  # one identity, a session per scenario
        assert {m["status"] for m in entries if m["receiver"]["role"] == "aanbieder"} \
            == {"bezorgd"}  # all pulled and confirmed over VSP
        # without a certificate the system is refused
        r = requests.get(srv.url + vsp_aanbieder.PULL, verify=ca)
        assert r.status_code == 401


def test_reference_gemeente_over_ggk_stuf_with_its_certificate(tmp_path):
    tls = tmp_path / "tls"
    ca = str(tls / "ca.pem")
    ggk_gemeente = example("ggk_gemeente")
    with running_server(tmp_path, args=("--tls", "--tls-dir", str(tls)), verify=ca) as srv:
        gemeente = ggk_gemeente.Gemeente(None, "0014")
        server, stop = ggk_gemeente.serve(gemeente)
        base = f"http://127.0.0.1:{server.server_port}"
        cert, key = register(srv.url, ca, tmp_path, name="wmo", role="gemeente", code="0014",
                             push_url=base + "/ggk")
        gemeente.ggk = ggk_gemeente.Ggk(srv.url, ca, cert, key)
        try:
            done, results = run(srv.url, ca, tmp_path, "gemeente", "wmo", base + "/trigger",
                                "@301-302 or @315-316")
        finally:
            stop.set()
            server.shutdown()
        assert done.returncode == 0, done.stderr[-3000:] + str(gemeente.errors[:3])
        assert list(results.values()).count("passed") >= 8, results
        entries = journal(srv.url, ca)
        sent = [m for m in entries if m["sender"]["role"] == "gemeente"]
        assert sent and {m["sender"]["code"] for m in sent} == {"0014"}
        assert all(m["referentienummer"] for m in sent)  # came in GGk envelopes
        r = requests.post(srv.url + "/ggk", data=b"<x/>", verify=ca,
                          headers={"Content-Type": "text/xml"})
        assert r.status_code == 401  # no certificate: refused before any StUF is read
