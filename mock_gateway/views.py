"""The JSON form of what the exchange keeps: sessions, freezes, faults and journal entries, as
the API answers them (`openapi.json` describes them)."""
from __future__ import annotations

import base64
from datetime import datetime

from sqlalchemy import func, select

from .db import ExchangeSession, Fault, Freeze, Message, System, as_utc
from .status import effective_status
from .termijn import termijn_json


def session_json(s, session: ExchangeSession, count: int | None = None) -> dict:
    freezes = s.scalars(select(Freeze).where(Freeze.session_id == session.id)
                        .order_by(Freeze.id)).all()
    faults = s.scalars(select(Fault).where(Fault.session_id == session.id,
                                           Fault.remaining > 0).order_by(Fault.id)).all()
    if count is None:
        count = s.scalar(select(func.count()).select_from(Message)
                         .where(Message.session_id == session.id))
    several = {}
    if session.lead_id is not None:  # a session of several gemeenten: each its own journal
        rows = s.execute(select(ExchangeSession.gemeentecode, ExchangeSession.id)
                         .where(ExchangeSession.lead_id == session.lead_id)
                         .order_by(ExchangeSession.id != session.lead_id,
                                   ExchangeSession.created_at)).all()
        several = {"lead": session.lead_id,
                   "gemeenten": [{"code": code, "session": sid} for code, sid in rows]}
    return {
        **several,
        "id": session.id, "release": session.release, "profile": session.profile,
        "today": session.clock().isoformat(), "clock": "simulated" if session.today else "real",
        "parties": [{"role": "gemeente", "code": session.code_of("gemeente")},
                    {"role": "aanbieder", "code": session.code_of("aanbieder")}],
        "freezes": [freeze_json(f) for f in freezes],
        "faults": [fault_json(f) for f in faults],
        "messages": count,
        "ggk_url": session.ggk_url,
        "regio": session.regio,
        "created_at": as_utc(session.created_at).isoformat(),
    }


def freeze_json(f: Freeze) -> dict:
    return {"message": f.message, "from": f.starts and f.starts.isoformat(),
            "until": f.until and f.until.isoformat()}


def fault_json(f: Fault) -> dict:
    return {"id": f.id, "kind": f.kind, "party": f.role, "remaining": f.remaining,
            "seconds": f.seconds}


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


def system_json(system: System, sessions: int | None = None) -> dict:
    body = {"name": system.name, "role": system.role, "code": system.code,
            "push_url": system.push_url, "certificate": system.cert_sha256 is not None,
            "created_at": as_utc(system.created_at).isoformat()}
    if sessions is not None:
        body["sessions"] = sessions
    return body


def certificate_json(c) -> dict:
    """A party's client certificate as registration answers it (shown only then)."""
    return {"pem": c.pem.decode(), "key": c.key_pem.decode(),
            "pkcs12": base64.b64encode(c.pkcs12).decode(), "pkcs12_password": c.password,
            "sha256": c.sha256}
