"""The simulated aanbieder: answers toewijzingen (301) and antwoordberichten (319) with their
retour, and on request reports starts and stops (305, 307), asks for care (315 VOT, 317 VOW)
and declares a month (323) by the declaration rules of SPEC:

- one declaratieperiode per message, a whole calendar month;
- per productperiode, client, toewijzing and product one line; the ProductPeriode is the
  month clipped to the toewijzing's Ingangsdatum and Einddatum;
- declared in the unit of the toewijzing, an hour optionally in minutes (ProductTarief the
  hourly tariff per minute rounded to the cent, the amount hourly x minutes / 60);
- IngediendBedrag = GeleverdVolume x ProductTarief, in euro's the GeleverdVolume itself
  (in cents, without ProductTarief); every ReferentieNummer is new;
- a correction is a credit of the earlier debet line (VorigReferentieNummer = its
  ReferentieNummer) plus a new debet line; a line the 325 rejected is declared again.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from ..standard.codes import EURO, MINUUT, NIEUW, TIJDELIJK, UUR, VERWIJDEREN
from ..factories import data as factory_data
from ..factories.levering import STOP_VOLGENS_PLAN as VOLGENS_PLAN
from ..factories.values import month_end, previous_month
from ..validation.findings import Verdict
from ..validation.rules.external import minute_amount
from .base import Outgoing, Party


@dataclass
class Levering:
    begin: date
    einde: date | None = None
    tijdelijk: bool = False
    reden: str | None = None  # RedenBeeindiging of its stop


@dataclass
class Regel:
    """A debet line the aanbieder declared and the gemeente has not rejected."""

    bsn: str
    toewijzing: int
    begin: date
    prestatie: dict


class SimulatedAanbieder(Party):
    role = "aanbieder"
    answers = frozenset({"301", "319", "306", "308", "316", "318", "325"})

    def __init__(self, profile, rel, agb: str, gemeentecode: str, kalender=None):
        super().__init__(profile, rel, gemeentecode, agb, kalender)
        self.clients: dict[str, dict] = {}  # bsn -> Client as the 305/307/315 name it
        self.toewijzingen: dict[str, dict[int, dict]] = {}  # bsn -> nummer -> ToegewezenProduct
        self.leveringen: dict[tuple[str, int], list[Levering]] = {}
        self.verzoeken: dict[str, dict] = {}  # ReferentieAanbieder -> what was asked, answers
        self.gedeclareerd: dict[str, Regel] = {}  # ReferentieNummer -> debet line
        self.teruggestuurd: list[Regel] = []  # rejected in a 325: declare again
        self.herzien: dict[str, int] = {}  # product code -> a revised tariff it was told of
        self._referenties = itertools.count(1)
        self._declaraties = itertools.count(1)

    # ------------------------------------------------------------ receiving
    def receive(self, xml: bytes, verdict: Verdict, today: date) -> list[Outgoing]:
        got = self.take(xml, verdict, today)
        if got is None:
            return []
        if got.id == "325":
            self._declaratie_antwoord(got.data)
            return []
        if got.id not in ("301", "319"):
            return []  # a retour message: remembered in the inbox
        out = self.retour(verdict, today)
        if got.accepted and got.id == "301":
            self._toewijzing(got.data["Client"])
        elif got.accepted:
            antwoord = got.data["Antwoord"]
            self.verzoeken.setdefault(antwoord["ReferentieAanbieder"], {}).setdefault(
                "antwoorden", []).append(antwoord)
        return [out] if out else []

    def _toewijzing(self, client: dict) -> None:
        bsn = client["Bsn"]
        naam = {k: v for k, v in client["Naam"].items() if k in ("Geslachtsnaam", "Voornamen",
                                                                 "Voorletters")}
        self.clients[bsn] = {"Bsn": bsn, "Geboortedatum": client["Geboortedatum"],
                             "Geslacht": client["Geslacht"], "Naam": naam}
        known = self.toewijzingen.setdefault(bsn, {})
        for t in client["ToegewezenProducten"]["ToegewezenProduct"]:
            known[t["ToewijzingNummer"]] = t
            ref = t.get("ReferentieAanbieder")
            if ref in self.verzoeken:
                self.verzoeken[ref].setdefault("toewijzingen", []).append(t["ToewijzingNummer"])

    def _declaratie_antwoord(self, d: dict) -> None:
        """Lines the 325 lists were rejected: forget them, to declare them again."""
        antwoord = d.get("DeclaratieAntwoord") or {}
        for client in (antwoord.get("Clienten") or {}).get("Client", []):
            for p in client["Prestaties"]["Prestatie"]:
                regel = self.gedeclareerd.pop(p["ProductReferentie"]["ReferentieNummer"], None)
                if regel is not None:
                    self.teruggestuurd.append(regel)

    # ------------------------------------------------------------ helpers
    def toewijzing(self, bsn: str, nummer: int) -> dict:
        try:
            return self.toewijzingen[bsn][nummer]
        except KeyError:
            raise KeyError(f"the aanbieder has no toewijzing {nummer} for client {bsn}") from None

    def current(self, bsn: str, day: date) -> list[dict]:
        """The client's toewijzingen valid on or after `day` (not deleted)."""
        return [t for t in self.toewijzingen.get(bsn, {}).values()
                if t.get("RedenWijziging") != "13"
                and (t.get("Einddatum") is None or t["Einddatum"] >= day)]

    def _client(self, bsn: str | None, today: date) -> dict:
        if bsn in self.clients:
            return self.clients[bsn]
        client = factory_data(self.release, "305", today=today)["Client"]
        client.pop("StartProducten")
        if bsn is not None:
            client["Bsn"] = bsn
        self.clients[client["Bsn"]] = client
        return client

    def _referentie(self) -> str:
        return f"{self.aanbieder}R{next(self._referenties):07d}"

    # ------------------------------------------------------------ actions on request
    def start(self, today: date, bsn: str, nummers: list[int] | None = None,
              begindatum: date | None = None) -> Outgoing:
        """A 305: care started on `begindatum` (default the toewijzing's Ingangsdatum, or
        today if that lies ahead) for the given toewijzingen (default all current ones)."""
        toewijzingen = [self.toewijzing(bsn, n) for n in nummers] if nummers \
            else self.current(bsn, today)
        producten = []
        for t in toewijzingen:
            earlier = self.leveringen.setdefault((bsn, t["ToewijzingNummer"]), [])
            # a restart after a stop starts today; a first start when the toewijzing does
            begin = begindatum or (today if earlier else min(t["Ingangsdatum"], today))
            earlier.append(Levering(begin))
            producten.append({"ToewijzingNummer": t["ToewijzingNummer"], "Product": t.get("Product"),
                              "ToewijzingIngangsdatum": t["Ingangsdatum"], "Begindatum": begin,
                              "StatusAanlevering": NIEUW})
        client = {**self.clients[bsn], "StartProducten": {"StartProduct": producten}}
        # reported within 5 werkdagen of the earliest real start
        return self.emit("305", self.build("305", today, Client=client), today, "levering",
                         min(p["Begindatum"] for p in producten))

    def verwijder_start(self, today: date, bsn: str, nummers: list[int] | None = None) -> Outgoing:
        """A 305 with StatusAanlevering 3 deleting the last start of the given toewijzingen
        (default all current ones): the first half of a correction (delete + new). Without a
        start on record it deletes the start a `start` would have sent."""
        toewijzingen = [self.toewijzing(bsn, n) for n in nummers] if nummers \
            else self.current(bsn, today)
        producten = []
        for t in toewijzingen:
            earlier = self.leveringen.get((bsn, t["ToewijzingNummer"]), [])
            begin = earlier.pop().begin if earlier else min(t["Ingangsdatum"], today)
            producten.append({"ToewijzingNummer": t["ToewijzingNummer"], "Product": t.get("Product"),
                              "ToewijzingIngangsdatum": t["Ingangsdatum"], "Begindatum": begin,
                              "StatusAanlevering": VERWIJDEREN})
        client = {**self._client(bsn, today), "StartProducten": {"StartProduct": producten}}
        return self.emit("305", self.build("305", today, Client=client), today)

    def stop(self, today: date, bsn: str, nummers: list[int] | None = None,
             einddatum: date | None = None, tijdelijk: bool = False,
             reden: str | None = None, vastgesteld: date | None = None) -> Outgoing:
        """A 307: care stopped on `einddatum` (default today), temporarily (RedenBeeindiging
        20) or for good (default: volgens plan, or `reden`), for the given toewijzingen
        (default: the running ones, or else the last one stopped temporarily). Its termijn
        runs from the Einddatum, or from `vastgesteld` (the day a definitive stop after a
        temporary one became known, OP272)."""
        reden = TIJDELIJK if tijdelijk else (reden or VOLGENS_PLAN[self.release.standard])
        producten = []
        running = [n for (b, n), lv in self.leveringen.items() if b == bsn and lv[-1].einde is None]
        # nothing running: a stop after a temporary one stops that levering
        last = [n for (b, n), lv in self.leveringen.items() if b == bsn and lv[-1].tijdelijk][-1:]
        for n in nummers or running or last:
            levering = self.leveringen[(bsn, n)][-1]
            levering.einde, levering.tijdelijk = einddatum or today, tijdelijk
            levering.reden = reden
            t = self.toewijzing(bsn, n)
            producten.append({"ToewijzingNummer": n, "Product": t.get("Product"),
                              "ToewijzingIngangsdatum": t["Ingangsdatum"],
                              "Begindatum": levering.begin, "RedenBeeindiging": reden,
                              "Einddatum": levering.einde, "StatusAanlevering": NIEUW})
        if not producten:
            raise ValueError(f"client {bsn} has no running care to stop")
        client = {**self.clients[bsn], "StopProducten": {"StopProduct": producten}}
        return self.emit("307", self.build("307", today, Client=client), today, "levering",
                         vastgesteld or min(p["Einddatum"] for p in producten))

    def corrigeer_stop(self, today: date, bsn: str, reden: str) -> Outgoing:
        """A 307 correcting the client's last stops (IV008): each one deleted
        (StatusAanlevering 3) and sent again with RedenBeeindiging `reden`, in one message."""
        producten = []
        for (b, n), lv in self.leveringen.items():
            if b != bsn or lv[-1].einde is None:
                continue
            levering, t = lv[-1], self.toewijzing(bsn, n)
            stop = {"ToewijzingNummer": n, "Product": t.get("Product"),
                    "ToewijzingIngangsdatum": t["Ingangsdatum"], "Begindatum": levering.begin,
                    "RedenBeeindiging": levering.reden, "Einddatum": levering.einde,
                    "StatusAanlevering": VERWIJDEREN}
            producten += [stop, {**stop, "RedenBeeindiging": reden, "StatusAanlevering": NIEUW}]
            levering.reden = reden
        if not producten:
            raise ValueError(f"client {bsn} has no stop to correct")
        client = {**self.clients[bsn], "StopProducten": {"StopProduct": producten}}
        return self.emit("307", self.build("307", today, Client=client), today)

    def vot(self, today: date, producten: list[str], bsn: str | None = None,
            ingangsdatum: date | None = None, einddatum: date | None = None) -> Outgoing:
        """A 315 asking for the products (codes of the profile) for client `bsn` (a new,
        fictitious client when None)."""
        client = dict(self._client(bsn, today))
        ingang = ingangsdatum or today + timedelta(days=7)
        asked = []
        for code in producten:
            p = self.profile.product(code)
            ref = self._referentie()
            omvang, budget = _omvang(p)
            asked.append({"ReferentieAanbieder": ref, "Product": p.as_element(),
                          "ToewijzingIngangsdatum": ingang,
                          "ToewijzingEinddatum": einddatum or month_end(ingang, 5),
                          "Omvang": omvang, "Budget": budget,
                          "Verwijzer": {"Type": "02", "ZorgverlenerCode": "01123456"}})
            self.verzoeken[ref] = {"soort": "vot", "bsn": client["Bsn"], "product": code}
        if self.release.standard == "ijw":
            client["GezagsdragerBekend"] = "1"
        client["AangevraagdeProducten"] = {"AangevraagdProduct": asked}
        return self.emit("315", self.build("315", today, Client=client), today)

    def vow(self, today: date, bsn: str, wijzigen: dict[int, int] | None = None,
            nieuw: list[str] = (), beeindigen: list[int] = (),
            ingangsdatum: date | None = None) -> Outgoing:
        """A 317 holding the whole desired situation: every current toewijzing as
        OngewijzigdProduct, those in `wijzigen` (nummer -> new Volume or Budget) as
        TeWijzigenProduct, `nieuw` products as NieuwProduct; `beeindigen` leaves some out."""
        wijzigen = wijzigen or {}
        ingang = ingangsdatum or today + timedelta(days=7)
        ongewijzigd, te_wijzigen = [], []
        for t in self.current(bsn, today):
            n = t["ToewijzingNummer"]
            if n in beeindigen:
                continue
            if n not in wijzigen:
                ongewijzigd.append({"ToewijzingNummer": n})
                continue
            omvang = t.get("Omvang") and {**t["Omvang"], "Volume": wijzigen[n]}
            te_wijzigen.append({"ToewijzingNummer": n, "GewensteIngangsdatum": ingang,
                                "Einddatum": max(t.get("Einddatum") or ingang,
                                                 month_end(ingang, 2)),
                                "Omvang": omvang, "Budget": None if omvang else wijzigen[n]})
        nieuwe = []
        for code in nieuw:
            p = self.profile.product(code)
            omvang, budget = _omvang(p)
            nieuwe.append({"Product": p.as_element(), "GewensteIngangsdatum": ingang,
                           "Einddatum": month_end(ingang, 5), "Omvang": omvang,
                           "Budget": budget})
        ref = self._referentie()
        self.verzoeken[ref] = {"soort": "vow", "bsn": bsn}
        verzoek = {"ReferentieAanbieder": ref, "RedenVerzoek": "2",
                   "OngewijzigdeProducten": _wrap("OngewijzigdProduct", ongewijzigd),
                   "TeWijzigenProducten": _wrap("TeWijzigenProduct", te_wijzigen),
                   "NieuweProducten": _wrap("NieuwProduct", nieuwe)}
        return self.emit("317", self.build("317", today, Client={"Bsn": bsn, "Verzoek": verzoek}),
                         today)

    def declaratie(self, today: date, volumes: dict[int, int] | None = None,
                   correcties: dict[str, int] | None = None,
                   in_minuten: bool = False, tarieven: dict[int, int] | None = None,
                   herzien: dict[str, int] | None = None) -> Outgoing:
        """The 323 over the calendar month before `today`: a line per started toewijzing
        (its volume from `volumes`, by ToewijzingNummer, or the toewijzing's Omvang over the
        period), the lines a 325 rejected once more, and per `correcties` (ReferentieNummer
        of an earlier debet line -> the right volume) a credit line and a new debet line.
        `in_minuten` declares hours in minutes; `tarieven` (nummer -> cents) overrides the
        contract tariff, to break TR418 on purpose; `herzien` (product code -> cents) are the
        regio's revised tariffs, from now on declared instead of the product list's (a line a
        325 rejected is declared again at them: corrected, not unchanged)."""
        self.herzien.update(herzien or {})
        begin, end = previous_month(today)
        volumes, correcties, tarieven = volumes or {}, correcties or {}, tarieven or {}
        lines: dict[str, list[dict]] = {}
        for bsn, toewijzingen in self.toewijzingen.items():
            for n, t in toewijzingen.items():
                periode = self._periode(bsn, t, begin, end)
                if periode is None:
                    continue
                volume = volumes.get(n, _volume(t, *periode))
                lines.setdefault(bsn, []).append(self._debet(
                    bsn, t, periode, volume, in_minuten, tarieven.get(n)))
        for regel in self.teruggestuurd:  # declared again with a new ReferentieNummer
            p = regel.prestatie
            lines.setdefault(regel.bsn, []).append(self._debet(
                regel.bsn, self.toewijzing(regel.bsn, regel.toewijzing),
                (p["ProductPeriode"]["Begindatum"], p["ProductPeriode"]["Einddatum"]),
                p["GeleverdVolume"], p["Eenheid"] == MINUUT, None, eenheid=p["Eenheid"]))
        self.teruggestuurd = []
        for ref, volume in correcties.items():
            regel = self.gedeclareerd.pop(ref)
            credit = {**regel.prestatie,
                      "ProductReferentie": {"ReferentieNummer": self._referentie(),
                                            "VorigReferentieNummer": ref},
                      "IngediendBedrag": {**regel.prestatie["IngediendBedrag"],
                                          "DebetCredit": "C"}}
            p = regel.prestatie
            lines.setdefault(regel.bsn, []).extend([credit, self._debet(
                regel.bsn, self.toewijzing(regel.bsn, regel.toewijzing),
                (p["ProductPeriode"]["Begindatum"], p["ProductPeriode"]["Einddatum"]), volume,
                p["Eenheid"] == MINUUT, None, eenheid=p["Eenheid"])])
        if not lines:
            raise ValueError(f"nothing to declare over {begin}..{end}: no care delivered")
        total = sum(_signed(p["IngediendBedrag"]) for ps in lines.values() for p in ps)
        declaratie = {
            "DeclaratieNummer": f"D{self.aanbieder}{next(self._declaraties):03d}",  # 12 at most
            "DeclaratiePeriode": {"Begindatum": begin, "Einddatum": end},
            "DeclaratieDagtekening": today,
            "TotaalIngediendBedrag": {"TotaalBedrag": abs(total),
                                      "DebetCredit": "C" if total < 0 else "D"},
            "Clienten": {"Client": [{"Bsn": bsn, "Prestaties": {"Prestatie": ps}}
                                    for bsn, ps in lines.items()]},
        }
        return self.emit("323", self.build("323", today, Declaratie=declaratie), today)

    def _periode(self, bsn: str, t: dict, begin: date, end: date) -> tuple[date, date] | None:
        """The month clipped to the toewijzing's dates, if care was delivered in it."""
        if t.get("RedenWijziging") == "13":
            return None
        leveringen = self.leveringen.get((bsn, t["ToewijzingNummer"]), [])
        delivered = any(lv.begin <= end and (lv.einde is None or lv.einde >= begin)
                        for lv in leveringen)
        first = max(begin, t["Ingangsdatum"])
        last = min(end, t.get("Einddatum") or end)
        return (first, last) if delivered and first <= last else None

    def _product(self, t: dict):
        """The regio product a toewijzing is for. A Budget toewijzing names no product code:
        then the product the aanbieder asked for (its verzoek's ReferentieAanbieder), or else
        the regio's first product in euro's of the toewijzing's categorie."""
        named = t.get("Product") or {}
        if named.get("Code"):
            return self.profile.product(named["Code"], named["Categorie"])
        asked = self.verzoeken.get(t.get("ReferentieAanbieder"), {}).get("product")
        if asked:
            return self.profile.product(asked)
        return next(p for p in self.profile.producten_van(self.release)
                    if p.frequentie is None and named.get("Categorie") in (None, p.categorie))

    def _debet(self, bsn: str, t: dict, periode: tuple[date, date], volume: int,
               in_minuten: bool, tarief: int | None, eenheid: str | None = None) -> dict:
        product = self._product(t)
        eenheid = eenheid or (t.get("Omvang") or {}).get("Eenheid") or product.eenheid
        contract = self.herzien.get(product.code, product.tarief)
        prijs = tarief if tarief is not None else contract
        if in_minuten and eenheid == UUR:
            eenheid, volume = MINUUT, volume * 60
        if eenheid == EURO:  # the amount is the volume, without a tariff (CS339, CD087)
            prijs, bedrag = None, volume
        elif eenheid == MINUUT and product.eenheid == UUR and tarief is None:
            # the hourly tariff per minute, to the cent; the amount from the unrounded (TR346)
            prijs, bedrag = (contract + 30) // 60, minute_amount(volume, contract)
        else:
            bedrag = volume * prijs
        p = {"ProductReferentie": {"ReferentieNummer": self._referentie()},
             "ToewijzingNummer": t["ToewijzingNummer"],
             "ProductCategorie": product.categorie, "ProductCode": product.code,
             "ProductPeriode": {"Begindatum": periode[0], "Einddatum": periode[1]},
             "GeleverdVolume": volume, "Eenheid": eenheid, "ProductTarief": prijs,
             "IngediendBedrag": {"Bedrag": bedrag, "DebetCredit": "D"}}
        self.gedeclareerd[p["ProductReferentie"]["ReferentieNummer"]] = Regel(
            bsn, t["ToewijzingNummer"], periode[0], p)
        return p


def _omvang(p) -> tuple[dict | None, int | None]:
    from .gemeente import _DEFAULT_VOLUME
    if p.frequentie is None:
        return None, 1_200_000
    return {"Volume": _DEFAULT_VOLUME[p.eenheid], "Eenheid": p.eenheid,
            "Frequentie": p.frequentie}, None


def _volume(t: dict, begin: date, end: date) -> int:
    """What a toewijzing allows over the period: its Volume per day, week or month (or a
    twelfth of its Budget, for care in euro's, declared in cents)."""
    omvang = t.get("Omvang")
    days = (end - begin).days + 1
    if omvang is None:
        return max(1, (t.get("Budget") or 0) // 12)
    per = {"1": days, "2": max(1, days // 7), "4": 1, "6": 1}[omvang["Frequentie"]]
    return omvang["Volume"] * per


def _signed(bedrag: dict) -> int:
    return -bedrag["Bedrag"] if bedrag["DebetCredit"] == "C" else bedrag["Bedrag"]


def _wrap(name: str, items: list) -> dict | None:
    return {name: items} if items else None
