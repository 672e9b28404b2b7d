"""Which message an answer answers, and so which deadline it had (SPEC "Process facts"): the
link the exchange's journal records per answer.

An answer names what it answers:

- a **retour message** (302, 306, 308, 316, 318, 320) copies its heen message's
  BerichtIdentificatie in its header: it answers the heen message of its partner berichtsoort
  with that Identificatie (kind ``retour``, 3 werkdagen from the heen's receipt);
- a **325** names its 323 in DeclaratieIdentificatie (kind ``declaratie``, 10 werkdagen);
- a **301 or 319** answers a VOT (per product) or a VOW through ReferentieAanbieder: a 319's
  Antwoord names it, a 301 carries it on the toewijzingen it grants. Only a verzoek not yet
  answered counts (a 301 repeats every current toewijzing of its client, so an old
  ReferentieAanbieder in it answers nothing). The first answer has kind ``verzoek`` (5
  werkdagen from the verzoek's receipt); after a 319 with VerzoekAntwoord 2 "in onderzoek" the
  next is the final answer, kind ``na_onderzoek`` (8 weeks from the verzoek's Dagtekening).
  A 301 that answers several open verzoeken is judged against the one due first.

Everything here is pure: `keys(message, day)` reads what links a message from its XML, and
`answered(answer, earlier)` finds what it answers among the earlier messages' keys (in order
of receipt) and judges its termijn with ``clock.judge_termijn``.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

from lxml import etree

from .clock import KALENDER, Kalender, Termijn, deadline_kind, judge_termijn
from .standard.codes import IN_ONDERZOEK
from .validation.message import Message, local

VERZOEKEN = ("315", "317")
VERZOEK_ANSWERS = ("301", "319")


@dataclass(frozen=True)
class Keys:
    """What links one message to the message it answers, or to its answers."""

    message: str  # berichtsoort: WMO301, JW325
    day: date  # the date it was received (the session's date on the exchange)
    identificatie: str  # its BerichtIdentificatie/Identificatie (a retour: its heen's)
    dagtekening: date
    noemt: str | None = None  # a retour or 325: the Identificatie of the message it answers
    referenties: tuple[str, ...] = ()  # ReferentieAanbieder of a verzoek, 301 or 319
    in_onderzoek: bool = False  # a 319 with VerzoekAntwoord 2
    ref: str = ""  # the caller's id of the message (e.g. its journal id); not in the JSON

    @property
    def id(self) -> str:
        return self.message[-3:]

    @property
    def standard(self) -> str:
        return self.message[:-3]  # WMO | JW

    def to_json(self) -> str:
        # field by field, not dataclasses.asdict (which deep-copies): once per journal entry
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "ref"}
        d["referenties"] = list(self.referenties)
        return json.dumps(d, default=date.isoformat)

    @classmethod
    def from_json(cls, text: str, ref: str = "") -> "Keys":
        d = json.loads(text)
        return cls(**{**d, "day": date.fromisoformat(d["day"]),
                      "dagtekening": date.fromisoformat(d["dagtekening"]),
                      "referenties": tuple(d["referenties"]), "ref": ref})


def keys(message: Message | etree._Element, day: date, ref: str = "") -> Keys | None:
    """The keys of a schema-valid message (its view, or its root) received on `day`; None if
    it is no iWmo/iJw message."""
    m = message if isinstance(message, Message) else Message.of(message)
    if m is None:
        return None
    msg, header = m.definition, m.header_fields()
    noemt = None
    if msg.kind == "retour":
        noemt = header["Identificatie"]
    elif msg.id == "325":
        noemt = m.text(m.header, "DeclaratieIdentificatie/Identificatie")
    referenties: list[str] = []
    if msg.id in VERZOEKEN + VERZOEK_ANSWERS:  # the only messages that carry it
        referenties = [(el.text or "").strip() for el in m.root.iter(etree.Element)
                       if local(el) == "ReferentieAanbieder"]
    onderzoek = msg.id == "319" and m.text(m.body, "VerzoekAntwoord") == IN_ONDERZOEK
    return Keys(msg.name, day, header["Identificatie"],
                date.fromisoformat(header["Dagtekening"]), noemt,
                tuple(dict.fromkeys(referenties)), onderzoek, ref)


def wanted(answer: Keys) -> tuple[tuple[str, ...], str | None] | None:
    """Which earlier messages `answered` needs to see: their berichtsoorten and, when the
    answer names one, the Identificatie they carry. None when the message answers nothing
    (so a store need not look)."""
    std = answer.standard
    if answer.noemt is not None:  # a retour or a 325: its heen carries the Identificatie
        heen = "323" if answer.id == "325" else f"{int(answer.id) - 1}"
        return (f"{std}{heen}",), answer.noemt
    if answer.id in VERZOEK_ANSWERS:  # the verzoeken, and the answers they already had
        return tuple(f"{std}{m}" for m in VERZOEKEN + VERZOEK_ANSWERS), None
    return None


@dataclass(frozen=True)
class Answered:
    """An answer linked to the message it answers, judged against its deadline."""

    heen: Keys
    termijn: Termijn

    def as_dict(self, kalender: Kalender = KALENDER) -> dict:
        t = self.termijn
        late = 0 if t.on_time else kalender.werkdagen_between(t.due, t.sent)
        return {"answers": self.heen.ref, "kind": t.kind, "received": t.received.isoformat(),
                "due": t.due.isoformat(), "sent": t.sent.isoformat(), "on_time": t.on_time,
                "werkdagen_late": late}


def _open_verzoeken(answer: Keys, earlier: Iterable[Keys]) -> dict[str, tuple[Keys, bool]]:
    """ReferentieAanbieder -> (its verzoek, whether it is in onderzoek), for the verzoeken of
    the answer's standard not finally answered before it."""
    open_: dict[str, tuple[Keys, bool]] = {}
    for k in earlier:
        if k.standard != answer.standard:
            continue
        if k.id in VERZOEKEN:
            open_.update((r, (k, False)) for r in k.referenties)
        elif k.id in VERZOEK_ANSWERS:
            for r in k.referenties:
                if r in open_ and k.in_onderzoek:
                    open_[r] = (open_[r][0], True)
                elif r in open_:
                    del open_[r]
    return open_


def answered(answer: Keys, earlier: Iterable[Keys],
             kalender: Kalender = KALENDER) -> Answered | None:
    """What `answer` answers among `earlier` (the messages received before it, in order) and
    its termijn; None when it answers none of them (e.g. a gemeente's own 301)."""
    earlier = list(earlier)
    if answer.noemt is not None:
        heen = [k for k in earlier if k.identificatie == answer.noemt
                and deadline_kind(answer.id, k.id) is not None
                and k.standard == answer.standard]
        if not heen:
            return None
        h = heen[-1]
        kind = deadline_kind(answer.id, h.id)
        return Answered(h, judge_termijn(kind, h.day, answer.day, kalender))
    if answer.id not in VERZOEK_ANSWERS:
        return None
    open_ = _open_verzoeken(answer, earlier)
    found = []
    for r in answer.referenties:
        if r in open_:
            verzoek, onderzoek = open_[r]
            kind = deadline_kind(answer.id, verzoek.id, after_onderzoek=onderzoek)
            received = verzoek.dagtekening if onderzoek else verzoek.day
            found.append(Answered(verzoek, judge_termijn(kind, received, answer.day, kalender)))
    return min(found, key=lambda a: a.termijn.due) if found else None

