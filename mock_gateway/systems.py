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
from io import BytesIO

from flask import Blueprint, jsonify
from lxml import etree
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from harness.standard.cbs import gemeentecodes

from .auth import Caller, admin_required, new_token
from .db import ExchangeSession, Message, System, as_utc, reading, token_hash, writing
from .runtime import ApiError, exchange, not_found

bp = Blueprint("systems", __name__)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
AGB = re.compile(r"\d{8}")
HEADER_END = 64 * 1024  # the Header stands at the start of a message


def system_json(system: System, sessions: int | None = None) -> dict:
    body = {"name": system.name, "role": system.role, "code": system.code,
            "push_url": system.push_url, "certificate": system.cert_sha256 is not None,
            "created_at": as_utc(system.created_at).isoformat()}
    if sessions is not None:
        body["sessions"] = sessions
    return body


def in_scope(who: Caller, column=Message.session_id):
    """The caller's sessions: its own, or every session of its system."""
    if who.system_id is None:
        return column == who.session_id
    return column.in_(select(ExchangeSession.id)
                      .where(ExchangeSession.system_id == who.system_id))


def sees_session(s, who: Caller, session_id: str) -> bool:
    if who.system_id is None:
        return session_id == who.session_id
    session = s.get(ExchangeSession, session_id)
    return session is not None and session.system_id == who.system_id


def route(who: Caller, counterparty: str | None) -> Caller:
    """The caller in the session its message belongs to (module docstring)."""
    if who.system_id is None:
        return who
    other = "aanbieder" if who.role == "gemeente" else "gemeente"
    other_column = ExchangeSession.agb if other == "aanbieder" else ExchangeSession.gemeentecode
    with reading(exchange().engine) as s:
        mine = select(ExchangeSession.id).where(ExchangeSession.system_id == who.system_id)
        session_id = s.scalar(mine.where(other_column == counterparty)) if counterparty else None
        if session_id is None:
            session_id = s.scalar(mine.order_by(ExchangeSession.created_at.desc()).limit(1))
    if session_id is None:
        raise ApiError(409, "NO_SESSION", f"The system {who.code} takes part in no session: "
                       'start one with POST /api/sessions {"system": NAME} (or ketentest run '
                       "--system NAME).")
    return Caller(session_id, who.role, who.code, who.system_id)


def counterparty(data: bytes, own: str) -> str | None:
    """The party a message is addressed to, read from its Header (Afzender / Ontvanger: the
    one that is not `own`), without reading the rest; None if it cannot be read."""
    found = {}
    try:
        for _, el in etree.iterparse(BytesIO(data[:HEADER_END]), events=("end",),
                                     resolve_entities=False, no_network=True,
                                     load_dtd=False, huge_tree=False):
            name = etree.QName(el).localname
            if name in ("Afzender", "Ontvanger"):
                found[name] = (el.text or "").strip()
                if len(found) == 2:
                    break
            elif name == "Header":
                break
    except etree.XMLSyntaxError:
        pass
    others = [code for code in found.values() if code and code != own]
    return others[0] if others else None


def stuf_ontvanger(head: bytes) -> str | None:
    """The ontvanger organisatie in a GGk envelope's stuurgegevens (read from its start)."""
    inside = False
    try:
        for event, el in etree.iterparse(BytesIO(head[:HEADER_END]), events=("start", "end"),
                                         resolve_entities=False, no_network=True,
                                         load_dtd=False):
            name = etree.QName(el).localname
            if name == "ontvanger":
                inside = event == "start"
            elif inside and event == "end" and name == "organisatie":
                return (el.text or "").strip() or None
    except etree.XMLSyntaxError:
        pass
    return None


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
    from .sessions import ggk_url
    push_url = ggk_url(body.get("push_url"))
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
        from .sessions import certificate_json
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
