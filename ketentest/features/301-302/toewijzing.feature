# language: nl
Functionaliteit: Toewijzing (301) en retour toewijzing (302)
  De gemeente wijst zorg toe aan een client; de aanbieder beoordeelt de toewijzing en
  antwoordt binnen 3 werkdagen met een retourbericht: zonder retourcodes als alles klopt,
  met de code van elke regel die het bericht breekt.

  Achtergrond:
    Gegeven een keten met regioprofiel "regio-accepteert"

  @301-302
  Scenario: De aanbieder keurt een toewijzing goed
    Als de gemeente een toewijzing stuurt voor een product in uren
    Dan ontvangt de gemeente een 302 zonder retourcodes
    En kent de aanbieder 1 toewijzing van de client

  @301-302
  Scenario: Een toewijzing met twee producten
    Als de gemeente een toewijzing stuurt voor een product in uren en een outputproduct
    Dan ontvangt de gemeente een 302 zonder retourcodes
    En kent de aanbieder 2 toewijzingen van de client

  @301-302 @TR332 @9332
  Scenario: Een al gebruikt ToewijzingNummer voor een andere client wordt afgewezen
    Gegeven de gemeente heeft een toewijzing gestuurd voor een product in uren
    Als de gemeente het ToewijzingNummer opnieuw gebruikt voor een andere client
    Dan ontvangt de gemeente een 302 met retourcode "9332"
    En kent de aanbieder 0 toewijzingen van de andere client

  @301-302
  Scenario: De gemeente trekt een toewijzing in met een eerdere einddatum
    Gegeven de gemeente heeft een toewijzing gestuurd voor een product in uren
    Als de gemeente de toewijzing intrekt
    Dan ontvangt de gemeente een 302 zonder retourcodes

  @301-302
  Scenario: De gemeente verwijdert een toewijzing waarop niets is gedeclareerd
    Gegeven de gemeente heeft een toewijzing gestuurd voor een product in uren
    Als de gemeente de toewijzing verwijdert
    Dan ontvangt de gemeente een 302 zonder retourcodes

  @301-302 @TR379 @9379
  Scenario: Een ReferentieAanbieder zonder verzoek wordt afgewezen
    Als de gemeente een toewijzing stuurt voor een product in uren met ReferentieAanbieder "ONBEKEND"
    Dan ontvangt de gemeente een 302 met retourcode "9379"

  @301-302 @TR379 @9379
  Scenario: Op een afgewezen toewijzing start de aanbieder niets
    Gegeven de gemeente heeft een toewijzing gestuurd voor een product in uren
    Als de gemeente een toewijzing stuurt voor een outputproduct met ReferentieAanbieder "ONBEKEND"
    Dan ontvangt de gemeente een 302 met retourcode "9379"
    Als de aanbieder de levering start
    Dan ontvangt de aanbieder een 306 zonder retourcodes
