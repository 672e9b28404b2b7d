"""The releases ketentest knows: the only list of them. A later release is a folder of tables
under `data/` plus one entry in RELEASES (and DEFAULT when it becomes the one used when none is
named); rules say to which releases they belong with `@rule(..., releases=...)`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .catalogue import load_release
from .model import MessageDef, Release


@dataclass(frozen=True)
class ReleaseSpec:
    name: str
    standard: str
    version: str
    prefix: str
    data_dir: str  # folder under harness/standard/data holding types.yaml + messages.yaml
    xsd_version: str


RELEASES = {
    s.name: s for s in (
        ReleaseSpec("iwmo-3.2", "iwmo", "3.2", "WMO", "r3_2", "1.0.0"),
        ReleaseSpec("ijw-3.2", "ijw", "3.2", "JW", "r3_2", "1.0.0"),
    )
}

DEFAULT = "iwmo-3.2"  # the release of a session, run or example when none is named

_NAMESPACE = re.compile(r"^http://www\.istandaarden\.nl/(?P<std>[a-z]+)/(?P<ver>\d+_\d+)/")


@lru_cache(maxsize=None)
def release(name: str) -> Release:
    try:
        s = RELEASES[name]
    except KeyError:
        raise KeyError(f"unknown release {name!r}; known: {', '.join(RELEASES)}") from None
    return load_release(s.name, s.standard, s.version, s.prefix, s.data_dir, s.xsd_version)


def all_releases() -> list[Release]:
    return [release(n) for n in RELEASES]


def names(standard: str | None = None) -> tuple[str, ...]:
    """The names of the known releases (of one standard: 'iwmo' or 'ijw')."""
    return tuple(n for n, s in RELEASES.items() if standard in (None, s.standard))


def versions() -> list[str]:
    """The release versions as a regio profile names them ('3.2'), oldest first."""
    return sorted({s.version for s in RELEASES.values()},
                  key=lambda v: tuple(int(p) for p in v.split(".")))


def namespace_pattern() -> str:
    """The root namespaces of the known messages, for a person to read."""
    standards = "|".join(dict.fromkeys(s.standard for s in RELEASES.values()))
    vers = "|".join(v.replace(".", "_") for v in versions())
    prefixes = "|".join(dict.fromkeys(f"{s.prefix.lower()}NNN" for s in RELEASES.values()))
    return f"http://www.istandaarden.nl/{{{standards}}}/{{{vers}}}/{{{prefixes}}}/schema"


def find_release(standard: str, version: str) -> Release:
    """The release of `standard` ('iwmo', 'ijw') with `version`."""
    for s in RELEASES.values():
        if s.standard == standard and s.version == version:
            return release(s.name)
    raise KeyError(f"no release {version} of {standard}; known: {', '.join(RELEASES)}")


def identify(namespace: str | None) -> tuple[Release, MessageDef] | None:
    """The release and message a root element's namespace names, or None."""
    m = _NAMESPACE.match(namespace or "")
    if not m:
        return None
    name = f"{m['std']}-{m['ver'].replace('_', '.')}"
    if name not in RELEASES:
        return None
    rel = release(name)
    msg = rel.by_namespace.get(namespace)
    return (rel, msg) if msg else None


def find_message(name: str) -> tuple[Release, MessageDef]:
    """A message by name across releases: 'WMO301', 'JW325', or 'iwmo-3.2:301'."""
    if ":" in name:
        rel_name, _, key = name.partition(":")
        rel = release(rel_name)
        return rel, rel.message(key)
    for rel in all_releases():
        if name.upper() in rel.by_name:
            return rel, rel.by_name[name.upper()]
    raise KeyError(f"no release has a message {name!r}")
