"""Sessions: one per certification run, each with its own simulated gemeente (a real CBS
gemeentecode, since TR378 checks it) and aanbieder (an 8-digit AGB code), both unique among
the live sessions, with a bearer token each. Admin only."""
from __future__ import annotations

import secrets
import uuid
from urllib.parse import urlsplit

from flask import Blueprint, jsonify
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from harness.standard import RELEASES
from harness.standard.cbs import gemeentecodes
from harness.standard.registry import DEFAULT

from . import chains, inputs
from .auth import admin_required, new_token
from .db import (ExchangeSession, Fault, Freeze, Message, Party, find_session, reading, token_hash,
                 writing)
from .runtime import ApiError, exchange
from .views import session_json

bp = Blueprint("sessions", __name__)
_ATTEMPTS = 20  # a concurrent create may take the same code: try again


def ggk_url(value) -> str | None:
    """A gemeente endpoint URL from a request body (None: no push, the REST inbox only)."""
    if value is None:
        return None
    try:
        parts = urlsplit(value) if isinstance(value, str) and len(value) <= 500 else None
    except ValueError:  # e.g. an unclosed [IPv6 address
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiError(400, "BAD_REQUEST", f"ggk_url must be the http(s) URL (at most 500 "
                       f"characters) of the gemeente system's OntvangAsynchroon endpoint, e.g. "
                       f"https://gemeente.example/ggk, or null; got {value!r}.")
    return value


def _free_gemeentecode(s) -> str:
    used = set(s.scalars(select(ExchangeSession.gemeentecode)))
    free = sorted(gemeentecodes() - used)
    if not free:
        raise ApiError(503, "NO_IDENTITIES", f"All {len(gemeentecodes())} CBS gemeentecodes are "
                       "in use by live sessions; delete finished sessions first.")
    return secrets.choice(free)


def _free_agb(s) -> str:
    while True:
        code = str(10_000_000 + secrets.randbelow(90_000_000))
        if s.scalar(select(ExchangeSession.id).where(ExchangeSession.agb == code)) is None:
            return code



@bp.post("/api/sessions")
@admin_required
def create():
    body = inputs.json_object()
    rel = body.get("release", DEFAULT)
    if not isinstance(rel, str) or rel not in RELEASES:
        raise ApiError(400, "BAD_REQUEST", f"Unknown release {rel!r:.60}; "
                       f"known: {', '.join(RELEASES)}.")
    profile = inputs.text(body.get("profile"), "profile (a regio profile name)", 200)
    url = ggk_url(body.get("ggk_url"))
    for _ in range(_ATTEMPTS):
        tokens = {"gemeente": new_token(), "aanbieder": new_token()}
        try:
            with writing(exchange().writer) as s:
                session = ExchangeSession(id=uuid.uuid4().hex, release=rel, profile=profile,
                                          gemeentecode=_free_gemeentecode(s), agb=_free_agb(s),
                                          ggk_url=url)
                s.add(session)
                for role, token in tokens.items():
                    s.add(Party(session=session, role=role, code=session.code_of(role),
                                token_hash=token_hash(token)))
        except IntegrityError:
            continue  # another session took the same code in the meantime
        body = {"id": session.id, "release": rel, "profile": profile,
                "today": session.clock().isoformat(), "ggk_url": url,
                "parties": [{"role": role, "code": session.code_of(role), "token": token}
                            for role, token in tokens.items()]}
        return jsonify(body), 201, {"Location": f"/api/sessions/{session.id}"}
    raise ApiError(503, "BUSY", "Could not allocate free identities; try again.")


@bp.get("/api/sessions")
@admin_required
def list_sessions():
    with reading(exchange().engine) as s:
        counts = dict(s.execute(select(Message.session_id, func.count())
                                .group_by(Message.session_id)).all())
        sessions = s.scalars(select(ExchangeSession).order_by(ExchangeSession.created_at)).all()
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
    """Deletes the session with its journal; its codes become free for new sessions."""
    with writing(exchange().writer) as s:
        session = find_session(s, session_id, lock=True)
        for table in (Message, Freeze, Fault, Party):
            s.execute(delete(table).where(table.session_id == session_id))
        s.delete(session)
    return "", 204


@bp.put("/api/sessions/<session_id>/ggk")
@admin_required
def set_ggk(session_id):
    """{"url": "https://gemeente.example/ggk"} pushes the gemeente's messages there from now
    on, those still waiting included; {"url": null} stops pushing (the REST inbox stays)."""
    body = inputs.json_object()
    if "url" not in body:
        raise ApiError(400, "BAD_REQUEST", 'Send {"url": "https://..."} or {"url": null}.')
    url = ggk_url(body["url"])
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
        for table in (Message, Freeze, Fault):
            s.execute(delete(table).where(table.session_id == session_id))
        chains.reset(s, session)
        session.today = None
        s.flush()
        return jsonify(session_json(s, session, 0))
