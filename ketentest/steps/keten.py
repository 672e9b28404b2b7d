"""The chain itself: opening one (a session on the exchange), the month passing, and what any
message that arrives must carry."""
from __future__ import annotations

from pytest_bdd import given, parsers, then

from ..run.keten import ChainFailure, Keten, carried
from ..run.review import keuze_only
from .common import PARTY, received


@given(parsers.parse('een keten met regioprofiel "{naam}"'), target_fixture="keten")
def keten_met_profiel(ketentest_run, naam: str) -> Keten:
    """Gegeven een keten met regioprofiel "NAAM": a new session between a gemeente and an
    aanbieder of the run's release, the simulated ones following regio profile NAAM (a
    shipped profile, e.g. regio-accepteert or regio-weigert-vow, or a YAML file)."""
    return ketentest_run.open(naam)


@given("een keten", target_fixture="keten")
def keten_standaard(ketentest_run) -> Keten:
    """Gegeven een keten: as above, with the run's profile (`ketentest run --profile`)."""
    return ketentest_run.open(None)


@given("de maand is om")
def maand_om(keten: Keten) -> None:
    """En de maand is om: everything in flight is answered, then the clock moves to the first
    werkdag of the next month."""
    keten.month_over()


@then(parsers.re(rf"ontvangt de {PARTY} een (?P<code>\d{{3}}) zonder retourcodes$"))
def zonder_retourcodes(keten: Keten, role: str, code: str) -> None:
    """Dan ontvangt de PARTIJ een NNN zonder retourcodes: the next NNN the party receives
    carries no retourcode besides 0200/0233 (a retour message accepting everything)."""
    got = received(keten, role, code)
    if carried(got.data) and not keuze_only(keten, got, set(carried(got.data))):
        raise ChainFailure(f"the {got.name} carries retourcodes {', '.join(carried(got.data))}; "
                           f"expected none ({got.permalink})")


@then(parsers.re(rf'ontvangt de {PARTY} een (?P<code>\d{{3}}) met retourcode "(?P<rc>\w+)"$'))
def met_retourcode(keten: Keten, role: str, code: str, rc: str) -> None:
    """Dan ontvangt de PARTIJ een NNN met retourcode "CODE": the next NNN carries CODE (a
    325: 8001 approved in full, or a code on a rejected prestatie)."""
    got = received(keten, role, code)
    codes = carried(got.data)
    if rc not in codes and not keuze_only(keten, got, {rc}):
        raise ChainFailure(f"the {got.name} carries {', '.join(codes) or 'no retourcodes'}; "
                           f"expected {rc} ({got.permalink})")


@then(parsers.re(rf"ontvangt de {PARTY} (?P<n>\d+) keer een (?P<code>\d{{3}})$"))
def keer_ontvangen(keten: Keten, role: str, n: str, code: str) -> None:
    """Dan ontvangt de PARTIJ N keer een NNN: N more NNN messages arrive, each passing the
    rules."""
    for _ in range(int(n)):
        received(keten, role, code)
