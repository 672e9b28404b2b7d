"""Sessions: one per certification run, each with its own simulated gemeente (a real CBS
gemeentecode, since TR378 checks it) and aanbieder (an 8-digit AGB code), both unique among
the live sessions, with a bearer token each. Admin only."""
from __future__ import annotations

import secrets
import uuid

from flask import Blueprint, jsonify, request
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from harness.profiles import BUILTIN, builtin
from harness.standard import RELEASES
from harness.standard.cbs import gemeentecodes
from harness.standard.registry import DEFAULT

from . import chains, inputs
from .auth import admin_required, new_token
from .db import (ExchangeSession, Fault, Freeze, Message, Party, System, find_session, reading,
                 token_hash, writing)
from .runtime import ApiError, exchange
from .views import certificate_json, session_json

bp = Blueprint("sessions", __name__)
_ATTEMPTS = 20  # a concurrent create may take the same code: try again


def _regio(body: dict) -> tuple[str | None, str | None]:
    """The regio a new session belongs to, and the gemeentecode it asks for (a regio's
    gemeenten are real ones: one session each, sharing the aanbieder)."""
    regio, code = body.get("regio"), body.get("gemeentecode")
    if regio is not None and not (isinstance(regio, str) and 1 <= len(regio) <= 100):
        raise ApiError(400, "BAD_REQUEST", "regio must be a name of 1 to 100 characters.")
    if code is not None and code not in gemeentecodes():
        raise ApiError(400, "BAD_REQUEST", f"gemeentecode must be a CBS gemeentecode of 4 "
                       f"digits (TR378 checks it), got {code!r}.")
    return regio, code


MAX_GEMEENTEN = 50  # a regio buying jointly: the Ommelanden are twelve


def _gemeenten(body: dict, chosen: str | None, system: System | None) -> list[str | None]:
    """The gemeenten a new session holds: {"gemeenten": N} (free codes, the profile's own
    first) or {"gemeenten": ["0014", "1966"]}; without it one, as `gemeentecode` says. None
    stands for a code still to choose."""
    value = body.get("gemeenten")
    if value is None:
        return [chosen]
    if chosen is not None:
        raise ApiError(400, "BAD_REQUEST", "Give gemeentecode (one gemeente) or gemeenten "
                       "(several), not both.")
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_GEMEENTEN:
        wanted: list[str | None] = [None] * value
    elif (isinstance(value, list) and 1 <= len(value) <= MAX_GEMEENTEN
          and all(isinstance(c, str) for c in value)):
        wrong = [c for c in value if c not in gemeentecodes()]
        if wrong or len(set(value)) != len(value):
            raise ApiError(400, "BAD_REQUEST", "gemeenten must name distinct CBS gemeentecodes "
                           f"of 4 digits (TR378 checks them); not one: {wrong[:3] or value}.")
        wanted = list(value)
    else:
        raise ApiError(400, "BAD_REQUEST", f"gemeenten must be a number from 1 to "
                       f"{MAX_GEMEENTEN} or a list of CBS gemeentecodes, got {value!r:.60}.")
    if len(wanted) > 1 and system is not None and system.role == "gemeente":
        raise ApiError(400, "BAD_REQUEST", "A gemeente system has one gemeentecode: a session "
                       "of several gemeenten shares the aanbieder, not the gemeente.")
    return wanted


def _profile_codes(profile: str | None) -> list[str]:
    """The gemeenten a shipped regio profile names (a session's several gemeenten take those
    that are free first)."""
    return list(builtin(profile).gemeenten) if profile in BUILTIN else []


def _check_free(s, code: str) -> None:
    taken = s.scalar(select(ExchangeSession.id).where(ExchangeSession.gemeentecode == code))
    if taken is None:
        taken = s.scalar(select(System.name).where(System.code == code))
    if taken is not None:
        raise ApiError(409, "CODE_IN_USE", f"gemeentecode {code} is in use (by {taken}); "
                       "every live session's simulated gemeente has a code of its own.")


def _system(name) -> System | None:
    """The registered system a new session gives its role to (systems.py)."""
    if name is None:
        return None
    with reading(exchange().engine) as s:
        system = s.scalar(select(System).where(System.name == name)) \
            if isinstance(name, str) else None
    if system is None:
        raise ApiError(400, "BAD_REQUEST", f"system {name!r} is not registered "
                       "(POST /api/systems).")
    return system


def _free_gemeentecode(s, prefer: list[str] = (), taken: set[str] = frozenset()) -> str:
    used = set(s.scalars(select(ExchangeSession.gemeentecode))) \
        | set(s.scalars(select(System.code).where(System.role == "gemeente"))) | taken
    for code in prefer:
        if code not in used:
            return code
    free = sorted(gemeentecodes() - used)
    if not free:
        raise ApiError(503, "NO_IDENTITIES", f"All {len(gemeentecodes())} CBS gemeentecodes are "
                       "in use by live sessions; delete finished sessions first.")
    return secrets.choice(free)


def _free_agb(s) -> str:
    while True:
        code = str(10_000_000 + secrets.randbelow(90_000_000))
        if s.scalar(select(ExchangeSession.id).where(ExchangeSession.agb == code)) is None \
                and s.scalar(select(System.id).where(System.code == code)) is None:
            return code



def _gemeente_rows(s, session: ExchangeSession) -> list[ExchangeSession]:
    """The session's row and, for the first gemeente of several, the other gemeenten's."""
    if session.lead_id != session.id:
        return [session]
    return [session] + list(s.scalars(select(ExchangeSession).where(
        ExchangeSession.lead_id == session.id, ExchangeSession.id != session.id)))


@bp.post("/api/sessions")
@admin_required
def create():
    body = inputs.json_object()
    rel = body.get("release", DEFAULT)
    if not isinstance(rel, str) or rel not in RELEASES:
        raise ApiError(400, "BAD_REQUEST", f"Unknown release {rel!r:.60}; "
                       f"known: {', '.join(RELEASES)}.")
    profile = inputs.text(body.get("profile"), "profile (a regio profile name)", 200)
    url = inputs.ggk_url(body.get("ggk_url"))
    system = _system(body.get("system"))
    regio, chosen = _regio(body)
    wanted = _gemeenten(body, chosen, system)
    if system is not None and system.role == "gemeente" and "ggk_url" not in body:
        url = system.push_url
    ca = exchange().ca
    for _ in range(_ATTEMPTS):
        tokens = {"gemeente": new_token(), "aanbieder": new_token()}
        certificates = {}
        members: list[tuple[ExchangeSession, str, object]] = []  # the other gemeenten
        try:
            with writing(exchange().writer) as s:
                prefer = _profile_codes(profile) if len(wanted) > 1 else []
                first = wanted[0] or _free_gemeentecode(s, prefer)
                session = ExchangeSession(id=uuid.uuid4().hex, release=rel, profile=profile,
                                          gemeentecode=first,
                                          agb=_free_agb(s), ggk_url=url, regio=regio)
                for code in filter(None, wanted):
                    _check_free(s, code)
                if system is not None:  # that role is the system's, with its credentials
                    session.system_id, session.system_role = system.id, system.role
                    session.system_code = system.code
                elif len(wanted) > 1:  # the simulated aanbieder is shared like a system
                    session.system_id, session.system_role = session.id, "aanbieder"
                    session.system_code = session.agb
                if len(wanted) > 1:
                    session.lead_id = session.id
                s.add(session)
                for role, token in tokens.items():
                    code = session.code_of(role)
                    if ca is not None and (role != session.system_role or system is None):
                        certificates[role] = ca.issue(role, code)
                    s.add(Party(session=session, role=role, code=code,
                                token_hash=token_hash(token),
                                cert_sha256=certificates[role].sha256
                                if role in certificates else None))
                taken = {first}
                for code in wanted[1:]:
                    s.flush()  # the codes so far are taken
                    code = code or _free_gemeentecode(s, prefer, taken)
                    taken.add(code)
                    member = ExchangeSession(
                        id=uuid.uuid4().hex, release=rel, profile=profile, gemeentecode=code,
                        agb=_free_agb(s), ggk_url=url, regio=regio, lead_id=session.id,
                        system_id=session.system_id, system_role="aanbieder",
                        system_code=session.system_code)
                    s.add(member)
                    token = new_token()
                    certificate = ca.issue("gemeente", code) if ca is not None else None
                    s.add(Party(session=member, role="gemeente", code=code,
                                token_hash=token_hash(token),
                                cert_sha256=certificate.sha256 if certificate else None))
                    members.append((member, token, certificate))
        except IntegrityError:
            if any(wanted):
                raise ApiError(409, "CODE_IN_USE", f"gemeentecode {chosen or wanted} was taken "
                               "by another session at the same moment.") from None
            continue  # another session took the same code in the meantime
        parties = []
        for role, token in tokens.items():
            party = {"role": role, "code": session.code_of(role), "token": token}
            if role == session.system_role and system is not None:
                party["system"] = system.name
            if role in certificates:
                party["certificate"] = certificate_json(certificates[role])
            parties.append(party)
        body = {"id": session.id, "release": rel, "profile": profile,
                "today": session.clock().isoformat(), "ggk_url": url, "regio": regio,
                "parties": parties}
        if members:  # every gemeente: its code, token (and certificate) and its own journal
            body["gemeenten"] = [{**parties[0], "session": session.id}] + [
                {"role": "gemeente", "code": m.gemeentecode, "token": token,
                 "session": m.id, **({"certificate": certificate_json(c)} if c else {})}
                for m, token, c in members]
        return jsonify(body), 201, {"Location": f"/api/sessions/{session.id}"}
    raise ApiError(503, "BUSY", "Could not allocate free identities; try again.")


@bp.get("/api/sessions")
@admin_required
def list_sessions():
    with reading(exchange().engine) as s:
        counts = dict(s.execute(select(Message.session_id, func.count())
                                .group_by(Message.session_id)).all())
        q = select(ExchangeSession).order_by(ExchangeSession.created_at)
        if request.args.get("regio"):  # the sessions of one regio: one per gemeente
            q = q.where(ExchangeSession.regio == request.args["regio"])
        sessions = s.scalars(q).all()
        return jsonify({"sessions": [session_json(s, x, counts.get(x.id, 0)) for x in sessions]})


@bp.get("/api/sessions/<session_id>")
@admin_required
def get(session_id):
    with reading(exchange().engine) as s:
        session = find_session(s, session_id)
        return jsonify(session_json(s, session))


@bp.delete("/api/sessions/<session_id>")
@admin_required
def remove(session_id):
    """Deletes the session with its journal; its codes become free for new sessions. A
    session of several gemeenten goes with all of them."""
    with writing(exchange().writer) as s:
        session = find_session(s, session_id, lock=True)
        for one in _gemeente_rows(s, session):
            for table in (Message, Freeze, Fault, Party):
                s.execute(delete(table).where(table.session_id == one.id))
            s.delete(one)
    return "", 204


@bp.put("/api/sessions/<session_id>/ggk")
@admin_required
def set_ggk(session_id):
    """{"url": "https://gemeente.example/ggk"} pushes the gemeente's messages there from now
    on, those still waiting included; {"url": null} stops pushing (the REST inbox stays)."""
    body = inputs.json_object()
    if "url" not in body:
        raise ApiError(400, "BAD_REQUEST", 'Send {"url": "https://..."} or {"url": null}.')
    url = inputs.ggk_url(body["url"])
    with writing(exchange().writer) as s:
        session = find_session(s, session_id, lock=True)
        session.ggk_url = url
        # what waits for a retry is tried at once at the new address
        s.execute(update(Message).where(Message.session_id == session_id,
                                        Message.pushed_at.is_(None)).values(push_next=None))
        s.flush()
        answer = session_json(s, session)
    if url:
        exchange().pusher.kick()
    return jsonify(answer)


@bp.post("/api/sessions/<session_id>/reset")
@admin_required
def reset(session_id):
    """Back to the start of a run: no messages, chain state, freezes or faults, the real date;
    the identities and tokens stay."""
    with writing(exchange().writer) as s:
        session = find_session(s, session_id, lock=True)
        for one in _gemeente_rows(s, session):
            for table in (Message, Freeze, Fault):
                s.execute(delete(table).where(table.session_id == one.id))
            chains.reset(s, one)
            one.today = None
        s.flush()
        return jsonify(session_json(s, session, 0))
