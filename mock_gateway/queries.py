"""The journal's queries: a session's entries in order, and one message as a caller may see
it."""
from __future__ import annotations

from datetime import datetime

from flask import request
from sqlalchemy import select

from . import inputs
from .auth import viewer
from .db import Message, utcnow
from .routing import sees_session
from .runtime import ApiError, not_found
from .status import STATUSES, effective_status, status_clause

MAX_LIMIT = 1000


def journal_query(s, session_id, status: str | None, limit: int, after: int, *conditions,
                  now: datetime | None = None):
    """The session's entries in arrival order after `after` (a seq), at most `limit`, of one
    `status` (None: any), meeting `conditions`. `session_id`: a session's id, or a clause
    naming several (a registered system's: routing.in_scope), whose entries come in order of
    receipt."""
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
    m = s.get(Message, inputs.known_id(message_id))
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


def list_args() -> tuple[str | None, int, int]:
    """?status, ?limit and ?after of a listing request, checked."""
    status = request.args.get("status")
    if status is not None and status not in STATUSES:
        raise ApiError(400, "BAD_REQUEST", f"status must be one of {', '.join(STATUSES)}.")
    limit = inputs.whole_number("limit", 100, 1, MAX_LIMIT)
    after = inputs.whole_number("after", 0, 0)  # a seq: it fits 32 bits
    return status, limit, after
