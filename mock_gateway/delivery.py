"""Delivery: one submission judged, checked as the hubs check it, and journalled, in one write
transaction that holds the session's lock (the verdict itself is computed before, and again
under the lock only when the session's clock or chain state moved meanwhile). Either the message is stored and offered to the
receiver (202), or it is journalled as afgekeurd with the hubs' code (4xx), or an injected
transport fault answers with an error and nothing is stored. Nothing is answered 202 that is
not committed."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from . import refusals
from .admin import DELIVERY_FAULTS, TRANSPORT_FAULTS, active_faults, take_fault
from .auth import Caller
from .db import ExchangeSession, Freeze, Message, reading, utcnow, writing
from .judging import Judgement, judge_submission, record_delivery
from .runtime import ApiError, Exchange
from .termijn import stamp
from harness.standard import find_message

MAX_FINDINGS_IN_TEXT = 3

FAULT_ANSWERS = {
    "drop": (503, "DROPPED", "Injected fault 'drop': the exchange lost this submission before "
                             "storing it. Nothing was stored: send the message again."),
    "http500": (500, "INTERNAL", "Injected fault 'http500': internal error. Nothing was "
                                 "stored: send the message again."),
    "http503": (503, "UNAVAILABLE", "Injected fault 'http503': the exchange is temporarily "
                                    "unavailable. Nothing was stored: send the message again "
                                    "after Retry-After seconds."),
}


@dataclass
class Outcome:
    status: int
    body: dict
    headers: dict = field(default_factory=dict)


class Refused(Exception):
    def __init__(self, kind: str, text: str):
        super().__init__(text)
        self.kind, self.text = kind, text


def _next_seq(s, session_id: str) -> int:
    return (s.scalar(select(func.max(Message.seq)).where(Message.session_id == session_id)) or 0) + 1


def _findings_text(j: Judgement) -> str:
    findings = j.verdict.findings
    parts = [f"{f.rule} at {f.path}: {f.text}" for f in findings[:MAX_FINDINGS_IN_TEXT]]
    more = len(findings) - MAX_FINDINGS_IN_TEXT
    return " | ".join(parts) + (f" (and {more} more: see findings)" if more > 0 else "")


def _frozen(s, session: ExchangeSession, name: str, msg_id: str) -> Freeze | None:
    today = session.clock()
    for f in s.scalars(select(Freeze).where(Freeze.session_id == session.id)):
        if f.message in (msg_id, name) and (f.starts is None or f.starts <= today) \
                and (f.until is None or today <= f.until):
            return f
    return None


def check(s, session: ExchangeSession, who: Caller, j: Judgement) -> dict:
    """The hubs' checks in their order; returns the routing of a message that passes them,
    raises Refused otherwise."""
    v = j.verdict
    if v.level.value == "xml":
        raise Refused("not_wellformed", f"The message is not accepted as XML: {_findings_text(j)}")
    if v.message:
        rel, msg = find_message(f"{v.release}:{v.message[-3:]}")
        frozen = _frozen(s, session, v.message, msg.id)
        if frozen is not None:
            until = f" until {frozen.until.isoformat()}" if frozen.until else " until lifted"
            raise Refused("frozen", f"Message type {v.message} is temporarily blocked (freeze "
                          f"for a release change{until}, session date "
                          f"{session.clock().isoformat()}). Send it after the freeze.")
    if v.level.value == "xsd" or not v.message:
        what = v.message or "message"
        raise Refused("schema", f"The {what} is not conform the XSD: {_findings_text(j)}. "
                      "Correct it and send it again; the receiver never saw it.")
    header = j.header()
    # A retour message copies Afzender/Ontvanger from its heen message: its sender is the
    # heen's Ontvanger.
    sender_field, receiver_field = ("Ontvanger", "Afzender") if msg.kind == "retour" \
        else ("Afzender", "Ontvanger")
    if msg.sender != who.role:
        raise Refused("sender", f"A {v.message} is sent by the {msg.sender}; this token belongs "
                      f"to the {who.role} {who.code}. Send it with the {msg.sender}'s token.")
    if header.get(sender_field) != who.code:
        raise Refused("sender", f"/Bericht/Header/{sender_field} is "
                      f"{header.get(sender_field)!r}, but this token belongs to the {who.role} "
                      f"{who.code}. Put {who.code} in {sender_field}"
                      + (" (a retour message copies the heen message's parties)."
                         if msg.kind == "retour" else "."))
    receiver = session.code_of(who.other_role)
    if header.get(receiver_field) != receiver:
        raise Refused("receiver", f"/Bericht/Header/{receiver_field} is "
                      f"{header.get(receiver_field)!r}: no route to that {who.other_role} in this "
                      f"session. The {who.other_role} of this session is {receiver}.")
    ident = header.get("Identificatie")
    key = f"{who.code}/{v.message}/{ident}"
    seen = s.scalar(select(Message.id).where(Message.session_id == session.id,
                                             Message.dedup_key == key))
    if seen is not None:
        raise Refused("duplicate", f"A {v.message} from {who.code} with "
                      f"/Bericht/Header/BerichtIdentificatie/Identificatie {ident!r} was "
                      f"delivered before (message {seen}). Give every new message a new "
                      "Identificatie. If you are resending after an error or a time-out, the "
                      "earlier attempt did arrive: do not send it again.")
    return {"receiver_code": header.get(receiver_field), "identificatie": ident,
            "dedup_key": key}


def _refusal(who: Caller, kind: str, text: str, entry_id: str, j: Judgement | None) -> Outcome:
    body = {"code": refusals.code(kind, who.role), "message": text, "id": entry_id,
            "status": "afgekeurd", "verdict": f"/api/messages/{entry_id}/verdict",
            "findings": [f.as_dict() for f in j.verdict.findings] if j else []}
    return Outcome(refusals.status(kind), body,
                   {"Retry-After": "3600"} if kind == "frozen" else {})


def submit(ex: Exchange, who: Caller, data: bytes) -> Outcome:
    """Judge, check and journal one submission of `who`."""
    entry_id = uuid.uuid4().hex
    try:
        return _submit(ex, who, data, entry_id)
    except IntegrityError:
        # Only a race on the unique identification gets here (the session lock makes it rare).
        return journal_refusal(ex, who, data, len(data), "duplicate",
                               "This identification was delivered at the same moment by "
                               "another submission. Give every message a new Identificatie.")


def _judged_on(session: ExchangeSession) -> tuple:
    """What a verdict depends on besides the message."""
    return session.today, session.chain_state


def _submit(ex: Exchange, who: Caller, data: bytes, entry_id: str) -> Outcome:
    # Judge outside the lock (the costly part), on the session as it is now; under the lock,
    # judge again only if the session's clock or chain state changed in between.
    with reading(ex.engine) as s:
        snapshot = s.get(ExchangeSession, who.session_id)
    j = judge_submission(snapshot, data) if snapshot is not None else None
    with writing(ex.writer) as s:
        session = s.get(ExchangeSession, who.session_id, with_for_update=True)
        if session is None:
            raise ApiError(401, "UNAUTHORIZED", "The session of this token was deleted.")
        faults = active_faults(s, session.id, who.role)
        fault = take_fault(faults, TRANSPORT_FAULTS)
        if fault is not None:
            status, code, text = FAULT_ANSWERS[fault.kind]
            return Outcome(status, {"code": code, "message": text},
                           {"Retry-After": "1"} if fault.kind == "http503" else {})
        if j is None or _judged_on(session) != _judged_on(snapshot):
            j = judge_submission(session, data)
        now = utcnow()
        entry = Message(id=entry_id, seq=_next_seq(s, session.id), session_id=session.id,
                        sender_role=who.role, sender_code=who.code, receiver_role=who.other_role,
                        berichtsoort=j.verdict.message, release=j.verdict.release,
                        verdict=j.as_json(), size=len(data), content=data, received_at=now)
        try:
            routing = check(s, session, who, j)
        except Refused as r:
            header = j.header()
            entry.identificatie = header.get("Identificatie")
            entry.status, entry.refusal_code = "afgekeurd", refusals.code(r.kind, who.role)
            entry.refusal_text = r.text
            stamp(s, session, entry, j)
            s.add(entry)
            return _refusal(who, r.kind, r.text, entry_id, j)
        entry.receiver_code = routing["receiver_code"]
        entry.identificatie, entry.dedup_key = routing["identificatie"], routing["dedup_key"]
        fault = take_fault(faults, DELIVERY_FAULTS)
        entry.status, entry.offered_at = "aangeboden", now
        if fault is not None and fault.kind == "delay":
            entry.status, entry.offered_at = "ontvangen", now + timedelta(seconds=fault.seconds)
        stamp(s, session, entry, j)
        s.add(entry)
        if fault is not None and fault.kind == "duplicate":
            s.add(Message(id=uuid.uuid4().hex, seq=entry.seq + 1, session_id=session.id,
                          sender_role=entry.sender_role, sender_code=entry.sender_code,
                          receiver_role=entry.receiver_role, receiver_code=entry.receiver_code,
                          berichtsoort=entry.berichtsoort, release=entry.release,
                          identificatie=entry.identificatie, verdict=entry.verdict,
                          size=entry.size, content=data, duplicate_of=entry.id,
                          status=entry.status, received_at=now, offered_at=entry.offered_at,
                          day=entry.day, termijn=entry.termijn))
        record_delivery(session, j)
        body = {"id": entry_id, "status": entry.status, "berichtsoort": entry.berichtsoort,
                "verdict": f"/api/messages/{entry_id}/verdict",
                "accepted_by_rules": j.verdict.accepted, "retourcodes": j.verdict.retourcodes}
        return Outcome(202, body, {"Location": f"/api/messages/{entry_id}"})


def journal_refusal(ex: Exchange, who: Caller, data: bytes | None, size: int, kind: str,
                    text: str) -> Outcome:
    """Journal a refusal decided without judging (too large, or a lost race)."""
    entry_id = uuid.uuid4().hex
    with writing(ex.writer) as s:
        session = s.get(ExchangeSession, who.session_id, with_for_update=True)
        if session is None:
            raise ApiError(401, "UNAUTHORIZED", "The session of this token was deleted.")
        s.add(Message(id=entry_id, seq=_next_seq(s, session.id), session_id=session.id,
                      sender_role=who.role, sender_code=who.code, receiver_role=who.other_role,
                      status="afgekeurd", refusal_code=refusals.code(kind, who.role),
                      refusal_text=text, size=size, content=data, received_at=utcnow(),
                      day=session.clock()))
    return _refusal(who, kind, text, entry_id, None)
