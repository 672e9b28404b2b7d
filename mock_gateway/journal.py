"""The journal: every submission with its verdict, parties and times; listing with filters,
and the verdict's permalink GET /api/messages/{id}/verdict (sender, receiver, admin)."""
from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, jsonify, request
from sqlalchemy import and_, or_, select

from .auth import viewer
from .systems import sees_session
from .db import Message, as_utc, reading, utcnow
from .runtime import ApiError, exchange, not_found
from .termijn import termijn_json

bp = Blueprint("journal", __name__)

STATUSES = ("ontvangen", "aangeboden", "bezorgd", "afgekeurd")
MAX_LIMIT = 1000


def effective_status(m: Message, now: datetime | None = None) -> str:
    """A delayed message is ontvangen until its offered_at, aangeboden from then on."""
    if m.status == "ontvangen" and m.offered_at is not None \
            and as_utc(m.offered_at) <= (now or utcnow()):
        return "aangeboden"
    return m.status


def status_clause(status: str, now: datetime):
    offered = and_(Message.status == "ontvangen", Message.offered_at <= now)
    if status == "aangeboden":
        return or_(Message.status == "aangeboden", offered)
    if status == "ontvangen":
        return and_(Message.status == "ontvangen", Message.offered_at > now)
    return Message.status == status


def visible_to_receiver(now: datetime):
    """In the receiver's inbox: delivered and offered (a delayed one only from offered_at)."""
    return and_(Message.status != "afgekeurd", Message.offered_at <= now)


def _stamp(moment) -> str | None:
    return as_utc(moment).isoformat() if moment else None


def entry_json(m: Message, now: datetime | None = None) -> dict:
    return {
        "id": m.id, "seq": m.seq, "session": m.session_id,
        "berichtsoort": m.berichtsoort, "release": m.release, "identificatie": m.identificatie,
        "sender": {"role": m.sender_role, "code": m.sender_code},
        "receiver": {"role": m.receiver_role, "code": m.receiver_code},
        "status": effective_status(m, now), "size": m.size,
        "refusal": {"code": m.refusal_code, "message": m.refusal_text} if m.refusal_code else None,
        "duplicate_of": m.duplicate_of,
        "received_at": _stamp(m.received_at), "offered_at": _stamp(m.offered_at),
        "delivered_at": _stamp(m.delivered_at),
        "day": m.day.isoformat() if m.day else None,  # the session's date it was received on
        "termijn": termijn_json(m),
        "verdict": f"/api/messages/{m.id}/verdict",
        "referentienummer": m.referentienummer, "cross_ref": m.cross_ref,
        "push": None if not (m.push_attempts or m.pushed_at) else {
            "pushed_at": _stamp(m.pushed_at), "attempts": m.push_attempts,
            "next_attempt": _stamp(m.push_next) if m.pushed_at is None else None,
            "error": m.push_error},
    }


def list_args() -> tuple[str | None, int, int]:
    status = request.args.get("status")
    if status is not None and status not in STATUSES:
        raise ApiError(400, "BAD_REQUEST", f"status must be one of {', '.join(STATUSES)}.")
    try:
        limit = int(request.args.get("limit", 100))
        after = int(request.args.get("after", 0))
    except ValueError:
        raise ApiError(400, "BAD_REQUEST", "limit and after must be whole numbers.") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, "BAD_REQUEST", f"limit must be from 1 to {MAX_LIMIT}.")
    return status, limit, after


def journal_query(s, session_id, *conditions, now: datetime | None = None):
    """The session's entries in arrival order, filtered by ?status, ?after (a seq), ?limit.
    `session_id`: a session's id, or a clause naming several (a system's: systems.in_scope),
    whose entries come in order of receipt."""
    status, limit, after = list_args()
    now = now or utcnow()
    scope = Message.session_id == session_id if isinstance(session_id, str) else session_id
    q = select(Message).where(scope, Message.seq > after, *conditions)
    if status:
        q = q.where(status_clause(status, now))
    order = (Message.seq,) if isinstance(session_id, str) else (Message.received_at, Message.seq)
    return s.scalars(q.order_by(*order).limit(limit)).all()


def visible_message(s, message_id: str) -> Message:
    """The message if the caller may see it: the admin, its sender, or its receiver once it
    is offered. Anything else is 404, exactly like an id that does not exist."""
    who = viewer()
    m = s.get(Message, message_id)
    if m is None:
        raise not_found()
    if who is None:
        return m
    if not sees_session(s, who, m.session_id):
        raise not_found()
    if m.sender_role == who.role and m.duplicate_of is None:
        return m
    if m.receiver_role == who.role and effective_status(m) in ("aangeboden", "bezorgd"):
        return m
    raise not_found()


@bp.get("/api/messages/<message_id>/verdict")
def verdict(message_id):
    with reading(exchange().engine) as s:
        m = visible_message(s, message_id)
        body = entry_json(m)
        body["verdict"] = json.loads(m.verdict) if m.verdict else None
        return jsonify(body)
