"""The mailbox API of a party (party token): submit a message, list the inbox and outbox,
fetch a message's XML, acknowledge receipt (status bezorgd)."""
from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request
from sqlalchemy import select

from . import delivery, inputs
from .auth import party_required
from .db import Message, reading, utcnow, writing
from .inputs import read_body
from .queries import journal_query, list_args, visible_message
from .routing import counterparty, in_scope, route
from .runtime import ApiError, exchange, not_found
from .status import effective_status, visible_to_receiver
from .views import entry_json

bp = Blueprint("mailbox", __name__)

XML_TYPES = ("application/xml", "text/xml")
@bp.post("/api/messages")
@party_required
def submit():
    who, ex = g.caller, exchange()
    if request.mimetype not in XML_TYPES and not request.mimetype.endswith("+xml"):
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the iWmo/iJw message itself as the "
                       "body with Content-Type: application/xml.")
    data, size, _ = read_body(ex.config.max_bytes)
    if who.system_id is not None:  # a registered system: the session its message is for
        who = route(who, counterparty(data, who.code) if data is not None else None)
    if data is None:
        outcome = delivery.journal_refusal(
            ex, who, None, size, "too_large",
            f"The message is {size:,} bytes, more than the {ex.config.max_bytes:,} bytes (25 MB) "
            "the exchange accepts. Split its content over several messages.")
        outcome.headers["Connection"] = "close"
    else:
        outcome = delivery.submit(ex, who, data)
    return jsonify(outcome.body), outcome.status, outcome.headers


@bp.get("/api/messages")
@party_required
def list_messages():
    """?box=inbox (default) | outbox, ?status=..., ?after=<seq>, ?limit=N."""
    who, now = g.caller, utcnow()
    box = request.args.get("box", "inbox")
    if box == "inbox":
        conditions = (Message.receiver_role == who.role, visible_to_receiver(now))
    elif box == "outbox":
        conditions = (Message.sender_role == who.role, Message.duplicate_of.is_(None))
    else:
        raise ApiError(400, "BAD_REQUEST", "box must be inbox or outbox.")
    with reading(exchange().engine) as s:
        rows = journal_query(s, who.session_id or in_scope(who), *list_args(), *conditions,
                             now=now)
        return jsonify({"box": box, "messages": [entry_json(m, now) for m in rows]})


@bp.get("/api/messages/<message_id>")
def fetch(message_id):
    with reading(exchange().engine) as s:
        m = visible_message(s, message_id)
        if m.content is None:
            raise ApiError(410, "NOT_STORED", "This submission was refused as too large; its "
                           "content was not stored (see its verdict).")
        return Response(m.content, 200, mimetype="application/xml",
                        headers={"X-Message-Status": effective_status(m),
                                 "X-Berichtsoort": m.berichtsoort or ""})


@bp.post("/api/messages/<message_id>/ack")
@party_required
def ack(message_id):
    """The receiver confirms it fetched the message: bezorgd (idempotent)."""
    who = g.caller
    with writing(exchange().writer) as s:
        m = s.scalar(select(Message).where(Message.id == inputs.known_id(message_id),
                                           in_scope(who))
                     .with_for_update())
        if m is None or effective_status(m) not in ("aangeboden", "bezorgd") \
                or m.receiver_role != who.role:
            if m is not None and m.sender_role == who.role and m.duplicate_of is None:
                raise ApiError(403, "NOT_RECEIVER", "Only the receiver acknowledges a message; "
                               "you sent this one.")
            raise not_found()
        if m.status != "bezorgd":
            m.status, m.delivered_at = "bezorgd", utcnow()
        return jsonify(entry_json(m))

