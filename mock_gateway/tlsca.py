"""Mutual TLS as the hubs use it, with a test CA of ketentest's own (the `cryptography`
package): the CA and the exchange's server certificate are made once and kept in a folder
beside the database; every party gets a client certificate and key when it is registered, its
subject naming the party:

- an aanbieder a VECOZO-like system certificate: CN `zorgaanbieder <AGB>`, O `ketentest
  VECOZO systeemcertificaat`, serialNumber the AGB code;
- a gemeente a PKIoverheid-like one: CN `gemeente <code>`, O `Gemeente <code>`, serialNumber a
  fictitious OIN (`00000001` + the gemeentecode in 9 digits + `000`).

The exchange knows a TLS peer by the SHA-256 of its certificate (stored with the party, as
tokens are stored hashed); the TLS layer checks it was issued by the test CA. How the WSGI app
sees the peer's certificate (`peer_der`): werkzeug's server puts it in the environ as
SSL_CLIENT_CERT (PEM, as nginx and Apache name it); under gunicorn the app reads it from the
connection gunicorn hands over as `gunicorn.socket`.

    python -m mock_gateway.tlsca DIR [HOST ...]   # make the CA and server certificate for gunicorn
"""
from __future__ import annotations

import fcntl
import hashlib
import ipaddress
import secrets
import ssl
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT, CA_KEY = "ca.pem", "ca.key.pem"
SERVER_CERT, SERVER_KEY = "server.pem", "server.key.pem"
DEFAULT_HOSTS = ("localhost", "127.0.0.1")
VALID = timedelta(days=825)


def _key() -> ec.EllipticCurvePrivateKey:
    # EC P-256: made in a millisecond (a session issues two); every TLS stack accepts it
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _name(**parts: str) -> x509.Name:
    oids = {"CN": NameOID.COMMON_NAME, "O": NameOID.ORGANIZATION_NAME,
            "OU": NameOID.ORGANIZATIONAL_UNIT_NAME, "C": NameOID.COUNTRY_NAME,
            "serialNumber": NameOID.SERIAL_NUMBER}
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in parts.items()])


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def subject_of(role: str, code: str) -> x509.Name:
    if role == "aanbieder":
        return _name(C="NL", O="ketentest VECOZO systeemcertificaat", CN=f"zorgaanbieder {code}",
                     serialNumber=code)
    oin = f"00000001{code.zfill(9)}000"
    return _name(C="NL", O=f"Gemeente {code}", OU="ketentest PKIoverheid (test)",
                 CN=f"gemeente {code}", serialNumber=oin)


@dataclass(frozen=True)
class ClientCertificate:
    pem: bytes
    key_pem: bytes
    pkcs12: bytes  # the certificate, its key and the CA, encrypted with `password`
    password: str
    sha256: str  # of the certificate's DER: how the exchange knows its holder


class TestCA:
    """The CA in `directory` (made by `ensure`)."""
    __test__ = False  # not a pytest class

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.ca_pem = (self.directory / CA_CERT).read_bytes()
        self.cert = x509.load_pem_x509_certificate(self.ca_pem)
        self.key = serialization.load_pem_private_key((self.directory / CA_KEY).read_bytes(),
                                                      None)

    @property
    def ca_path(self) -> Path:
        return self.directory / CA_CERT

    @property
    def server_cert_path(self) -> Path:
        return self.directory / SERVER_CERT

    @property
    def server_key_path(self) -> Path:
        return self.directory / SERVER_KEY

    @classmethod
    def ensure(cls, directory: Path | str, hosts=()) -> "TestCA":
        """The CA in `directory`, made there the first time (under a file lock: several
        workers may start at once), with a server certificate for `hosts` besides localhost
        and 127.0.0.1 (made again when a host is new)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (directory / CA_CERT).is_file():
                _make_ca(directory)
            ca = cls(directory)
            wanted = sorted(set(DEFAULT_HOSTS) | {h for h in hosts if h and h != "0.0.0.0"})
            if not ca.server_cert_path.is_file() or not set(wanted) <= ca._server_hosts():
                ca._make_server(wanted)
        return ca

    def _server_hosts(self) -> set[str]:
        cert = x509.load_pem_x509_certificate(self.server_cert_path.read_bytes())
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return set(san.get_values_for_type(x509.DNSName)) | {
            str(ip) for ip in san.get_values_for_type(x509.IPAddress)}

    def _issue(self, subject: x509.Name, key, usage, san=None) -> x509.Certificate:
        now = datetime.now(timezone.utc)
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(self.cert.subject)
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + VALID)
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                 self.key.public_key()), critical=False))
        if san:
            b = b.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return b.sign(self.key, hashes.SHA256())

    def _make_server(self, hosts: list[str]) -> None:
        san = []
        for h in hosts:
            try:
                san.append(x509.IPAddress(ipaddress.ip_address(h)))
            except ValueError:
                san.append(x509.DNSName(h))
        key = _key()
        cert = self._issue(_name(C="NL", O="ketentest", CN=hosts[0] if hosts else "localhost"),
                           key, ExtendedKeyUsageOID.SERVER_AUTH, san)
        _write(self.server_key_path, _key_pem(key), private=True)
        _write(self.server_cert_path, cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, role: str, code: str) -> ClientCertificate:
        """A client certificate for the party `role` `code`, with its key (PEM and PKCS#12)."""
        key = _key()
        cert = self._issue(subject_of(role, code), key, ExtendedKeyUsageOID.CLIENT_AUTH)
        password = secrets.token_urlsafe(12)
        p12 = pkcs12.serialize_key_and_certificates(
            f"{role} {code}".encode(), key, cert, [self.cert],
            serialization.BestAvailableEncryption(password.encode()))
        return ClientCertificate(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key),
                                 p12, password,
                                 fingerprint(cert.public_bytes(serialization.Encoding.DER)))

    def server_context(self) -> ssl.SSLContext:
        """TLS for `ketentest serve --tls`: the server certificate; a client certificate is
        asked for and, when one is sent, must be the test CA's (else the handshake fails).
        Optional, so that the CA certificate can be fetched without one; the API refuses a
        party request without one itself (auth.py)."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(self.server_cert_path, self.server_key_path)
        ctx.load_verify_locations(self.ca_path)
        ctx.verify_mode = ssl.CERT_OPTIONAL
        return ctx


def _write(path: Path, data: bytes, private: bool = False) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    if private:
        tmp.chmod(0o600)
    tmp.replace(path)


def _make_ca(directory: Path) -> None:
    key = _key()
    name = _name(C="NL", O="ketentest", CN=f"ketentest test CA {secrets.token_hex(4)}")
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + 5 * VALID)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                         crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    _write(directory / CA_KEY, _key_pem(key), private=True)
    _write(directory / CA_CERT, cert.public_bytes(serialization.Encoding.PEM))


def peer_der(environ: dict) -> bytes | None:
    """The DER of the TLS peer's certificate, if it sent one: werkzeug's server (and nginx /
    Apache style servers) give it as SSL_CLIENT_CERT in PEM; gunicorn hands over the TLS socket
    as gunicorn.socket. Never from a request header."""
    pem = environ.get("SSL_CLIENT_CERT")
    if pem:
        return ssl.PEM_cert_to_DER_cert(pem)
    sock = environ.get("gunicorn.socket")
    getpeercert = getattr(sock, "getpeercert", None)
    if getpeercert is not None:
        try:
            return getpeercert(binary_form=True)
        except ValueError:  # handshake not finished
            return None
    return None


def default_directory(database: str) -> Path:
    """Beside a SQLite file: `exchange.db` -> `exchange-tls/`; for a database URL the
    current folder's `ketentest-tls/`."""
    if "://" in database and not database.startswith("sqlite:///"):
        return Path("ketentest-tls")
    path = Path(database.removeprefix("sqlite:///"))
    return path.with_name(path.stem + "-tls")


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m mock_gateway.tlsca DIR [HOST ...]", file=sys.stderr)
        return 2
    ca = TestCA.ensure(argv[0], argv[1:])
    print(f"CA certificate:     {ca.ca_path}\nserver certificate: {ca.server_cert_path}\n"
          f"server key:         {ca.server_key_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
