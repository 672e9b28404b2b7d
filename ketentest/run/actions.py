"""The actions of a system under test: what a step asks it to do. One list, shared by the
steps (which fire them), the triggers (`--trigger ACTION=...`), the questions an interactive
run asks a person, and `ketentest steps`."""
from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """What a system under test is asked to do: the steps fire them, `--trigger ACTION=...`
    names them, `ketentest steps` shows which step fires which."""

    SESSIE = "sessie"
    KLOK = "klok"
    TOEWIJZING = "toewijzing"
    TOEWIJZING_INTREKKEN = "toewijzing-intrekken"
    TOEWIJZING_VERWIJDEREN = "toewijzing-verwijderen"
    TOEWIJZING_VERLENGEN = "toewijzing-verlengen"
    START = "start"
    HERSTART = "herstart"
    START_VERWIJDEREN = "start-verwijderen"
    STOP_TIJDELIJK = "stop-tijdelijk"
    STOP_DEFINITIEF = "stop-definitief"
    STOP_CORRIGEREN = "stop-corrigeren"
    VERZOEK_OM_TOEWIJZING = "verzoek-om-toewijzing"
    VERZOEK_OM_WIJZIGING = "verzoek-om-wijziging"
    DECLARATIE = "declaratie"
    DECLARATIE_CORRECTIE = "declaratie-correctie"


# The actions with who performs them and what a person is asked to do.
ACTIONS = {
    Action.SESSIE: ("beide", "gebruik de nieuwe sessie: partijcode {code}, token {token}, "
                             "exchange {exchange}"),
    Action.KLOK: ("beide", "zet de datum van het systeem op {today}"),
    Action.TOEWIJZING: ("gemeente", "stuur een toewijzing (301) voor product {product} aan client "
                               "{bsn} (een nieuwe client als leeg), van {ingangsdatum} tot "
                               "{einddatum}, volume {volume} (leeg: naar eigen keuze); "
                               "zonder product: een budget voor categorie {categorie} zonder "
                               "productcode (geen: zonder Product); frequentie {frequentie} "
                               "(leeg: die van het product)"),
    Action.TOEWIJZING_INTREKKEN: ("gemeente", "trek toewijzing {toewijzing} van client {bsn} in "
                                         "(eerdere einddatum, 301)"),
    Action.TOEWIJZING_VERWIJDEREN: ("gemeente", "verwijder toewijzing {toewijzing} van client {bsn} "
                                           "(RedenWijziging 13, 301)"),
    Action.TOEWIJZING_VERLENGEN: ("gemeente", "verleng toewijzing {toewijzing} van client {bsn}: "
                                         "Einddatum {einddatum}, RedenWijziging 04 (301)"),
    Action.START: ("aanbieder", "meld de start van de zorg (305) voor client {bsn}"),
    Action.HERSTART: ("aanbieder", "meld de herstart van de zorg (305) voor client {bsn}"),
    Action.START_VERWIJDEREN: ("aanbieder", "verwijder de start (305, StatusAanlevering 3) van "
                                       "client {bsn}"),
    Action.STOP_TIJDELIJK: ("aanbieder", "meld een tijdelijke stop (307, reden 20) voor client {bsn}"),
    Action.STOP_DEFINITIEF: ("aanbieder", "meld het definitieve einde van de zorg (307) voor "
                                     "client {bsn} (Einddatum {einddatum}, RedenBeeindiging "
                                     "{reden}: leeg is vandaag, volgens plan)"),
    Action.STOP_CORRIGEREN: ("aanbieder", "corrigeer de stop van client {bsn}: verwijder hem "
                                    "(StatusAanlevering 3) en stuur hem opnieuw met "
                                    "RedenBeeindiging {reden}, in een 307"),
    Action.VERZOEK_OM_TOEWIJZING: ("aanbieder", "stuur een verzoek om toewijzing (315) voor "
                                           "product(en) {product} voor client {bsn}"),
    Action.VERZOEK_OM_WIJZIGING: ("aanbieder", "stuur een verzoek om wijziging (317) voor client "
                                          "{bsn}: toewijzing {toewijzing} met een hoger volume "
                                          "({volume})"),
    Action.DECLARATIE: ("aanbieder", "declareer de maand {periode} (323), in Eenheid "
                                     "{eenheid} {eenheid_naam} (leeg: die van de toewijzing), "
                                     "tegen de herziene tarieven {tarieven} (leeg: het "
                                     "contract), ook de afgewezen prestaties opnieuw"),
    Action.DECLARATIE_CORRECTIE: ("aanbieder", "corrigeer de declaratie van {periode}: credit en "
                                          "nieuwe debet (323)"),
}

# The facts every trigger gets (see sut.py), and what they hold.
COMMON_FACTS = {
    "action": "the action (above)",
    "role": "the system's role: gemeente or aanbieder",
    "exchange": "the exchange's URL",
    "session": "the scenario's session (a new one per scenario)",
    "code": "the system's party code in this session",
    "token": "the system's token in this session",
    "other_code": "the other party's code",
    "today": "the session's date (YYYY-MM-DD)",
    "release": "the release, as --release names it (iwmo-… or ijw-…)",
    "profile": "the regio profile's name",
}

# An action's own facts, and what they hold: the step names its variant in them (a unit, a
# volume, a period), and what the system under test sends is checked against them.
FACT_MEANING = {
    "bsn": "the client's BSN (empty: a new client)",
    "product": "product code(s), separated by spaces (empty for a toewijzing without a "
               "product code: see `categorie`)",
    "categorie": "a toewijzing without a product code: a Budget (the `volume`, in cents) for "
                 "this ProductCategorie; `geen`: a Budget with no Product at all (empty or "
                 "absent: the product(s) in `product`)",
    "frequentie": "the Frequentie of the toewijzing's Omvang, e.g. 6 for per "
                  "toewijzingsperiode (empty or absent: the product's own)",
    "toewijzing": "the ToewijzingNummer acted on",
    "ingangsdatum": "the Ingangsdatum of the new toewijzing (YYYY-MM-DD; empty or absent: the "
                    "gemeente's own choice)",
    "einddatum": "the Einddatum to send (YYYY-MM-DD; empty or absent: today; for a new "
                 "toewijzing the gemeente's own choice)",
    "reden": "the RedenBeeindiging to send (empty or absent: according to plan)",
    "volume": "the volume (or budget) to ask for that toewijzing; the 317 must ask exactly it; "
              "for a new toewijzing the volume (or budget) to award (empty: the gemeente's own)",
    "periode": "the month to declare, as BEGIN..END (YYYY-MM-DD..YYYY-MM-DD); every prestatie "
               "of the 323 must lie in it (but a rejected line declared again)",
    "eenheid": "the Eenheid every prestatie must have: 01 when declaring in minutes (absent: "
               "the toewijzing's unit)",
    "eenheid_naam": "that Eenheid's name: minuut",
    "tarieven": "the regio's revised contract tariffs, as CODE=CENTS separated by spaces "
                "(absent: none): declare at them, and declare the lines a 325 rejected for "
                "the old tariff again at them",
}

FACTS: dict[Action, tuple[str, ...]] = {
    Action.SESSIE: (),
    Action.KLOK: (),
    Action.TOEWIJZING: ("bsn", "product", "ingangsdatum", "einddatum", "volume", "categorie",
                        "frequentie"),
    Action.TOEWIJZING_INTREKKEN: ("bsn", "toewijzing"),
    Action.TOEWIJZING_VERWIJDEREN: ("bsn", "toewijzing"),
    Action.TOEWIJZING_VERLENGEN: ("bsn", "toewijzing", "einddatum"),
    Action.START: ("bsn",),
    Action.HERSTART: ("bsn",),
    Action.START_VERWIJDEREN: ("bsn",),
    Action.STOP_TIJDELIJK: ("bsn",),
    Action.STOP_DEFINITIEF: ("bsn", "einddatum", "reden"),
    Action.STOP_CORRIGEREN: ("bsn", "reden"),
    Action.VERZOEK_OM_TOEWIJZING: ("bsn", "product"),
    Action.VERZOEK_OM_WIJZIGING: ("bsn", "toewijzing", "volume"),
    Action.DECLARATIE: ("bsn", "periode", "eenheid", "eenheid_naam", "tarieven"),
    Action.DECLARATIE_CORRECTIE: ("bsn",),
}


def facts_table() -> str:
    """The README's table of the facts each action receives (a test keeps them equal)."""
    rows = ["| environment variable | JSON key | actions | holds |", "|---|---|---|---|"]
    for fact, meaning in COMMON_FACTS.items():
        rows.append(f"| `KETENTEST_{fact.upper()}` | `{fact}` | all | {meaning} |")
    for fact, meaning in FACT_MEANING.items():
        having = [a for a, facts in FACTS.items() if fact in facts]
        acts = ", ".join(f"`{a}`" for a in having)
        if len(having) == len([a for a, facts in FACTS.items() if facts]):
            acts = "all but " + " and ".join(f"`{a}`" for a, f in FACTS.items() if not f)
        rows.append(f"| `KETENTEST_{fact.upper()}` | `{fact}` | {acts} | {meaning} |")
    return "\n".join(rows) + "\n"
