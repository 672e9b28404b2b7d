"""Injected faults (admin `POST /api/sessions/{id}/faults`), so vendors can test their retry
logic: transport faults (drop, http500, http503) answer the next submissions with an error and
store nothing, so the client knows it must send again; delivery faults act on the next
delivered messages: `delay` offers the message to the receiver only after N seconds (status
ontvangen until then), `duplicate` puts it in the receiver's inbox twice (the receiver must
recognise the second by its identification)."""
from __future__ import annotations

from sqlalchemy import select

from .db import Fault

TRANSPORT_FAULTS = ("drop", "http500", "http503")
DELIVERY_FAULTS = ("delay", "duplicate")

FAULT_ANSWERS = {
    "drop": (503, "DROPPED", "Injected fault 'drop': the exchange lost this submission before "
                             "storing it. Nothing was stored: send the message again."),
    "http500": (500, "INTERNAL", "Injected fault 'http500': internal error. Nothing was "
                                 "stored: send the message again."),
    "http503": (503, "UNAVAILABLE", "Injected fault 'http503': the exchange is temporarily "
                                    "unavailable. Nothing was stored: send the message again "
                                    "after Retry-After seconds."),
}


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
