"""Which session a party's message belongs to. A registered system (systems.py) takes part in
many sessions with one code and credentials: its message goes to the session of the
counterparty it is addressed to (unique among live sessions), and its lists span all its
sessions."""
from __future__ import annotations

from io import BytesIO

from lxml import etree
from sqlalchemy import select

from .auth import Caller
from .db import ExchangeSession, Message, reading
from .runtime import ApiError, exchange

HEADER_END = 64 * 1024  # the Header stands at the start of a message


def in_scope(who: Caller, column=Message.session_id):
    """The caller's sessions: its own, or every session of its system."""
    if who.system_id is None:
        return column == who.session_id
    return column.in_(select(ExchangeSession.id)
                      .where(ExchangeSession.system_id == who.system_id))


def sees_session(s, who: Caller, session_id: str) -> bool:
    if who.system_id is None:
        return session_id == who.session_id
    session = s.get(ExchangeSession, session_id)
    return session is not None and session.system_id == who.system_id


def route(who: Caller, counterparty: str | None) -> Caller:
    """The caller in the session its message belongs to (module docstring)."""
    if who.system_id is None:
        return who
    other_column = ExchangeSession.agb if who.other_role == "aanbieder" \
        else ExchangeSession.gemeentecode
    with reading(exchange().engine) as s:
        mine = select(ExchangeSession.id).where(ExchangeSession.system_id == who.system_id)
        session_id = s.scalar(mine.where(other_column == counterparty)) if counterparty else None
        if session_id is None:
            session_id = s.scalar(mine.order_by(ExchangeSession.created_at.desc()).limit(1))
    if session_id is None:
        raise ApiError(409, "NO_SESSION", f"The system {who.code} takes part in no session: "
                       'start one with POST /api/sessions {"system": NAME} (or ketentest run '
                       "--system NAME).")
    return Caller(session_id, who.role, who.code, who.system_id)


def counterparty(data: bytes, own: str) -> str | None:
    """The party a message is addressed to, read from its Header (Afzender / Ontvanger: the
    one that is not `own`), without reading the rest; None if it cannot be read."""
    found = {}
    try:
        for _, el in etree.iterparse(BytesIO(data[:HEADER_END]), events=("end",),
                                     resolve_entities=False, no_network=True,
                                     load_dtd=False, huge_tree=False):
            name = etree.QName(el).localname
            if name in ("Afzender", "Ontvanger"):
                found[name] = (el.text or "").strip()
                if len(found) == 2:
                    break
            elif name == "Header":
                break
    except etree.XMLSyntaxError:
        pass
    others = [code for code in found.values() if code and code != own]
    return others[0] if others else None


def stuf_ontvanger(head: bytes) -> str | None:
    """The ontvanger organisatie in a GGk envelope's stuurgegevens (read from its start)."""
    inside = False
    try:
        for event, el in etree.iterparse(BytesIO(head[:HEADER_END]), events=("start", "end"),
                                         resolve_entities=False, no_network=True,
                                         load_dtd=False):
            name = etree.QName(el).localname
            if name == "ontvanger":
                inside = event == "start"
            elif inside and event == "end" and name == "organisatie":
                return (el.text or "").strip() or None
    except etree.XMLSyntaxError:
        pass
    return None
