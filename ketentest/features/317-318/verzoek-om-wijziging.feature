# language: nl
Functionaliteit: Verzoek om wijziging (317), retour (318) en het antwoord op het geheel
  Een VOW beschrijft de hele gewenste situatie van de client: alle actuele toewijzingen en
  wat erbij komt. De gemeente beantwoordt het verzoek als geheel, volgens de keuze van de regio.

  @317-318 @319-320 @4
  Scenario: In de regio die elk VOW weigert volgt een 319 met reden 4
    Gegeven een keten met regioprofiel "regio-weigert-vow"
    En de gemeente heeft een toewijzing gestuurd voor een product in uren
    Als de aanbieder een verzoek om wijziging stuurt met een hoger volume
    Dan ontvangt de aanbieder een 318 zonder retourcodes
    En ontvangt de aanbieder een 319 met VerzoekAntwoord "1" en reden "4"
    En ontvangt de gemeente een 320 zonder retourcodes

  @317-318 @319-320 @323-325 @4
  Scenario: Na een geweigerd VOW blijft de aanbieder binnen de oude toewijzing
    Gegeven een keten met regioprofiel "regio-weigert-vow"
    En de gemeente heeft een toewijzing gestuurd voor een product in uren
    En de aanbieder heeft de levering gestart
    Als de aanbieder een verzoek om wijziging stuurt met een hoger volume
    Dan ontvangt de aanbieder een 319 met VerzoekAntwoord "1" en reden "4"
    Als de maand is om
    En de aanbieder de vorige maand declareert
    Dan ontvangt de aanbieder een 325 met retourcode "8001"

  @317-318 @301-302
  Scenario: In de regio die alles binnen contract toewijst volgt een 301
    Gegeven een keten met regioprofiel "regio-accepteert"
    En de gemeente heeft een toewijzing gestuurd voor een product in uren
    Als de aanbieder een verzoek om wijziging stuurt met een hoger volume
    Dan ontvangt de aanbieder een 318 zonder retourcodes
    En ontvangt de aanbieder een 301 voor het gevraagde product
    En ontvangt de gemeente een 302 zonder retourcodes

  @317-318 @TR349 @9349
  Scenario: Een VOW dat een actuele toewijzing weglaat wordt afgewezen
    Gegeven een keten met regioprofiel "regio-accepteert"
    En de gemeente heeft een toewijzing gestuurd voor een product in uren en een outputproduct
    Als de aanbieder een verzoek om wijziging stuurt dat een actuele toewijzing weglaat
    Dan ontvangt de aanbieder een 318 met retourcode "9349"
