"""The state of one chain between a gemeente and an aanbieder: everything a receiver needs to
judge the next message by the cross-message (berichtoverstijgend) rules.

Only what was accepted changes the state (a 323 also when only some of its prestaties were
rejected: the rest is processed, as the 325 says). One exception, named as such: every
schema-valid 323 is remembered as *received*, because a 325 answers every 323, also a
rejected one, and TR337/TR366/TR367/TR371/TR376 relate the 325 to it.

Every rule is a lookup in an index kept here (dicts keyed by ToewijzingNummer, Bsn, sleutel,
ReferentieAanbieder, ReferentieNummer ...), so judging costs O(size of the message), whatever
the length of the chain. Records are plain dataclasses: `to_json` / `from_json` persist a state.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, fields
from operator import attrgetter

from ..validation.findings import Level, Verdict
from ..validation.message import Message, local
from ..standard import registry
from ..standard.codes import GOEDGEKEURD, IN_ONDERZOEK, VERWIJDEREN
from .records import (Declaratie, Prestatie, Start, Stop, Toewijzing, Verzoek, levering_product,
                      minuten)


class ChainState:
    def __init__(self):
        self.toewijzingen: dict[str, Toewijzing] = {}
        self.history: dict[str, list[Toewijzing]] = defaultdict(list)  # earlier versions
        self.starts: dict[tuple, Start] = {}
        self.stops: dict[tuple, list[Stop]] = defaultdict(list)
        self.verzoeken: dict[str, Verzoek] = {}
        self.toegewezen_refs: set[str] = set()  # ReferentieAanbieder sent in a 301
        self.declaraties: dict[str, Declaratie] = {}  # received 323s by Identificatie|Dagtekening
        self.identificaties: set[tuple[str, str, str]] = set()  # (Afzender, message id, id)
        self._reindex()

    # --- derived indexes (rebuilt by from_json) -------------------------------------------
    def _reindex(self) -> None:
        self.per_client: dict[str, set[str]] = defaultdict(set)  # Bsn -> ToewijzingNummers
        for t in self.toewijzingen.values():
            self.per_client[t.bsn].add(t.nummer)
        self.verzoeken_per_client: dict[str, list[Verzoek]] = defaultdict(list)
        for v in self.verzoeken.values():
            self.verzoeken_per_client[v.bsn].append(v)
        self.starts_per_product: dict[tuple, list[Start]] = defaultdict(list)
        for s in self.starts.values():
            self.starts_per_product[s.bsn, s.product].append(s)
        self.declaratie_nummers: set[str] = set()
        self.laatste_periode: tuple[str, str] | None = None
        self.prestaties: dict[str, Prestatie] = {}  # of processed 323s, by ReferentieNummer
        self.live: dict[tuple, Prestatie] = {}  # approved, uncredited debets by sleutel
        self.geleverd: dict[str, int] = defaultdict(int)  # live debet volume per toewijzing
        self.live_per_toewijzing: dict[str, int] = defaultdict(int)  # live debet count
        for d in self.declaraties.values():
            if d.verwerkt:
                self._index_declaratie(d)
                for p in d.prestaties:
                    self._index_prestatie(p)

    def _index_declaratie(self, d: Declaratie) -> None:
        self.declaratie_nummers.add(d.nummer)
        if self.laatste_periode is None or d.begin > self.laatste_periode[0]:
            self.laatste_periode = (d.begin, d.end)

    def _index_prestatie(self, p: Prestatie) -> None:
        self.prestaties[p.referentie] = p
        if p.debet and p.goedgekeurd and not p.gecrediteerd:
            self.live[p.sleutel] = p
            self.geleverd[p.toewijzing] += minuten(p.volume, p.eenheid)
            self.live_per_toewijzing[p.toewijzing] += 1

    def _unlive(self, p: Prestatie) -> None:
        if self.live.get(p.sleutel) is p:
            del self.live[p.sleutel]
            self.geleverd[p.toewijzing] -= minuten(p.volume, p.eenheid)
            self.live_per_toewijzing[p.toewijzing] -= 1

    # --- lookups the rules use ------------------------------------------------------------
    def toewijzing(self, nummer: str | None) -> Toewijzing | None:
        return self.toewijzingen.get(nummer) if nummer else None

    def toewijzingen_van(self, bsn: str) -> list[Toewijzing]:
        return [self.toewijzingen[n] for n in sorted(self.per_client.get(bsn, ()))]

    def actuele_start(self, bsn: str, product: str) -> Start | None:
        """A start on this product that has not been stopped (temporarily or for good)."""
        for s in self.starts_per_product.get((bsn, product), ()):
            if not self.stops.get(s.key):
                return s
        return None

    def onderhanden(self, bsn: str) -> list[Verzoek]:
        return [v for v in self.verzoeken_per_client.get(bsn, ()) if v.onderhanden]

    def gedebiteerd(self, credit: Prestatie | object) -> Prestatie | None:
        """The approved, uncredited debet a credit line cancels: by VorigReferentieNummer, or
        by the key fields when it names none."""
        if credit.vorig:
            p = self.prestaties.get(credit.vorig)
            return p if p and p.debet and p.goedgekeurd and not p.gecrediteerd else None
        return self.live.get((credit.bsn, credit.toewijzing, credit.categorie, credit.code,
                              credit.begin, credit.end))

    def goedgekeurd_op(self, nummer: str) -> bool:
        """The toewijzing has approved, uncredited debet prestaties (TR385)."""
        return self.live_per_toewijzing.get(nummer, 0) > 0

    def declaratie(self, identificatie: str, dagtekening: str) -> Declaratie | None:
        return self.declaraties.get(f"{identificatie}|{dagtekening}")

    # --- recording ------------------------------------------------------------------------
    def record(self, verdict: Verdict) -> dict | None:
        """Take a judged message into the state if the receiver processes it. Returns its
        `receipt` (truthy) when the state changed, else None."""
        m = _message(verdict)
        taken = _receipt(verdict, m) if m is not None else None
        if taken is not None:
            self._apply(m, taken)
        return taken

    def apply(self, root, taken: dict) -> None:
        """Take in a message (its parsed `root`) as its `receipt` says the receiver processed
        it: the same change `record` made with the verdict. A state can so be rebuilt from the
        messages it took in and their receipts, without judging them again."""
        rel = registry.release(taken["release"])
        self._apply(Message(root, rel, rel.by_name[taken["message"]]), taken)

    def _apply(self, m: Message, taken: dict) -> None:
        if m.id == "323":
            self._declaratie(m, taken["verwerkt"], set(taken["rejected"]))
            return
        self._identificatie(m)
        RECORDERS[m.id](self, m)

    def _identificatie(self, m: Message) -> None:
        self.identificaties.add((m.text(m.header, "Afzender"), m.id,
                                 m.text(m.header, "BerichtIdentificatie/Identificatie")))

    def _toewijzing(self, m: Message) -> None:
        bsn = m.text(m.body, "Bsn")
        for p in m.all("ToegewezenProducten/ToegewezenProduct", m.body):
            t = Toewijzing(
                m.text(p, "ToewijzingNummer"), bsn, m.text(p, "Product/Categorie"),
                m.text(p, "Product/Code"), m.text(p, "Ingangsdatum"), m.text(p, "Einddatum"),
                m.text(p, "RedenWijziging"), m.text(p, "ReferentieAanbieder"),
                _int(m.text(p, "Omvang/Volume")), m.text(p, "Omvang/Eenheid"),
                m.text(p, "Omvang/Frequentie"), _int(m.text(p, "Budget")),
                m.text(p, "Toewijzingsdatum"))
            earlier = self.toewijzingen.get(t.nummer)
            if earlier is not None:
                self.history[t.nummer].append(earlier)
            self.toewijzingen[t.nummer] = t
            self.per_client[bsn].add(t.nummer)
            if t.referentie:
                self.toegewezen_refs.add(t.referentie)
                verzoek = self.verzoeken.get(t.referentie)
                if verzoek is not None:
                    verzoek.status = "toegewezen"

    def _start(self, m: Message) -> None:
        bsn = m.text(m.body, "Bsn")
        for p in m.all("StartProducten/StartProduct", m.body):
            s = Start(bsn, levering_product(m, p), m.text(p, "Begindatum"))
            if m.text(p, "StatusAanlevering") == VERWIJDEREN:
                gone = self.starts.pop(s.key, None)
                if gone is not None:
                    self.starts_per_product[bsn, s.product].remove(gone)
            elif s.key not in self.starts:
                self.starts[s.key] = s
                self.starts_per_product[bsn, s.product].append(s)

    def _stop(self, m: Message) -> None:
        bsn = m.text(m.body, "Bsn")
        for p in m.all("StopProducten/StopProduct", m.body):
            s = Stop(bsn, levering_product(m, p), m.text(p, "Begindatum"),
                     m.text(p, "RedenBeeindiging"), m.text(p, "Einddatum"))
            stops = self.stops[s.key]
            if m.text(p, "StatusAanlevering") == VERWIJDEREN:
                if stops:  # the stop with the same data, else the latest on this start
                    stops.remove(s if s in stops else stops[-1])
            else:
                stops.append(s)

    def _vot(self, m: Message) -> None:
        bsn, day = m.text(m.body, "Bsn"), m.dagtekening_text
        for p in m.all("AangevraagdeProducten/AangevraagdProduct", m.body):
            self._verzoek(Verzoek(m.text(p, "ReferentieAanbieder"), "VOT", bsn, day))

    def _vow(self, m: Message) -> None:
        self._verzoek(Verzoek(m.text(m.body, "Verzoek/ReferentieAanbieder"), "VOW",
                              m.text(m.body, "Bsn"), m.dagtekening_text))

    def _verzoek(self, v: Verzoek) -> None:
        self.verzoeken[v.referentie] = v
        self.verzoeken_per_client[v.bsn].append(v)

    def _antwoord(self, m: Message) -> None:
        verzoek = self.verzoeken.get(m.text(m.body, "ReferentieAanbieder"))
        if verzoek is not None:
            antwoord = m.text(m.body, "VerzoekAntwoord")
            verzoek.antwoorden.append(antwoord)
            verzoek.status = "onderzoek" if antwoord == IN_ONDERZOEK else "afgewezen"

    def _declaratie(self, m: Message, verwerkt: bool, rejected: set[int]) -> None:
        """Remember a received 323; process it when no finding rejects it as a whole
        (`rejected`: the positions of the prestaties a finding rejects)."""
        declaratie = m.body
        ident = m.get(m.header, "BerichtIdentificatie")
        d = Declaratie(
            m.text(declaratie, "DeclaratieNummer"), m.text(ident, "Identificatie"),
            m.text(ident, "Dagtekening"),
            (m.text(m.header, "XsdVersie/BasisschemaXsdVersie"),
             m.text(m.header, "XsdVersie/BerichtXsdVersie")),
            m.text(declaratie, "DeclaratiePeriode/Begindatum"),
            m.text(declaratie, "DeclaratiePeriode/Einddatum"), verwerkt)
        for i, r in enumerate(m.prestaties):  # the message's record, kept with its verdict
            d.prestaties.append(Prestatie(*_DECLARED(r),
                                          goedgekeurd=verwerkt and i not in rejected))
        self.declaraties[f"{d.identificatie}|{d.dagtekening}"] = d
        if not verwerkt:
            return
        self._identificatie(m)
        self._index_declaratie(d)
        for p in d.prestaties:
            if not p.debet and p.goedgekeurd:
                debet = self.gedebiteerd(p)
                if debet is not None:
                    self._unlive(debet)
                    debet.gecrediteerd = True
            self._index_prestatie(p)

    def _declaratie_antwoord(self, m: Message) -> None:
        """A 325 rejects the prestaties it lists, or the whole declaratie when its
        DeclaratieAntwoord carries no 8001 and lists none (or is left out: 0001)."""
        ident = m.get(m.header, "DeclaratieIdentificatie")
        d = self.declaratie(m.text(ident, "Identificatie"), m.text(ident, "Dagtekening"))
        if d is None or not d.verwerkt:
            return
        antwoord = m.body
        codes = {c.text for c in m.all("RetourCodes/RetourCode", antwoord)} \
            if antwoord is not None else set()
        listed = {p.referentie for p in m.prestaties}
        for p in d.prestaties:
            whole = antwoord is None or (not listed and GOEDGEKEURD not in codes)
            if p.goedgekeurd and (whole or p.referentie in listed):
                self._reject(p)

    def _reject(self, p: Prestatie) -> None:
        if p.debet:
            self._unlive(p)
        else:
            debet = self.prestaties.get(p.vorig) if p.vorig else None
            if debet is not None and debet.gecrediteerd:
                debet.gecrediteerd = False
                self._index_prestatie(debet)
        p.goedgekeurd = False

    # --- persistence ----------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps({
            "toewijzingen": [asdict(t) for t in self.toewijzingen.values()],
            "history": {n: [asdict(t) for t in ts] for n, ts in self.history.items() if ts},
            "starts": [asdict(s) for s in self.starts.values()],
            "stops": [asdict(s) for ss in self.stops.values() for s in ss],
            "verzoeken": [asdict(v) for v in self.verzoeken.values()],
            "toegewezen_refs": sorted(self.toegewezen_refs),
            "declaraties": [asdict(d) for d in self.declaraties.values()],
            "identificaties": sorted(self.identificaties),
        }, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | None) -> ChainState:
        state = cls()
        if not text:
            return state
        data = json.loads(text)
        for t in map(_make(Toewijzing), data["toewijzingen"]):
            state.toewijzingen[t.nummer] = t
        for nummer, ts in data["history"].items():
            state.history[nummer] = [_make(Toewijzing)(t) for t in ts]
        for s in map(_make(Start), data["starts"]):
            state.starts[s.key] = s
        for s in map(_make(Stop), data["stops"]):
            state.stops[s.key].append(s)
        for v in map(_make(Verzoek), data["verzoeken"]):
            state.verzoeken[v.referentie] = v
        state.toegewezen_refs = set(data["toegewezen_refs"])
        for raw in data["declaraties"]:
            raw["xsd_versie"] = tuple(raw["xsd_versie"])
            raw["prestaties"] = [_make(Prestatie)(p) for p in raw["prestaties"]]
            d = Declaratie(**raw)
            state.declaraties[f"{d.identificatie}|{d.dagtekening}"] = d
        state.identificaties = {tuple(i) for i in data["identificaties"]}
        state._reindex()
        return state


DECLARED = [f.name for f in fields(Prestatie) if f.name not in ("goedgekeurd", "gecrediteerd")]
_DECLARED = attrgetter(*DECLARED)  # a record's declared fields, in Prestatie's order
RECORDERS = {"301": ChainState._toewijzing, "305": ChainState._start, "307": ChainState._stop,
             "315": ChainState._vot, "317": ChainState._vow, "319": ChainState._antwoord,
             "325": ChainState._declaratie_antwoord}


def _int(text: str | None) -> int | None:
    return int(text) if text is not None else None


def _make(cls):
    names = {f.name for f in fields(cls)}
    return lambda raw: cls(**{k: v for k, v in raw.items() if k in names})


def receipt(verdict: Verdict) -> dict | None:
    """What a receiver processes of a judged message, as plain data for `ChainState.apply`
    (None: nothing, e.g. a retour message or a rejected heen message). A 323 is always
    received: `verwerkt` says whether it is processed, `rejected` which of its prestaties (by
    position) a finding rejects."""
    m = _message(verdict)
    return _receipt(verdict, m) if m is not None else None


def _message(verdict: Verdict) -> Message | None:
    m = verdict.view
    return m if m is not None and m.definition.kind == "heen" else None  # a retour changes nothing


def _receipt(verdict: Verdict, m: Message) -> dict | None:
    taken = {"release": verdict.release, "message": verdict.message}
    if m.id != "323":
        return taken if verdict.accepted else None
    rejected = _rejected_prestaties(verdict, m)
    verwerkt = verdict.level in (Level.OK, Level.RULES) and rejected is not None
    if not verwerkt or not rejected:
        return {**taken, "verwerkt": verwerkt, "rejected": []}
    positions = {el: i for i, el in enumerate(m.prestatie_columns.element)}
    return {**taken, "verwerkt": True, "rejected": sorted(positions[el] for el in rejected)}


def _rejected_prestaties(verdict: Verdict, m: Message) -> set | None:
    """The prestatie elements a 323's findings reject (a finding on a client rejects all its
    prestaties); None when a finding rejects the declaratie as a whole."""
    rejected = set()
    for f in verdict.findings:
        el = f.element
        while el is not None and local(el) not in ("Prestatie", "Client"):
            el = el.getparent()
        if el is None:
            return None
        if local(el) == "Prestatie":
            rejected.add(el)
        else:
            rejected.update(m.all("Prestaties/Prestatie", el))
    return rejected
