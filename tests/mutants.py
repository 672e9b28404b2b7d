"""A mutation corpus over all 28 messages: schema-valid samples, each broken (or not) in one way.

Every mutant names what was done to it, so a disagreement between the project's schemas and
the official ones points at the element and the mutation.
"""
from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from harness.standard import all_releases
from harness.standard.model import MessageDef, Release
from harness.standard.sample import build
from harness.validation.xsdcheck import element_at

# Values tried on every leaf, by the built-in base of its type: boundaries and classic mistakes.
BATTERY = {
    "string": ["", " ", "A", "\tX", "01", "1", "99", "0363", "12345678", "999993653",
               "1.0.0", "1.0", "ab-cd", "Tekst met spatie", "x" * 13, "x" * 37, "x" * 201],
    "integer": ["-1", "0", "+5", " 7 ", "1.5", "abc", "", "00012", "99", "100",
                "99999", "100000", "99999999", "100000000", "999999999", "1000000000",
                "999999999999", "1000000000000"],
    "date": ["2026-02-30", "2026-01-01Z", "2026-01-01+01:00", "20260101", "2026-1-1",
             " 2026-01-01 ", "", "2026-12-31"],
    "time": ["25:00:00", "12:00:00Z", "12:00", "12:00:00.5", "12:00:00+01:00", "23:59:59"],
}


@dataclass
class Mutant:
    release: Release
    message: MessageDef
    what: str
    root: etree._Element


def _leaves(root):
    return [e for e in root.iter() if len(e) == 0 and isinstance(e.tag, str)]


def _path(el) -> str:
    return "/" + "/".join(etree.QName(a).localname for a in reversed(list(el.iterancestors()))) \
        + ("/" if el.getparent() is not None else "") + etree.QName(el).localname


def _value_mutants(rel, msg, base) -> Iterator[Mutant]:
    for i, leaf in enumerate(_leaves(base)):
        el = element_at(rel, msg, _path(leaf))
        t = rel.simple[el.type]
        values = list(BATTERY[t.base])
        if t.codes:  # codes of the other standard and near misses
            other = [r for r in all_releases() if r is not rel][0].simple[el.type].codes
            values += [c for c in other if c not in t.codes][:3] + [t.codes[-1], t.codes[0] + " "]
        for value in values:
            root = copy.deepcopy(base)
            _leaves(root)[i].text = value
            yield Mutant(rel, msg, f"{_path(leaf)} = {value!r}", root)


def _structure_mutants(rel, msg, base) -> Iterator[Mutant]:
    elements = [e for e in base.iter() if e is not base]
    for i, el in enumerate(elements):
        path = _path(el)

        def variant(what, change):
            root = copy.deepcopy(base)
            target = [e for e in root.iter() if e is not root][i]
            change(target)
            return Mutant(rel, msg, f"{path}: {what}", root)

        yield variant("removed", lambda t: t.getparent().remove(t))
        yield variant("duplicated", lambda t: t.addnext(copy.deepcopy(t)))
        if el.getnext() is not None:
            yield variant("swapped with next", lambda t: t.getnext().addnext(t))
        yield variant("unknown child appended",
                      lambda t: etree.SubElement(t, etree.QName(t).namespace and
                                                 f"{{{etree.QName(t).namespace}}}Onbekend" or "x"))
        yield variant("other namespace", lambda t: t.set("dummy", "1") or setattr(
            t, "tag", f"{{urn:elders}}{etree.QName(t).localname}"))


def _root_mutants(rel, msg, base) -> Iterator[Mutant]:
    def header(root, name):
        return root.find(f"{{{msg.namespace}}}Header/{{{msg.namespace}}}{name}")

    for other in rel.messages.values():  # every other BerichtCode in this message
        if other is not msg:
            root = copy.deepcopy(base)
            header(root, "BerichtCode").text = str(other.berichtcode)
            yield Mutant(rel, msg, f"BerichtCode {other.berichtcode}", root)
    for name, value in (("BerichtVersie", "4"), ("BerichtSubversie", "1"),
                        ("BerichtVersie", "03")):
        root = copy.deepcopy(base)
        header(root, name).text = value
        yield Mutant(rel, msg, f"{name} {value}", root)
    for ns in (msg.namespace.replace("3_2", "3_1"), msg.namespace.replace(msg.name.lower(), "x")):
        root = copy.deepcopy(base)
        for e in root.iter(f"{{{msg.namespace}}}*"):
            e.tag = f"{{{ns}}}{etree.QName(e).localname}"
        yield Mutant(rel, msg, f"root namespace {ns}", root)


def corpus() -> Iterator[Mutant]:
    for rel in all_releases():
        for msg in rel.messages.values():
            for full in (True, False):
                base = build(rel, msg, full=full)
                yield Mutant(rel, msg, "unchanged sample" + (" (full)" if full else ""), base)
                yield from _value_mutants(rel, msg, base)
                yield from _structure_mutants(rel, msg, base)
            yield from _root_mutants(rel, msg, build(rel, msg, full=False))
