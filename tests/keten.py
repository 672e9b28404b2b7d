"""A chain for tests: one gemeente, one aanbieder, one client, messages built by the factories
and judged in order against the chain's state, as `validate --chain` does."""
from __future__ import annotations

from datetime import date

from harness.chain import ChainState, judge
from harness.factories import bericht, catalogus, render, to_bytes
from harness.standard import release
from harness.validation import Context
from harness.validation.rules.conditions import elfproef

TODAY = date(2026, 11, 2)
BSN = "999993653"
ANDER_BSN = next(b for b in (f"99999{n:04d}" for n in range(10_000)) if elfproef(b) and b != BSN)


class Keten:
    def __init__(self, rel: str = "iwmo-3.2", today: date = TODAY):
        self.rel, self.today = release(rel), today
        self.state = ChainState()
        self.gemeente, self.aanbieder = "0363", "12345678"
        products = catalogus(self.rel)
        self.uur = next(p for p in products if p.eenheid == "04")  # care in hours, per week
        self.euro = next(p for p in products if p.eenheid == "83")  # trajectfinanciering
        self.stuks = next(p for p in products if p.eenheid == "82")  # output, per month
        self.product = self.uur

    def bouw(self, message: str, today: date | None = None, **overrides):
        return bericht(self.rel, message, today=today or self.today, gemeente=self.gemeente,
                       aanbieder=self.aanbieder, **overrides)

    def stuur(self, message: str, today: date | None = None, **overrides):
        """Build, judge and record a message; returns the verdict."""
        return self.oordeel(self.bouw(message, today, **overrides), today)

    def stuur_data(self, message: str, data: dict, today: date | None = None):
        return self.oordeel(render(self.rel, message, data), today)

    def oordeel(self, root, today: date | None = None):
        verdict = judge(self.state, to_bytes(root), f"{self.rel.name}-{root.tag}",
                        Context(today=today or self.today))
        self.state.record(verdict)
        return verdict

    # --- the usual steps of a chain -------------------------------------------------------
    def toewijzing(self, nummer=1001, product=None, begin=date(2026, 9, 1),
                   einde=date(2026, 12, 31), bsn=BSN, **more):
        return self.stuur("301", Client__Bsn=bsn, producten=[{
            "ToewijzingNummer": nummer, "product": product or self.product,
            "Ingangsdatum": begin, "Einddatum": einde, **more}])

    def start(self, nummer=1001, begin=date(2026, 9, 7), status="1", bsn=BSN, product=None):
        return self.stuur("305", Client__Bsn=bsn, producten=[{
            "ToewijzingNummer": nummer, "product": product or self.product,
            "ToewijzingIngangsdatum": date(2026, 9, 1), "Begindatum": begin,
            "StatusAanlevering": status}])

    def stop(self, nummer=1001, begin=date(2026, 9, 7), einde=date(2026, 10, 30), reden=None,
             status="1", bsn=BSN):
        reden = reden or {"iwmo": "19", "ijw": "31"}[self.rel.standard]
        return self.stuur("307", Client__Bsn=bsn, producten=[{
            "ToewijzingNummer": nummer, "product": self.product,
            "ToewijzingIngangsdatum": date(2026, 9, 1), "Begindatum": begin,
            "RedenBeeindiging": reden, "Einddatum": einde, "StatusAanlevering": status}])

    def declaratie(self, *prestaties: dict, today: date | None = None, bsn=BSN, **more):
        """A 323 for the month before `today` with the given prestaties (overrides each; by
        default one on toewijzing 1001 of the chain's product)."""
        specs = [{"ToewijzingNummer": 1001, "product": self.product, **p}
                 for p in (prestaties or ({},))]
        return self.stuur("323", today=today, clienten=[{"Bsn": bsn, "prestaties": specs}], **more)

    def vot(self, *referenties: str, bsn=BSN):
        return self.stuur("315", Client__Bsn=bsn, producten=[
            {"ReferentieAanbieder": r} for r in referenties])

    def vow(self, ref="VOW1", ongewijzigd=(), te_wijzigen=(), nieuw=(), bsn=BSN):
        """A 317; `te_wijzigen` and `nieuw` are lists of overrides (the chain's product by
        default), `ongewijzigd` a list of ToewijzingNummers."""
        return self.stuur(
            "317", Client__Bsn=bsn, Client__Verzoek__ReferentieAanbieder=ref,
            ongewijzigd=[{"ToewijzingNummer": n} for n in ongewijzigd] or 0,
            te_wijzigen=[{"product": self.product, **t} for t in te_wijzigen] or 0,
            nieuw=[{"product": self.stuks, **n} for n in nieuw] or 0)

    def antwoord(self, ref, antwoord="1", reden="4"):
        return self.stuur("319", Antwoord__ReferentieAanbieder=ref,
                          Antwoord__VerzoekAntwoord=antwoord,
                          Antwoord__RedenAfwijzingVerzoek=reden if antwoord == "1" else None)


def codes(verdict) -> set[str]:
    return {f.rule for f in verdict.findings}
