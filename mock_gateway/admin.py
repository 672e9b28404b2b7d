"""Admin controls of a session (admin token): its clock, freezes (IB103), injected faults
(faults.py) and the whole journal."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify
from sqlalchemy import delete, update

from harness.standard.codes import ROLES

from .auth import admin_required
from .db import ExchangeSession, Fault, Freeze, find_session, reading, writing
from .faults import DELIVERY_FAULTS, TRANSPORT_FAULTS
from .inputs import json_object
from .queries import journal_query, list_args
from .runtime import ApiError, exchange
from .signing import share as share_link
from .views import entry_json, fault_json, freeze_json, session_json

bp = Blueprint("admin", __name__)

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)  # the session clock's range


def _bad(text: str) -> ApiError:
    return ApiError(400, "BAD_REQUEST", text)


def _date(value, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _bad(f"{name} must be a date YYYY-MM-DD, got {value!r}.") from None


def clock_day(day: date | None, name: str) -> date | None:
    """A session date the exchange can count werkdagen and deadlines from."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise _bad(f"{name} must lie from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}; "
                   f"got {day.isoformat()}.")
    return day


@bp.post("/api/sessions/<session_id>/clock")
@admin_required
def clock(session_id):
    """{"date": "YYYY-MM-DD"} sets the session's today, {"date": null} back to the real date,
    {"werkdagen": N} moves it N werkdagen forward (weekends and Dutch holidays skipped, by the regio's calendar)."""
    body = json_object()
    with writing(exchange().writer) as s:
        session = find_session(s, session_id, lock=True)
        if "werkdagen" in body:
            n = body["werkdagen"]
            if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 3650:
                raise _bad("werkdagen must be a whole number from 0 to 3650.")
            try:
                day = session.kalender().add_werkdagen(session.clock(), n)
            except OverflowError:  # a date set before the clock had its range
                day = date.max
            session.today = clock_day(day, f"the date {n} werkdagen on")
        elif "date" in body:
            session.today = clock_day(_date(body["date"], "date"), "date")
        else:
            raise _bad('Send {"date": "YYYY-MM-DD"}, {"date": null} or {"werkdagen": N}.')
        if session.lead_id == session.id:  # a session of several gemeenten: one clock
            s.execute(update(ExchangeSession).where(ExchangeSession.lead_id == session.id,
                                                    ExchangeSession.id != session.id)
                      .values(today=session.today))
        return jsonify({"today": session.clock().isoformat(),
                        "clock": "simulated" if session.today else "real"})


@bp.post("/api/sessions/<session_id>/freezes")
@admin_required
def add_freeze(session_id):
    """{"messages": ["301", "JW315"], "from": D?, "until": D?}: refuse these message types
    (IB103) from..until (inclusive, session clock); without dates until lifted."""
    body = json_object()
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
    body = json_object()
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
        rows = journal_query(s, session_id, *list_args())
        return jsonify({"session": session_json(s, session), "messages": [entry_json(m) for m in rows]})


MAX_SHARE_DAYS = 365


@bp.post("/api/sessions/<session_id>/share")
@admin_required
def share(session_id):
    """{"days": N} (default 30): a signed read-only link to the session's web pages, for
    anyone, without a token, for N days (a certificate links its messages through it)."""
    days = json_object().get("days", 30)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_SHARE_DAYS:
        raise _bad(f"days must be a whole number from 1 to {MAX_SHARE_DAYS}.")
    with reading(exchange().engine) as s:
        find_session(s, session_id)
    return jsonify(share_link(session_id, days)), 201
