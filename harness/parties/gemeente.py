"""The simulated gemeente: answers the aanbieder's messages as its regio profile says and
sends toewijzingen (301) on request.

It keeps, per client, every toewijzing it made (the ToegewezenProduct data of the 301) and
which of them changed since its previous 301: a 301 holds, for one client, every toewijzing
valid on or after its creation date plus every one changed since the previous 301 (SPEC
"Process facts")."""
from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, time, timedelta

from ..standard.codes import AFGEWEZEN, IN_ONDERZOEK, VERWIJDERD
from ..factories import data as factory_data
from ..profiles import RegioProduct, VerzoekBeleid
from ..validation.findings import Level, Verdict
from .base import Outgoing, Party

NIEUWE_AANVRAAG, STAPELING = "1", "6"  # LDT_RedenAfwijzingVerzoek
# LDT_RedenWijziging
VERLENGING, VERKORTING, DOOR_AANBIEDER = "04", "05", "12"  # LDT_RedenWijziging
CONTRACT_RULES = frozenset({"TR381", "TR418"})


class SimulatedGemeente(Party):
    role = "gemeente"
    answers = frozenset({"305", "307", "315", "317", "323", "302", "320"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clients: dict[str, dict] = {}  # bsn -> the 301's Client without products
        self.toewijzingen: dict[str, list[dict]] = {}  # bsn -> ToegewezenProduct data
        self.changed: dict[str, set[int]] = {}  # bsn -> ToewijzingNummers not yet sent
        self._nummers = itertools.count(1)

    # ------------------------------------------------------------ receiving
    def receive(self, xml: bytes, verdict: Verdict, today: date) -> list[Outgoing]:
        """Answer a delivered message: its retour (or 325) and, for an accepted verzoek, the
        301s and 319s the profile's policy gives."""
        got = self.take(xml, verdict, today)
        if got is None or got.id in ("302", "320"):
            return []
        out = [self.retour(self._by_policy(verdict), today)]
        if got.accepted and got.id == "315":
            out += self._vot(got.data, today)
        elif got.accepted and got.id == "317":
            out += self._vow(got.data, today)
        return [o for o in out if o is not None]

    def _by_policy(self, verdict: Verdict) -> Verdict:
        """Declaraties under toetsing 'contract': only technical errors and the contract rules
        reject; the other rules' findings are left out of the 325."""
        if self.profile.toetsing != "contract" or not (verdict.definition and verdict.definition.id == "323"):
            return verdict
        kept = [f for f in verdict.findings
                if f.level is not Level.RULES or f.rule in CONTRACT_RULES]
        return replace(verdict, findings=kept)

    # ------------------------------------------------------------ verzoeken
    def _client_from(self, client: dict) -> None:
        """Know a client first met in a verzoek: its data as a 301 needs it."""
        bsn = client["Bsn"]
        if bsn in self.clients:
            return
        base = factory_data(self.release, "301")["Client"]
        base.update(Bsn=bsn, Geboortedatum=client["Geboortedatum"], Geslacht=client["Geslacht"],
                    Naam={**client["Naam"], "NaamGebruik": "1"})
        base.pop("ToegewezenProducten")
        self.clients[bsn] = base

    def _stacks(self, codes: list[str]) -> bool:
        return all(self.profile.may_stack(a, b) for a, b in itertools.combinations(codes, 2))

    def _running_codes(self, bsn: str, from_day: date) -> list[str]:
        """Products of the client's toewijzingen that run on or after `from_day`."""
        return [_code(t) for t in self.toewijzingen.get(bsn, [])
                if _code(t) and t.get("RedenWijziging") != VERWIJDERD
                and (t.get("Einddatum") is None or t["Einddatum"] >= from_day)]

    def _decide(self, beleid: VerzoekBeleid, stacks: bool, today: date, referentie: str,
                grant) -> list[Outgoing]:
        """The answers to one verzoek (a VOT product, or a whole VOW): the policy's decision,
        after a 319 'in onderzoek' when the profile says so. `grant(day)` makes the 301."""
        t = self.profile.termijnen
        first = self.due(today, t.verzoek)
        out, final = [], first
        if beleid.in_onderzoek:
            out.append(self._antwoord(referentie, IN_ONDERZOEK, None, first))
            final = self.due(first, t.na_onderzoek)
        if beleid.toewijzen and stacks:
            out.append(grant(final))
        else:
            reden = beleid.reden if not beleid.toewijzen else STAPELING
            out.append(self._antwoord(referentie, AFGEWEZEN, reden, final))
        return out

    def _vot(self, d: dict, today: date) -> list[Outgoing]:
        """A VOT is answered per requested product."""
        client = d["Client"]
        self._client_from(client)
        bsn = client["Bsn"]
        asked = client["AangevraagdeProducten"]["AangevraagdProduct"]
        out = []
        for p in asked:
            code = _code(p)
            others = [_code(q) for q in asked if q is not p and _code(q)]
            # a product may be refused only for its own stapeling, not for its neighbours'
            running = self._running_codes(bsn, p["ToewijzingIngangsdatum"])
            # the same product twice at once is no stapeling: one 301 cannot hold both (TR302)
            stacks = code is None or code not in running and all(
                self.profile.may_stack(code, other) for other in [*others, *running])

            def grant(day, p=p):
                def decide(day):
                    self._new(bsn, day, product=p.get("Product"),
                              ingang=p["ToewijzingIngangsdatum"],
                              einde=p.get("ToewijzingEinddatum"), omvang=p.get("Omvang"),
                              budget=p.get("Budget"), referentie=p["ReferentieAanbieder"])
                return self._send_301(bsn, day, decide)
            out += self._decide(self.profile.vot, stacks, today, p["ReferentieAanbieder"],
                                grant)
        return out

    def _vow(self, d: dict, today: date) -> list[Outgoing]:
        """A VOW holds the whole desired situation and is answered as a whole: toewijzingen
        it does not name end, te wijzigen ones end the day before the change and continue as
        a new toewijzing, nieuwe ones are added."""
        bsn = d["Client"]["Bsn"]
        verzoek = d["Client"]["Verzoek"]
        ongewijzigd = [p["ToewijzingNummer"] for p in
                       (verzoek.get("OngewijzigdeProducten") or {}).get("OngewijzigdProduct", [])]
        wijzig = (verzoek.get("TeWijzigenProducten") or {}).get("TeWijzigenProduct", [])
        nieuw = (verzoek.get("NieuweProducten") or {}).get("NieuwProduct", [])
        known = {t["ToewijzingNummer"]: t for t in self.toewijzingen.get(bsn, [])}
        codes = [_code(known[n]) for n in ongewijzigd + [w["ToewijzingNummer"]
                 for w in wijzig] if n in known and _code(known[n])]
        codes += [_code(p) for p in nieuw if _code(p)]
        stacks = self._stacks(codes)

        def decide(day):
            named = set(ongewijzigd) | {w["ToewijzingNummer"] for w in wijzig}
            for t in list(self.toewijzingen.get(bsn, [])):  # not named: ended
                if t["ToewijzingNummer"] not in named and t.get("RedenWijziging") != VERWIJDERD \
                        and (t.get("Einddatum") is None or t["Einddatum"] >= day):
                    self._end(bsn, t, day, DOOR_AANBIEDER)
            for w in wijzig:
                old = known.get(w["ToewijzingNummer"])
                if old is None:
                    continue
                self._end(bsn, old, w["GewensteIngangsdatum"] - timedelta(days=1), DOOR_AANBIEDER)
                self._new(bsn, day, product=old.get("Product"), ingang=w["GewensteIngangsdatum"],
                          einde=w.get("Einddatum"), omvang=w.get("Omvang"),
                          budget=w.get("Budget"), referentie=verzoek["ReferentieAanbieder"])
            for p in nieuw:
                self._new(bsn, day, product=p.get("Product"), ingang=p["GewensteIngangsdatum"],
                          einde=p.get("Einddatum"), omvang=p.get("Omvang"),
                          budget=p.get("Budget"), referentie=verzoek["ReferentieAanbieder"])

        def grant(day):
            return self._send_301(bsn, day, decide)
        if bsn not in self.clients or not any(n in known for n in
                                              ongewijzigd + [w["ToewijzingNummer"] for w in wijzig]):
            # no toewijzing of ours to change: this is a new request (reason 1)
            beleid = VerzoekBeleid("afwijzen", NIEUWE_AANVRAAG)
            return self._decide(beleid, stacks, today, verzoek["ReferentieAanbieder"], grant)
        return self._decide(self.profile.vow, stacks, today, verzoek["ReferentieAanbieder"],
                            grant)

    def _antwoord(self, referentie: str, antwoord: str, reden: str | None,
                  day: date) -> Outgoing:
        body = {"ReferentieAanbieder": referentie, "VerzoekAntwoord": antwoord,
                "RedenAfwijzingVerzoek": reden}
        if reden == "8" and self.release.standard == "ijw":  # TR377: name the gemeente
            body["Woonplaatsbeginsel"] = {"Gemeente": self.gemeente}
        return self.emit("319", self.build("319", day, Antwoord=body), day)

    # ------------------------------------------------------------ toewijzingen
    def _new(self, bsn: str, day: date, product: dict | None, ingang: date,
             einde: date | None = None, omvang: dict | None = None, budget: int | None = None,
             referentie: str | None = None) -> dict:
        t = {"ToewijzingNummer": next(self._nummers), "ReferentieAanbieder": referentie,
             "Product": product, "Toewijzingsdatum": day, "Toewijzingstijd": time(9, 0),
             "Ingangsdatum": ingang, "Einddatum": einde, "Omvang": omvang, "Budget": budget}
        self.toewijzingen.setdefault(bsn, []).append(t)
        self.changed.setdefault(bsn, set()).add(t["ToewijzingNummer"])
        return t

    def _end(self, bsn: str, t: dict, einde: date, reden: str) -> None:
        """End a toewijzing early; one that would end before it starts is deleted (13)."""
        if einde < t["Ingangsdatum"]:
            t.update(Einddatum=t["Ingangsdatum"], RedenWijziging=VERWIJDERD)
        else:
            t.update(Einddatum=einde, RedenWijziging=reden)
        self.changed.setdefault(bsn, set()).add(t["ToewijzingNummer"])

    def _send_301(self, bsn: str, day: date, decide=None) -> Outgoing:
        """The 301 for one client, created on `day`: every toewijzing valid on or after that
        day plus every one changed since the previous 301. `decide()`, the decision it
        carries, changes the toewijzingen on that day, not before: an earlier 301 does not
        show a toewijzing still in onderzoek."""
        def content() -> dict:
            if decide is not None:
                decide(day)
            changed = self.changed.get(bsn, set())
            products = [dict(t) for t in self.toewijzingen[bsn]
                        if t["ToewijzingNummer"] in changed
                        or (t.get("RedenWijziging") != VERWIJDERD
                            and (t.get("Einddatum") is None or t["Einddatum"] >= day))]
            self.changed[bsn] = changed - {t["ToewijzingNummer"] for t in products}
            client = {**self.clients[bsn],
                      "ToegewezenProducten": {"ToegewezenProduct": products}}
            return self.build("301", day, Client=client)
        return self.emit("301", content if decide else content(), day)

    def _toewijzing(self, bsn: str, nummer: int) -> dict:
        for t in self.toewijzingen.get(bsn, []):
            if t["ToewijzingNummer"] == nummer:
                return t
        raise KeyError(f"the gemeente has no toewijzing {nummer} for client {bsn}")

    # ------------------------------------------------------------ actions on request
    def toewijzing(self, today: date, product: str | RegioProduct | list, bsn: str | None = None,
                   ingangsdatum: date | None = None, einddatum: date | None = None,
                   volume: int | None = None, referentie: str | None = None,
                   categorie: str | None = None, frequentie: str | None = None) -> Outgoing:
        """A new toewijzing of `product` (a code of the profile, or a list of them: one 301
        for all) for client `bsn` (a new, fictitious client when None or unknown), honouring
        the verzoek `referentie` (ReferentieAanbieder) if given; the 301 goes out today.
        Without a product: a Budget (`volume`, in cents) for `categorie` with no product
        code, or with no Product at all when `categorie` is "geen". `frequentie` replaces
        the product's Frequentie (6: per toewijzingsperiode)."""
        if bsn is None or bsn not in self.clients:
            client = factory_data(self.release, "301", today=today)["Client"]
            client.pop("ToegewezenProducten")
            if bsn is not None:
                client["Bsn"] = bsn
            self.clients[client["Bsn"]] = client
            bsn = client["Bsn"]
        ingang = ingangsdatum or today
        einde = einddatum or _month_end(ingang, 5)
        if categorie and not product:  # a Budget without product code
            element = None if categorie == "geen" else {"Categorie": categorie}
            self._new(bsn, today, element, ingang, einde, None, volume or 1_200_000, referentie)
        for p in product if isinstance(product, list) else [product]:
            p = p if isinstance(p, RegioProduct) else self.profile.product(p)
            omvang = None
            if p.frequentie is not None:
                omvang = {"Volume": volume or _DEFAULT_VOLUME[p.eenheid], "Eenheid": p.eenheid,
                          "Frequentie": frequentie or p.frequentie}
            budget = None if omvang else (volume or 1_200_000)
            self._new(bsn, today, p.as_element(), ingang, einde, omvang, budget, referentie)
        return self._send_301(bsn, today)

    def antwoord(self, today: date, referentie: str, antwoord: str = "1",
                 reden: str | None = "4") -> Outgoing:
        """A 319 on the verzoek `referentie`, sent today (refusing it with `reden` by
        default; VerzoekAntwoord 2 "in onderzoek" takes no reden)."""
        return self._antwoord(referentie, antwoord, reden, today)

    def wijziging(self, today: date, bsn: str, nummer: int, einddatum: date,
                  reden: str | None = None, gedateerd: bool = False) -> Outgoing:
        """Change a toewijzing's Einddatum (later: verlenging 04, earlier: verkorting 05);
        `gedateerd`: its Toewijzingsdatum becomes today (as the case of an extension shows)."""
        t = self._toewijzing(bsn, nummer)
        later = t.get("Einddatum") is None or einddatum > t["Einddatum"]
        t.update(Einddatum=einddatum, RedenWijziging=reden or (VERLENGING if later else VERKORTING))
        if gedateerd:
            t["Toewijzingsdatum"] = today
        self.changed.setdefault(bsn, set()).add(nummer)
        return self._send_301(bsn, today)

    def intrekking(self, today: date, bsn: str, nummer: int, einddatum: date | None = None,
                   reden: str = VERKORTING) -> Outgoing:
        """Withdraw a toewijzing: an earlier Einddatum (default today) and a RedenWijziging."""
        t = self._toewijzing(bsn, nummer)
        self._end(bsn, t, einddatum or today, reden)
        return self._send_301(bsn, today)

    def verwijdering(self, today: date, bsn: str, nummer: int) -> Outgoing:
        """Delete a toewijzing: RedenWijziging 13 and Einddatum = Ingangsdatum."""
        t = self._toewijzing(bsn, nummer)
        t.update(Einddatum=t["Ingangsdatum"], RedenWijziging=VERWIJDERD)
        self.changed.setdefault(bsn, set()).add(nummer)
        return self._send_301(bsn, today)


def _code(product_class: dict) -> str | None:
    """The product code a toewijzing or verzoek names; None for care given as a Budget, named
    by its categorie only (or not at all), which the stapelmatrix cannot name either."""
    return (product_class.get("Product") or {}).get("Code")


# A toewijzing's volume per frequentie when the request names none (as the factories do).
_DEFAULT_VOLUME = {"01": 180, "04": 3, "14": 7, "16": 4, "82": 1, "84": 10}


def _month_end(d: date, months_later: int) -> date:
    from ..factories.values import month_end
    return month_end(d, months_later)
