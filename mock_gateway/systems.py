"""Registered systems: a vendor's system known once by its own identity (role, AGB code or
gemeentecode) and credentials (a token, and with TLS a client certificate), optionally its
GGk endpoint. A session created with {"system": NAME} gives that role the system's code, so
the system keeps one configuration for every scenario; the other party is simulated with a
fresh code as always.

Which session a system's message belongs to: a system takes part in many live sessions at
once with the same code, so its code says nothing; the counterparty's does. Every simulated
counterparty has a code unique among the live sessions, so the code a message is addressed to
(the payload's Ontvanger, or for a retour its Afzender; VSP's geadresseerde; the GGk
ontvanger organisatie) names exactly one of the system's sessions. A message addressed to no
counterparty of the system's sessions is refused (BRS33 / IB210) and journalled in the system's
newest session. Listing, fetching and confirming cover all the system's live sessions.

Admin: POST /api/systems, GET /api/systems, GET / DELETE /api/systems/{name}.
"""
from __future__ import annotations

import re
import uuid

from flask import Blueprint, jsonify
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from harness.standard.cbs import gemeentecodes

from . import inputs
from .auth import admin_required, new_token
from .db import ExchangeSession, System, reading, token_hash, writing
from .runtime import ApiError, exchange, not_found
from .views import certificate_json, system_json

bp = Blueprint("systems", __name__)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
AGB = re.compile(r"\d{8}")
def _body() -> dict:
    from .inputs import json_object
    return json_object()


@bp.post("/api/systems")
@admin_required
def register():
    body = _body()
    name, role, code = body.get("name"), body.get("role"), body.get("code")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ApiError(400, "BAD_REQUEST", "name must be 1 to 100 letters, digits, '.', '_' or "
                       f"'-' (e.g. ecd-acme), got {name!r}.")
    if role not in ("gemeente", "aanbieder"):
        raise ApiError(400, "BAD_REQUEST", f"role must be gemeente or aanbieder, got {role!r}.")
    if role == "gemeente" and code not in gemeentecodes():
        raise ApiError(400, "BAD_REQUEST", f"code must be a CBS gemeentecode of 4 digits (TR378 "
                       f"checks it), got {code!r}.")
    if role == "aanbieder" and not (isinstance(code, str) and AGB.fullmatch(code)):
        raise ApiError(400, "BAD_REQUEST", f"code must be the aanbieder's AGB code of 8 digits, "
                       f"got {code!r}.")
    push_url = inputs.ggk_url(body.get("push_url"))
    ca = exchange().ca
    certificate = ca.issue(role, code) if ca is not None else None
    token = new_token()
    try:
        with writing(exchange().writer) as s:
            taken = s.scalar(select(ExchangeSession.id).where(or_(
                ExchangeSession.gemeentecode == code, ExchangeSession.agb == code)))
            if taken is not None:
                raise ApiError(409, "CODE_IN_USE", f"{code} is a simulated party's code in the "
                               f"live session {taken}; delete that session first.")
            system = System(id=uuid.uuid4().hex, name=name, role=role, code=code,
                            token_hash=token_hash(token), push_url=push_url,
                            cert_sha256=certificate.sha256 if certificate else None)
            s.add(system)
            s.flush()
            answer = {**system_json(system), "token": token}
    except IntegrityError:
        raise ApiError(409, "CONFLICT", f"A system named {name!r} or with code {code} is "
                       "registered already.") from None
    if certificate is not None:
        answer["certificate"] = certificate_json(certificate)
    return jsonify(answer), 201, {"Location": f"/api/systems/{name}"}


def _find(s, name: str) -> System:
    system = s.scalar(select(System).where(System.name == name))
    if system is None:
        raise not_found("system")
    return system


def _sessions(s, system: System) -> list[str]:
    return list(s.scalars(select(ExchangeSession.id)
                          .where(ExchangeSession.system_id == system.id)))


@bp.get("/api/systems")
@admin_required
def list_systems():
    with reading(exchange().engine) as s:
        systems = s.scalars(select(System).order_by(System.created_at)).all()
        return jsonify({"systems": [system_json(x, len(_sessions(s, x))) for x in systems]})


@bp.get("/api/systems/<name>")
@admin_required
def get(name):
    with reading(exchange().engine) as s:
        system = _find(s, name)
        return jsonify(system_json(system, len(_sessions(s, system))))


@bp.delete("/api/systems/<name>")
@admin_required
def remove(name):
    with writing(exchange().writer) as s:
        system = _find(s, name)
        live = _sessions(s, system)
        if live:
            raise ApiError(409, "IN_USE", f"The system takes part in {len(live)} live "
                           f"session(s) ({', '.join(live[:3])}...): delete them first.")
        s.delete(system)
    return "", 204
