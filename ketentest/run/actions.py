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
                               "{bsn} (een nieuwe client als leeg)"),
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
                                     "{eenheid} {eenheid_naam} (leeg: die van de toewijzing)"),
    Action.DECLARATIE_CORRECTIE: ("aanbieder", "corrigeer de declaratie van {periode}: credit en "
                                          "nieuwe debet (323)"),
}
