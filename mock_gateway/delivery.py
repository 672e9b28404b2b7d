"""Delivery: one submission judged, checked as the hubs check it (`CHECKS`, in their order),
and journalled, in one write transaction that holds the session's lock (the costly part of the
verdict is computed before it, the chain rules under it against the state the commit builds
on: judging.py). Either the message is stored and offered to the receiver (202), or it is
journalled as afgekeurd with the hubs' code (4xx), or an injected transport fault answers with
an error and nothing is stored. Nothing is answered 202 that is not committed.

Every door of the exchange comes through here: POST /api/messages (the XML itself) and POST
/ggk (the payload of a StUF envelope whose envelope checks passed, with its references in
`Envelope`), so a message gets the same verdict, the same checks run once, and the same journal
entry whichever way it came in.

Every delivered message gets a referentienummer (its envelope's, or a fresh UUID v4, as the
hubs give one to what they pass on) and a retour the referentienummer of the heen message it
answers (`cross_ref`): the GGk envelopes pushed to a gemeente carry them (push.py)."""
from __future__ import annotations

import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError

from harness.standard import find_message

from . import chains, refusals
from .auth import Caller
from .db import ExchangeSession, Fault, Freeze, Message, insert_row, reading, utcnow, writing
from .faults import DELIVERY_FAULTS, FAULT_ANSWERS, TRANSPORT_FAULTS, active_faults, take_fault
from .judging import Judgement, complete, prepare_submission
from .runtime import ApiError, Exchange
from .termijn import stamp

MAX_FINDINGS_IN_TEXT = 3

@dataclass
class Outcome:
    status: int
    body: dict
    headers: dict = field(default_factory=dict)
    kind: str | None = None  # the refusal's kind (refusals.REFUSALS); None when delivered
    push: bool = False  # a message for a gemeente with a push endpoint: wake the pusher


@dataclass(frozen=True)
class Envelope:
    """The references of the GGk envelope a submission came in."""
    referentienummer: str
    cross_ref: str | None = None  # a Du01's crossRefnummer
    functie: str | None = None  # the message the envelope says it carries (WMO301)


@dataclass(frozen=True)
class Prejudged:
    """A verdict computed before the lock (on the session's date `judgement.today`)."""
    judgement: Judgement


class Refused(Exception):
    def __init__(self, kind: str, text: str):
        super().__init__(text)
        self.kind, self.text = kind, text


def _next_seq(s, session_id: str) -> int:
    return (s.connection().scalar(select(func.max(Message.seq))
                                  .where(Message.session_id == session_id)) or 0) + 1


def _findings_text(j: Judgement) -> str:
    findings = j.verdict.findings
    parts = [f"{f.rule} at {f.path}: {f.text}" for f in findings[:MAX_FINDINGS_IN_TEXT]]
    more = len(findings) - MAX_FINDINGS_IN_TEXT
    return " | ".join(parts) + (f" (and {more} more: see findings)" if more > 0 else "")


def frozen(s, session: ExchangeSession, name: str, msg_id: str) -> Freeze | None:
    today = session.clock()
    for f in s.scalars(select(Freeze).where(Freeze.session_id == session.id)):
        if f.message in (msg_id, name) and (f.starts is None or f.starts <= today) \
                and (f.until is None or today <= f.until):
            return f
    return None


@dataclass(frozen=True)
class Head:
    """What a submission needs to know of its session's rows besides the session: the next
    seq of its journal, and whether it has faults or freezes at all (most have none). One
    statement: most of a small submission's cost is the number of statements."""
    seq: int
    faults: bool
    freezes: bool

    @classmethod
    def read(cls, s, session_id: str) -> "Head":
        row = s.connection().execute(_HEAD, {"session": session_id}).one()
        return cls((row[0] or 0) + 1, bool(row[1]), bool(row[2]))


# Statements of every submission, built once: building one costs more than running it
_SESSION = bindparam("session")
_HEAD = select(
    select(func.max(Message.seq)).where(Message.session_id == _SESSION).scalar_subquery(),
    exists().where(Fault.session_id == _SESSION),
    exists().where(Freeze.session_id == _SESSION))
# the session's row but its chain snapshot (chains.take reads that only when it needs it)
_LOCKED = select(*(c for c in ExchangeSession.__table__.c if c.key != "chain_state")) \
    .where(ExchangeSession.id == _SESSION).with_for_update()
_DELIVERED = select(Message.id).where(Message.session_id == _SESSION,
                                      Message.dedup_key == bindparam("key"))


@dataclass
class Submission:
    """What the hubs' checks look at: the verdict on the payload, who sent it (and in which
    envelope), the session; a check that passes may add routing (receiver, identificatie)."""

    s: Any  # the write transaction, holding the session's lock
    session: ExchangeSession
    who: Caller
    j: Judgement
    envelope: Envelope | None
    routing: dict = field(default_factory=dict)
    freezes: bool = True  # the session has freezes (else none can apply)

    @property
    def verdict(self):
        return self.j.verdict

    @property
    def definition(self):
        return self.j.verdict.definition

    def header(self) -> dict[str, str]:
        return self.j.header()


def _wellformed(x: Submission) -> None:
    if x.verdict.level.value == "xml":
        raise Refused("not_wellformed", f"The message is not accepted as XML: {_findings_text(x.j)}")


def _as_enveloped(x: Submission) -> None:
    """A GGk envelope names its payload's message in `functie`: the payload must be one."""
    functie, message = x.envelope and x.envelope.functie, x.verdict.message
    if functie and message and functie != message:
        raise Refused("functie", f"functie says {functie} but the payload is a {message}. Set "
                      f"functie to {message} or send the {functie} payload.")


def _not_frozen(x: Submission) -> None:
    msg = x.definition
    if msg is None or not x.freezes:
        return
    frozen_by = frozen(x.s, x.session, msg.name, msg.id)
    if frozen_by is not None:
        until = f" until {frozen_by.until.isoformat()}" if frozen_by.until else " until lifted"
        raise Refused("frozen", f"Message type {msg.name} is temporarily blocked (freeze "
                      f"for a release change{until}, session date "
                      f"{x.session.clock().isoformat()}). Send it again after the freeze.")


def _schema_valid(x: Submission) -> None:
    v = x.verdict
    if v.level.value == "xsd" or not v.message:
        raise Refused("schema", f"The {v.message or 'message'} is not conform its XSD: "
                      f"{_findings_text(x.j)}. Correct it and send it again; the receiver never "
                      "saw it.")


def _sender(x: Submission) -> None:
    # A retour message copies Afzender/Ontvanger from its heen message: its sender is the
    # heen's Ontvanger.
    msg, who, header = x.definition, x.who, x.header()
    where = "Ontvanger" if msg.kind == "retour" else "Afzender"
    if msg.sender != who.role:
        raise Refused("sender", f"A {msg.name} is sent by the {msg.sender}; this token belongs "
                      f"to the {who.role} {who.code}. Send it with the {msg.sender}'s token.")
    if header.get(where) != who.code:
        raise Refused("sender", f"/Bericht/Header/{where} is {header.get(where)!r}, but this "
                      f"token belongs to the {who.role} {who.code}. Put {who.code} in {where}"
                      + (" (a retour message copies the heen message's parties)."
                         if msg.kind == "retour" else "."))


def _receiver(x: Submission) -> None:
    msg, who, header = x.definition, x.who, x.header()
    where = "Afzender" if msg.kind == "retour" else "Ontvanger"
    receiver = x.session.code_of(who.other_role)
    if header.get(where) != receiver:
        raise Refused("receiver", f"/Bericht/Header/{where} is {header.get(where)!r}: no route "
                      f"to that {who.other_role} in this session. The {who.other_role} of this "
                      f"session is {receiver}.")
    x.routing["receiver_code"] = receiver


def _delivered_once(x: Submission) -> None:
    who, name = x.who, x.definition.name
    ident = x.header().get("Identificatie")
    key = f"{who.code}/{name}/{ident}"
    seen = x.s.connection().scalar(_DELIVERED, {"session": x.session.id, "key": key})
    if seen is not None:
        raise Refused("duplicate", f"A {name} from {who.code} with "
                      f"/Bericht/Header/BerichtIdentificatie/Identificatie {ident!r} was "
                      f"delivered before (message {seen}). Give every new message a new "
                      "Identificatie. If you are resending after an error or a time-out, the "
                      "earlier attempt did arrive: do not send it again.")
    x.routing.update(identificatie=ident, dedup_key=key)


def _reference_once(x: Submission) -> None:
    """A GGk envelope's referentienummer names one message of its sender (IB216)."""
    if x.envelope is None:
        return
    ref = x.envelope.referentienummer
    seen = x.s.scalar(select(Message.id).where(
        Message.session_id == x.session.id, Message.sender_role == x.who.role,
        Message.referentienummer == ref, Message.status != "afgekeurd"))
    if seen is not None:
        raise Refused("reference_reused", f"referentienummer {ref} was used before by "
                      f"{x.who.code} (message {seen}). Give every envelope a new UUID v4.")


# The hubs' checks in their order, the same for every door (REST, GGk): the first that fails
# refuses the message (refusals.py gives its code per side).
CHECKS = (_wellformed, _as_enveloped, _not_frozen, _schema_valid, _sender, _receiver,
          _delivered_once, _reference_once)


def check(x: Submission) -> dict:
    """Run the hubs' checks; the routing of a message that passes them, else Refused."""
    for passes in CHECKS:
        passes(x)
    return x.routing


def heen_reference(s, session: ExchangeSession, who: Caller, message: str,
                   identificatie: str | None) -> str | None:
    """The referentienummer of the heen message a retour answers: the other party's delivered
    message of the partner type with the same BerichtIdentificatie (a retour copies it)."""
    rel, msg = find_message(message)
    if msg.kind != "retour":
        return None
    return s.scalar(select(Message.referentienummer).where(
        Message.session_id == session.id, Message.sender_role == who.other_role,
        Message.berichtsoort == rel.message(msg.partner).name,
        Message.identificatie == identificatie, Message.status != "afgekeurd",
        Message.duplicate_of.is_(None)).order_by(Message.seq).limit(1))


def conversation(s, session: ExchangeSession, entry: Message) -> str:
    """The VSP conversatieId of a delivered message: a retour joins the conversation of the
    heen message it answers (cross_ref), anything else starts its own, named by its
    referentienummer (VECOZO: a heen message's conversatieId is its traceerId)."""
    if entry.cross_ref:
        heen = s.scalar(select(Message.conversatie_id).where(
            Message.session_id == session.id, Message.referentienummer == entry.cross_ref,
            Message.conversatie_id.is_not(None)).order_by(Message.seq).limit(1))
        if heen:
            return heen
    return entry.referentienummer


def _refusal(who: Caller, kind: str, text: str, entry_id: str, j: Judgement | None) -> Outcome:
    body = {"code": refusals.code(kind, who.role), "message": text, "id": entry_id,
            "status": "afgekeurd", "verdict": f"/api/messages/{entry_id}/verdict",
            "findings": [f.as_dict() for f in j.verdict.findings] if j else []}
    return Outcome(refusals.status(kind), body,
                   {"Retry-After": "3600"} if kind == "frozen" else {}, kind=kind)


def prejudge(ex: Exchange, who: Caller, data: bytes) -> Prejudged | None:
    """The verdict on `data` in the caller's session as it is now (outside any lock)."""
    today = who.today
    if today is None:  # not read with the token (a registered system's routed session)
        with reading(ex.engine) as s:
            session = s.get(ExchangeSession, who.session_id)
        if session is None:
            return None
        today = session.clock()
    with ex.judging:
        return Prejudged(prepare_submission(today, data))


def submit(ex: Exchange, who: Caller, data: bytes, *, envelope: Envelope | None = None,
           prejudged: Prejudged | None = None, columns: dict | None = None) -> Outcome:
    """Judge, check and journal one submission of `who`; `envelope`: the envelope it came in
    (GGk, or VECOZO VSP: traceerId as referentienummer); `prejudged`: its verdict computed
    before (VSP compares it with the metadata first); `columns`: more journal columns for its
    entry (VSP: conversatie_id, vsp)."""
    entry_id = uuid.uuid4().hex
    try:
        with ex.judging if ex.writes_one_at_a_time else nullcontext():
            outcome = _submit(ex, who, data, entry_id, prejudged or prejudge(ex, who, data),
                              envelope, columns or {})
    except IntegrityError:
        # Only a race on the unique identification gets here (the session lock makes it rare).
        return journal_refusal(ex, who, data, len(data), "duplicate",
                               "This identification was delivered at the same moment by "
                               "another submission. Give every message a new Identificatie.")
    if outcome.push:
        ex.pusher.kick()
    return outcome


def _submit(ex: Exchange, who: Caller, data: bytes, entry_id: str, pre: Prejudged | None,
            envelope: Envelope | None, columns: dict) -> Outcome:
    with writing(ex.writer) as s:
        outcome, held = _decide(ex, s, who, data, entry_id, pre, envelope, columns)
    if held is not None:  # committed: the chain state it built on may serve the next one
        ex.chains.put(*held)
    return outcome


def _decide(ex: Exchange, s, who: Caller, data: bytes, entry_id: str, pre: Prejudged | None,
            envelope: Envelope | None, columns: dict) -> tuple[Outcome, tuple | None]:
    """Under the session's lock: the outcome, and (session id, log position, chain state)
    to keep once the transaction commits."""
    # the row, locked, as a transient ExchangeSession (read, never changed through the ORM:
    # chains.record moves its position with Core): the ORM's loading costs ~7x the query
    row = s.connection().execute(_LOCKED, {"session": who.session_id}).mappings().first()
    if row is None:
        raise ApiError(401, "UNAUTHORIZED", "The session of this token was deleted.")
    session = ExchangeSession(**row)
    head = Head.read(s, session.id)
    faults = active_faults(s, session.id, who.role) if head.faults else []
    fault = take_fault(faults, TRANSPORT_FAULTS)
    if fault is not None:
        status, code, text = FAULT_ANSWERS[fault.kind]
        return Outcome(status, {"code": code, "message": text},
                       {"Retry-After": "1"} if fault.kind == "http503" else {}), None
    j = pre.judgement if pre else None
    if j is None or j.today != session.clock():  # judged on another date: judge again
        j = prepare_submission(session.clock(), data)
    state = ex.chains.take(s, session)
    complete(j, state)
    outcome = _store(s, session, who, data, entry_id, j, state, faults, envelope, columns, head)
    return outcome, (session.id, session.chain_pos, state)


def _store(s, session: ExchangeSession, who: Caller, data: bytes, entry_id: str, j: Judgement,
           state, faults: list, envelope: Envelope | None, columns: dict, head: Head) -> Outcome:
    now = utcnow()
    entry = Message(id=entry_id, seq=head.seq, session_id=session.id,
                    sender_role=who.role, sender_code=who.code, receiver_role=who.other_role,
                    berichtsoort=j.verdict.message, release=j.verdict.release,
                    verdict=j.as_json(), size=len(data), content=data, received_at=now,
                    referentienummer=envelope and envelope.referentienummer,
                    cross_ref=envelope and envelope.cross_ref, **columns)
    try:
        routing = check(Submission(s, session, who, j, envelope, freezes=head.freezes))
    except Refused as r:
        header = j.header()
        entry.identificatie = header.get("Identificatie")
        entry.status, entry.refusal_code = "afgekeurd", refusals.code(r.kind, who.role)
        entry.refusal_text = r.text
        stamp(s, session, entry, j)
        insert_row(s, entry)
        return _refusal(who, r.kind, r.text, entry_id, j)
    entry.receiver_code = routing["receiver_code"]
    entry.identificatie, entry.dedup_key = routing["identificatie"], routing["dedup_key"]
    if envelope is None:
        entry.referentienummer = str(uuid.uuid4())
    if entry.cross_ref is None:
        entry.cross_ref = heen_reference(s, session, who, entry.berichtsoort,
                                         entry.identificatie)
    if entry.conversatie_id is None:
        entry.conversatie_id = conversation(s, session, entry)
    fault = take_fault(faults, DELIVERY_FAULTS)
    entry.status, entry.offered_at = "aangeboden", now
    if fault is not None and fault.kind == "delay":
        entry.status, entry.offered_at = "ontvangen", now + timedelta(seconds=fault.seconds)
    stamp(s, session, entry, j)
    insert_row(s, entry)
    if fault is not None and fault.kind == "duplicate":
        s.add(Message(id=uuid.uuid4().hex, seq=entry.seq + 1, session_id=session.id,
                      sender_role=entry.sender_role, sender_code=entry.sender_code,
                      receiver_role=entry.receiver_role, receiver_code=entry.receiver_code,
                      berichtsoort=entry.berichtsoort, release=entry.release,
                      identificatie=entry.identificatie, verdict=entry.verdict,
                      referentienummer=entry.referentienummer, cross_ref=entry.cross_ref,
                      conversatie_id=entry.conversatie_id, vsp=entry.vsp, size=entry.size, content=data, duplicate_of=entry.id,
                      status=entry.status, received_at=now, offered_at=entry.offered_at,
                      day=entry.day, termijn=entry.termijn))
    chains.record(s, session, state, j.verdict, entry.id)
    body = {"id": entry_id, "status": entry.status, "berichtsoort": entry.berichtsoort,
            "verdict": f"/api/messages/{entry_id}/verdict",
            "accepted_by_rules": j.verdict.accepted, "retourcodes": j.verdict.retourcodes}
    return Outcome(202, body, {"Location": f"/api/messages/{entry_id}"},
                   push=bool(session.ggk_url) and entry.receiver_role == "gemeente")


def journal_refusal(ex: Exchange, who: Caller, data: bytes | None, size: int, kind: str,
                    text: str) -> Outcome:
    """Journal a refusal decided without judging (too large, or a lost race)."""
    entry_id = record_refusal(ex, who, data, size, refusals.code(kind, who.role), text)
    return _refusal(who, kind, text, entry_id, None)


def record_refusal(ex: Exchange, who: Caller, data: bytes | None, size: int, code: str,
                   text: str, **columns) -> str:
    """Journal a refusal decided before the hubs' checks (too large, a lost race, a GGk
    envelope check) with the hubs' `code`; more journal `columns` as given. The entry's id."""
    entry_id = uuid.uuid4().hex
    with writing(ex.writer) as s:
        session = s.get(ExchangeSession, who.session_id, with_for_update=True)
        if session is None:
            raise ApiError(401, "UNAUTHORIZED", "The session of this token was deleted.")
        s.add(Message(id=entry_id, seq=_next_seq(s, session.id), session_id=session.id,
                      sender_role=who.role, sender_code=who.code, receiver_role=who.other_role,
                      status="afgekeurd", refusal_code=code, refusal_text=text, size=size,
                      content=data, received_at=utcnow(), day=session.clock(), **columns))
    return entry_id


def refused_by_receiver(ex: Exchange, who: Caller, reference: str, code: str, text: str,
                        content: bytes, referentienummer: str) -> str | None:
    """The receiver refused a message delivered to it (a gemeente's Fo01 StUF055 on a pushed
    envelope): the message becomes afgekeurd with the receiver's code and text, which its sender
    sees on it, and the refusal joins the journal (not the sender's inbox: it is no iWmo/iJw
    message). The chain state keeps the message: ketentest delivered only what its XSD allows.
    Returns the refusal's entry id; None when `reference` names no message delivered to `who`."""
    now = utcnow()
    with writing(ex.writer) as s:
        session = s.get(ExchangeSession, who.session_id, with_for_update=True)
        original = s.scalar(select(Message).where(
            Message.session_id == who.session_id, Message.receiver_role == who.role,
            Message.referentienummer == reference, Message.status != "afgekeurd")
            .order_by(Message.seq).limit(1))
        if session is None or original is None:
            return None
        original.status, original.refusal_code = "afgekeurd", code
        original.refusal_text = (f"Refused by the {who.role} {who.code} after delivery "
                                 f"(Fo01 {referentienummer}): {text}")
        entry_id = uuid.uuid4().hex
        s.add(Message(id=entry_id, seq=_next_seq(s, session.id), session_id=session.id,
                      sender_role=who.role, sender_code=who.code, receiver_role=who.other_role,
                      receiver_code=original.sender_code, berichtsoort="Fo01", status="bezorgd",
                      size=len(content), content=content, received_at=now, delivered_at=now,
                      referentienummer=referentienummer, cross_ref=reference))
    return entry_id


def attach_answer(ex: Exchange, entry_id: str, answer: bytes) -> None:
    """Keep the Fo01 a refused GGk envelope was answered with (it is pushed to the gemeente)."""
    with writing(ex.writer) as s:
        m = s.get(Message, entry_id, with_for_update=True)
        if m is not None:
            m.stuf_answer = answer
