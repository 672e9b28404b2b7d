"""Mutual TLS: the test CA (mock_gateway/tlsca.py), and the exchange over HTTPS with client
certificates, under `ketentest serve --tls` (werkzeug) and under gunicorn with its own TLS
settings: a party is known by its certificate; a request without one is refused with 401, one
with a certificate of another CA at the TLS handshake."""
from __future__ import annotations

import base64
import ssl

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from mock_gateway.tlsca import TestCA, fingerprint, peer_der

from .exchange_support import ADMIN, XML, running_server
from .vsp_support import Vsp, metadata

REL = "iwmo-3.2"


def subject(pem: str | bytes) -> dict:
    cert = x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)
    return {a.oid._name: a.value for a in cert.subject}


def test_the_ca_issues_party_certificates_naming_the_party(tmp_path):
    ca = TestCA.ensure(tmp_path / "tls")
    assert TestCA.ensure(tmp_path / "tls").ca_pem == ca.ca_pem  # made once, kept
    a = ca.issue("aanbieder", "12345678")
    assert subject(a.pem)["commonName"] == "zorgaanbieder 12345678"
    assert subject(a.pem)["serialNumber"] == "12345678"
    assert "VECOZO" in subject(a.pem)["organizationName"]
    g = ca.issue("gemeente", "0363")
    assert subject(g.pem)["organizationName"] == "Gemeente 0363"
    assert subject(g.pem)["serialNumber"] == "00000001000000363000"  # a fictitious OIN
    cert = x509.load_pem_x509_certificate(a.pem)
    ca.cert.public_key().verify(cert.signature, cert.tbs_certificate_bytes,
                                x509.load_pem_x509_certificate(ca.ca_pem)
                                .signature_algorithm_parameters)  # signed by the CA
    key, p12_cert, extra = pkcs12.load_key_and_certificates(a.pkcs12, a.password.encode())
    assert p12_cert == cert and extra == [ca.cert] and key is not None
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(a.pkcs12, b"wrong")
    from cryptography.hazmat.primitives.serialization import Encoding
    assert a.sha256 == fingerprint(cert.public_bytes(Encoding.DER))
    server = x509.load_pem_x509_certificate(ca.server_cert_path.read_bytes())
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    TestCA.ensure(tmp_path / "tls", ["kt.example"])  # a new host: a new server certificate
    server = x509.load_pem_x509_certificate(ca.server_cert_path.read_bytes())
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "kt.example" in san.get_values_for_type(x509.DNSName)


def test_the_peer_certificate_is_read_from_werkzeug_or_gunicorn_never_from_a_header():
    class Sock:
        def getpeercert(self, binary_form=False):
            return b"der" if binary_form else {}

    pem = ssl.DER_cert_to_PEM_cert(b"0123456789")
    assert peer_der({"SSL_CLIENT_CERT": pem}) == b"0123456789"
    assert peer_der({"gunicorn.socket": Sock()}) == b"der"
    assert peer_der({"HTTP_SSL_CLIENT_CERT": pem, "gunicorn.socket": object()}) is None


def _files(tmp_path, role: str, party: dict) -> tuple[str, str]:
    cert, key = tmp_path / f"{role}.pem", tmp_path / f"{role}.key"
    cert.write_text(party["certificate"]["pem"])
    key.write_text(party["certificate"]["key"])
    return str(cert), str(key)


def _with_cert(ca_file: str, files: tuple[str, str] | None) -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # else REQUESTS_CA_BUNDLE overrides the session's verify
    s.verify, s.cert = ca_file, files
    return s


def _exercise(url: str, ca_file: str, tmp_path):
    """A session over HTTPS: the gemeente posts with its certificate, the aanbieder pulls
    and confirms over VSP with its own; without a certificate, with a token only, or with
    another CA's certificate, it is refused."""
    admin = {"Authorization": f"Bearer {ADMIN}"}
    assert requests.get(url + "/ca.pem", verify=ca_file).text == open(ca_file).read()
    r = requests.post(url + "/api/sessions", json={}, headers=admin, verify=ca_file)
    assert r.status_code == 201, r.text
    parties = {p["role"]: p for p in r.json()["parties"]}
    g, a = parties["gemeente"], parties["aanbieder"]
    assert subject(a["certificate"]["pem"])["commonName"] == f"zorgaanbieder {a['code']}"
    assert base64.b64decode(a["certificate"]["pkcs12"])
    gemeente = _with_cert(ca_file, _files(tmp_path, "gemeente", g))
    from harness.factories import bericht, to_bytes
    toewijzing = to_bytes(bericht(REL, "301", gemeente=g["code"], aanbieder=a["code"]))
    r = gemeente.post(url + "/api/messages", data=toewijzing, headers={"Content-Type": XML})
    assert r.status_code == 202, r.text
    vsp = Vsp(url, session=_with_cert(ca_file, _files(tmp_path, "aanbieder", a)))
    [waiting] = vsp.waiting()
    traceer = waiting["referentiegegevens"]["traceerId"]
    assert vsp.payload(traceer).content == toewijzing
    assert vsp.confirm(traceer).status_code == 202
    start = to_bytes(bericht(REL, "305", gemeente=g["code"], aanbieder=a["code"]))
    assert vsp.push(metadata(a["code"], g["code"], "WMO305"), start).status_code == 204

    # refused: no certificate (token or nothing), a certificate of another CA
    bare = Vsp(url, session=_with_cert(ca_file, None), checked=False)
    r = bare.pull()
    assert r.status_code == 401 and "certificate" in r.json()["detail"]
    r = requests.get(url + "/api/messages", verify=ca_file,
                     headers={"Authorization": f"Bearer {a['token']}"})
    assert r.status_code == 401 and r.json()["code"] == "CERTIFICATE_REQUIRED"
    stranger = TestCA.ensure(tmp_path / "other-ca").issue("aanbieder", a["code"])
    (tmp_path / "s.pem").write_bytes(stranger.pem)
    (tmp_path / "s.key").write_bytes(stranger.key_pem)
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(url + "/api/messages", verify=ca_file,
                     cert=(str(tmp_path / "s.pem"), str(tmp_path / "s.key")))
    r = requests.get(url + "/api/sessions", headers=admin, verify=ca_file)
    assert r.status_code == 200  # the admin keeps its bearer token
    return g, a


def test_serve_tls_knows_parties_by_their_certificates(tmp_path):
    tls = tmp_path / "tls"
    with running_server(tmp_path, args=("--tls", "--tls-dir", str(tls)),
                        verify=str(tls / "ca.pem")) as srv:
        assert srv.url.startswith("https://")
        _exercise(srv.url, str(tls / "ca.pem"), tmp_path)


def test_gunicorn_with_its_tls_settings(tmp_path):
    tls = tmp_path / "tls"
    ca = TestCA.ensure(tls)
    gunicorn = ("--certfile", str(ca.server_cert_path), "--keyfile", str(ca.server_key_path),
                "--ca-certs", str(ca.ca_path), "--cert-reqs", "1")
    with running_server(tmp_path, gunicorn_workers=2, gunicorn_args=gunicorn,
                        env={"KETENTEST_TLS_DIR": str(tls)}, verify=str(ca.ca_path)) as srv:
        _exercise(srv.url, str(ca.ca_path), tmp_path)


def test_without_tls_there_is_no_ca_and_tokens_work(sqlite_server):
    r = requests.get(sqlite_server.url + "/ca.pem")
    assert r.status_code == 404 and "--tls" in r.json()["message"]
    r = requests.post(sqlite_server.url + "/api/sessions", json={},
                      headers={"Authorization": f"Bearer {ADMIN}"})
    assert all("certificate" not in p for p in r.json()["parties"])
