"""Regio profiles: a region's contract choices in YAML, validated against a JSON Schema.

A profile says which gemeenten form the regio, which products it contracts (tarief, eenheid,
frequentie, financiering), how its gemeenten answer verzoeken (VOT/VOW toewijzen or afwijzen
with a RedenAfwijzingVerzoek, optionally "in onderzoek" first), which products may be
stacked, how many werkdagen its answers take, and how strictly it judges declaraties. The
format is documented in the README ("Regio profiles, clock and simulated parties").

API: ``load_profile(path)``, ``loads(text, source)``, ``builtin(name)``, ``BUILTIN``;
``Profile.context(today, rel=None)`` gives the rules' Context with the regio's products
(TR381, TR418). An invalid profile raises ProfileError listing every problem as
``file: key.path: what is wrong; what to do``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, FormatChecker

from ..clock import KALENDER, Kalender
from ..standard import release
from ..standard.registry import find_release
from ..standard.cbs import gemeentecodes
from ..standard.model import Release
from ..validation.rules import Context, ContractProduct
from .schema import profile_schema

BUILTIN = ("regio-accepteert", "regio-weigert-vow", "regio-herziet-tarief")
DEFAULT_NA_ONDERZOEK = 20  # werkdagen: well within the 8 weeks SPEC allows


class ProfileError(ValueError):
    """A profile that cannot be used; `problems` holds one line per problem."""

    def __init__(self, source: str, problems: list[str]):
        self.source, self.problems = source, problems
        listed = "\n".join(f"  {source}: {p}" for p in problems)
        super().__init__(f"invalid regio profile {source} ({len(problems)} "
                         f"problem{'s' if len(problems) > 1 else ''}):\n{listed}")


# ---------------------------------------------------------------- the profile as objects

@dataclass(frozen=True)
class RegioProduct:
    categorie: str
    code: str
    tarief: int  # cents per eenheid
    eenheid: str
    frequentie: str | None  # None for care in euro's (a Budget instead)
    financiering: str  # output | inspanning | trajectfinanciering
    standard: str  # iwmo | ijw, from the categorie

    def contract(self) -> ContractProduct:
        return ContractProduct(self.categorie, self.code, self.tarief, self.eenheid)

    def as_element(self) -> dict:
        """CDT_Product as a toewijzing or verzoek names it: care in euro's, assigned as a
        Budget, by its categorie only (a product code needs an Omvang, CD041, and a Budget
        rules one out, CD077)."""
        if self.frequentie is None:
            return {"Categorie": self.categorie}
        return {"Categorie": self.categorie, "Code": self.code}


@dataclass(frozen=True)
class VerzoekBeleid:
    besluit: str  # toewijzen | afwijzen
    reden: str | None = None  # RedenAfwijzingVerzoek with afwijzen
    in_onderzoek: bool = False

    @property
    def toewijzen(self) -> bool:
        return self.besluit == "toewijzen"


@dataclass(frozen=True)
class Termijnen:
    """Werkdagen the simulated party waits before sending each kind of answer."""

    retour: int
    verzoek: int
    declaratie: int
    na_onderzoek: int = DEFAULT_NA_ONDERZOEK


@dataclass(frozen=True)
class Profile:
    naam: str
    release: str  # the version, as the release's tables name it
    gemeenten: tuple[str, ...]
    producten: tuple[RegioProduct, ...]
    vot: VerzoekBeleid
    vow: VerzoekBeleid
    termijnen: Termijnen
    stapeling_standaard: str = "toegestaan"
    stapeling_uitzonderingen: frozenset[frozenset[str]] = frozenset()
    toetsing: str = "alle_regels"  # declaraties: alle_regels | contract
    kalender: Kalender = KALENDER  # the regio's werkdagen
    source: str = "<profile>"
    # product code -> the tariff (cents) the gemeente pays now instead of the list's tarief
    herzien: tuple[tuple[str, int], ...] = ()

    def products(self, standard: str | None = None) -> dict[tuple[str, str], ContractProduct]:
        """The contract for the rules: (categorie, code) -> ContractProduct, at the revised
        tariff where the regio revised one (declaraties.tariefherziening)."""
        herzien = dict(self.herzien)
        return {(p.categorie, p.code): replace(p.contract(), tarief=herzien.get(p.code, p.tarief))
                for p in self.producten if standard in (None, p.standard)}

    def herziene_tarieven(self, rel: Release | str) -> dict[str, int]:
        """Product code -> revised tariff in cents, for the products of `rel`'s standard."""
        codes = {p.code for p in self.producten_van(rel)}
        return {code: cents for code, cents in self.herzien if code in codes}

    def context(self, today: date, rel: Release | str | None = None) -> Context:
        """The rules' Context on `today` with this regio's products (of `rel`'s standard)."""
        standard = (release(rel) if isinstance(rel, str) else rel).standard if rel else None
        return Context(today=today, products=self.products(standard))

    def product(self, code: str, categorie: str | None = None) -> RegioProduct:
        for p in self.producten:
            if p.code == code and categorie in (None, p.categorie):
                return p
        raise KeyError(f"{self.naam} has no product {code}")

    def producten_van(self, rel: Release | str) -> tuple[RegioProduct, ...]:
        standard = (release(rel) if isinstance(rel, str) else rel).standard
        return tuple(p for p in self.producten if p.standard == standard)

    def may_stack(self, code_a: str, code_b: str) -> bool:
        """May these two products run together for one client (stapelmatrix)?"""
        if code_a == code_b:
            return True
        listed = frozenset((code_a, code_b)) in self.stapeling_uitzonderingen
        return (self.stapeling_standaard == "toegestaan") != listed

    def with_termijnen(self, **werkdagen: int) -> "Profile":
        """The same profile with other answer delays (for tests of deadline misses)."""
        from dataclasses import replace
        return replace(self, termijnen=replace(self.termijnen, **werkdagen))


# ---------------------------------------------------------------- loading

class _Loader(yaml.SafeLoader):
    """Reads decimals exactly: a tarief of 1.10 must become 110 cents, not 110.00000000000001."""


_Loader.add_constructor("tag:yaml.org,2002:float",
                        lambda loader, node: Decimal(loader.construct_scalar(node).replace("_", "")))

_formats = FormatChecker()


@_formats.checks("euro", raises=())
def _is_euro(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return True  # the type keyword reports other types
    return isinstance(value, int) or value == value.quantize(Decimal("0.01"))


@_formats.checks("cbs", raises=())
def _is_cbs(value) -> bool:
    return not isinstance(value, str) or value in gemeentecodes()


def _path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


_KIND = {"object": "a mapping", "array": "a list", "string": "a quoted text",
         "integer": "a whole number", "number": "a number", "boolean": "true or false"}


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    for kind, types in (("a number", (int, Decimal, float)), ("a text", str),
                        ("a list", list), ("a mapping", dict)):
        if isinstance(value, types):
            return kind
    return "empty" if value is None else type(value).__name__


def _problem(error) -> tuple[str, str]:
    """(key path, text) of a schema error, with what to do taken from the schema."""
    where, schema = list(error.absolute_path), error.schema
    hint = schema.get("description") if isinstance(schema, dict) else None
    if error.validator == "required":
        missing = error.message.split("'")[1]
        prop = schema.get("properties", {}).get(missing, {})
        return _path(where + [missing]), (f"missing; add {missing}: "
                                          f"{prop.get('description') or hint}")
    if error.validator == "additionalProperties":
        allowed = ", ".join(schema.get("properties", {}))
        unknown = ", ".join(sorted(set(error.instance) - set(schema.get("properties", {}))))
        return _path(where), f"unknown key {unknown}; the keys here are {allowed}"
    if error.validator == "not":
        return _path(where), hint or error.message
    if error.validator == "format":
        what = {"euro": "has more than two decimals", "cbs": "is not a gemeentecode in the "
                "CBS list of 2026"}[error.validator_value]
        return _path(where), f"{error.instance} {what}; give {hint}"
    value, expected = error.instance, error.validator_value
    shown = repr(value) if not isinstance(value, (dict, list)) else _kind_of(value)
    reason = {
        "type": lambda: f"is {_kind_of(value)}, not {_KIND.get(expected, expected)}",
        "enum": lambda: "is not one of the allowed values",
        "const": lambda: f"must be {expected!r} here",
        "minimum": lambda: f"is less than {expected}",
        "maximum": lambda: f"is more than {expected}",
        "pattern": lambda: "has the wrong form",
        "minItems": lambda: f"has fewer than {expected} items",
        "maxItems": lambda: f"has more than {expected} items",
        "uniqueItems": lambda: "names an item twice",
        "minLength": lambda: "is empty",
    }.get(error.validator, lambda: error.message)()
    if isinstance(value, int) and not isinstance(value, bool) and error.validator == "type" \
            and expected == "string":
        reason += " (YAML reads an unquoted code as a number and drops its leading zero)"
    return _path(where), f"{shown} {reason}; give {hint}" if hint else f"{shown} {reason}"


def _problems(errors) -> list[tuple[str, str]]:
    """One problem per place: a value of the wrong type also fails its enum or pattern, which
    says nothing new."""
    found = [(e, _problem(e)) for e in errors]
    typed = {where for e, (where, _) in found if e.validator == "type"}
    return sorted({p for e, p in found if e.validator == "type" or p[0] not in typed})


def _semantic_problems(doc: dict) -> list[tuple[str, str]]:
    """What a schema cannot say: products named once, the stapelmatrix naming known ones."""
    out, seen = [], {}
    for i, p in enumerate(doc["producten"]):
        if p["code"] in seen:
            out.append((f"producten[{i}].code", f"{p['code']!r} is also producten[{seen[p['code']]}]"
                        "; name each product once"))
        seen.setdefault(p["code"], i)
    for i, h in enumerate((doc.get("declaraties") or {}).get("tariefherziening") or []):
        if h["product"] not in seen:
            out.append((f"declaraties.tariefherziening[{i}].product",
                        f"{h['product']!r} is not a product of this profile; use a code from "
                        "producten"))
    matrix = doc.get("stapelmatrix") or {}
    for kind in ("toegestaan", "verboden"):
        for i, pair in enumerate(matrix.get(kind) or []):
            for j, code in enumerate(pair):
                if code not in seen:
                    out.append((f"stapelmatrix.{kind}[{i}][{j}]",
                                f"{code!r} is not a product of this profile; use a code from "
                                "producten"))
    return out


def _standard_of(categorie: str, version: str) -> str:
    for std in ("iwmo", "ijw"):
        if categorie in find_release(std, version).simple["LDT_ProductCategorie"].codes:
            return std
    raise AssertionError(categorie)  # the schema allows only the releases' categories


def _build(doc: dict, source: str) -> Profile:
    def beleid(spec: dict) -> VerzoekBeleid:
        return VerzoekBeleid(spec["besluit"], spec.get("reden"), spec.get("in_onderzoek", False))

    matrix = doc.get("stapelmatrix") or {"standaard": "toegestaan"}
    exceptions_key = "verboden" if matrix["standaard"] == "toegestaan" else "toegestaan"
    return Profile(
        naam=doc["naam"], release=doc["release"], gemeenten=tuple(doc["gemeenten"]),
        producten=tuple(RegioProduct(
            p["categorie"], p["code"], int(Decimal(p["tarief"]) * 100), p["eenheid"],
            p.get("frequentie"), p["financiering"], _standard_of(p["categorie"], doc["release"]))
            for p in doc["producten"]),
        vot=beleid(doc["verzoeken"]["vot"]), vow=beleid(doc["verzoeken"]["vow"]),
        termijnen=Termijnen(**doc["termijnen"]),
        stapeling_standaard=matrix["standaard"],
        # only the exceptions to the default count; the other list may only repeat the default
        stapeling_uitzonderingen=frozenset(frozenset(pair) for pair in
                                           matrix.get(exceptions_key) or []),
        toetsing=(doc.get("declaraties") or {}).get("toetsing", "alle_regels"),
        herzien=tuple((h["product"], int(Decimal(h["tarief"]) * 100))
                      for h in (doc.get("declaraties") or {}).get("tariefherziening") or []),
        kalender=Kalender(**(doc.get("kalender") or {})),
        source=source)


def loads(text: str, source: str = "<profile>") -> Profile:
    """A profile from YAML text; `source` names it in error messages."""
    try:
        doc = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        raise ProfileError(source, [f"{where}: not valid YAML: "
                                    f"{getattr(e, 'problem', None) or e}"]) from None
    if isinstance(doc, dict) and isinstance(doc.get("basis"), str):
        if doc["basis"] not in BUILTIN:
            raise ProfileError(source, [f"basis: {doc['basis']!r} is no shipped profile; "
                                        f"give one of {', '.join(BUILTIN)}"])
        base = yaml.load((resources.files("harness.profiles") / "data" / f"{doc['basis']}.yaml")
                         .read_text("utf-8"), Loader=_Loader)
        doc = {**base, **{k: v for k, v in doc.items() if k != "basis"}}
    validator = Draft202012Validator(profile_schema(), format_checker=_formats)
    problems = _problems(validator.iter_errors(doc))
    if not problems:
        problems = _semantic_problems(doc)
    if problems:
        raise ProfileError(source, [f"{where}: {text}" for where, text in problems])
    return _build(doc, source)


def load_profile(path: str | os.PathLike) -> Profile:
    """A profile from a YAML file. Raises ProfileError (and OSError for an unreadable file)."""
    p = Path(path)
    return loads(p.read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=None)
def builtin(name: str) -> Profile:
    """One of the profiles shipped with ketentest (BUILTIN), e.g. 'regio-accepteert'. Read
    once per process (a Profile is frozen): a run opens one per scenario."""
    if name not in BUILTIN:
        raise KeyError(f"no built-in profile {name!r}; there are {', '.join(BUILTIN)}")
    text = (resources.files("harness.profiles") / "data" / f"{name}.yaml").read_text("utf-8")
    return loads(text, f"{name}.yaml")
