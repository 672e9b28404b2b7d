# language: nl
Functionaliteit: Start levering (305) en retour (306)
  De aanbieder meldt binnen 5 werkdagen dat de zorg is begonnen. De start hoort bij een
  toewijzing; een correctie gaat door de start te verwijderen en opnieuw te sturen.

  Achtergrond:
    Gegeven een keten met regioprofiel "regio-accepteert"
    En de gemeente heeft een toewijzing gestuurd voor een product in uren

  @305-306
  Scenario: De aanbieder start de zorg
    Als de aanbieder de levering start
    Dan ontvangt de aanbieder een 306 zonder retourcodes

  @305-306 @TR019 @9019
  Scenario: Een start zonder toewijzing wordt afgewezen
    Als de aanbieder de levering start op een onbekend ToewijzingNummer
    Dan ontvangt de aanbieder een 306 met retourcode "9019"

  @305-306 @TR326 @9326
  Scenario: Een tweede start zonder stop wordt afgewezen
    Gegeven de aanbieder heeft de levering gestart
    Als de aanbieder de levering opnieuw start zonder stop
    Dan ontvangt de aanbieder een 306 met retourcode "9326"

  @305-306 @TR074 @9074
  Scenario: Dezelfde start twee keer wordt afgewezen
    Gegeven de aanbieder heeft de levering gestart
    Als de aanbieder dezelfde start nog eens stuurt
    Dan ontvangt de aanbieder een 306 met retourcode "9074"

  @305-306 @TR063 @TR074
  Scenario: Correctie van een start door verwijderen en opnieuw sturen
    Gegeven de aanbieder heeft de levering gestart
    Als de aanbieder de start verwijdert
    Dan ontvangt de aanbieder een 306 zonder retourcodes
    Als de aanbieder de levering start
    Dan ontvangt de aanbieder een 306 zonder retourcodes

  @305-306 @TR063 @9063 @fout-aanbieder
  Scenario: Een start verwijderen die er niet is wordt afgewezen
    Als de aanbieder de start verwijdert
    Dan ontvangt de aanbieder een 306 met retourcode "9063"
