"""The differential corpus: ketentest's in-message rules against the official rule XSLTs.

Every case is a small message, valid against ketentest's XSD and the official one, built by the
factories (many seeds), taken from the official examples or from the bare samples of the
release tables (every optional element present, or none), then changed in one or two ways
that keep it schema-valid but may break a rule: a date moved across every boundary the rules
name (the Dagtekening, every other date of the message, 120 and 5 years back, 2020-12-31, the
edges of a month), a repeated class duplicated (in full, or with one leaf changed: same
logical key, other content), an amount, total, volume or tariff changed, a code swapped for
another valid code, an optional element or class dropped, a BSN, postcode or other text
replaced by a boundary value.

For each case the two judges agree when (see `compare`):
- the set of rule codes is the same, and
- for every code, each of ketentest's finding paths matches one of the Locaties the XSLT gives
  for that code, and each of the XSLT's Fouten is matched by at least one of ketentest's paths.
The XSLT's `Locatie` and ketentest's `Finding.path` are written alike (local names, an index
`[n]` only where siblings share a name, starting at /Bericht), so they compare as strings, with
two normalisations (`matches`): a Fout may name several elements (the two duplicates of TR101,
the begin and end of CS003) and ketentest names one of them; and ketentest may name the element
that holds the XSLT's Locatie, at most two steps up (the class or group that breaks a rule,
where the XSLT names the leaf inside it: DeclaratiePeriode for its Begindatum and Einddatum).
"""
from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from lxml import etree

from harness import factories
from harness.standard import all_releases, identify
from harness.standard.model import MessageDef, Release
from harness.standard.sample import build
from harness.standard.xsd import compiled
from harness.validation.message import Message
from harness.validation.rules import Context, run_rules
from harness.validation.xsdcheck import element_at
from harness.validation.xslt import OfficialRules, read_rapport

from .conftest import ISTANDAARDEN

JUDGED = ("301", "305", "307", "315", "317", "319", "323", "325")  # what the XSLTs cover
STANDARD_DIR = {"iwmo-3.2": "iwmo-3.2", "ijw-3.2": "ijw-3.2"}


@dataclass
class Case:
    release: Release
    message: MessageDef
    what: str
    root: etree._Element


@cache
def official_rules(rel_name: str) -> OfficialRules:
    return OfficialRules(ISTANDAARDEN / STANDARD_DIR[rel_name] / "xslt")


@cache
def _official_schema(namespace: str) -> etree.XMLSchema:
    for path in ISTANDAARDEN.rglob("*.xsd"):
        if etree.parse(str(path)).getroot().get("targetNamespace") == namespace:
            return etree.XMLSchema(etree.parse(str(path)))
    raise LookupError(namespace)


def schema_valid(case: Case) -> bool:
    """Valid against ketentest's XSD and the official one (only such messages reach rules)."""
    return (compiled(case.release, case.message.id).validate(case.root)
            and _official_schema(case.message.namespace).validate(case.root))


# -- the two judges -------------------------------------------------------------------

def ours(case: Case) -> list[tuple[str, str]]:
    """(rule, path) of every in-message finding of ketentest."""
    m = Message(case.root, case.release, case.message)
    return [(f.rule, f.path) for f in run_rules(m, Context(), "xslt")]


def theirs(case: Case):
    return read_rapport(official_rules(case.release.name).rapport(case.root))


def compare(mine, fouten) -> list[str]:
    """What differs, in words; [] when the two judges agree."""
    problems = []
    codes_mine = {c for c, _ in mine}
    codes_theirs = {f.code for f in fouten}
    for c in sorted(codes_theirs - codes_mine):
        locs = sorted({loc for f in fouten if f.code == c for loc in f.locaties})
        problems.append(f"false accept {c} at {locs}")
    for c in sorted(codes_mine - codes_theirs):
        problems.append(f"false reject {c} at {sorted({p for r, p in mine if r == c})}")
    for c in sorted(codes_mine & codes_theirs):
        paths = {p for r, p in mine if r == c}
        theirs_c = [f for f in fouten if f.code == c]
        locs = {loc for f in theirs_c for loc in f.locaties}
        extra = sorted(p for p in paths if not any(matches(p, loc) for loc in locs))
        missing = [f.locaties for f in theirs_c
                   if not any(matches(p, loc) for p in paths for loc in f.locaties)]
        if extra or missing:
            problems.append(f"path {c}: ketentest {sorted(paths)} vs xslt "
                            f"{[list(f.locaties) for f in theirs_c]}")
    return problems


def matches(path: str, locatie: str) -> bool:
    """Our path names the XSLT's Locatie: the same element, or the element holding it (at most
    two steps up: ketentest names the class or group that breaks a rule, the XSLT often the
    leaf inside it, e.g. DeclaratiePeriode for its Begindatum and Einddatum)."""
    if locatie == path:
        return True
    if not locatie.startswith(path + "/"):
        return False
    return locatie[len(path) + 1:].count("/") <= 1


def disagreement(case: Case) -> list[str]:
    return compare(ours(case), theirs(case))


# -- the corpus -----------------------------------------------------------------------

def _path(el) -> str:
    return Message.path(el)


def _leaf_type(rel, msg, el):
    t = element_at(rel, msg, _path(el))
    if t is None or t.is_group or t.type not in rel.simple:
        return None, None
    return t, rel.simple[t.type]


def _shift(value: str, days: int) -> str | None:
    try:
        return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
    except (ValueError, OverflowError):
        return None


def _years_back(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def _date_values(root, rel, msg, value: str) -> list[str]:
    """Dates across every boundary the rules name, for one date leaf."""
    dates = sorted({e.text for e in _leaves(root) if e.text and _leaf_type(rel, msg, e)[1]
                    and _leaf_type(rel, msg, e)[1].base == "date"})
    out = set()
    for d in dates:
        for k in (-1, 0, 1):
            out.add(_shift(d, k))
    dag = root.findtext(f"{{{msg.namespace}}}Header/{{{msg.namespace}}}BerichtIdentificatie/"
                        f"{{{rel.basis_namespace}}}Dagtekening")
    if dag:
        d = date.fromisoformat(dag)
        for years in (120, 5):
            b = _years_back(d, years)
            out.update({(b + timedelta(days=k)).isoformat() for k in (-1, 0, 1)})
    out.update({"2020-12-31", "2021-01-01", "2020-12-30"})
    try:
        v = date.fromisoformat(value)
        first = v.replace(day=1)
        out.update({first.isoformat(), (first - timedelta(days=1)).isoformat(),
                    ((first + timedelta(days=32)).replace(day=1) - timedelta(days=1)).isoformat(),
                    (first + timedelta(days=32)).replace(day=1).isoformat()})
    except ValueError:
        pass
    out.discard(None)
    out.discard(value)
    return sorted(out)


def _integer_values(value: str, t) -> list[str]:
    try:
        v = int(value)
    except ValueError:
        return []
    out = {v - 1, v + 1, 0, 1, v * 2, v // 2, v + 100, v * 60, (v // 60) or 1}
    lo = t.min_value if t.min_value is not None else 0
    hi = t.max_value if t.max_value is not None else 10 ** 9
    return [str(x) for x in sorted(out) if lo <= x <= hi and x != v]


TEXTS = ["999993653", "999990019", "123456782", "111222333", "999993654", "1234AB", "0123AB",
         "1234ab", "1234 AB", "9999ZZ", "NL", "BE", "DE", "A", "0363", "0344", "12345678",
         "ABC123", "D1", "1"]


def _values(root, rel, msg, leaf) -> list[str]:
    el, t = _leaf_type(rel, msg, leaf)
    if t is None or leaf.text is None:
        return []
    if t.codes:
        return [c for c in t.codes if c != leaf.text]
    if t.base == "date":
        return _date_values(root, rel, msg, leaf.text)
    if t.base == "integer":
        return _integer_values(leaf.text, t)
    if t.base == "string":  # boundary texts, and every value of this type in the message
        same = sorted({e.text for e in _leaves(root) if e.text and e is not leaf
                       and getattr(_leaf_type(rel, msg, e)[0], "type", None) == el.type})
        return [v for v in TEXTS + same if v != leaf.text]
    return []


def _leaves(root):
    return [e for e in root.iter() if isinstance(e.tag, str) and len(e) == 0]


def _elements(root):
    return [e for e in root.iter() if isinstance(e.tag, str) and e is not root]


def _mutate(root, rel, msg, rng: random.Random) -> str | None:
    """Change root in place in one random way; what was done, or None when nothing fit."""
    kind = rng.choice(["value", "value", "value", "date", "date", "duplicate", "duplicate-key",
                       "drop", "total"])
    if kind in ("value", "date"):
        leaves = [e for e in _leaves(root) if "Header" not in _path(e) or kind == "date"]
        if kind == "date":
            leaves = [e for e in leaves if (_leaf_type(rel, msg, e)[1] or None) is not None
                      and _leaf_type(rel, msg, e)[1].base == "date"]
        if not leaves:
            return None
        leaf = rng.choice(leaves)
        values = _values(root, rel, msg, leaf)
        if not values:
            return None
        value = rng.choice(values)
        what = f"{_path(leaf)} {leaf.text} -> {value}"
        leaf.text = value
        return what
    if kind in ("duplicate", "duplicate-key"):
        repeatable = []
        for e in _elements(root):
            t = element_at(rel, msg, _path(e))
            if t is not None and t.max_occurs != 1:
                repeatable.append(e)
        if not repeatable:
            return None
        e = rng.choice(repeatable)
        dup = copy.deepcopy(e)
        e.addnext(dup)
        what = f"{_path(e)} duplicated"
        if kind == "duplicate-key":
            leaves = _leaves(dup)
            if leaves:
                leaf = rng.choice(leaves)
                values = _values(root, rel, msg, leaf)
                if values:
                    value = rng.choice(values)
                    what += f", copy's {etree.QName(leaf).localname} -> {value}"
                    leaf.text = value
        return what
    if kind == "drop":
        optional = []
        for e in _elements(root):
            t = element_at(rel, msg, _path(e))
            siblings = [s for s in e.getparent() if s.tag == e.tag]
            if t is not None and (t.min_occurs == 0 or len(siblings) > 1):
                optional.append(e)
        if not optional:
            return None
        e = rng.choice(optional)
        what = f"{_path(e)} dropped"
        e.getparent().remove(e)
        return what
    if kind == "total":  # make a total agree with the prestaties again, or not
        totals = [e for e in root.iter() if isinstance(e.tag, str)
                  and etree.QName(e).localname in ("TotaalBedrag", "Bedrag")]
        if not totals:
            return None
        e = rng.choice(totals)
        delta = rng.choice([-1, 1, 100, -100])
        new = max(0, int(e.text) + delta)
        what = f"{_path(e)} {e.text} -> {new}"
        e.text = str(new)
        return what
    return None


def _factory_overrides(msg_id: str, rng: random.Random) -> dict:
    """Small, varied shapes: one to three repeated classes."""
    n = rng.choice([1, 1, 2, 3])
    if msg_id in ("301", "305", "307", "315"):
        return {"producten": n}
    if msg_id == "317":
        return {"te_wijzigen": rng.choice([0, 1, 2]), "nieuw": rng.choice([1, 2]),
                "ongewijzigd": rng.choice([0, 1])}
    if msg_id == "323":
        return {"clienten": rng.choice([1, 2]), "prestaties": n}
    return {}


def bases(rel: Release, msg: MessageDef, seed: int) -> Case | None:
    rng = random.Random(seed)
    today = date(2026, 11, 2) + timedelta(days=rng.randrange(-400, 400))
    try:
        root = factories.bericht(rel, msg.id, today=today, seed=seed,
                                 **_factory_overrides(msg.id, rng))
    except Exception:  # an override this message does not take: build it plain
        root = factories.bericht(rel, msg.id, today=today, seed=seed)
    root = etree.fromstring(factories.to_bytes(root),
                            etree.XMLParser(remove_blank_text=True))
    return Case(rel, msg, f"factory seed {seed}", root)


def samples(rel: Release) -> list[Case]:
    """The bare samples of the release tables: every optional element present (or none), with
    valid values that tell no story, so conditions on optional elements meet both sides."""
    out = []
    for msg_id in JUDGED:
        msg = rel.messages[msg_id]
        for full in (True, False):
            root = etree.fromstring(factories.to_bytes(build(rel, msg, full=full)),
                                    etree.XMLParser(remove_blank_text=True))
            out.append(Case(rel, msg, f"sample{' (full)' if full else ''}", root))
    return out


# Changes the random corpus seldom makes together (two leaves at once), named by hand: each
# (message, [(path below the body, value or None to drop)]), applied to the full sample.
TARGETED = [
    ("301", [("ToegewezenProducten/ToegewezenProduct/RedenWijziging", "13"),
             ("ToegewezenProducten/ToegewezenProduct/Einddatum", "2026-02-01")]),  # CS335
    ("301", [("ToegewezenProducten/ToegewezenProduct/RedenWijziging", "13")]),
    ("301", [("ToegewezenProducten/ToegewezenProduct/RedenWijziging", "13"),
             ("ToegewezenProducten/ToegewezenProduct/Einddatum", None)]),
    ("301", [("Communicatie/Vorm", "2")]),  # CD007: a Taal without Vorm 1
    ("301", [("Communicatie/Vorm", "1"), ("Communicatie/Taal", None)]),
    ("315", [("AangevraagdeProducten/AangevraagdProduct/Verwijzer/Type", "02")]),  # CD066
    ("315", [("AangevraagdeProducten/AangevraagdProduct/Verwijzer/Type", "01")]),
]


def targeted(rel: Release) -> list[Case]:
    out = []
    for msg_id, changes in TARGETED:
        msg = rel.messages[msg_id]
        root = etree.fromstring(factories.to_bytes(build(rel, msg, full=True)),
                                etree.XMLParser(remove_blank_text=True))
        body = root[1]
        for path, value in changes:
            el = body
            for name in path.split("/"):
                el = next(c for c in el if etree.QName(c).localname == name)
            if value is None:
                el.getparent().remove(el)
            else:
                el.text = value
        case = Case(rel, msg, f"targeted {changes}", root)
        if schema_valid(case):
            out.append(case)
    return out


def examples(rel: Release) -> list[Case]:
    out = []
    for path in sorted((ISTANDAARDEN / STANDARD_DIR[rel.name] / "examples").glob("*.xml")):
        root = etree.parse(str(path), etree.XMLParser(remove_blank_text=True)).getroot()
        found = identify(etree.QName(root).namespace)
        if found and found[1].id in JUDGED:
            case = Case(found[0], found[1], f"official example {path.name}", root)
            if schema_valid(case):
                out.append(case)
    return out


def corpus(rel: Release, count: int, seed: int = 0) -> Iterator[Case]:
    """`count` schema-valid cases of one release: the examples and their mutants, factory-built
    messages of every judged message and their mutants (one or two changes each)."""
    rng = random.Random(seed)
    msgs = [rel.messages[i] for i in JUDGED]
    made = 0
    pool = examples(rel)
    for case in pool + targeted(rel):
        yield case
        made += 1
    pool += [c for c in samples(rel) if schema_valid(c)]
    tries = 0
    while made < count and tries < count * 20:
        tries += 1
        if pool and rng.random() < 0.25:
            base = rng.choice(pool)
        else:
            msg = msgs[tries % len(msgs)]
            base = bases(rel, msg, rng.randrange(10 ** 6))
            if tries % 5 == 0 and schema_valid(base):
                yield base
                made += 1
                continue
        root = copy.deepcopy(base.root)
        what = []
        for _ in range(rng.choice([1, 1, 1, 2])):
            w = _mutate(root, rel, base.message, rng)
            if w:
                what.append(w)
        if not what:
            continue
        case = Case(rel, base.message, f"{base.what}: {'; '.join(what)}", root)
        if schema_valid(case):
            yield case
            made += 1


def releases() -> list[Release]:
    return list(all_releases())


def write(case: Case, folder: Path, n: int) -> Path:
    path = folder / f"{n:05d}-{case.message.name}.xml"
    path.write_bytes(factories.to_bytes(case.root))
    return path
