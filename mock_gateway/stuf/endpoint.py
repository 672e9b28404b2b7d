"""The GGk endpoint's logic, without the web framework: one call per POST /ggk.

    status, body = handle_soap(data, parties, submit)

The exchange provides `parties` (see envelope.Parties: known organisations, the messages it took
in by referentienummer, frozen message types) and `submit(envelope) -> None | StufFault`, which
routes an accepted envelope into the session's mailboxes (and records it, so that `parties.sent`
finds it for a later Du01 or Fo01), or refuses it with a fault of its own (e.g. IB102).

Answers, as the WSDL's SOAP 1.1 binding says: HTTP 200 with a Bv03 (the operations' output) for
an accepted message; HTTP 500 with a SOAP Fault for a refused one, faultcode soap:Client or
soap:Server after the fault's plek, and in its detail the Fo01 the GGk sends for it (code,
plek, omschrijving, details, and the original envelope in detailsXML). The operation is read
from the body's element, not from the SOAPAction header (clients fill that one unevenly).
"""
from __future__ import annotations

from typing import Callable

from lxml import etree

from .build import build_bv03, fo01_element, soap_fault
from .envelope import MAX_BYTES, Envelope, Parties, check_envelope
from .faults import StufFault

CONTENT_TYPE = "text/xml; charset=utf-8"  # SOAP 1.1

Submit = Callable[[Envelope], "StufFault | None"]
Refused = Callable[[StufFault, bytes], None]


def handle_soap(data: bytes, parties: Parties, submit: Submit, *,
                refused: Refused | None = None, max_bytes: int = MAX_BYTES) -> tuple[int, bytes]:
    """Check the envelope of one SOAP message, submit it and answer; `refused(fault,
    fo01_bytes)` hears every refusal (for the journal)."""
    checked = check_envelope(data, parties, max_bytes=max_bytes)
    if isinstance(checked, Envelope):
        refusal = submit(checked)
        if refusal is None:
            return 200, build_bv03(checked)
        fault, original = refusal, checked
    else:
        fault, original = checked, data
    return refuse(fault, original, refused)


def refuse(fault: StufFault, original: bytes | Envelope | None,
           refused: Refused | None = None) -> tuple[int, bytes]:
    """The answer refusing `original` (None: known only from the fault's stuurgegevens): HTTP
    500, a SOAP Fault with the Fo01 in its detail; `refused` hears the Fo01."""
    fo01 = fo01_element(fault, original if original is not None else fault.stuurgegevens)
    if refused is not None:
        refused(fault, etree.tostring(fo01, xml_declaration=True, encoding="UTF-8"))
    return 500, soap_fault(fault, fo01)
