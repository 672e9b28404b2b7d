"""Whether an answer (a retour message or a 325) is the one a breaker's message must get: the
codes of the rules broken and nothing else, the rule's code on its berichtklasse, 0200 on
every other class and 0233 on a class below a rejected one (a 325 lists only what it
rejects, so there the fillers are not checked)."""
from __future__ import annotations

from lxml import etree

from ..standard.codes import FILLERS, GEEN_OPMERKING, NIET_BEOORDEELD
from ..validation import RULES
from .catalogue import Expected


def _local(el) -> str:
    return etree.QName(el).localname


def coded(root) -> list[tuple[etree._Element, list[str]]]:
    """(element, its RetourCodes) for the header and every berichtklasse carrying codes."""
    return [(holder.getparent(), [(c.text or "").strip() for c in holder])
            for holder in root.iter("{*}RetourCodes")]


def answer_fault(root, expected: Expected, rc: str, klasse: str) -> str | None:
    """What is wrong with the answer `root` to a breaker's message, or None. `rc` and
    `klasse` are the code and berichtklasse (its element name) the scenario names."""
    name = etree.QName(root).namespace.rsplit("/", 2)[-2]  # .../wmo306/schema
    want = {RULES[r].retourcode for r in (expected.rule, *expected.also)} - {None}
    found = coded(root)
    carried = {c for _, codes in found for c in codes if c not in FILLERS}
    if carried != want:
        return (f"the {name.upper()} carries {', '.join(sorted(carried)) or 'no code'}; "
                f"expected exactly {', '.join(sorted(want))}")
    on = {_local(el) for el, codes in found if rc in codes}
    if klasse not in on and f"{klasse}Antwoord" not in on:
        return (f"the {name.upper()} carries {rc} on {', '.join(sorted(on)) or 'no class'}; "
                f"expected it on {klasse}")
    if name.endswith("325"):
        return None  # a 325 lists only what it rejects: no 0200/0233 to check
    rejecting = {el for el, codes in found if set(codes) - FILLERS}
    for el, codes in found:
        if el in rejecting:
            continue
        below = any(a in rejecting for a in el.iterancestors())
        fill = NIET_BEOORDEELD if below else GEEN_OPMERKING
        if codes != [fill]:
            return (f"the {name.upper()} carries {', '.join(codes)} on {_local(el)}; expected "
                    f"{fill} ({'below' if below else 'beside'} the rejected class)")
    return None
