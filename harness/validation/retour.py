"""Compose the answer a receiver sends for a judged heen message: a retour message (302, 306,
308, 316, 318, 320) or, for a 323, the 325 declaratie-antwoord.

Per SPEC "How a receiver judges a message":
- accepted: the header only, without RetourCodes (325: 8001, awarded total = submitted total);
- an in-message (xslt) rule broken: the header only, with 0001;
- a rule with its own code broken: a finding on the header puts its code on the header (and
  only the header is sent, as in the published JW302 example); otherwise the whole client tree
  is sent, every berichtklasse with the codes of the findings in it, 0200 when it has none,
  and 0233 when it has none but a class above it was rejected (it was not assessed).
A 325 lists only the rejected prestaties (their clients around them) and awards the submitted
total less the rejected prestaties; a declaratie-level error awards nothing.
"""
from __future__ import annotations

import copy
import uuid
from datetime import date

from lxml import etree

from ..standard.codes import GEEN_OPMERKING, GOEDGEKEURD, NIET_BEOORDEELD, TECHNISCHE_FOUT
from ..standard.model import Element, MessageDef, Release
from .findings import Level, Verdict
from .message import Message, local
from .xsdcheck import element_at

XSLT_VERSIE = "1.0.0"


def new_identificatie() -> str:
    return uuid.uuid4().hex[:12]  # IdentificatieBericht: at most 12 characters


def answer(verdict: Verdict, rel: Release, today: date, identificatie: str | None = None):
    """The retour message or 325 for a judged heen message, or None when there is none to send
    (refused by the exchange, or a message that is itself an answer)."""
    if verdict.view is None:  # refused by the exchange: no answer
        return None
    msg = verdict.definition
    identificatie = identificatie or new_identificatie()
    if msg.kind == "heen" and msg.id == "323":
        root = _declaratie_antwoord(verdict, rel, msg, today, identificatie)
    elif msg.kind == "heen" and msg.partner and rel.messages[msg.partner].kind == "retour":
        root = _retour(verdict, rel, msg, today, identificatie)
    else:
        return None
    etree.cleanup_namespaces(root)
    return root


def no_answer(verdict: Verdict) -> str | None:
    """Why a judged message gets no retour message or 325 (None: it gets one). Pure: the
    same reasons `answer` follows."""
    if verdict.level in (Level.XML, Level.XSD) or verdict.view is None:
        return (f"refused at level {verdict.level.value}: the exchange does not deliver it, so "
                "no receiver answers it")
    msg, rel = verdict.definition, verdict.rel
    if msg.kind == "retour" or msg.id == "325":
        return f"a {msg.name} is itself an answer: it gets none"
    if not (msg.id == "323" or (msg.partner and rel.messages[msg.partner].kind == "retour")):
        return f"a {msg.name} has no retour message in the standard"
    return None


def _codes_by_class(verdict: Verdict, rel: Release, msg: MessageDef) -> dict:
    """Findings grouped by the berichtklasse (or the Header) they were found in."""
    out: dict = {}
    for f in verdict.findings:
        el = f.element
        while el is not None:
            definition = element_at(rel, msg, Message.path(el))
            if local(el) == "Header" or (definition is not None and definition.klasse):
                break
            el = el.getparent()
        if el is not None and f.retourcode not in out.setdefault(el, []):
            out[el].append(f.retourcode)
    return out


def _header_codes(verdict: Verdict, rel: Release, msg: MessageDef, heen_header, header, ns: str):
    """Put the answer header's RetourCodes. Returns the codes per class and the header's own;
    (None, None) when an in-message rule broke and only the header with 0001 is sent."""
    if verdict.level is Level.XSLT:
        _codes(header, ns, [TECHNISCHE_FOUT])
        return None, None
    by_class = _codes_by_class(verdict, rel, msg)
    header_codes = by_class.pop(heen_header, None)
    _codes(header, ns, header_codes or [GEEN_OPMERKING])
    return by_class, header_codes


def _codes(parent, ns: str, codes: list[str]) -> None:
    holder = etree.SubElement(parent, f"{{{ns}}}RetourCodes")
    for code in codes:
        etree.SubElement(holder, f"{{{ns}}}RetourCode").text = code


def _xsd_versie(parent, name: str, ns: str, rel: Release) -> None:
    el = etree.SubElement(parent, f"{{{ns}}}{name}")
    for part in ("BasisschemaXsdVersie", "BerichtXsdVersie"):
        etree.SubElement(el, f"{{{rel.basis_namespace}}}{part}").text = rel.xsd_version


def _renamed(el, old_ns: str, new_ns: str):
    """A deep copy with the heen message's namespace swapped for the answer's."""
    out = copy.deepcopy(el)
    for e in out.iter():
        if e.tag.startswith(f"{{{old_ns}}}"):
            e.tag = f"{{{new_ns}}}{local(e)}"
        if len(e):  # drop the heen file's layout so the answer can be laid out anew
            e.text = None
        e.tail = None
    return out


def _root(rel: Release, answer_def: MessageDef):
    return etree.Element(f"{{{answer_def.namespace}}}Bericht",
                         nsmap={answer_def.name.lower(): answer_def.namespace,
                                rel.standard: rel.basis_namespace})


def _retour(verdict: Verdict, rel: Release, msg: MessageDef, today: date, identificatie: str):
    retour = rel.messages[msg.partner]
    ns = retour.namespace
    root = _root(rel, retour)
    heen_header = next(c for c in verdict.root if local(c) == "Header")
    header = _renamed(heen_header, msg.namespace, ns)
    root.append(header)
    header[0].text = str(retour.berichtcode)  # BerichtCode
    etree.SubElement(header, f"{{{ns}}}IdentificatieRetour").text = identificatie
    etree.SubElement(header, f"{{{ns}}}DagtekeningRetour").text = today.isoformat()
    etree.SubElement(header, f"{{{ns}}}XsltVersie").text = XSLT_VERSIE
    _xsd_versie(header, "XsdVersieRetour", ns, rel)
    if verdict.accepted:
        return root
    by_class, header_codes = _header_codes(verdict, rel, msg, heen_header, header, ns)
    if by_class is None or (header_codes and not by_class):
        return root
    body = next(c for c in verdict.root if local(c) == msg.body.name)
    root.append(_with_codes(body, msg.body, by_class, msg, ns, rejected_above=False))
    return root


def _with_codes(el, definition: Element, by_class: dict, msg, ns, rejected_above: bool):
    """Copy a heen element (described by `definition`) into the retour namespace, adding
    RetourCodes to its classes. Typed elements and basis-namespace content are copied as is."""
    if not definition.is_group:
        return _renamed(el, msg.namespace, ns)
    out = etree.Element(f"{{{ns}}}{local(el)}")
    codes = by_class.get(el)
    below = rejected_above or bool(codes)
    for child in el:
        out.append(_with_codes(child, definition.child(local(child)), by_class, msg, ns, below))
    if definition.klasse:
        _codes(out, ns, codes or [NIET_BEOORDEELD if rejected_above else GEEN_OPMERKING])
    return out


def _amount(parent, name: str, ns: str, rel: Release, value: int) -> None:
    el = etree.SubElement(parent, f"{{{ns}}}{name}")
    etree.SubElement(el, f"{{{rel.basis_namespace}}}TotaalBedrag").text = str(abs(value))
    etree.SubElement(el, f"{{{rel.basis_namespace}}}DebetCredit").text = "C" if value < 0 else "D"


def _declaratie_antwoord(verdict: Verdict, rel: Release, msg: MessageDef, today: date,
                         identificatie: str):
    antwoord = rel.messages["325"]
    ns = antwoord.namespace
    m = Message(verdict.root, rel, msg)
    heen = m.header
    root = _root(rel, antwoord)
    header = etree.SubElement(root, f"{{{ns}}}Header")
    for name, value in (("BerichtCode", str(antwoord.berichtcode)),
                        ("BerichtVersie", m.text(heen, "BerichtVersie")),
                        ("BerichtSubversie", m.text(heen, "BerichtSubversie")),
                        ("Afzender", m.text(heen, "Ontvanger")),  # the gemeente answers
                        ("Ontvanger", m.text(heen, "Afzender"))):
        etree.SubElement(header, f"{{{ns}}}{name}").text = value
    ident = etree.SubElement(header, f"{{{ns}}}BerichtIdentificatie")
    etree.SubElement(ident, f"{{{rel.basis_namespace}}}Identificatie").text = identificatie
    etree.SubElement(ident, f"{{{rel.basis_namespace}}}Dagtekening").text = today.isoformat()
    _xsd_versie(header, "XsdVersie", ns, rel)
    header.append(_renamed(m.get(heen, "BerichtIdentificatie"), msg.namespace, ns))
    header[-1].tag = f"{{{ns}}}DeclaratieIdentificatie"
    etree.SubElement(header, f"{{{ns}}}XsltVersie").text = XSLT_VERSIE
    header.append(_renamed(m.get(heen, "XsdVersie"), msg.namespace, ns))
    header[-1].tag = f"{{{ns}}}XsdVersieDeclaratie"
    by_class, header_codes = _header_codes(verdict, rel, msg, heen, header, ns)
    if by_class is None:
        return root
    declaratie = m.body
    declaratie_codes = by_class.pop(declaratie, None)
    body = etree.SubElement(root, f"{{{ns}}}DeclaratieAntwoord")
    etree.SubElement(body, f"{{{ns}}}DeclaratieNummer").text = m.text(declaratie, "DeclaratieNummer")
    ingediend = m.amount(m.get(declaratie, "TotaalIngediendBedrag"))
    _amount(body, "TotaalIngediendBedrag", ns, rel, ingediend)
    if verdict.accepted:
        _amount(body, "TotaalToegekendBedrag", ns, rel, ingediend)
        _codes(body, ns, [GOEDGEKEURD])
        return root
    if header_codes or declaratie_codes:
        _amount(body, "TotaalToegekendBedrag", ns, rel, 0)
        _codes(body, ns, declaratie_codes or header_codes)
        return root
    clienten, rejected_total = etree.Element(f"{{{ns}}}Clienten"), 0
    for client in m.all("Clienten/Client", declaratie):
        client_codes = by_class.get(client)
        rejected = [(p, by_class.get(p)) for p in m.all("Prestaties/Prestatie", client)
                    if client_codes or by_class.get(p)]
        if not rejected:
            continue
        out = etree.SubElement(clienten, f"{{{ns}}}Client")
        etree.SubElement(out, f"{{{ns}}}Bsn").text = m.text(client, "Bsn")
        prestaties = etree.SubElement(out, f"{{{ns}}}Prestaties")
        for p, codes in rejected:
            copied = _renamed(p, msg.namespace, ns)
            _codes(copied, ns, codes or [NIET_BEOORDEELD])
            prestaties.append(copied)
            rejected_total += m.amount(m.get(p, "IngediendBedrag"))
        _codes(out, ns, client_codes or [GEEN_OPMERKING])
    _amount(body, "TotaalToegekendBedrag", ns, rel, ingediend - rejected_total)
    body.append(clienten)
    _codes(body, ns, [GEEN_OPMERKING])
    return root
