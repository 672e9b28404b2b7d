"""Build a release's message catalogue from its tables: headers, heen messages, derived retours.

The SPEC's rule for retour messages is applied here once: a retour message repeats its heen
message's classes, makes the body optional, adds the retour fields to the header and
RetourCodes to the header and every berichtklasse. Afzender and Ontvanger stay as in the heen.
"""
from __future__ import annotations

from dataclasses import replace
from importlib import resources

import yaml

from .codes import Role
from .model import UNBOUNDED, Element, MessageDef, Release, TableError, read_elements, read_simple

ROLE_CODE_TYPE = {"gemeente": "LDT_Gemeente", "aanbieder": "LDT_AgbCode"}
OTHER_ROLE = {"gemeente": "aanbieder", "aanbieder": "gemeente"}


def retourcodes(min_occurs: int = 1) -> Element:
    code = Element("RetourCode", 1, UNBOUNDED, type="LDT_RetourCode")
    return Element("RetourCodes", min_occurs, 1, children=(code,))


def header(berichtcode: int, version: str, sender: str, extra: tuple[Element, ...] = ()) -> Element:
    """The header of a message whose heen message is sent by `sender` (retours keep its parties)."""
    major, minor = version.split(".")
    receiver = OTHER_ROLE[sender]
    return Element("Header", children=(
        Element("BerichtCode", type="LDT_BerichtCode", pattern=str(berichtcode)),
        Element("BerichtVersie", type="LDT_BerichtVersie", pattern=major),
        Element("BerichtSubversie", type="LDT_BerichtSubversie", pattern=minor),
        Element("Afzender", type=ROLE_CODE_TYPE[sender]),
        Element("Ontvanger", type=ROLE_CODE_TYPE[receiver]),
        Element("BerichtIdentificatie", type="CDT_BerichtIdentificatie"),
        Element("XsdVersie", type="CDT_XsdVersie"),
    ) + extra)


RETOUR_HEADER = (
    Element("IdentificatieRetour", type="LDT_IdentificatieBericht"),
    Element("DagtekeningRetour", type="LDT_Datum"),
    Element("XsltVersie", 0, 1, type="LDT_Versie"),
    Element("XsdVersieRetour", type="CDT_XsdVersie"),
    retourcodes(min_occurs=0),
)


def with_retourcodes(el: Element) -> Element:
    """The retour shape of a heen element: RetourCodes appended to every berichtklasse."""
    if el.is_group:
        children = tuple(with_retourcodes(c) for c in el.children)
        if el.klasse:
            children += (retourcodes(),)
        el = replace(el, children=children)
    return el


def namespace(standard: str, version: str, message: str) -> str:
    return f"http://www.istandaarden.nl/{standard}/{version.replace('.', '_')}/{message}/schema"


def load_release(name: str, standard: str, version: str, prefix: str, data_dir: str,
                 xsd_version: str) -> Release:
    base = resources.files("harness.standard") / "data" / data_dir
    types = yaml.safe_load((base / "types.yaml").read_text(encoding="utf-8"))
    table = yaml.safe_load((base / "messages.yaml").read_text(encoding="utf-8"))
    rel = Release(
        name=name, standard=standard, version=version, prefix=prefix,
        basis_namespace=namespace(standard, version, "basisschema"), xsd_version=xsd_version,
        simple={n: read_simple(n, s, standard) for n, s in types["simple"].items()},
        composite={n: read_elements(g, standard, n) for n, g in types["composite"].items()},
    )
    local = prefix.lower()  # wmo301 / jw301 in the namespace

    def message(id_, title, code, sender, kind, partner, head, body) -> MessageDef:
        ns = namespace(standard, version, f"{local}{id_}")
        root = Element("Bericht", children=(head, body))
        return MessageDef(id=id_, name=f"{prefix}{id_}", title=title, berichtcode=code,
                          sender=Role(sender), kind=kind, partner=partner, namespace=ns,
                          root=root)

    for id_, spec in table.items():
        id_ = str(id_)
        body = read_elements(spec["body"], standard, f"{prefix}{id_}")
        if len(body) != 1:
            raise TableError(f"{prefix}{id_}: a body has exactly one top element")
        extra = read_elements(spec.get("header", {}), standard, f"{prefix}{id_}/Header")
        code = int(spec["codes"][standard])
        retour = spec.get("retour")
        partner = retour["id"] if retour else spec.get("answered_by") or spec.get("answers")
        rel.messages[id_] = message(id_, spec["title"], code, spec["sender"], "heen", partner,
                                    header(code, version, spec["sender"], extra), body[0])
        if retour:
            rcode = int(retour["codes"][standard])
            rbody = replace(with_retourcodes(body[0]), min_occurs=0)
            rel.messages[retour["id"]] = message(
                retour["id"], retour["title"], rcode, OTHER_ROLE[spec["sender"]], "retour", id_,
                header(rcode, version, spec["sender"], RETOUR_HEADER), rbody)
    keys = base / "keys.yaml"
    if keys.is_file():
        rel.keys = {str(m): {k: tuple(v) for k, v in classes.items()}
                    for m, classes in yaml.safe_load(keys.read_text(encoding="utf-8")).items()}
    _check_types(rel)
    rel.messages = dict(sorted(rel.messages.items()))
    return rel


def _check_types(rel: Release) -> None:
    """Every type a table names must exist: a typo should fail loudly at load time."""
    def walk(el: Element, where: str):
        if el.is_group:
            for c in el.children:
                walk(c, f"{where}/{c.name}")
        elif el.type not in rel.simple and el.type not in rel.composite:
            raise TableError(f"{rel.name} {where}: unknown type {el.type}")
    for m in rel.messages.values():
        walk(m.root, m.name)
    for n, els in rel.composite.items():
        for e in els:
            walk(e, n)
