"""A message's status, as at VECOZO: ontvangen (stored, not yet offered: only while a delay
fault holds it) -> aangeboden (in the receiver's inbox) -> bezorgd (acknowledged), or
afgekeurd (refused; journalled, visible to the sender only)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_

from .db import Message, as_utc, utcnow

STATUSES = ("ontvangen", "aangeboden", "bezorgd", "afgekeurd")


def effective_status(m: Message, now: datetime | None = None) -> str:
    """A delayed message is ontvangen until its offered_at, aangeboden from then on."""
    if m.status == "ontvangen" and m.offered_at is not None \
            and as_utc(m.offered_at) <= (now or utcnow()):
        return "aangeboden"
    return m.status


def status_clause(status: str, now: datetime):
    offered = and_(Message.status == "ontvangen", Message.offered_at <= now)
    if status == "aangeboden":
        return or_(Message.status == "aangeboden", offered)
    if status == "ontvangen":
        return and_(Message.status == "ontvangen", Message.offered_at > now)
    return Message.status == status


def visible_to_receiver(now: datetime):
    """In the receiver's inbox: delivered and offered (a delayed one only from offered_at)."""
    return and_(Message.status != "afgekeurd", Message.offered_at <= now)
