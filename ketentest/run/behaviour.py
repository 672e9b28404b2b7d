"""How the system under test behaves over a whole scenario, beyond the rules of each message:
judged from the session's journal at the end of every scenario with a real system (and, for a
message it sends, as it sends it). Each check returns findings, one sentence each, naming the
message (its berichtsoort, BerichtIdentificatie and permalink) and what the system did:

- **fetched**: every message delivered to the system is fetched and acknowledged (bezorgd)
  within 3 werkdagen of its receipt (the shortest termijn: the retour message it may owe);
- **on time**: every answer it sent was within its termijn (the journal's link), and every
  retour message or 325 it owes and has not sent is late once its termijn passed;
- **answers something**: a retour message it sends answers a heen message of the session
  (copies its BerichtIdentificatie), a 325 names a 323 it received;
- **a refused VOW changes nothing**: after a 319 refusing its VOW (VerzoekAntwoord 1), a
  message of the aanbieder for that client that breaks the rules acts on the refused VOW;
- **what it rejected does not exist for it**: a later message naming a toewijzing the
  aanbieder rejected in its 302 (a code on its class, above it or on the header) and never
  accepted, or a 301 honouring a verzoek the gemeente rejected in its 316 or 318, breaks a
  rule (the chain holds no rejected class): the finding says it acts on what it rejected;
- **one toewijzing per VOT product**: a gemeente honours a VOT product (its
  ReferentieAanbieder) with one toewijzing; a second ToewijzingNummer for it is a finding;
- **a rejected line is corrected**: a prestatie a 325 rejected is not declared again unchanged
  (same toewijzing, product, period, volume, unit and tariff).

The session's date at a moment (when a message was acknowledged) is read from the Keten's
record of when it moved its clock; the exchange stamps the moment (its own clock).
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timezone

from lxml import etree

from harness.standard import registry
from harness.standard.codes import AFGEWEZEN, FILLERS

from .review import PARSER

# while the harness waits on the system under test, the session's clock moves one werkdag
# per this many seconds unless --werkdag says otherwise: a system answering within 30 s is
# never late on a 3-werkdagen termijn, one keeping the harness waiting 40 s or more is
DEFAULT_WERKDAG = 10.0
ACK_WERKDAGEN = 3  # a delivered message is fetched within the retour termijn
_MESSAGES = registry.release(registry.DEFAULT).messages  # the same codes in every release
RETOUR = frozenset(m for m, d in _MESSAGES.items() if d.kind == "retour")
OWES_RETOUR = frozenset(f"{int(m) - 1}" for m in RETOUR)  # the heen message each answers
VOW_ACTS = frozenset({"305", "307", "317", "323"})  # what an aanbieder does on a toewijzing
# the rules a message breaks when it goes beyond the toewijzingen the client has: no such
# toewijzing (TR019, TR338, TR350, TR351), another product (TR339, TR340), outside its dates
# (TR307, TR308), more than its volume or budget (TR321, TR322, TR369)
BEYOND = frozenset({"TR019", "TR338", "TR350", "TR351", "TR339", "TR340", "TR307", "TR308",
                    "TR321", "TR322", "TR369"})


def pace(werkdag: float | None, interactive: bool) -> float | None:
    """Seconds of waiting on the system under test per werkdag: --werkdag S (0: the clock
    stands still), else the default; a person at the terminal (interactive) is not paced."""
    if werkdag is not None:
        return werkdag or None
    return None if interactive else DEFAULT_WERKDAG


class DayLog:
    """When the session's date moved (the moment, in UTC, and the new date)."""

    def __init__(self, start: date):
        self.moments: list[datetime] = [datetime.min.replace(tzinfo=timezone.utc)]
        self.days: list[date] = [start]

    def moved(self, day: date, at: datetime | None = None) -> None:
        self.moments.append(at or datetime.now(timezone.utc))
        self.days.append(day)

    def day_at(self, moment: datetime) -> date:
        return self.days[bisect_right(self.moments, moment) - 1]


def _name(e) -> str:
    return f"{e.name} {e.entry.get('identificatie')} ({e.permalink})"


def _delivered(e) -> bool:
    return e.entry["status"] not in ("afgekeurd", "ontvangen")


# ---------------------------------------------------------------- fetched and acknowledged
def waiting_to_be_fetched(keten, entries) -> list:
    return [e for e in entries if e.receiver == keten.sut and e.entry["status"] == "aangeboden"]


def unfetched(keten, entries) -> list[str]:
    """Delivered to the system and not acknowledged, or acknowledged too late."""
    found = []
    kalender = keten.profile.kalender
    for e in entries:
        if e.receiver != keten.sut or not _delivered(e) or not e.entry.get("day"):
            continue
        received = date.fromisoformat(e.entry["day"])
        due = kalender.add_werkdagen(received, ACK_WERKDAGEN)
        if e.entry["status"] != "bezorgd":
            found.append(f"the {keten.sut} (system under test) never fetched and acknowledged "
                         f"the {_name(e)} delivered to it on {received} (still "
                         f"{e.entry['status']}; due by {due})")
            continue
        at = e.entry.get("delivered_at")
        if at and keten.days is not None:
            acked = keten.days.day_at(datetime.fromisoformat(at))
            if acked > due:
                found.append(f"the {keten.sut} (system under test) acknowledged the {_name(e)} "
                             f"on {acked}, {kalender.werkdagen_between(due, acked)} werkdagen "
                             f"after it was due ({due}; delivered {received})")
    return found


# ---------------------------------------------------------------- answers and their termijn
def owed(keten, entries) -> list:
    """Messages delivered to the system that still wait for its retour message or 325."""
    answered = {(e.entry.get("termijn") or {}).get("answers") for e in entries
                if e.sender == keten.sut and (e.code in RETOUR or e.code == "325")}
    return [e for e in entries if e.receiver == keten.sut and _delivered(e)
            and (e.code in OWES_RETOUR or e.code == "323") and e.id not in answered]


def late(keten, entries) -> list[str]:
    found = []
    kalender = keten.profile.kalender
    for e in entries:
        t = e.entry.get("termijn") or {}
        if e.sender == keten.sut and t.get("on_time") is False:
            found.append(f"the {keten.sut} (system under test) sent the {_name(e)} on "
                         f"{t['sent']}, {t.get('werkdagen_late')} werkdagen late ({t['kind']} "
                         f"termijn: received {t['received']}, due {t['due']})")
    for e in owed(keten, entries):
        kind = "declaratie" if e.code == "323" else "retour"
        due = kalender.deadline(kind, date.fromisoformat(e.entry["day"]))
        if keten.today > due:
            answer = "325" if e.code == "323" else f"{int(e.code) + 1}"
            found.append(f"the {keten.sut} (system under test) never answered the {_name(e)} "
                         f"with a {answer}: due {due}, today {keten.today}")
    return found


def orphans(keten, entries) -> list[str]:
    """Retour messages and 325s of the system that answer nothing in the session."""
    found = []
    for e in entries:
        if e.sender != keten.sut or e.refused or e.entry.get("termijn"):
            continue
        if e.code in RETOUR:
            heen = f"{int(e.code) - 1}"
            found.append(f"the {keten.sut} (system under test) sent the {_name(e)}, which "
                         f"answers no {heen} of the session: no {heen} delivered to it carries "
                         f"the BerichtIdentificatie it names")
        elif e.code == "325":
            found.append(f"the {keten.sut} (system under test) sent the {_name(e)}, which names "
                         f"no declaratie of the session: no 323 delivered to it carries its "
                         f"DeclaratieIdentificatie")
    return found


# ---------------------------------------------------------------- acting on what was decided
def refused_vows(keten, entries, before=None) -> dict[str, str]:
    """BSN -> the ReferentieAanbieder of an aanbieder's VOW refused in a 319 (the 319
    delivered before `before`, an entry of the journal)."""
    vows = {}
    refused = {}
    for e in entries:
        if before is not None and e.entry["seq"] >= before.entry["seq"]:
            break
        if e.refused or e.code not in ("317", "319"):
            continue
        if e.code == "317":
            client = e.data.get("Client") or {}
            vows[(client.get("Verzoek") or {}).get("ReferentieAanbieder")] = client.get("Bsn")
        else:
            a = e.data.get("Antwoord") or {}
            ref = a.get("ReferentieAanbieder")
            if ref in vows and a.get("VerzoekAntwoord") == AFGEWEZEN:
                refused[vows[ref]] = ref
    return refused


def acting_on_refused_vow(keten, sent, entries) -> str | None:
    """What a faulty message of the aanbieder under test did, when it concerns a client whose
    VOW was refused and breaks a rule of going beyond the client's toewijzingen (BEYOND): it
    acts on the refused VOW (a start, stop, verzoek or declaratie beyond the old toewijzing)."""
    if keten.sut != "aanbieder" or sent.code not in VOW_ACTS:
        return None
    if not {f["rule"] for f in (sent.verdict or {}).get("findings", [])} & BEYOND:
        return None  # a fault of its own, not the refused VOW's
    refused = refused_vows(keten, entries, before=sent)
    if not refused:
        return None
    named = _bsns(sent.data)
    hit = [(bsn, ref) for bsn, ref in refused.items() if bsn in named]
    if not hit:
        return None
    bsn, ref = hit[0]
    return (f"it acts on the VOW {ref} the gemeente refused (319 VerzoekAntwoord 1): after the "
            f"refusal the toewijzingen of client {bsn} stay as they were")


def _bsns(data: dict) -> set[str]:
    """The clients a 305, 307, 317 or 323 is about."""
    if "Client" in data:
        return {data["Client"].get("Bsn")}
    clients = ((data.get("Declaratie") or {}).get("Clienten") or {}).get("Client", [])
    return {c.get("Bsn") for c in clients}


# per retour message the system may send: the element naming what a class of it judged, and
# the system's later messages that would act on it
REJECTED_BY = {"302": ("ToewijzingNummer", frozenset({"305", "307", "317", "323"})),
               "316": ("ReferentieAanbieder", frozenset({"301"})),
               "318": ("ReferentieAanbieder", frozenset({"301"}))}


def _judged(root, name: str) -> tuple[set[str], set[str]]:
    """(rejected, accepted): the values of element `name` in a retour message, rejected when
    the header, the class holding it or one above that carries a code other than 0200/0233."""
    def codes(el) -> set[str]:
        holder = el.find("{*}RetourCodes")
        return set() if holder is None else {(c.text or "").strip() for c in holder} - FILLERS
    whole = bool(codes(root.find("{*}Header")))
    rejected, accepted = set(), set()
    for el in root.iter(f"{{*}}{name}"):
        klasse = el.getparent()
        hit = whole or any(codes(k) for k in (klasse, *klasse.iterancestors()))
        (rejected if hit else accepted).add(el.text)
    return rejected, accepted


def acting_on_rejected(keten, sent, entries) -> str | None:
    """What a faulty message of the system under test did, when it names a toewijzing
    (aanbieder) or verzoek (gemeente) its own retour message rejected before and none accepted:
    it acts on what it rejected (in the chain that does not exist, so a rule breaks)."""
    acts = {retour: name for retour, (name, codes) in REJECTED_BY.items() if sent.code in codes}
    if not acts:
        return None
    session = sent.entry.get("session")  # a regio: numbers are per gemeente's chain
    rejected, accepted = {}, set()
    for e in entries:
        if e.entry["seq"] >= sent.entry["seq"]:
            break
        if e.sender == keten.sut and not e.refused and e.code in acts \
                and e.entry.get("session") == session:
            no, yes = _judged(etree.fromstring(keten.client.xml(e.id), PARSER), acts[e.code])
            rejected.update({(acts[e.code], v): e for v in no})
            accepted.update((acts[e.code], v) for v in yes)
    root = etree.fromstring(keten.client.xml(sent.id), PARSER)
    for name in set(acts.values()):
        for el in root.iter(f"{{*}}{name}"):
            key = (name, el.text)
            if key in rejected and key not in accepted:
                return (f"it acts on {name} {el.text}, which it rejected in its "
                        f"{_name(rejected[key])}: what it rejected does not exist for it")
    return None


def acting_findings(keten, entries) -> list[str]:
    """The faulty messages of the system under test that act on a refused VOW or on what it
    rejected itself, each with what it did and the rule it broke by it."""
    found = []
    for e in entries:
        if e.sender == keten.sut and e.fault():
            why = acting_on_refused_vow(keten, e, entries) or \
                acting_on_rejected(keten, e, entries)
            if why:
                found.append(f"the {keten.sut} (system under test) sent the {_name(e)}: {why}; "
                             f"{e.fault()}")
    return found


def second_toewijzing(keten, entries) -> list[str]:
    """A gemeente under test honouring one VOT product with more than one toewijzing."""
    if keten.sut != "gemeente":
        return []
    vot_refs = set()
    for e in entries:
        if e.code == "315" and e.receiver == keten.sut and not e.refused:
            for p in e.data["Client"]["AangevraagdeProducten"]["AangevraagdProduct"]:
                vot_refs.add(p["ReferentieAanbieder"])
    if not vot_refs:
        return []
    nummers: dict[str, dict[int, object]] = {}
    for e in entries:
        if e.code == "301" and e.sender == keten.sut and not e.refused:
            for t in e.data["Client"]["ToegewezenProducten"]["ToegewezenProduct"]:
                ref = t.get("ReferentieAanbieder")
                if ref in vot_refs:
                    nummers.setdefault(ref, {}).setdefault(t["ToewijzingNummer"], e)
    found = []
    for ref, by_nummer in nummers.items():
        if len(by_nummer) > 1:
            first, *more = by_nummer.items()
            found.append(f"the gemeente (system under test) honoured the VOT product {ref} "
                         f"with {len(by_nummer)} toewijzingen: ToewijzingNummer {first[0]} in "
                         f"the {_name(first[1])}, then "
                         + ", ".join(f"{n} in the {_name(e)}" for n, e in more)
                         + "; a product asked for is answered once")
    return found


def _line(p: dict) -> tuple:
    """What makes a declared line the same line: toewijzing, product, period, volume, unit,
    tariff (not its ReferentieNummer)."""
    periode = p.get("ProductPeriode") or {}
    return (p.get("ToewijzingNummer"), p.get("ProductCode"), periode.get("Begindatum"),
            periode.get("Einddatum"), p.get("GeleverdVolume"), p.get("Eenheid"),
            p.get("ProductTarief"))


def _prestaties(data: dict) -> list[dict]:
    clients = ((data.get("Declaratie") or {}).get("Clienten") or {}).get("Client", [])
    return [p for c in clients for p in c["Prestaties"]["Prestatie"]]


def redeclared(keten, entries, only=None) -> list[str]:
    """An aanbieder under test declaring a line a 325 rejected again unchanged (in `only`,
    an entry of the journal, if given)."""
    if keten.sut != "aanbieder":
        return []
    from .keten import rejected_prestaties
    declared: dict[str, dict] = {}  # ReferentieNummer -> prestatie of the system's 323s
    rejected: dict[tuple, tuple] = {}  # the line -> (its ReferentieNummer, codes, the 325)
    found = []
    for e in entries:
        if e.refused:
            continue
        if e.code == "323" and e.sender == keten.sut:
            for p in _prestaties(e.data):
                if (p.get("IngediendBedrag") or {}).get("DebetCredit") == "C":
                    continue
                hit = rejected.get(_line(p))
                if hit and (only is None or only.id == e.id):
                    ref, codes, answer = hit
                    found.append(
                        f"the aanbieder (system under test) declared the line {ref} again "
                        f"unchanged in the {_name(e)}, after the {_name(answer)} rejected it "
                        f"with {', '.join(codes)} (toewijzing {p.get('ToewijzingNummer')}, product "
                        f"{p.get('ProductCode')}, volume {p.get('GeleverdVolume')}, tariff "
                        f"{p.get('ProductTarief')}); a rejected line is corrected first")
                declared[p["ProductReferentie"]["ReferentieNummer"]] = p
        elif e.code == "325" and e.receiver == keten.sut:
            for p in rejected_prestaties(e.data):
                ref = p["ProductReferentie"]["ReferentieNummer"]
                if ref in declared:
                    codes = (p.get("RetourCodes") or {}).get("RetourCode", [])
                    rejected[_line(declared[ref])] = (ref, codes, e)
    return found


def on_sent(keten, sent) -> list[str]:
    """What a message of the system under test does wrong as it is sent, beyond its rules."""
    return redeclared(keten, keten.exchanged, only=sent)


# what the system did (checked first by Keten.final_check, before the rules its messages
# broke by it), then how it kept the exchange's rhythm and answered
DECISIONS = (acting_findings, second_toewijzing)
CHECKS = (unfetched, late, orphans, redeclared)


def decisions(keten, entries) -> list[str]:
    return [f for check in DECISIONS for f in check(keten, entries)]


def findings(keten, entries) -> list[str]:
    return [f for check in CHECKS for f in check(keten, entries)]
