"""The journal: every submission with its verdict, parties and times; listing with filters,
and the verdict's permalink GET /api/messages/{id}/verdict (sender, receiver, admin)."""
from __future__ import annotations

import json

from flask import Blueprint, jsonify

from .db import reading
from .queries import visible_message
from .runtime import exchange
from .views import entry_json

bp = Blueprint("journal", __name__)

@bp.get("/api/messages/<message_id>/verdict")
def verdict(message_id):
    with reading(exchange().engine) as s:
        m = visible_message(s, message_id)
        body = entry_json(m)
        body["verdict"] = json.loads(m.verdict) if m.verdict else None
        return jsonify(body)
