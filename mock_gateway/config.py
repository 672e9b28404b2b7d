"""The exchange's configuration: passed to `create_app`, or read from the environment
(for gunicorn, where `create_app()` is called without arguments)."""
from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url

DEFAULT_DATABASE = "sqlite:///ketentest-exchange.db"
MAX_BYTES = 25 * 1024 * 1024  # 25 MB: the hubs' limit (IB007)
PARTY_AUTH = ("token", "certificate", "either")


@dataclass(frozen=True)
class Config:
    database: str = DEFAULT_DATABASE
    admin_token: str | None = None  # None: the one stored in the database (generated once)
    max_bytes: int = MAX_BYTES
    max_delay: float = 60.0  # seconds a delay fault may hold a delivery
    # the exchange's address as clients reach it (behind a proxy), e.g. https://kt.example;
    # None: the address of each request. The WSDL's service location is {public_url}/ggk.
    public_url: str | None = None
    # mutual TLS (tlsca.py): the folder of the test CA, which issues every party a client
    # certificate when it is registered; None: no certificates
    tls_dir: str | None = None
    # how parties authenticate: token (bearer; plain-HTTP development), certificate (their
    # client certificate only), either. The admin always uses its bearer token.
    party_auth: str = "token"

    @classmethod
    def from_env(cls, environ=os.environ) -> "Config":
        """KETENTEST_DATABASE, KETENTEST_ADMIN_TOKEN, KETENTEST_PUBLIC_URL, KETENTEST_TLS_DIR,
        KETENTEST_PARTY_AUTH (default: certificate with a TLS folder, else token)."""
        tls_dir = environ.get("KETENTEST_TLS_DIR") or None
        return cls(database=environ.get("KETENTEST_DATABASE") or DEFAULT_DATABASE,
                   admin_token=environ.get("KETENTEST_ADMIN_TOKEN") or None,
                   public_url=environ.get("KETENTEST_PUBLIC_URL") or None, tls_dir=tls_dir,
                   party_auth=environ.get("KETENTEST_PARTY_AUTH")
                   or ("certificate" if tls_dir else "token"))

    def __post_init__(self):
        if self.party_auth not in PARTY_AUTH:
            raise ValueError(f"party_auth must be one of {', '.join(PARTY_AUTH)}, "
                             f"not {self.party_auth!r}")


def database_url(text: str) -> URL:
    """A SQLAlchemy URL from what a user types: a URL, or a path to a SQLite file.
    postgresql:// means psycopg 3 (SQLAlchemy's default driver would be psycopg2)."""
    if "://" not in text:
        text = f"sqlite:///{text}"
    url = make_url(text)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url
