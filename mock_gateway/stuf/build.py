"""Building GGk messages: ggk_Di01 / ggk_Du01 envelopes around an iWmo/iJw payload, the Fo01
that refuses one, the Bv03 that acknowledges one, and the SOAP 1.1 frame or Fault around them.

Every builder returns bytes: the SOAP message by default (``soap=False``: the bare StUF document,
as in the GGk specification's examples). Values follow the GGk specification: referentienummer a
fresh UUID v4, tijdstipBericht yyyymmddhhmmss, ontvanger applicatie "GGk", functieVersie and
-Subversie the payload's BerichtVersie and BerichtSubversie (3.2 -> 0003, 0002).
"""
from __future__ import annotations

import base64
import uuid
from datetime import datetime

from lxml import etree

from harness.standard import find_message, identify
from harness.validation import intake

from .envelope import FO01, Envelope, Stuurgegevens, Systeem, read_stuurgegevens
from .faults import StufFault
from .schema import GGK_NS, SOAP_NS, STUF_NS

GGK_SYSTEEM = Systeem("IB", "GGK")  # the Inlichtingenbureau's GGk, as in the Fo01 example
RINIS_SYSTEEM = Systeem("RINIS", "GGK")  # RIN001 comes from RINIS, the gemeente side's entry
VECOZO_APPLICATIE = ("VECOZOWebservice", "0001", "0000")  # GGk spec 2.5: envelopes VECOZO makes
KETENTEST_APPLICATIE = ("ketentest", "0001", "0000")

_NSMAP = {"StUF": STUF_NS, "GGK": GGK_NS}


def _s(tag: str) -> str:
    return f"{{{STUF_NS}}}{tag}"


def _g(tag: str) -> str:
    return f"{{{GGK_NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def new_referentienummer() -> str:
    return str(uuid.uuid4())


def tijdstip(moment: datetime | str | None = None) -> str:
    if isinstance(moment, str):
        return moment
    return (moment or datetime.now()).strftime("%Y%m%d%H%M%S")


def as_systeem(party: str | Systeem, applicatie: str) -> Systeem:
    return party if isinstance(party, Systeem) else Systeem(party, applicatie)


def _systeem(parent: etree._Element, tag: str, s: Systeem) -> None:
    el = _sub(parent, _s(tag))
    for name in ("organisatie", "applicatie", "administratie", "gebruiker"):
        value = getattr(s, name)
        if value is not None:
            _sub(el, _s(name), value)


def to_bytes(el: etree._Element, soap: bool = True) -> bytes:
    if soap:
        env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
        etree.SubElement(env, f"{{{SOAP_NS}}}Body").append(el)
        el = env
    return etree.tostring(el, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _payload_facts(payload: bytes) -> tuple[str | None, str, str]:
    """functie and its version/subversion from the payload's namespace and header."""
    root = intake.parse(payload).root
    found = identify(etree.QName(root).namespace) if root is not None else None
    if not found:
        return None, "0003", "0002"
    rel, msg = found
    ns = {"m": msg.namespace}
    versie = root.findtext("m:Header/m:BerichtVersie", namespaces=ns) or "3"
    sub = root.findtext("m:Header/m:BerichtSubversie", namespaces=ns) or "2"
    return msg.name, versie.zfill(4), sub.zfill(4)


def _envelope(berichtcode: str, payload: bytes, zender: str | Systeem, ontvanger: str | Systeem,
              functie: str | None, cross_ref: str | None, referentienummer: str | None,
              moment, applicatie: tuple[str, str, str], soap: bool) -> bytes:
    found_functie, f_versie, f_sub = _payload_facts(payload)
    functie = functie or found_functie
    if not functie:
        raise ValueError("the payload is not a known iWmo/iJw message: give functie explicitly")
    app, app_versie, app_sub = applicatie
    tag = "envelopHeenbericht-ggk_Di01" if berichtcode == "Di01" else "envelopRetourbericht-ggk_Du01"
    root = etree.Element(_g(tag), nsmap=_NSMAP)
    sg = _sub(root, _g("stuurgegevens"))
    _sub(sg, _s("berichtcode"), berichtcode)
    _systeem(sg, "zender", as_systeem(zender, app))
    _systeem(sg, "ontvanger", as_systeem(ontvanger, "GGk"))
    _sub(sg, _s("referentienummer"),
         new_referentienummer() if referentienummer is None else referentienummer)
    _sub(sg, _s("tijdstipBericht"), tijdstip(moment))
    if berichtcode == "Du01":
        _sub(sg, _s("crossRefnummer"), cross_ref)
    _sub(sg, _s("functie"), functie)
    par = _sub(root, _g("parameters"))
    for name, value in (("applicatieVersie", app_versie), ("applicatieSubversie", app_sub),
                        ("functieVersie", f_versie), ("functieSubversie", f_sub)):
        _sub(par, _g(name), value)
    _sub(_sub(par, _g("bericht")), _g("xmlBestand"), base64.b64encode(payload).decode("ascii"))
    return to_bytes(root, soap)


def build_di01(payload: bytes, zender: str | Systeem, ontvanger: str | Systeem,
               functie: str | None = None, *, referentienummer: str | None = None,
               moment: datetime | str | None = None,
               applicatie: tuple[str, str, str] = KETENTEST_APPLICATIE, soap: bool = True) -> bytes:
    """A ggk_Di01 (heen) envelope. zender/ontvanger: an organisatie code or a full Systeem;
    applicatie: (name, versie, subversie) of the application that made the payload."""
    return _envelope("Di01", payload, zender, ontvanger, functie, None, referentienummer,
                     moment, applicatie, soap)


def build_du01(payload: bytes, zender: str | Systeem, ontvanger: str | Systeem, cross_ref: str,
               functie: str | None = None, *, referentienummer: str | None = None,
               moment: datetime | str | None = None,
               applicatie: tuple[str, str, str] = KETENTEST_APPLICATIE, soap: bool = True) -> bytes:
    """A ggk_Du01 (retour) envelope answering the Di01 whose referentienummer is cross_ref."""
    return _envelope("Du01", payload, zender, ontvanger, functie, cross_ref, referentienummer,
                     moment, applicatie, soap)


def wrap_for_gemeente(payload: bytes, aanbieder: str, gemeente: str, *,
                      cross_ref: str | None = None, referentienummer: str | None = None,
                      moment: datetime | str | None = None, soap: bool = True) -> bytes:
    """The envelope a gemeente system receives for an aanbieder's message: a Di01 for a heen
    message (305, 307, 315, 317, 323), a Du01 answering the gemeente's Di01 `cross_ref` for a
    retour message (302, 320, ...). VECOZO makes these envelopes, so it is the applicatie."""
    functie, _, _ = _payload_facts(payload)
    if functie is None:
        raise ValueError("the payload is not a known iWmo/iJw message")
    _, msg = find_message(functie)
    common = dict(functie=functie, referentienummer=referentienummer, moment=moment,
                  applicatie=VECOZO_APPLICATIE, soap=soap)
    if msg.kind == "retour":
        if not cross_ref:
            raise ValueError(f"{functie} is a retour message: give cross_ref, the referentienummer "
                             "of the gemeente's Di01 it answers")
        return build_du01(payload, aanbieder, gemeente, cross_ref, **common)
    return build_di01(payload, aanbieder, gemeente, **common)


def _original(original: bytes | Envelope | Stuurgegevens | None
              ) -> tuple[Stuurgegevens | None, etree._Element | None]:
    if isinstance(original, Envelope):
        return original.stuurgegevens, original.element
    if isinstance(original, Stuurgegevens) or original is None:
        return original, None
    root = intake.parse(original).root  # safe: a hostile original is simply not echoed
    if root is None:
        return None, None
    body = root.find(f"{{{SOAP_NS}}}Body")
    el = next(iter(body), None) if body is not None else root
    if el is None or not isinstance(el.tag, str):
        return None, None
    return read_stuurgegevens(el), el


def fo01_element(fault: StufFault, original: bytes | Envelope | Stuurgegevens | None = None, *,
                 zender: Systeem | None = None, referentienummer: str | None = None,
                 moment: datetime | str | None = None) -> etree._Element:
    sg, el = _original(original)
    sg = sg or fault.stuurgegevens
    if zender is None:
        zender = RINIS_SYSTEEM if fault.code == "RIN001" else GGK_SYSTEEM
    root = etree.Element(FO01, nsmap={"StUF": STUF_NS})
    s = _sub(root, _s("stuurgegevens"))
    _sub(s, _s("berichtcode"), "Fo01")
    _systeem(s, "zender", zender)
    # answered to the refused message's zender, as far as it could be read
    _systeem(s, "ontvanger", _answerable(sg.zender if sg else Systeem(None, "")))
    _sub(s, _s("referentienummer"), referentienummer or new_referentienummer())
    _sub(s, _s("tijdstipBericht"), tijdstip(moment))
    _sub(s, _s("crossRefnummer"), (sg.referentienummer if sg else "")[:40])
    b = _sub(root, _s("body"))
    _sub(b, _s("code"), fault.code)
    _sub(b, _s("plek"), fault.plek)
    _sub(b, _s("omschrijving"), fault.omschrijving)
    if sg and sg is not fault.stuurgegevens:
        fault = StufFault(fault.code, fault.what, fault.path, fault.todo, sg)
    _sub(b, _s("details"), fault.details)
    if el is not None:  # the original message, envelope included, as XML (GGk spec 3.1)
        _sub(b, _s("detailsXML")).append(_copy(el))
    return root


def _answerable(s: Systeem) -> Systeem:
    """A refused message's zender may itself break the schema; the Fo01 must not."""
    app = s.applicatie if s.applicatie and 3 <= len(s.applicatie) <= 50 else "onbekend"
    cut = (lambda v, n: v[:n] if v is not None else None)
    return Systeem(cut(s.organisatie, 200), app, cut(s.administratie, 50), cut(s.gebruiker, 100))


def _copy(el: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(el))


def build_fo01(fault: StufFault, original: bytes | Envelope | Stuurgegevens | None = None, *,
               zender: Systeem | None = None, referentienummer: str | None = None,
               moment: datetime | str | None = None, soap: bool = True) -> bytes:
    """The Fo01 refusing `original` (its bytes, its Envelope, or just its stuurgegevens; default
    the fault's own). zender: who refuses (default RINIS for RIN001, else IB; a gemeente
    refusing a payload with StUF055 passes its own Systeem)."""
    return to_bytes(fo01_element(fault, original, zender=zender,
                                 referentienummer=referentienummer, moment=moment), soap)


def build_bv03(original: Envelope | Stuurgegevens, *, zender: Systeem = GGK_SYSTEEM,
               referentienummer: str | None = None, moment: datetime | str | None = None,
               soap: bool = True) -> bytes:
    """The Bv03 acknowledging receipt of `original`: the WSDL's output of every operation."""
    sg = original.stuurgegevens if isinstance(original, Envelope) else original
    root = etree.Element(_s("Bv03Bericht"), nsmap={"StUF": STUF_NS})
    s = _sub(root, _s("stuurgegevens"))
    _sub(s, _s("berichtcode"), "Bv03")
    _systeem(s, "zender", zender)
    _systeem(s, "ontvanger", sg.zender)
    _sub(s, _s("referentienummer"), referentienummer or new_referentienummer())
    _sub(s, _s("tijdstipBericht"), tijdstip(moment))
    _sub(s, _s("crossRefnummer"), sg.referentienummer)
    return to_bytes(root, soap)


def soap_fault(fault: StufFault, fo01: etree._Element) -> bytes:
    """A SOAP 1.1 Fault carrying the Fo01 in its detail (how StUF sends a fault synchronously):
    faultcode Client or Server after the Fo01's plek."""
    env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
    f = etree.SubElement(etree.SubElement(env, f"{{{SOAP_NS}}}Body"), f"{{{SOAP_NS}}}Fault")
    _sub(f, "faultcode", "soap:" + ("Server" if fault.plek == "server" else "Client"))
    _sub(f, "faultstring", f"{fault.code}: {fault.omschrijving}")
    _sub(f, "detail").append(fo01)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8", pretty_print=True)
