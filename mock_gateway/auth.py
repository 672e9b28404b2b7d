"""Bearer tokens: the admin's (exchange-wide) and each party's (one simulated identity of a
session). Only SHA-256 hashes of tokens are stored."""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date
from functools import wraps

from flask import g, request
from sqlalchemy import bindparam, select

from harness.standard.codes import Role

from .db import ExchangeSession, Party, System, token_hash
from .tlsca import fingerprint, peer_der
from .runtime import ApiError, exchange


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "UNAUTHORIZED", "Send your token as 'Authorization: Bearer <token>' "
                       "(the admin token, or a party token from POST /api/sessions).",
                       {"WWW-Authenticate": "Bearer"})
    return token.strip()


def _unknown_token() -> ApiError:
    return ApiError(401, "UNAUTHORIZED", "This token is not known to the exchange (its session "
                    "may have been deleted). Use a token from POST /api/sessions.",
                    {"WWW-Authenticate": "Bearer"})


def is_admin() -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token_hash(token.strip()), exchange().admin_hash)


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not hmac.compare_digest(token_hash(_bearer()), exchange().admin_hash):
            raise ApiError(401, "UNAUTHORIZED", "This endpoint needs the admin token (printed "
                           "by `ketentest serve`, or KETENTEST_ADMIN_TOKEN).",
                           {"WWW-Authenticate": "Bearer"})
        return view(*args, **kwargs)
    return wrapped


@dataclass(frozen=True)
class Caller:
    """The party a token or certificate belongs to: a session's party, or a registered system
    (`system_id`; its session is found per message: systems.route)."""
    session_id: str | None
    role: Role
    code: str
    system_id: str | None = None
    # the session's date as read with the token (read in the same query, so a submission is
    # judged without another transaction; delivery judges again if it moved meanwhile)
    today: date | None = field(default=None, compare=False, repr=False)

    @property
    def other_role(self) -> Role:
        return self.role.other


def party_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        g.caller = caller()
        return view(*args, **kwargs)
    return wrapped


# by token hash or certificate fingerprint; built once (building costs more than running)
_PARTY = {column.key: select(Party.session_id, Party.role, Party.code, ExchangeSession.today,
                             ExchangeSession.system_id)
          .join(ExchangeSession, ExchangeSession.id == Party.session_id)
          .where(column == bindparam("value"))
          for column in (Party.token_hash, Party.cert_sha256)}
_SYSTEM = {column.key: select(System.role, System.code, System.id)
           .where(getattr(System, column.key) == bindparam("value"))
           for column in (Party.token_hash, Party.cert_sha256)}


def caller() -> Caller:
    """The party of the request: by its TLS client certificate, or by its bearer token, as
    the exchange's party_auth says."""
    mode = exchange().config.party_auth
    der = peer_der(request.environ) if mode != "token" else None
    if der is not None:
        column, value = Party.cert_sha256, fingerprint(der)
    elif mode == "certificate":
        raise ApiError(401, "CERTIFICATE_REQUIRED", "This exchange knows parties by their "
                       "TLS client certificate: connect with the certificate and key you got "
                       "when the party was registered (POST /api/sessions).")
    else:
        column, value = Party.token_hash, token_hash(_bearer())
    with exchange().engine.connect() as s:
        # Core, not ORM objects: this runs on every request of a party
        party = s.execute(_PARTY[column.key], {"value": value}).first()
        if party is None:
            system = s.execute(_SYSTEM[column.key], {"value": value}).first()
            if system is not None:
                return Caller(None, Role(system.role), system.code, system.id)
            if der is not None:
                raise ApiError(401, "UNKNOWN_CERTIFICATE", "This client certificate belongs "
                               "to no party of a live session (its session may have been "
                               "deleted).")
            raise _unknown_token()
        if party.role == "aanbieder" and party.system_id == party.session_id:
            # the shared aanbieder of a session of several gemeenten: routed like a system
            return Caller(None, Role(party.role), party.code, party.session_id)
        return Caller(party.session_id, Role(party.role), party.code,
                      today=party.today or date.today())


def viewer() -> Caller | None:
    """For endpoints both parties and the admin may call: None means the admin."""
    if is_admin():
        return None
    return caller()
