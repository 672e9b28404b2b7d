"""The certification suites: per receiving role, a Dutch feature per message it receives, with
an Abstract Scenario whose Voorbeelden name every rule of the catalogue of rule breakers
(`harness.breakers`) on that message. Generated, and kept in `ketentest/features/
certificering-gemeente/` and `certificering-aanbieder/`; a test keeps them equal to what this
module writes.

    python -m ketentest.certificering          # rewrite the suites from the catalogue
"""
from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from harness.breakers import BREAKERS, catalogue, receives
from harness.standard import registry
from harness.standard.codes import ROLES
from harness.validation import RULES

FEATURES = Path(__file__).parent / "features"

# Rules a breaker breaks but the exchange never lets the receiver judge: it refuses the
# message first (the refusal is the exchange's, tested with the exchange).
NOT_OVER_THE_EXCHANGE = {
    "TR056": "de uitwisseling weigert een bericht met een BerichtIdentificatie die de afzender "
             "al gebruikte (BRS20) voordat de ontvanger het ziet",
    "TR378": "de uitwisseling routeert op de gemeentecode in de header: een code buiten de "
             "CBS-lijst is geen partij van de sessie en wordt geweigerd (IB213/IB210, "
             "BRS02/BRS33) voordat de ontvanger het ziet",
}
# Rule cases a system under test cannot play (with both parties simulated they run): its own
# earlier messages come from its triggers, and a case whose chain needs what no action asks
# for is named here with the reason, keyed by (rule, message); the receiver is the role
# concerned. None at present: every case of the shipped suites plays.
NOT_PLAYABLE: dict[tuple[str, str], str] = {}
NO_RETOUR = {"325": "een 325 heeft geen retourbericht: wat de aanbieder ervan vindt, ziet de "
                    "harness niet"}
WHAT = {"301": "toewijzing", "305": "start levering", "307": "stop levering",
        "315": "verzoek om toewijzing", "317": "verzoek om wijziging", "319": "antwoordbericht",
        "323": "declaratie"}


def klasse_name(path: str) -> str:
    """The berichtklasse as the Voorbeelden name it: its element name ('Header')."""
    return path.rsplit("/", 1)[-1]


def rows(role: str, message: str) -> list[dict]:
    """The Voorbeelden of a message the role receives: one per rule with a breaker on it in
    any release (with the releases it belongs to), less those the exchange refuses first."""
    found: dict[str, dict] = {}
    for e in catalogue():
        if e.message != message or not e.has_breaker or e.rule in NOT_OVER_THE_EXCHANGE:
            continue
        b = BREAKERS[e.rule, message]
        row = found.setdefault(e.rule, {  # a finding names TR319/xslt as TR319
            "regel": RULES[e.rule].id, "retourcode": RULES[e.rule].retourcode,
            "berichtklasse": klasse_name(b.klasse_for(message)), "releases": [],
            "keuze": RULES[e.rule].keuze is not None})
        row["releases"].append(e.release)
    return [found[r] for r in sorted(found)]


def not_exercised(message: str) -> list[tuple[str, str]]:
    """(rule, why) for the rules on `message` no scenario of the suite sends; the rule with
    its retourcode where it is registered at two levels (TR319 in the chain, 9319)."""
    out = {}
    for e in catalogue():
        if e.message != message:
            continue
        r = RULES[e.rule]
        name = r.id if sum(x.id == r.id for x in RULES.values()) == 1 else \
            f"{r.id} ({r.retourcode})"
        if not e.has_breaker:
            out[name] = e.reason
        elif e.rule in NOT_OVER_THE_EXCHANGE:
            out[name] = NOT_OVER_THE_EXCHANGE[e.rule]
    return sorted(out.items())


@dataclass(frozen=True)
class Requirement:
    """A rule `role` must enforce in a release: the messages it judges there that the role
    receives, its retourcode(s), whether the role's suite has a case for it, and else why not."""

    rule: str  # the id a finding and a tag name it by (TR319, for TR319 and TR319/xslt)
    messages: tuple[str, ...]
    retourcodes: tuple[str, ...]
    in_suite: bool
    reason: str | None = None
    unplayable: str | None = None  # why a system under test cannot play any of its cases


def must_enforce(rel, role: str) -> list[Requirement]:
    """Every rule `role` must enforce in `rel`: the rules of the catalogue on the heen messages
    it receives, one per rule id, by id. The certificate's traceability counts these."""
    found: dict[str, dict] = {}
    for message in receives(rel, role):
        suite = {row["regel"] for row in rows(role, message)} if message not in NO_RETOUR \
            else set()
        why = dict(not_exercised(message))
        for e in catalogue(rel):
            if e.message != message:
                continue
            r = RULES[e.rule]
            f = found.setdefault(r.id, {"messages": set(), "codes": set(), "suite": False,
                                        "reasons": {}})
            f["messages"].add(message)
            if r.retourcode:
                f["codes"].add(r.retourcode)
            if r.id in suite:
                f["suite"] = True
                f.setdefault("cases", set()).add(message)
            else:
                reason = NO_RETOUR.get(message) or why.get(r.id) or \
                    why.get(f"{r.id} ({r.retourcode})") or e.reason
                if reason:
                    f["reasons"].setdefault(reason, []).append(message)
    out = []
    for rule, f in sorted(found.items()):
        cases = f.get("cases", set())
        unplayable = [f"{m}: {NOT_PLAYABLE[rule, m]}" for m in sorted(cases)
                      if (rule, m) in NOT_PLAYABLE]
        out.append(Requirement(
            rule, tuple(sorted(f["messages"])), tuple(sorted(f["codes"])), f["suite"],
            None if f["suite"] else "; ".join(f"{', '.join(sorted(set(ms)))}: {why}"
                                              for why, ms in f["reasons"].items()) or None,
            "; ".join(unplayable) if cases and len(unplayable) == len(cases) else None))
    return out


def feature(role: str, message: str) -> str:
    """The feature text of `message`, received by `role`, sent by the other party."""
    sender = next(r for r in ROLES if r != role)
    retour = registry.release(registry.DEFAULT).message(message).partner[-3:]
    lines = [
        "# language: nl",
        "# Gegenereerd uit de catalogus van regelbrekers (harness/breakers): niet met de hand",
        "# wijzigen, maar `python -m ketentest.certificering` draaien.",
        f"@certificering @certificering-{role} @{message}-{retour} @fout-{sender}",
        f"Functionaliteit: Certificering van de {role}: elke regel op de {message} "
        f"{WHAT[message]}",
        f"  De harness speelt de {sender} en stuurt een {message} die precies één regel breekt,",
        "  na de berichten die daarvoor in de keten nodig zijn. De "
        f"{role} antwoordt met een {retour}",
        "  met precies die retourcode op de genoemde berichtklasse: 0200 op de andere klassen en",
        "  0233 onder een afgewezen klasse; breekt het bericht een regel uit het bericht zelf,",
        "  dan alleen de header met 0001.",
    ]
    missing = not_exercised(message)
    if missing:
        lines += ["", "  Niet getoetst:"]
        for rule, why in missing:
            lines += textwrap.wrap(f"{rule}: {why}", 96, initial_indent="  - ",
                                   subsequent_indent="    ")
    unplayable = sorted((r, why) for (r, m), why in NOT_PLAYABLE.items() if m == message)
    if unplayable:
        lines += ["", f"  Niet te spelen naast een {role} onder test (met --sut none wel):"]
        for rule, why in unplayable:
            lines += textwrap.wrap(f"{rule}: {why}", 96, initial_indent="  - ",
                                   subsequent_indent="    ")
    lines += [
        "",
        f"  Abstract Scenario: De {role} wijst een {message} af die regel <regel> breekt",
        f'    Gegeven een keten voor regel "<regel>" op de {message}',
        f'    Als de {sender} een {message} stuurt die regel "<regel>" breekt',
        f'    Dan ontvangt de {sender} een {retour} met retourcode "<retourcode>" op '
        '"<berichtklasse>"',
    ]
    for row in rows(role, message):
        tags = [f"@{row['regel']}", f"@{row['retourcode']}"]
        if len(row["releases"]) < len(registry.names()):
            tags += [f"@{r}" for r in row["releases"]]
        if row["keuze"]:  # ketentest's reading: advisory unless --strict
            tags.append("@keuze")
        lines += ["", f"    {' '.join(tags)}", "    Voorbeelden:",
                  "      | regel | retourcode | berichtklasse |",
                  f"      | {row['regel']:<5} | {row['retourcode']:<10} | "
                  f"{row['berichtklasse']:<13} |"]
    return "\n".join(lines) + "\n"


def suites() -> dict[Path, str]:
    """Every feature file of the suites, by its path below `features/`."""
    out = {}
    for role in ROLES:
        for message in receives(registry.DEFAULT, role):
            if message not in NO_RETOUR:
                out[Path(f"certificering-{role}") / f"{message}.feature"] = feature(role, message)
    return out


def write(folder: Path = FEATURES) -> list[Path]:
    written = []
    for path, text in suites().items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
        written.append(folder / path)
    return written


if __name__ == "__main__":
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else FEATURES):
        print(p)
