"""A chain to build rule breakers in: one gemeente, one aanbieder, one client, the factories'
messages judged in order against the chain's state (as the exchange and `validate --chain`
do), each earlier message required to be accepted.

`basis(message)` sends what a correct `message` needs before it (a toewijzing before a start,
a start before a stop, a verzoek before its answer, a declaratie before its 325) and returns
the data of that correct message: a breaker changes one thing in it.
"""
from __future__ import annotations

from datetime import date

from lxml import etree

from ..chain import ChainState, judge
from ..factories import catalogus, contract, data, render, to_bytes
from ..standard import registry, release
from ..standard.model import Release
from ..validation import Context
from ..validation.findings import Verdict
from ..validation.retour import answer
from ..validation.rules.conditions import elfproef

TODAY = date(2026, 11, 2)
BSN = "999993653"
ANDER_BSN = next(b for b in (f"99999{n:04d}" for n in range(10_000)) if elfproef(b) and b != BSN)
GEMEENTE, AANBIEDER = "0363", "12345678"
NUMMER = 1001  # the chain's toewijzing
BEGIN, EINDE = date(2026, 9, 1), date(2026, 12, 31)
START = date(2026, 9, 7)
OKTOBER = {"Begindatum": date(2026, 10, 1), "Einddatum": date(2026, 10, 31)}


class BreakerError(RuntimeError):
    """A breaker could not build its chain: an earlier message was not accepted."""


class Keten:
    """The chain so far: its state and the messages sent, as (bytes, the day judged)."""

    def __init__(self, rel: str | Release = registry.DEFAULT, today: date = TODAY,
                 gemeente: str = GEMEENTE, aanbieder: str = AANBIEDER):
        self.rel = release(rel) if isinstance(rel, str) else rel
        self.gemeente, self.aanbieder = gemeente, aanbieder  # e.g. a session's parties
        self.today = today
        self.state = ChainState()
        self.sent: list[tuple[bytes, date]] = []
        self.seed = 0
        self.day = today  # the day of the message built last: the breaking one is sent then
        self.products = contract(self.rel)
        products = catalogus(self.rel)
        self.uur = next(p for p in products if p.eenheid == "04")  # hours, 3 a week
        self.euro = next(p for p in products if p.eenheid == "83")  # trajectfinanciering
        self.stuks = next(p for p in products if p.eenheid == "82")  # output, per month
        self.product = self.uur

    def of(self, eenheid: str):
        """The first product of the factories' list in this unit."""
        return next(p for p in catalogus(self.rel) if p.eenheid == eenheid)

    def context(self, today: date | None = None) -> Context:
        return Context(today=today or self.today, products=self.products)

    # --- building and sending -------------------------------------------------------------
    def data(self, message: str, today: date | None = None, **overrides) -> dict:
        self.day = today or self.today
        self.seed += 1  # repeatable: the same breaker builds the same messages every time
        return data(self.rel, message, today=today or self.today, seed=self.seed,
                    gemeente=self.gemeente, aanbieder=self.aanbieder, **overrides)

    def render(self, message: str, d: dict) -> etree._Element:
        return render(self.rel, message, d)

    def judge(self, xml: bytes, today: date | None = None) -> Verdict:
        return judge(self.state, xml, f"{self.rel.name}-message", self.context(today))

    def send(self, message: str, d: dict | etree._Element, today: date | None = None) -> Verdict:
        """Judge and record an earlier message of the chain; it must be accepted."""
        root = d if isinstance(d, etree._Element) else self.render(message, d)
        xml = to_bytes(root)
        if today is None:  # received on the day it is dated
            today = date.fromisoformat(root.findtext("{*}Header/{*}BerichtIdentificatie/"
                                                     "{*}Dagtekening"))
        verdict = self.judge(xml, today)
        if not verdict.accepted:
            raise BreakerError(f"{self.rel.name} {message} before the breaking message was not "
                               f"accepted: {[(f.rule, f.path, f.text) for f in verdict.findings]}")
        self.state.record(verdict)
        self.sent.append((xml, today or self.today))
        return verdict

    def stuur(self, message: str, today: date | None = None, **overrides) -> Verdict:
        return self.send(message, self.data(message, today, **overrides), today)

    # --- the data of the usual messages ---------------------------------------------------
    def toewijzing(self, nummer=NUMMER, product=None, begin=BEGIN, einde=EINDE, bsn=BSN,
                   **more) -> dict:
        return self.data("301", Client__Bsn=bsn, producten=[{
            "ToewijzingNummer": nummer, "product": product or self.product,
            "Ingangsdatum": begin, "Einddatum": einde, **more}])

    def start(self, nummer=NUMMER, begin=START, status="1", bsn=BSN, product=None) -> dict:
        return self.data("305", Client__Bsn=bsn, producten=[{
            "ToewijzingNummer": nummer, "product": product or self.product,
            "ToewijzingIngangsdatum": BEGIN, "Begindatum": begin, "StatusAanlevering": status}])

    def stop(self, nummer=NUMMER, begin=START, einde=date(2026, 10, 30), reden=None, status="1",
             bsn=BSN, product=None) -> dict:
        reden = reden or {"iwmo": "19", "ijw": "31"}[self.rel.standard]
        return self.data("307", Client__Bsn=bsn, producten=[{
            "ToewijzingNummer": nummer, "product": product or self.product,
            "ToewijzingIngangsdatum": BEGIN, "Begindatum": begin, "RedenBeeindiging": reden,
            "Einddatum": einde, "StatusAanlevering": status}])

    def declaratie(self, *prestaties: dict, today: date | None = None, bsn=BSN, **more) -> dict:
        """A 323 for the month before `today` with the given prestaties (overrides each; by
        default one on the chain's toewijzing, 10 units)."""
        specs = [{"ToewijzingNummer": NUMMER, "product": self.product, "GeleverdVolume": 10, **p}
                 for p in (prestaties or ({},))]
        return self.data("323", today=today, clienten=[{"Bsn": bsn, "prestaties": specs}], **more)

    def vot(self, *referenties: str, bsn=BSN, **more) -> dict:
        return self.data("315", Client__Bsn=bsn, producten=[
            {"ReferentieAanbieder": r, "product": self.product, **more}
            for r in referenties or ("REF1",)])

    def vow(self, ref="VOW1", ongewijzigd=(), te_wijzigen=(), nieuw=(), bsn=BSN) -> dict:
        """A 317; `te_wijzigen` and `nieuw` are lists of overrides (the chain's product by
        default, output for a new one), `ongewijzigd` a list of ToewijzingNummers."""
        return self.data(
            "317", Client__Bsn=bsn, Client__Verzoek__ReferentieAanbieder=ref,
            ongewijzigd=[{"ToewijzingNummer": n} for n in ongewijzigd] or 0,
            te_wijzigen=[{"product": self.product, **t} for t in te_wijzigen] or 0,
            nieuw=[{"product": self.stuks, **n} for n in nieuw] or 0)

    def antwoord(self, ref="REF1", antwoord="1", reden="4") -> dict:
        return self.data("319", Antwoord__ReferentieAanbieder=ref,
                         Antwoord__VerzoekAntwoord=antwoord,
                         Antwoord__RedenAfwijzingVerzoek=reden if antwoord == "1" else None)

    def antwoord_op(self, declaratie: dict, today: date | None = None) -> dict:
        """A 325 approving `declaratie` (a 323's data) in full."""
        return self.data("325", today=today, heen=declaratie)

    # --- a correct message of each kind, with what it needs sent before it ----------------
    def basis(self, message: str, product=None) -> dict:
        """Send what a correct `message` needs before it and return that message's data:
        a 301 and a VOT need nothing; a start needs a toewijzing, a stop a start, a VOW a
        toewijzing to change, a 319 a verzoek, a 323 a toewijzing and a 325 a 323."""
        if product is not None:
            self.product = product
        if message == "301":
            return self.toewijzing()
        if message == "315":
            return self.vot()
        if message == "319":
            self.send("315", self.vot())
            return self.antwoord()
        self.send("301", self.toewijzing())
        if message == "305":
            return self.start()
        if message == "307":
            self.send("305", self.start())
            return self.stop()
        if message == "317":
            return self.vow(te_wijzigen=[{"ToewijzingNummer": NUMMER,
                                          "GewensteIngangsdatum": date(2026, 11, 16)}],
                            nieuw=[{"GewensteIngangsdatum": date(2026, 11, 16)}])
        declaratie = self.declaratie(self.prestatie())
        if message == "323":
            return declaratie
        self.send("323", declaratie)
        return self.antwoord_op(declaratie)

    def afgewezen_325(self, today: date | None = None) -> etree._Element:
        """A toewijzing, a 323 with two prestaties of which the second names no toewijzing
        (TR338: rejected) and the 325 that answers it as the receiver would: it lists the
        rejected prestatie with 9338 and awards the rest."""
        self.send("301", self.toewijzing())
        d = self.declaratie(self.prestatie(), self.prestatie(ToewijzingNummer=9999,
                                                              product=self.stuks,
                                                              GeleverdVolume=1))
        verdict = self.judge(to_bytes(self.render("323", d)))
        if {f.rule for f in verdict.findings} != {"TR338"}:
            raise BreakerError(f"the 323 before the 325 should break TR338 only: "
                               f"{[(f.rule, f.text) for f in verdict.findings]}")
        self.state.record(verdict)
        self.sent.append((to_bytes(self.render("323", d)), self.today))
        self.day = today or self.today
        return answer(verdict, self.rel, self.day, identificatie="ANTW325")

    def prestatie(self, **more) -> dict:
        """A prestatie on the chain's toewijzing in October: 10 units (a day a night, in
        euro's an amount), within every Omvang of the factories' products."""
        volume = {"14": 31, "83": 25_000, "82": 1}.get(self.product.eenheid, 10)
        return {"GeleverdVolume": volume, "ProductPeriode": dict(OKTOBER), **more}


def el(root: etree._Element, path: str) -> etree._Element:
    """The first element at `path` (local names joined by '/', below the root)."""
    found = at(root, path)
    if not found:
        raise BreakerError(f"no element {path} in the message")
    return found[0]


def at(root: etree._Element, path: str) -> list[etree._Element]:
    steps = "/".join(f"*[local-name()='{s}']" if not s.startswith("*") else s
                     for s in path.split("/"))
    return root.xpath(steps)
