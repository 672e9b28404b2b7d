"""Reading an incoming GGk SOAP message and checking its envelope as the GGk (RINIS +
Inlichtingenbureau) does.

`check_envelope(data, parties)` returns the `Envelope` (stuurgegevens, parameters and the
decoded payload) or the `StufFault` the exchange answers with a Fo01. The envelope's checks run
in the chain's order and stop at the first that fails:

1. IB007   more than 25 MB (refused from its size, never parsed)
2. RIN001  not safe, not well-formed, not SOAP 1.1, not conform the envelope schema, or a
           payload that is not base64
3. IB009   referentienummer / crossRefnummer not a UUID version 4
4. IB213   zender organisatie unknown;  IB210  ontvanger organisatie unknown
5. IB240   berichtcode and functie do not fit (Di01 carries a heen message, Du01 a retour)
6. IB102   a Du01's crossRefnummer names no Di01 sent by the Du01's ontvanger (the ISD list has
           no code of its own for this; IB102 "no route" is what it amounts to); likewise a
           Fo01's crossRefnummer must name a message delivered to its zender

The payload itself is checked by the exchange's delivery, as every door's is
(`mock_gateway.delivery.CHECKS`): the payload another message than the functie says (IB240),
a frozen message type (IB103), not conform its XSD (StUF055), and the rest.
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from harness.standard import find_message
from harness.standard.registry import versions
from harness.validation import intake

from . import schema
from .faults import StufFault
from .schema import GGK_NS, SOAP12_NS, SOAP_NS, STUF_NS

MAX_BYTES = intake.MAX_BYTES  # 25 MB including the base64 payload (GGk spec 3.2)
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_UUID_TODO = ("Fill it with a UUID version 4 in lower case, e.g. "
              "0e09a81f-64a0-4793-b946-d6538fb3f37e (RFC 4122; Python: str(uuid.uuid4())).")

DI01 = f"{{{GGK_NS}}}envelopHeenbericht-ggk_Di01"
DU01 = f"{{{GGK_NS}}}envelopRetourbericht-ggk_Du01"
FO01 = f"{{{STUF_NS}}}Fo01Bericht"
OPERATIONS = {DI01: "Di01", DU01: "Du01", FO01: "Fo01"}  # body element -> berichtcode


@dataclass(frozen=True)
class Systeem:
    organisatie: str | None  # gemeentecode, AGB code, or a fixed party (IB, VECOZO, CAK, ...)
    applicatie: str
    administratie: str | None = None
    gebruiker: str | None = None


@dataclass(frozen=True)
class Stuurgegevens:
    berichtcode: str  # Di01 | Du01 | Fo01
    zender: Systeem
    ontvanger: Systeem
    referentienummer: str
    tijdstip_bericht: str
    cross_refnummer: str | None = None  # Du01: the Di01's referentienummer; Fo01: the refused one's
    functie: str | None = None  # WMO301, JW302, ...
    # from parameters; a Fo01's details name them (functie-applicatieVersie+Subversie)
    applicatie_versie: str | None = None
    applicatie_subversie: str | None = None

    @property
    def details_value(self) -> str:
        """The value the ISD-keten puts in a Fo01's details, e.g. WMO301-00040003."""
        if not self.functie:
            return ""
        return f"{self.functie}-{self.applicatie_versie or ''}{self.applicatie_subversie or ''}"


@dataclass(frozen=True)
class Parameters:
    applicatie_versie: str
    applicatie_subversie: str
    functie_versie: str
    functie_subversie: str
    bestandsnaam: str | None = None  # only for a tekstBestand (non-XML payload)


@dataclass(frozen=True)
class Fout:
    """The body of a Fo01 a party sends (a gemeente refusing a payload: StUF055)."""
    code: str
    plek: str
    omschrijving: str
    details: str | None = None


@dataclass
class Envelope:
    """A GGk message that passed every check."""
    stuurgegevens: Stuurgegevens
    parameters: Parameters | None = None  # None for a Fo01
    payload: bytes | None = None  # the decoded iWmo/iJw message; None for a Fo01
    fout: Fout | None = None  # a Fo01's body
    element: etree._Element | None = field(default=None, repr=False)  # the body element

    @property
    def berichtcode(self) -> str:
        return self.stuurgegevens.berichtcode

    @property
    def message(self) -> str | None:
        """The message the envelope says it carries (its functie: WMO301)."""
        return self.stuurgegevens.functie

    def path(self, part: str) -> str:
        """The element path of a part of this envelope ('stuurgegevens/functie'), for a Fo01;
        'payload' is the element carrying it (parameters/bericht/xmlBestand)."""
        if part == "payload":
            bericht = self.element.find(f"{{{GGK_NS}}}parameters/{{{GGK_NS}}}bericht")[0]
            part = f"parameters/bericht/{etree.QName(bericht).localname}"
        return f"{schema.path_of(self.element)}/{part}"


@dataclass(frozen=True)
class Sent:
    """What the exchange knows of a message it took in, by referentienummer."""
    berichtcode: str  # Di01 | Du01
    zender: str  # organisatie
    ontvanger: str
    functie: str


class Parties(Protocol):
    """What the exchange tells the checks. Implemented by the exchange; `PartyBook` is a
    ready-made one for tests and single-session use."""

    def known(self, organisatie: str) -> bool:
        """Is this organisation (gemeentecode, AGB code, IB, ...) known to the exchange?"""

    def sent(self, referentienummer: str) -> Sent | None:
        """The Di01/Du01 the exchange took in with this referentienummer, if any."""


@dataclass
class PartyBook:
    organisaties: set[str] = field(default_factory=set)
    messages: dict[str, Sent] = field(default_factory=dict)

    def known(self, organisatie: str) -> bool:
        return organisatie in self.organisaties

    def sent(self, referentienummer: str) -> Sent | None:
        return self.messages.get(referentienummer)

    def record(self, env: Envelope) -> None:
        """Remember an accepted Di01/Du01, so a Du01 or Fo01 can refer to it."""
        sg = env.stuurgegevens
        self.messages[sg.referentienummer] = Sent(sg.berichtcode, sg.zender.organisatie or "",
                                                  sg.ontvanger.organisatie or "", sg.functie or "")


# --- reading ---------------------------------------------------------------------------------

def _text(parent: etree._Element, ns: str, name: str) -> str | None:
    el = parent.find(f"{{{ns}}}{name}")
    return el.text if el is not None else None


def _systeem(el: etree._Element | None) -> Systeem:
    if el is None:
        return Systeem(None, "")
    return Systeem(*(_text(el, STUF_NS, n) for n in
                     ("organisatie", "applicatie", "administratie", "gebruiker")))


def read_stuurgegevens(body: etree._Element) -> Stuurgegevens | None:
    """Best effort: the stuurgegevens of a GGk envelope or Fo01 (also of an invalid one)."""
    ns = GGK_NS if body.tag in (DI01, DU01) else STUF_NS
    sg = body.find(f"{{{ns}}}stuurgegevens")
    if sg is None:
        return None
    par = body.find(f"{{{GGK_NS}}}parameters")
    return Stuurgegevens(
        berichtcode=_text(sg, STUF_NS, "berichtcode") or OPERATIONS.get(body.tag, ""),
        zender=_systeem(sg.find(f"{{{STUF_NS}}}zender")),
        ontvanger=_systeem(sg.find(f"{{{STUF_NS}}}ontvanger")),
        referentienummer=_text(sg, STUF_NS, "referentienummer") or "",
        tijdstip_bericht=_text(sg, STUF_NS, "tijdstipBericht") or "",
        cross_refnummer=_text(sg, STUF_NS, "crossRefnummer"),
        functie=_text(sg, STUF_NS, "functie"),
        applicatie_versie=_text(par, GGK_NS, "applicatieVersie") if par is not None else None,
        applicatie_subversie=_text(par, GGK_NS, "applicatieSubversie") if par is not None else None,
    )


SCAN_BYTES = 64 * 1024  # the stuurgegevens of an envelope stand in its first bytes
_SCANNED = ("zender", "organisatie", "applicatie", "referentienummer", "berichtcode",
            "tijdstipBericht", "crossRefnummer", "functie", "applicatieVersie",
            "applicatieSubversie")
# One start tag, one end tag per name. No pattern can run past the next "<" (a prefix and a
# name are word characters, then ">"), so a search costs what it passes over: the scan is
# linear in the head, whatever it holds (a lazy "(.*?)</zender>" from every "<zender>" was
# quadratic: 8,000 of them cost seconds).
_OPEN = {n: re.compile(rf"<(?:\w+:)?{n}>") for n in _SCANNED}
_CLOSE = {n: re.compile(rf"</(?:\w+:)?{n}>") for n in _SCANNED}


def _scan_text(head: str, name: str, start: int = 0, end: int | None = None) -> str | None:
    """The content of the first <name> element in head[start:end] that is closed in it."""
    end = len(head) if end is None else end
    opened = _OPEN[name].search(head, start, end)
    if opened is None:
        return None
    closed = _CLOSE[name].search(head, opened.end(), end)
    return head[opened.end():closed.start()] if closed else None


def _scan(data: bytes) -> Stuurgegevens | None:
    """Stuurgegevens of an envelope too large to parse: they stand at its start."""
    head = data[:SCAN_BYTES].decode("utf-8", "replace")

    def grab(name: str) -> str | None:
        value = _scan_text(head, name)
        return value.strip() if value is not None and "<" not in value else None

    ref = grab("referentienummer")
    if ref is None:
        return None
    zender = _scan_text(head, "zender")
    z = Systeem(None, "")
    if zender is not None:
        org, app = _scan_text(zender, "organisatie"), _scan_text(zender, "applicatie")
        z = Systeem(org.strip() if org is not None and "<" not in org else None,
                    app.strip() if app is not None and "<" not in app else "")
    return Stuurgegevens(grab("berichtcode") or "", z, Systeem(None, "GGk"), ref,
                         grab("tijdstipBericht") or "", grab("crossRefnummer"), grab("functie"),
                         grab("applicatieVersie"), grab("applicatieSubversie"))


# --- checking --------------------------------------------------------------------------------

def _frame(root: etree._Element) -> etree._Element | StufFault:
    """The SOAP body's element, or why there is none."""
    qn = etree.QName(root)
    if qn.namespace == SOAP12_NS:
        return StufFault("RIN001", "The message is a SOAP 1.2 envelope; the GGk speaks SOAP 1.1.",
                         "/Envelope", f"Send it in a SOAP 1.1 Envelope ({SOAP_NS}).")
    if root.tag != f"{{{SOAP_NS}}}Envelope":
        return StufFault("RIN001", f"The message is a bare {qn.localname}, not a SOAP envelope.",
                         "/" + qn.localname, f"Send it as the only child of soap:Body in a SOAP "
                         f"1.1 Envelope ({SOAP_NS}), as the WSDL's document/literal binding says.")
    body = root.find(f"{{{SOAP_NS}}}Body")
    child = next((c for c in body if isinstance(c.tag, str)), None) if body is not None else None
    if child is not None and child.tag not in OPERATIONS:
        return StufFault("RIN001", f"soap:Body holds {etree.QName(child).localname}, which is not "
                         "an operation of OntvangAsynchroon.", schema.path_of(child),
                         "Send envelopHeenbericht-ggk_Di01, envelopRetourbericht-ggk_Du01 or "
                         "Fo01Bericht.")
    return child if child is not None else root  # no body element: the schema says so


def _schema_fault(root: etree._Element, body: etree._Element) -> StufFault | None:
    errs = schema.errors(root)
    if not errs:
        return None
    sg = read_stuurgegevens(body) if body is not root else None
    refs = {"referentienummer", "crossRefnummer"}
    if all(e.facet and e.name in refs for e in errs):
        e = errs[0]
        return StufFault("IB009", f"{e.name} is not a UUID version 4: {e.text}", e.path,
                         _UUID_TODO, sg)
    e = errs[0]
    more = f" ({len(errs) - 1} more schema errors.)" if len(errs) > 1 else ""
    return StufFault("RIN001", f"The envelope is not conform the ggk0210 schema: {e.text}{more}",
                     e.path, "Correct the envelope; the payload was not looked at.", sg)


def _uuid_fault(sg: Stuurgegevens, body: etree._Element) -> StufFault | None:
    # The envelopes' schema holds the UUID pattern; a Fo01's does not, the chain's rule does.
    for name, value in (("referentienummer", sg.referentienummer),
                        ("crossRefnummer", sg.cross_refnummer)):
        if value is not None and not UUID4.fullmatch(value):
            return StufFault("IB009", f"{name} {value!r} is not a UUID version 4.",
                             f"{schema.path_of(body)}/stuurgegevens/{name}", _UUID_TODO, sg)
    return None


def _party_fault(sg: Stuurgegevens, parties: Parties, where: str) -> StufFault | None:
    for role, code, systeem in (("zender", "IB213", sg.zender), ("ontvanger", "IB210", sg.ontvanger)):
        if not parties.known(systeem.organisatie or ""):
            return StufFault(code, f"{role} organisatie {systeem.organisatie!r} is unknown to the "
                             "exchange.", f"{where}/stuurgegevens/{role}/organisatie",
                             "Use a CBS gemeentecode (4 digits), an AGB code (8 digits) or a fixed "
                             "party (IB, VECOZO, CAK, ...) registered in this test session.", sg)
    return None


def _functie_fault(sg: Stuurgegevens, where: str) -> StufFault | None:
    path = f"{where}/stuurgegevens/functie"
    try:
        _, msg = find_message(sg.functie or "")
        if msg.name != sg.functie:  # find_message is lenient ('wmo301', 'iwmo-3.2:301')
            raise KeyError(sg.functie)
    except KeyError:
        return StufFault("IB240", f"functie {sg.functie!r} is not an iWmo/iJw "
                         f"{' or '.join(versions())} message type.",
                         path, "Name the payload's message, e.g. WMO301 or JW302.", sg)
    wanted = "Du01" if msg.kind == "retour" else "Di01"
    if sg.berichtcode != wanted:
        kind = "a retour message" if msg.kind == "retour" else "a heen message"
        return StufFault("IB240", f"functie {msg.name} is {kind}, which travels in a {wanted} "
                         f"envelope, not in a {sg.berichtcode}.", path,
                         f"Send {msg.name} as {wanted} (ggk_{wanted}).", sg)
    return None


def _crossref_fault(sg: Stuurgegevens, parties: Parties, where: str) -> StufFault | None:
    path = f"{where}/stuurgegevens/crossRefnummer"
    ref = sg.cross_refnummer or ""
    prior = parties.sent(ref)
    if sg.berichtcode == "Du01":
        if prior is None or prior.berichtcode != "Di01":
            return StufFault("IB102", f"crossRefnummer {ref} names no Di01 that passed the "
                             "exchange.", path, "Use the referentienummer of the Di01 this "
                             "Du01 answers.", sg)
        if prior.zender != sg.ontvanger.organisatie:
            return StufFault("IB102", f"the Di01 {ref} was sent by {prior.zender}, not by "
                             f"{sg.ontvanger.organisatie}.", path,
                             f"Address the retour to {prior.zender}, the Di01's zender.", sg)
    elif sg.berichtcode == "Fo01":
        if prior is None or prior.ontvanger != sg.zender.organisatie:
            return StufFault("IB102", f"crossRefnummer {ref} names no message delivered to "
                             f"{sg.zender.organisatie}.", path, "Use the referentienummer of "
                             "the Di01 or Du01 you refuse.", sg)
    return None


def _payload(body: etree._Element) -> tuple[bytes, Parameters] | StufFault:
    par = body.find(f"{{{GGK_NS}}}parameters")
    bericht = par.find(f"{{{GGK_NS}}}bericht")[0]
    raw = "".join((bericht.text or "").split())  # base64 may be wrapped over lines
    try:
        # strict: libxml2 lets characters outside the base64 alphabet through; XML Schema does not
        decoded = base64.b64decode(raw, validate=True)
    except binascii.Error as e:
        return StufFault("RIN001", f"The envelope is not conform the ggk0210 schema: "
                         f"{etree.QName(bericht).localname} is not valid base64Binary ({e}).",
                         schema.path_of(bericht), "Encode the payload's bytes with base64 "
                         "(RFC 4648, alphabet A-Z a-z 0-9 + /, padded with =).",
                         read_stuurgegevens(body))
    return decoded, Parameters(
        *(_text(par, GGK_NS, n) for n in ("applicatieVersie", "applicatieSubversie",
                                          "functieVersie", "functieSubversie")),
        bestandsnaam=bericht.get("bestandsnaam"))


def oversized(size: int, head: bytes, max_bytes: int = MAX_BYTES) -> StufFault:
    """IB007 for a message of `size` bytes that begins with `head` (its stuurgegevens are read
    from there: an oversized message is never parsed, nor need it be kept)."""
    return StufFault("IB007", f"The message is {size:,} bytes, more than the {max_bytes:,} bytes "
                     "(25 MB) the GGk accepts, base64 payload included.", "/",
                     "Split the content over several messages.", _scan(head))


def check_envelope(data: bytes, parties: Parties, *,
                   max_bytes: int = MAX_BYTES) -> Envelope | StufFault:
    """Read and check a SOAP message posted to the GGk endpoint (its envelope; the payload is
    delivery's to check)."""
    if len(data) > max_bytes:
        return oversized(len(data), data, max_bytes)
    parsed = intake.parse(data, max_bytes)
    if parsed.root is None:
        f = parsed.findings[0]
        return StufFault("RIN001", f.text, f.path)
    root = parsed.root
    body = _frame(root)
    if isinstance(body, StufFault):
        return body
    fault = _schema_fault(root, body)
    if fault and fault.code == "RIN001":
        return fault
    decoded = _payload(body) if body.tag != FO01 else None  # base64 is schema level: RIN001
    if isinstance(decoded, StufFault):
        return decoded
    if fault:  # IB009
        return fault
    sg = read_stuurgegevens(body)
    where = schema.path_of(body)
    if body.tag == FO01:
        fault = _uuid_fault(sg, body) or _party_fault(sg, parties, where) \
            or _crossref_fault(sg, parties, where)
        if fault:
            return fault
        b = body.find(f"{{{STUF_NS}}}body")
        return Envelope(sg, fout=Fout(*(_text(b, STUF_NS, n) for n in
                                        ("code", "plek", "omschrijving", "details"))),
                        element=body)
    payload, params = decoded
    fault = _party_fault(sg, parties, where)
    if fault:
        return fault
    fault = (_functie_fault(sg, where)
             or (_crossref_fault(sg, parties, where) if sg.berichtcode == "Du01" else None))
    if fault:
        return fault
    return Envelope(sg, params, payload, element=body)

