"""VECOZO's VSP-Koppeling REST on the exchange, at VECOZO's own paths below the host, so an
aanbieder system changes only its host name (and its certificate):

- push v1: POST /berichtenservice/berichten/rest-push/v1/berichten (multipart berichtMetadata +
  payload): 204 delivered, 400 the request does not follow the interface, 422 refused with the
  hubs' code as a melding;
- pull v1: GET .../rest-pull/v1/berichten (oldest first, limit <= 250), POST .../zoeken,
  GET .../berichten/{traceerId}/payload, DELETE .../berichten/{traceerId} (receipt: bezorgd);
- berichtstatus v3: GET /berichtenservice/berichtstatus/rest-pull/v3/berichtstatussen.

A payload goes through delivery.submit like POST /api/messages and POST /ggk: the same
verdict in the session's chain, checks, journal entry and lock. Only what VSP adds is checked
here (vsp_metadata: the metadata against the interface, then against the indiener and the
payload). VECOZO is the aanbieder's door: a gemeente's credentials are answered 403 (gemeenten
use the GGk: POST /ggk)."""
from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import or_, select
from sqlalchemy.orm import undefer

from harness.standard import find_message

from . import delivery
from .auth import Caller, caller
from .db import Message, as_utc, reading, utcnow, writing
from .status import effective_status, status_clause
from .inputs import read_body
from .runtime import ApiError, exchange
from .routing import in_scope, route
from .vsp_metadata import (UUID, Entry, Invalid, Melding, berichtstatus, kept, matches, payload_meldingen,
                           problem, pull_metadata, read_limit, read_metadata, read_zoekpad,
                           sender_meldingen)

PUSH = "/berichtenservice/berichten/rest-push/v1"
PULL = "/berichtenservice/berichten/rest-pull/v1"
STATUS = "/berichtenservice/berichtstatus/rest-pull/v3"
MULTIPART_SLACK = 1024 * 1024  # the metadata and multipart framing beside a 25 MB payload

bp = Blueprint("vsp", __name__)


@bp.errorhandler(ApiError)
def _problem(e: ApiError):
    return jsonify(problem(e.status, e.code, e.message)), e.status, e.headers


def _answer(body: dict, status: int, headers: dict | None = None):
    return jsonify(body), status, headers or {}


def _invalid(e: Invalid):
    return _answer(problem(400, "Bad Request", "The request does not follow the VSP-Koppeling "
                           "interface; see errors.", errors=e.errors), 400)


def _aanbieder() -> Caller:
    who = caller()
    if who.role != "aanbieder":
        raise ApiError(403, "FORBIDDEN", "These are a gemeente's credentials: VECOZO is the "
                       "zorgaanbieder's door to the chain. Gemeenten send through the GGk "
                       "(POST /ggk) or the REST mailbox (POST /api/messages).")
    return who


def _refuse(who: Caller, meldingen: list[Melding], status: int = 422, **extra):
    first = meldingen[0]
    return _answer(problem(status, f"{first.code}: {first.as_dict()['omschrijving']}",
                           first.toelichting, meldingen=meldingen, **extra), status)


def _record(ex, who: Caller, data: bytes | None, size: int, m: Melding, meta: dict | None,
            **columns) -> str:
    """Journal a refusal VSP decided (before or beside delivery's checks)."""
    if meta is not None:
        ref = meta["referentiegegevens"]
        columns.setdefault("referentienummer", ref["traceerId"])
        columns.setdefault("conversatie_id", ref["conversatieId"])
        columns.setdefault("vsp", kept(meta))
    return delivery.record_refusal(ex, who, data, size, m.code, m.toelichting, **columns)


def _part(name: str) -> bytes | None:
    if name in request.files:
        return request.files[name].read()
    if name in request.form:
        return request.form[name].encode()
    return None


# -- push ---------------------------------------------------------------------------------

@bp.post(PUSH + "/berichten")
def push():
    ex = exchange()
    who = _aanbieder()
    limit = ex.config.max_bytes
    if request.mimetype != "multipart/form-data":
        return _invalid(Invalid({"Content-Type": [
            "must be multipart/form-data with the parts berichtMetadata (application/json) "
            "and payload (application/octet-stream)."]}))
    if request.content_length is None or request.content_length > limit + MULTIPART_SLACK:
        _, size, _ = read_body(limit + MULTIPART_SLACK)  # read and thrown away, never kept
        who = route(who, None)  # a registered system's: journalled in its newest session
        m = Melding("IB007", f"The request is {size:,} bytes; a payload may have at most "
                    f"{limit:,} bytes (25 MB). Split its content over several messages."
                    if request.content_length else "Send the request with a Content-Length.")
        entry = _record(ex, who, None, size, m, None)
        return _refuse(who, [m], id=entry)
    try:
        meta = read_metadata(_part("berichtMetadata"))
    except Invalid as e:
        return _invalid(e)
    # a registered system: the session is the one of the geadresseerde (systems.route)
    who = route(who, meta["routeringgegevens"]["geadresseerden"][0].get("code")
                if meta["routeringgegevens"]["geadresseerden"] else None)
    payload = _part("payload")
    if payload is None:
        return _invalid(Invalid({"payload": ["is required: a multipart part with the iWmo/iJw "
                                             "message (application/octet-stream)."]}))
    if len(payload) > limit:
        m = Melding("IB007", f"The payload is {len(payload):,} bytes, more than the {limit:,} "
                    "bytes (25 MB) the exchange accepts. Split its content over several "
                    "messages.")
        return _refuse(who, [m], id=_record(ex, who, None, len(payload), m, meta))
    meldingen = sender_meldingen(meta, who.role, who.code)
    if meldingen:
        return _refuse(who, meldingen,
                       id=_record(ex, who, payload, len(payload), meldingen[0], meta))
    pre = delivery.prejudge(ex, who, payload)
    if pre is None:
        raise ApiError(401, "UNAUTHORIZED", "The session of these credentials was deleted.")
    j = pre.judgement
    if j.verdict.message and j.verdict.level.value not in ("xml", "xsd"):
        _, msg = find_message(f"{j.verdict.release}:{j.verdict.message[-3:]}")
        header = j.header()
        receiver = header.get("Afzender" if msg.kind == "retour" else "Ontvanger")
        meldingen = payload_meldingen(meta, j.verdict.message, j.verdict.release, msg.receiver,
                                      receiver)
        if meldingen:
            entry = _record(ex, who, payload, len(payload), meldingen[0], meta,
                            berichtsoort=j.verdict.message, release=j.verdict.release,
                            identificatie=header.get("Identificatie"), verdict=j.as_json())
            return _refuse(who, meldingen, id=entry)
    ref = meta["referentiegegevens"]
    outcome = delivery.submit(ex, who, payload, prejudged=pre,
                              envelope=delivery.Envelope(ref["traceerId"]),
                              columns={"conversatie_id": ref["conversatieId"], "vsp": kept(meta)})
    if outcome.status == 202:
        return Response(status=204)
    body = outcome.body
    if outcome.kind is None:  # an injected transport fault: nothing stored
        return _answer(problem(outcome.status, body["code"], body["message"]), outcome.status,
                       outcome.headers)
    m = Melding(body["code"], body["message"])
    return _refuse(who, [m], id=body["id"], verdict=body["verdict"],
                   findings=body["findings"])


# -- pull ---------------------------------------------------------------------------------

def _changed_at(m: Message, status: str) -> str:
    moment = {"bezorgd": m.delivered_at or m.pushed_at, "aangeboden": m.offered_at}.get(status)
    return as_utc(moment or m.received_at).isoformat()


def entry_of(m: Message, now=None) -> Entry:
    status = effective_status(m, now)
    kind = find_message(m.berichtsoort)[1].kind if m.berichtsoort and m.release else None
    return Entry(traceer_id=m.referentienummer, conversatie_id=m.conversatie_id,
                 als_antwoord_op=m.cross_ref, berichtsoort=m.berichtsoort, release=m.release,
                 kind=kind, sender_role=m.sender_role, sender_code=m.sender_code,
                 receiver_role=m.receiver_role, receiver_code=m.receiver_code, status=status,
                 received_at=as_utc(m.received_at).isoformat(), changed_at=_changed_at(m, status),
                 size=m.size, vsp=json.loads(m.vsp) if m.vsp else {},
                 refusal_code=m.refusal_code, refusal_text=m.refusal_text)


def _base() -> str:
    return (exchange().config.public_url or request.host_url).rstrip("/")


def _waiting(s, who: Caller, *conditions) -> list[Message]:
    """The caller's messages ready to be pulled, oldest first (with their content)."""
    return s.scalars(select(Message).options(undefer(Message.content)).where(
        in_scope(who), Message.receiver_role == who.role,
        Message.referentienummer.is_not(None), status_clause("aangeboden", utcnow()),
        *conditions).order_by(Message.received_at, Message.seq)).all()


def _listing(rows: list[Message]) -> list[dict]:
    base = _base()
    return [pull_metadata(entry_of(m), f"{base}{PULL}/berichten/{m.referentienummer}/payload",
                          hashlib.sha256(m.content).hexdigest()) for m in rows]


@bp.get(PULL + "/berichten")
def pull():
    who = _aanbieder()
    try:
        limit = read_limit(request.args.get("limit"))
    except Invalid as e:
        return _invalid(e)
    with reading(exchange().engine) as s:
        return jsonify(_listing(_waiting(s, who)[:limit]))


@bp.post(PULL + "/berichten/zoeken")
def zoeken():
    who = _aanbieder()
    try:
        limit = read_limit(request.args.get("limit"))
        zoekpad = read_zoekpad(request.get_json(silent=True))
    except Invalid as e:
        return _invalid(e)
    with reading(exchange().engine) as s:
        found = [meta for meta in _listing(_waiting(s, who)) if matches(zoekpad, meta)]
    return jsonify(found[:limit])


def _not_available():
    return _answer(problem(404, "Not Found", "No message with this traceerId is waiting for "
                           "you: unknown, not yours, or its receipt was confirmed already."), 404)


@bp.get(PULL + "/berichten/<traceerId>/payload")
def payload(traceerId):  # noqa: N803 (VECOZO's name)
    traceer_id = traceerId
    who = _aanbieder()
    with reading(exchange().engine) as s:
        rows = _waiting(s, who, Message.referentienummer == traceer_id)
        if not rows:
            return _not_available()
        return Response(rows[0].content, 200, mimetype="application/octet-stream")


@bp.delete(PULL + "/berichten/<traceerId>")
def confirm(traceerId):  # noqa: N803 (VECOZO's name)
    """Receipt confirmed: the oldest waiting message with this traceerId becomes bezorgd (a
    copy made by the duplicate fault waits on: it is offered again, as at-least-once
    delivery does); once all are, a repeated confirmation is answered 202 too."""
    who, traceer_id = _aanbieder(), traceerId
    now = utcnow()
    with writing(exchange().writer) as s:
        rows = s.scalars(select(Message).where(
            in_scope(who), Message.receiver_role == who.role,
            Message.referentienummer == traceer_id, Message.status != "afgekeurd")
            .order_by(Message.seq).with_for_update()).all()
        waiting = [m for m in rows if effective_status(m, now) == "aangeboden"]
        if waiting:
            waiting[0].status, waiting[0].delivered_at = "bezorgd", now
        elif not any(m.status == "bezorgd" for m in rows):
            return _not_available()
    return Response(status=202)


# -- berichtstatus ------------------------------------------------------------------------

@bp.get(STATUS + "/berichtstatussen")
def statussen():
    """The status of the caller's messages (sent, or received once offered) with this
    traceerId (as traceerId or alsAntwoordOp) or in this conversation; at most 250."""
    who = caller()
    traceer_id, conversatie_id = request.args.get("traceerId"), request.args.get("conversatieId")
    if (traceer_id is None) == (conversatie_id is None):
        return _invalid(Invalid({"traceerId": ["give exactly one of traceerId and "
                                               "conversatieId."]}))
    for name, value in (("traceerId", traceer_id), ("conversatieId", conversatie_id)):
        if value is not None and not UUID.fullmatch(value):
            return _invalid(Invalid({name: [f"must be a UUID; got {value!r}."]}))
    now = utcnow()
    if traceer_id is not None:
        which = or_(Message.referentienummer == traceer_id, Message.cross_ref == traceer_id)
    else:
        which = Message.conversatie_id == conversatie_id
    mine = or_(Message.sender_role == who.role,
               (Message.receiver_role == who.role) & (Message.status != "afgekeurd")
               & (Message.offered_at <= now))
    with reading(exchange().engine) as s:
        rows = s.scalars(select(Message).where(
            in_scope(who), Message.referentienummer.is_not(None),
            Message.duplicate_of.is_(None), which, mine,
            or_(Message.berichtsoort.is_(None), Message.berichtsoort != "Fo01"))
            .order_by(Message.received_at, Message.seq).limit(250)).all()
        return jsonify([berichtstatus(entry_of(m, now)) for m in rows])
