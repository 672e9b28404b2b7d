"""The standard as data: types, elements and message definitions of one release.

A release is read from two compact tables (``data/<dir>/types.yaml`` and ``messages.yaml``);
everything else (XSDs, retour shapes, sample messages) is derived from these objects.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from .codes import Role

UNBOUNDED = None

# Key grammar of a table entry: Name, cardinality suffix, optional ! (berichtklasse), @standard.
_KEY = re.compile(r"^(?P<name>\w+)(?P<card>[?+*]?)(?P<klasse>!?)(?:\s+@(?P<only>\w+))?$")
_CARD = {"": (1, 1), "?": (0, 1), "+": (1, UNBOUNDED), "*": (0, UNBOUNDED)}
_NARROWED = re.compile(r"^(?P<type>\w+)\s+/(?P<pattern>.+)/$")


class TableError(ValueError):
    """A release table does not follow the documented format."""


@dataclass(frozen=True)
class SimpleType:
    """An LDT_ type: an XSD built-in restricted by facets."""

    name: str
    base: str  # string | integer | date | time
    min_length: int | None = None
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    pattern: str | None = None
    codes: tuple[str, ...] = ()
    example: str | None = None

    def describe(self) -> str:
        """What a valid value looks like, for error messages."""
        parts = [self.base]
        if self.codes:
            shown = " ".join(self.codes[:12]) + (" ..." if len(self.codes) > 12 else "")
            parts.append(f"one of: {shown}")
        if self.min_length is not None or self.max_length is not None:
            lo = self.min_length if self.min_length is not None else 0
            hi = self.max_length if self.max_length is not None else "any"
            parts.append(f"length {lo}..{hi}")
        if self.min_value is not None or self.max_value is not None:
            parts.append(f"range {self.min_value}..{self.max_value}")
        if self.pattern and self.base not in ("date", "time"):
            parts.append(f"pattern {self.pattern}")
        if self.base == "date":
            parts.append("YYYY-MM-DD without time zone")
        if self.base == "time":
            parts.append("hh:mm:ss without time zone")
        return f"{self.name}: " + ", ".join(parts)


@dataclass(frozen=True)
class Element:
    """One element of a message: typed by a simple/composite type, or a group of children."""

    name: str
    min_occurs: int = 1
    max_occurs: int | None = 1
    type: str | None = None  # LDT_/CDT_ name; None for a group
    pattern: str | None = None  # extra pattern narrowing a simple type
    children: tuple["Element", ...] = ()
    klasse: bool = False  # a berichtklasse: carries RetourCodes in a retour message

    @property
    def is_group(self) -> bool:
        return self.type is None

    def child(self, name: str) -> "Element | None":
        for c in self.children:
            if c.name == name:
                return c
        return None


@dataclass(frozen=True)
class MessageDef:
    """One message of a release, e.g. WMO301."""

    id: str  # '301'
    name: str  # 'WMO301' / 'JW301'
    title: str
    berichtcode: int
    sender: Role  # who sends it over the exchange
    kind: str  # heen | retour
    partner: str | None  # retour of a heen message, heen of a retour, 323 <-> 325
    namespace: str
    root: Element  # the Bericht element: Header + body

    @property
    def receiver(self) -> Role:
        return self.sender.other

    @property
    def header(self) -> Element:
        return self.root.children[0]

    @property
    def body(self) -> Element:
        return self.root.children[1]


@dataclass(eq=False)  # compared and hashed by identity: one object per release
class Release:
    """A release of one standard (iwmo-3.2, ijw-3.2): types and its message catalogue."""

    name: str
    standard: str  # iwmo | ijw
    version: str  # '3.2'
    prefix: str  # WMO | JW
    basis_namespace: str
    xsd_version: str  # BasisschemaXsdVersie / BerichtXsdVersie of the published schemas
    simple: dict[str, SimpleType]
    composite: dict[str, tuple[Element, ...]]
    messages: dict[str, MessageDef] = field(default_factory=dict)
    # TR101: message id -> berichtklasse -> the paths of its logical key (data/<dir>/keys.yaml)
    keys: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    @cached_property
    def by_namespace(self) -> dict[str, MessageDef]:
        return {m.namespace: m for m in self.messages.values()}

    @cached_property
    def by_name(self) -> dict[str, MessageDef]:
        return {m.name: m for m in self.messages.values()}

    def message(self, key: str) -> MessageDef:
        """Look a message up by id ('301') or name ('WMO301')."""
        m = self.messages.get(key) or self.by_name.get(key.upper())
        if m is None:
            raise KeyError(f"{self.name} has no message {key!r}")
        return m


# ---------------------------------------------------------------- reading the tables

def _range(text: str, what: str) -> tuple[int | None, int | None]:
    lo, sep, hi = str(text).partition("..")
    if not sep:
        raise TableError(f"{what}: expected 'min..max', got {text!r}")
    return (int(lo) if lo else None, int(hi) if hi else None)


def _for_standard(value, standard: str, what: str):
    """A table value may differ per standard: {iwmo: ..., ijw: ...}."""
    if isinstance(value, dict):
        if standard not in value:
            raise TableError(f"{what}: no value for {standard}")
        return value[standard]
    return value


def read_simple(name: str, spec: dict, standard: str) -> SimpleType:
    known = {"base", "length", "range", "pattern", "codes", "example"}
    if unknown := set(spec) - known:
        raise TableError(f"{name}: unknown facet(s) {sorted(unknown)}")
    kw: dict = {"name": name, "base": spec["base"]}
    if "length" in spec:
        kw["min_length"], kw["max_length"] = _range(spec["length"], name)
    if "range" in spec:
        kw["min_value"], kw["max_value"] = _range(spec["range"], name)
    if "pattern" in spec:
        kw["pattern"] = spec["pattern"]
    if "codes" in spec:
        kw["codes"] = tuple(str(_for_standard(spec["codes"], standard, name)).split())
    if "example" in spec:
        kw["example"] = str(spec["example"])
    return SimpleType(**kw)


def read_elements(group: dict, standard: str, where: str) -> tuple[Element, ...]:
    """Read an ordered mapping of table keys into elements, dropping other standards' ones."""
    out = []
    for key, value in group.items():
        m = _KEY.match(str(key))
        if not m:
            raise TableError(f"{where}: cannot read element key {key!r}")
        if m["only"] and m["only"] != standard:
            continue
        lo, hi = _CARD[m["card"]]
        el = Element(name=m["name"], min_occurs=lo, max_occurs=hi, klasse=bool(m["klasse"]))
        path = f"{where}/{el.name}"
        if isinstance(value, dict):
            el = replace(el, children=read_elements(value, standard, path))
        elif isinstance(value, str):
            n = _NARROWED.match(value)
            el = replace(el, type=n["type"], pattern=n["pattern"]) if n else replace(el, type=value)
        else:
            raise TableError(f"{path}: expected a type name or a group, got {value!r}")
        out.append(el)
    return tuple(out)
