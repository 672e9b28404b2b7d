"""Whether a retour message or 325 that a party sent is the one the standard asks for, given
ketentest's verdict on the heen message it answers.

Two kinds of findings (`Afwijking`), both pure:

- **codes**: per berichtklasse (the Header, each class of the heen message's client tree; in a
  325 a Client by its Bsn and a Prestatie by its ReferentieNummer) the set of retourcodes must
  equal the set in ketentest's own answer (`retour.answer`): a code missing names the rules
  ketentest found broken with it, an extra code the rules that give it. When every rule
  concerned is one whose reading is ketentest's choice (`Rule.keuze`), the finding is
  `keuze`: advisory, a correct system may read the rule otherwise. A code on a 325 that no
  technical rule gives is the gemeente's own reason to reject (IV088) and no finding.
- **composition** (IV028 for a retour message, IV087 for the 325), judged once the codes
  agree: it answers its heen message (a retour copies its header, BerichtIdentificatie
  included; a 325 names the 323 in DeclaratieIdentificatie, with Afzender and Ontvanger
  swapped), holds exactly the classes ketentest's answer holds with the fillers 0200 and 0233
  where they belong, and a 325 states TotaalIngediendBedrag and TotaalToegekendBedrag as
  ketentest's does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..standard.codes import FILLERS, GEEN_OPMERKING, GOEDGEKEURD, TECHNISCHE_FOUT
from . import RULES
from .findings import Verdict
from .message import Message, local
from .retour import answer


@dataclass(frozen=True)
class Afwijking:
    """One way an answer differs from what the standard asks."""

    rule: str  # the rule concerned (TR019), or the composition's instruction (IV028, IV087)
    text: str
    keuze: bool = False  # only ketentest's reading of a rule disagrees: advisory

    def as_dict(self) -> dict:
        return {"rule": self.rule, "text": self.text, "keuze": self.keuze}


def _key(el) -> str:
    """A class's place in an answer: its path, a 325's Client by Bsn and Prestatie by
    ReferentieNummer (a 325 lists only what it rejects, so positions differ)."""
    steps = []
    while el is not None:
        name = local(el)
        if name == "Client" and el.find("{*}Bsn") is not None:
            name += f"[{el.findtext('{*}Bsn')}]"
        elif name == "Prestatie":
            name += f"[{el.findtext('{*}ProductReferentie/{*}ReferentieNummer')}]"
        else:
            parent = el.getparent()
            same = [] if parent is None else [c for c in parent if c.tag == el.tag]
            if len(same) > 1:
                name += f"[{same.index(el) + 1}]"
        steps.append(name)
        el = el.getparent()
    return "/" + "/".join(reversed(steps))


def coded(root) -> dict[str, set[str]]:
    """Every class carrying RetourCodes (the Header too), by `_key`: its set of codes."""
    return {_key(holder.getparent()): {(c.text or "").strip() for c in holder}
            for holder in root.iter("{*}RetourCodes")}


def _shown(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def _gives(code: str, heen: Verdict) -> set[str]:
    """The rules that give `code` on the heen message."""
    return {r.id for r in RULES.values() if r.retourcode == code
            and heen.definition.id in r.messages and heen.rel.name in r.releases}


def _keuze(rules: set[str]) -> bool:
    return bool(rules) and all(any(r.keuze for r in RULES.values() if r.id == rid)
                               for rid in rules)


def _codes(heen: Verdict, want: dict, got: dict, is_325: bool) -> list[Afwijking]:
    out = []
    found_by_code: dict[str, set[str]] = {}
    for f in heen.findings:
        found_by_code.setdefault(f.retourcode, set()).add(f.rule)
    for key in sorted(set(want) | set(got)):
        w = want.get(key, set()) - FILLERS
        g = got.get(key, set()) - FILLERS
        for code in sorted(w - g):
            if code == GOEDGEKEURD:
                continue  # the other differences say why it is not approved in full
            rules = found_by_code.get(code, set())
            out.append(Afwijking(
                "/".join(sorted(rules)) or code,
                f"{_shown(key)} lacks retourcode {code}: ketentest finds "
                f"{', '.join(sorted(rules)) or 'it'} broken there", _keuze(rules)))
        for code in sorted(g - w):
            rules = _gives(code, heen)
            if code == GOEDGEKEURD and not (w - {GOEDGEKEURD}):
                out.append(Afwijking("IV087", f"{_shown(key)} carries {code} (approved in "
                                     "full), but ketentest rejects part of the declaratie"))
                continue
            if is_325 and not rules and code != TECHNISCHE_FOUT:
                continue  # the gemeente's own reason to reject a prestatie (IV088)
            out.append(Afwijking(
                "/".join(sorted(rules)) or code,
                f"{_shown(key)} carries retourcode {code}, which ketentest does not find: "
                + (f"{', '.join(sorted(rules))} holds there in ketentest's verdict" if rules
                   else f"no rule on the {heen.definition.name} gives it"), _keuze(rules)))
    return out


def _text(el) -> str:
    """Its leaves' texts, the layout between them left out."""
    return "" if el is None else " ".join(t.strip() for t in el.itertext() if t.strip())


def _header(heen: Verdict, root, is_325: bool) -> list[Afwijking]:
    """The answer's header against the heen message's (IV028: copied unchanged; IV087: the
    323's BerichtIdentificatie as DeclaratieIdentificatie, the parties swapped)."""
    rule = "IV087" if is_325 else "IV028"
    heen_header, header = heen.root.find("{*}Header"), root.find("{*}Header")
    if header is None:
        return [Afwijking(rule, "the answer has no Header")]
    if is_325:
        pairs = [("DeclaratieIdentificatie", "BerichtIdentificatie"),
                 ("Afzender", "Ontvanger"), ("Ontvanger", "Afzender")]
    else:
        pairs = [(local(c), local(c)) for c in heen_header
                 if isinstance(c.tag, str) and local(c) not in ("BerichtCode", "XsdVersie")]
    out = []
    for mine, theirs in pairs:
        got, want = _text(header.find(f"{{*}}{mine}")), _text(heen_header.find(f"{{*}}{theirs}"))
        if got != want:
            out.append(Afwijking(rule, f"Header/{mine} is {got or '(absent)'}; it must be "
                                 f"{want} ({theirs} of the {heen.definition.name} it answers)"))
    return out


def _leaves(el) -> dict[str, str]:
    """Path (local names, indexed) -> text of every leaf below `el`, RetourCodes left out."""
    out = {}
    for leaf in el.iter():
        if not isinstance(leaf.tag, str) or len(leaf) or any(
                local(a) == "RetourCodes" for a in (leaf, *leaf.iterancestors())):
            continue
        out[_key(leaf).split("/", 2)[-1]] = (leaf.text or "").strip()
    return out


def _copied(heen: Verdict, root) -> list[Afwijking]:
    """IV028: a retour message that holds the client tree holds it unchanged."""
    body = next((c for c in root if isinstance(c.tag, str) and local(c) != "Header"), None)
    if body is None:
        return []
    mine, theirs = _leaves(body), _leaves(heen.view.body)
    differ = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
    if not differ:
        return []
    k = differ[0]
    return [Afwijking("IV028", f"{k} is {mine.get(k, '(absent)')!s}; the classes are copied "
                      f"unchanged from the {heen.definition.name} ({theirs.get(k, '(absent)')})"
                      + (f", and {len(differ) - 1} more" if len(differ) > 1 else ""))]


def _bedrag(root, name: str) -> int | None:
    el = root.find(f"{{*}}DeclaratieAntwoord/{{*}}{name}")
    if el is None:
        return None
    value = int(el.findtext("{*}TotaalBedrag") or 0)
    return -value if el.findtext("{*}DebetCredit") == "C" else value


def compare(heen: Verdict, root, today: date | None = None) -> list[Afwijking]:
    """What is wrong with `root`, an answer to the heen message ketentest judged as `heen`
    (a verdict holding its view, as `judge` gives it)."""
    m = Message.of(root)
    msg = heen.definition
    is_325 = msg.id == "323"
    partner = "325" if is_325 else msg.partner
    if m is None or m.release.name != heen.rel.name or m.id != partner:
        name = m.definition.name if m else local(root)
        return [Afwijking("IV087" if is_325 else "IV028",
                          f"a {name} does not answer a {msg.name}")]
    expected = answer(heen, heen.rel, today or date.today())
    want, got = coded(expected), coded(root)
    out = _header(heen, root, is_325)
    codes = _codes(heen, want, got, is_325)
    if codes:
        return out + codes
    rule = "IV087" if is_325 else "IV028"
    own, around = _own(heen, got) if is_325 else (set(), set())
    for key in sorted(set(want) | set(got)):  # the classes and their fillers
        w, g = want.get(key), got.get(key)
        if g is not None and own:
            g = g - own
            if w == {GOEDGEKEURD}:  # not approved in full: the gemeente rejected some
                w = {GEEN_OPMERKING}
            if w is None and (not g - FILLERS or key in around):
                continue  # listed for the gemeente's own reason only
        if w == g:
            continue
        if g is None:
            out.append(Afwijking(rule, f"the answer lacks {_shown(key)} "
                                 f"(with {', '.join(sorted(w))})"))
        elif w is None:
            out.append(Afwijking(rule, f"the answer holds {_shown(key)} with "
                                 f"{', '.join(sorted(g))}, which it must leave out"))
        else:
            out.append(Afwijking(rule, f"{_shown(key)} carries {', '.join(sorted(g))}; "
                                 f"expected {', '.join(sorted(w))}"))
    if not is_325:
        out += _copied(heen, root)
    if is_325:
        for name in ("TotaalIngediendBedrag", "TotaalToegekendBedrag"):
            w, g = _bedrag(expected, name), _bedrag(root, name)
            if name == "TotaalToegekendBedrag" and own:  # rejected for its own reasons too
                w = _bedrag(root, "TotaalIngediendBedrag") - sum(_bedragen(root))
            if w != g:
                out.append(Afwijking("IV087", f"{name} is {g}; expected {w} (the 323's "
                                     "total less the prestaties the 325 rejects)"))
    return out


def _own(heen: Verdict, got: dict) -> tuple[set[str], set[str]]:
    """The codes of a 325 that no technical rule gives (the gemeente's own reasons to reject:
    ketentest's answer cannot hold them), and the Clients around the prestaties carrying
    them."""
    own, around = set(), set()
    for key, codes in got.items():
        mine = {c for c in codes - FILLERS - {GOEDGEKEURD, TECHNISCHE_FOUT}
                if not _gives(c, heen)}
        if mine:
            own |= mine
            around.add(key.rsplit("/Prestaties/", 1)[0])
    return own, around


def _bedragen(root):
    """The IngediendBedrag of every prestatie a 325 lists (credit negative)."""
    for p in root.iter("{*}Prestatie"):
        el = p.find("{*}IngediendBedrag")
        if el is not None:
            value = int(el.findtext("{*}Bedrag") or 0)
            yield -value if el.findtext("{*}DebetCredit") == "C" else value
