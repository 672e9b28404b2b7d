"""Admin controls of a session (admin token): its clock, freezes (IB103) and injected faults.

Faults let vendors test retry logic. Transport faults (drop, http500, http503) answer the
next submissions with an error and store nothing, so the client knows it must send again;
delivery faults act on the next delivered messages: `delay` offers the message to the
receiver only after N seconds (status ontvangen until then), `duplicate` puts it in the
receiver's inbox twice (the receiver must recognise the second by its identification).
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify
from sqlalchemy import delete, select

from .auth import admin_required
from harness.standard.codes import ROLES

from .db import Fault, Freeze, reading, writing
from .journal import entry_json, journal_query
from .runtime import ApiError, exchange
from .sessions import fault_json, find_session, freeze_json, json_body, session_json

bp = Blueprint("admin", __name__)

TRANSPORT_FAULTS = ("drop", "http500", "http503")
DELIVERY_FAULTS = ("delay", "duplicate")


def _bad(text: str) -> ApiError:
    return ApiError(400, "BAD_REQUEST", text)


def _date(value, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _bad(f"{name} must be a date YYYY-MM-DD, got {value!r}.") from None


@bp.post("/api/sessions/<session_id>/clock")
@admin_required
def clock(session_id):
    """{"date": "YYYY-MM-DD"} sets the session's today, {"date": null} back to the real date,
    {"werkdagen": N} moves it N werkdagen forward (weekends and Dutch holidays skipped, by the regio's calendar)."""
    body = json_body()
    with writing(exchange().writer) as s:
        session = find_session(s, session_id, lock=True)
        if "werkdagen" in body:
            n = body["werkdagen"]
            if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 3650:
                raise _bad("werkdagen must be a whole number from 0 to 3650.")
            session.today = session.kalender().add_werkdagen(session.clock(), n)
        elif "date" in body:
            session.today = _date(body["date"], "date")
        else:
            raise _bad('Send {"date": "YYYY-MM-DD"}, {"date": null} or {"werkdagen": N}.')
        return jsonify({"today": session.clock().isoformat(),
                        "clock": "simulated" if session.today else "real"})


@bp.post("/api/sessions/<session_id>/freezes")
@admin_required
def add_freeze(session_id):
    """{"messages": ["301", "JW315"], "from": D?, "until": D?}: refuse these message types
    (IB103) from..until (inclusive, session clock); without dates until lifted."""
    body = json_body()
    messages = body.get("messages")
    if (not isinstance(messages, list) or not messages
            or not all(isinstance(m, str) and 3 <= len(m) <= 8 for m in messages)):
        raise _bad('messages must be a list like ["301"] (both standards) or ["WMO301"].')
    starts, until = _date(body.get("from"), "from"), _date(body.get("until"), "until")
    if starts and until and until < starts:
        raise _bad("until lies before from.")
    with writing(exchange().writer) as s:
        find_session(s, session_id, lock=True)
        freezes = [Freeze(session_id=session_id, message=m.upper(), starts=starts, until=until)
                   for m in messages]
        s.add_all(freezes)
        s.flush()
        return jsonify({"freezes": [freeze_json(f) for f in freezes]}), 201


@bp.delete("/api/sessions/<session_id>/freezes")
@admin_required
def lift_freezes(session_id):
    with writing(exchange().writer) as s:
        find_session(s, session_id, lock=True)
        s.execute(delete(Freeze).where(Freeze.session_id == session_id))
    return "", 204


@bp.post("/api/sessions/<session_id>/faults")
@admin_required
def add_fault(session_id):
    """{"kind": "drop|http500|http503|delay|duplicate", "count": N, "party": role?,
    "seconds": S (delay)}: injected into the next N submissions (transport faults) or
    deliveries (delay, duplicate), of one party or both."""
    body = json_body()
    kind, count, role = body.get("kind"), body.get("count", 1), body.get("party")
    if kind not in TRANSPORT_FAULTS + DELIVERY_FAULTS:
        raise _bad(f"kind must be one of {', '.join(TRANSPORT_FAULTS + DELIVERY_FAULTS)}.")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 10_000:
        raise _bad("count must be a whole number from 1 to 10000.")
    if role is not None and role not in ROLES:
        raise _bad("party must be gemeente or aanbieder (or left out: both).")
    seconds = body.get("seconds")
    limit = exchange().config.max_delay
    if kind == "delay":
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) \
                or not 0 < seconds <= limit:
            raise _bad(f"A delay needs seconds, more than 0 and at most {limit:g}.")
    elif seconds is not None:
        raise _bad("seconds only goes with kind delay.")
    with writing(exchange().writer) as s:
        find_session(s, session_id, lock=True)
        fault = Fault(session_id=session_id, kind=kind, role=role, remaining=count,
                      seconds=float(seconds) if seconds is not None else None)
        s.add(fault)
        s.flush()
        return jsonify(fault_json(fault)), 201


@bp.delete("/api/sessions/<session_id>/faults")
@admin_required
def clear_faults(session_id):
    with writing(exchange().writer) as s:
        find_session(s, session_id, lock=True)
        s.execute(delete(Fault).where(Fault.session_id == session_id))
    return "", 204


@bp.get("/api/sessions/<session_id>/messages")
@admin_required
def journal(session_id):
    """The session's whole journal, refused messages included."""
    with reading(exchange().engine) as s:
        session = find_session(s, session_id)
        rows = journal_query(s, session_id)
        return jsonify({"session": session_json(s, session), "messages": [entry_json(m) for m in rows]})


def active_faults(s, session_id: str, role: str) -> list[Fault]:
    """The faults waiting for a submission by `role`, oldest first (session row is locked)."""
    return list(s.scalars(select(Fault).where(
        Fault.session_id == session_id, Fault.remaining > 0,
        (Fault.role.is_(None)) | (Fault.role == role)).order_by(Fault.id)))


def take_fault(faults: list[Fault], kinds: tuple[str, ...]) -> Fault | None:
    """Consume one of these kinds from `active_faults`."""
    for fault in faults:
        if fault.kind in kinds and fault.remaining > 0:
            fault.remaining -= 1
            return fault
    return None
