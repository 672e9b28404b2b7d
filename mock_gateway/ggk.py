"""The GGk StUF interface on the exchange: POST /ggk (port type OntvangAsynchroon: ggk_Di01,
ggk_Du01, Fo01) and GET /ggk?wsdl. The StUF logic is mock_gateway.stuf's; this module connects
it to the sessions, delivery (the same path as POST /api/messages) and the journal.

Authentication. The real GGk knows a gemeente by its Digikoppeling TLS client certificate and
the zender in the stuurgegevens; the mock knows it by the gemeente party's bearer token
(`Authorization: Bearer`, as on the REST API) and the zender: a missing or unknown token, or
an aanbieder's, is answered HTTP 401 / 403 with a plain SOAP Fault and journalled nowhere (the
real chain refuses such a connection before any StUF is read); with a gemeente's token, a
zender organisatie other than that gemeente is IB213, an ontvanger other than the session's
aanbieder IB210.

Every refusal of an authenticated gemeente is journalled with its Fo01 code and the Fo01 is
kept, so that it is also pushed to the gemeente's endpoint (the real chain delivers Fo01s
asynchronously; the SOAP Fault answer is the same Fo01, at once).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, request
from lxml import etree
from sqlalchemy import exists, or_, select

from harness.standard import find_message

from . import delivery, refusals
from .auth import Caller, caller
from .db import ExchangeSession, Message, reading
from .inputs import read_body
from .routing import route, stuf_ontvanger
from .runtime import ApiError, Exchange, exchange
from .stuf import (CONTENT_TYPE, UUID4, Envelope, Sent, StufFault, handle_soap, oversized,
                   refuse, render_wsdl)
from .stuf.schema import SOAP_NS, path_of

bp = Blueprint("ggk", __name__)


@dataclass
class SessionParties:
    """stuf.Parties over the exchange's database, for one gemeente's session."""
    ex: Exchange
    session: ExchangeSession

    def known(self, organisatie: str) -> bool:
        """An organisation of any live session (a session's own is checked after: IB213)."""
        with reading(self.ex.engine) as s:
            return s.scalar(select(exists().where(or_(
                ExchangeSession.gemeentecode == organisatie,
                ExchangeSession.agb == organisatie,
                ExchangeSession.system_code == organisatie))))

    def sent(self, referentienummer: str) -> Sent | None:
        """A message of this session that passed the exchange with this referentienummer."""
        with reading(self.ex.engine) as s:
            m = s.scalar(select(Message).where(
                Message.session_id == self.session.id,
                Message.referentienummer == referentienummer, Message.status != "afgekeurd",
                Message.berichtsoort != "Fo01").order_by(Message.seq).limit(1))
        if m is None:
            return None
        _, msg = find_message(m.berichtsoort)
        return Sent("Du01" if msg.kind == "retour" else "Di01", m.sender_code,
                    m.receiver_code or "", m.berichtsoort)



def _plain_fault(status: int, code: str, text: str, headers: dict | None = None) -> Response:
    """A SOAP 1.1 Fault without a Fo01: refused before any StUF was read (transport level)."""
    env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
    fault = etree.SubElement(etree.SubElement(env, f"{{{SOAP_NS}}}Body"), f"{{{SOAP_NS}}}Fault")
    etree.SubElement(fault, "faultcode").text = "soap:" + ("Client" if status < 500 else "Server")
    etree.SubElement(fault, "faultstring").text = f"{code}: {text}"
    body = etree.tostring(env, xml_declaration=True, encoding="UTF-8")
    return Response(body, status, content_type=CONTENT_TYPE, headers=headers or {})


class _Transport(Exception):
    """An injected transport fault: answered as such, nothing stored."""

    def __init__(self, outcome: delivery.Outcome):
        super().__init__(outcome.body["message"])
        self.outcome = outcome


def _gemeente() -> Caller | Response:
    try:
        who = caller()
    except ApiError as e:
        return _plain_fault(401, e.code, e.message + " On /ggk: the gemeente's token.",
                            {"WWW-Authenticate": "Bearer"})
    if who.role != "gemeente":
        return _plain_fault(403, "FORBIDDEN", "This is an aanbieder's token: the GGk is the "
                            "gemeente's door to the chain. Aanbieders send with POST "
                            "/api/messages (VECOZO's side); gemeenten use their own token here.")
    return who


def address() -> str:
    """The endpoint's address as its clients reach it."""
    base = exchange().config.public_url or request.host_url
    return base.rstrip("/") + "/ggk"


@bp.get("/ggk")
def wsdl():
    if "wsdl" not in request.args:
        raise ApiError(400, "BAD_REQUEST", "GET /ggk?wsdl serves the WSDL; StUF messages are "
                       "POSTed to /ggk (SOAP 1.1).")
    return Response(render_wsdl(address()), 200, content_type=CONTENT_TYPE)


def _party_fault(who: Caller, session: ExchangeSession, env: Envelope) -> StufFault | None:
    """The token's party must be the zender, the session's aanbieder the ontvanger."""
    sg, where = env.stuurgegevens, path_of(env.element)
    if sg.zender.organisatie != who.code:
        return StufFault("IB213", f"zender organisatie {sg.zender.organisatie!r} is not the party "
                         f"of this token, gemeente {who.code}.",
                         f"{where}/stuurgegevens/zender/organisatie",
                         f"Put {who.code} there, or send with that organisation's own token.", sg)
    agb = session.code_of("aanbieder")
    if sg.ontvanger.organisatie != agb:
        return StufFault("IB210", f"ontvanger organisatie {sg.ontvanger.organisatie!r} has no "
                         f"route in this session; its aanbieder is {agb}.",
                         f"{where}/stuurgegevens/ontvanger/organisatie",
                         f"Send to {agb} (the AGB code of the session's aanbieder).", sg)
    return None


def _named(sg) -> str | None:
    """The message an envelope's functie names, when it names one (for the journal)."""
    try:
        return find_message(sg.functie)[1].name if sg and sg.functie else None
    except KeyError:
        return None


def _journal_text(fault: StufFault) -> str:
    where = "" if fault.path == "/" else f"{fault.path}: "
    return f"{where}{fault.what} {fault.todo}".strip()


class _Call:
    """One POST /ggk: what handle_soap needs of the exchange, and what the journal needs of
    the answer."""

    def __init__(self, ex: Exchange, who: Caller, session: ExchangeSession, data: bytes | None,
                 size: int):
        self.ex, self.who, self.session, self.data, self.size = ex, who, session, data, size
        self.parties = SessionParties(ex, session)
        self.journalled: str | None = None  # the entry delivery made for a refusal

    def submit(self, env: Envelope) -> StufFault | None:
        fault = _party_fault(self.who, self.session, env)
        if fault is not None:
            return fault
        sg = env.stuurgegevens
        if env.berichtcode == "Fo01":
            f = env.fout
            entry = delivery.refused_by_receiver(
                self.ex, self.who, sg.cross_refnummer, f.code,
                f"{f.omschrijving}{' ' + f.details if f.details else ''}", self.data,
                sg.referentienummer)
            if entry is None:  # refused by the receiver meanwhile (a second Fo01)
                return StufFault("IB102", f"crossRefnummer {sg.cross_refnummer} names no message "
                                 "delivered to you that is not refused already.",
                                 f"{path_of(env.element)}/stuurgegevens/crossRefnummer", "", sg)
            return None
        # the payload goes through delivery's checks, as every door's does
        outcome = delivery.submit(self.ex, self.who, env.payload,
                                  envelope=delivery.Envelope(sg.referentienummer,
                                                             sg.cross_refnummer, sg.functie))
        if outcome.status == 202:
            return None
        if outcome.kind is None:
            raise _Transport(outcome)
        self.journalled = outcome.body["id"]
        return StufFault(refusals.fo01_code(outcome.kind), outcome.body["message"],
                         env.path(refusals.REFUSALS[outcome.kind].envelope_part), "", sg)

    def refused(self, fault: StufFault, fo01: bytes) -> None:
        if self.journalled is not None:
            delivery.attach_answer(self.ex, self.journalled, fo01)
        else:
            # refused on its envelope, before delivery judged the payload
            sg = fault.stuurgegevens
            ref = sg.referentienummer if sg and UUID4.fullmatch(sg.referentienummer) else None
            delivery.record_refusal(self.ex, self.who, self.data, self.size, fault.code,
                                    _journal_text(fault), referentienummer=ref,
                                    berichtsoort=_named(sg), stuf_answer=fo01)
        if self.session.ggk_url:
            self.ex.pusher.kick()


@bp.post("/ggk")
def receive():
    ex = exchange()
    who = _gemeente()
    if isinstance(who, Response):
        return who
    data, size, head = read_body(ex.config.max_bytes)
    try:  # a registered system: the ontvanger names the session (systems.py)
        who = route(who, stuf_ontvanger(head) if who.system_id else None)
    except ApiError as e:
        return _plain_fault(e.status, e.code, e.message)
    with reading(ex.engine) as s:
        session = s.get(ExchangeSession, who.session_id)
    if session is None:
        return _plain_fault(401, "UNAUTHORIZED", "The session of this token was deleted.")
    call = _Call(ex, who, session, data, size)
    try:
        if data is None:  # never parsed, nor kept
            status, body = refuse(oversized(size, head, ex.config.max_bytes), None, call.refused)
            return Response(body, status, content_type=CONTENT_TYPE,
                            headers={"Connection": "close"})
        status, body = handle_soap(data, call.parties, call.submit, refused=call.refused,
                                   max_bytes=ex.config.max_bytes)
    except _Transport as t:
        return _plain_fault(t.outcome.status, t.outcome.body["code"], t.outcome.body["message"],
                            t.outcome.headers)
    return Response(body, status, content_type=CONTENT_TYPE)
