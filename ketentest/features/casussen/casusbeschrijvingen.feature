# language: nl
Functionaliteit: De casusbeschrijvingen van release 3.2
  De vier casussen die het Zorginstituut bij iWmo 3.2 en iJw 3.2 uitwerkt, stap voor stap:
  een toewijzing verlengen door haar einddatum op te rekken, een tijdelijke en daarna een
  definitieve stop (met gelijke en met ongelijke einddatum) en een stop corrigeren. Elke stap
  van de casus is een stap hier; een goedgekeurd heenbericht krijgt zijn retour zonder
  retourcodes. De datums zijn relatief aan de `--today` van de run (de casus begint op
  01-01-2025: start de run op de eerste van een maand voor dezelfde kalender), de
  omstandigheden (de maanden tot de verlenging, de werkdagen tot de definitieve stop of de
  correctie) en redenen zijn die van de casus; het product is het product in uren van het
  regioprofiel (de casus: 45A04, 3 uur per week; 07A12, 6 dagdelen per week). De redenen
  beëindiging staan er met hun omschrijving: de code is die van de standaard van de run (iWmo
  23, 22, 19; iJw 34, 33, 31).

  Achtergrond:
    Gegeven een keten met regioprofiel "regio-accepteert"
    En de gemeente heeft een toewijzing gestuurd voor een product in uren
    En de aanbieder heeft de levering gestart

  @casus @301-302 @305-306 @OP033x1 @OP257 @OP380
  Scenario: Casus 1: de gemeente verlengt een toewijzing door de einddatum op te rekken
    # stap 3: medio april vraagt de wettelijk vertegenwoordiger om verlenging
    Gegeven de maand is om
    En de maand is om
    En de maand is om
    En de maand is om
    # stap 4: de einddatum van de bestaande toewijzing gaat van 30-06 naar 31-12
    Als de gemeente de toewijzing met 6 maanden verlengt
    Dan ontvangt de gemeente een 302 zonder retourcodes
    En loopt de toewijzing bij de aanbieder tot de nieuwe einddatum met RedenWijziging "04"
    En kent de aanbieder 1 toewijzing van de client

  @casus @307-308 @301-302 @305-306 @OP072 @OP155 @OP272 @OP377 @OP378 @TR414
  Scenario: Casus 2: tijdelijke stop, daarna een definitieve stop met gelijke einddatum
    # stap 3: de client is opgenomen in het ziekenhuis
    Als de aanbieder de levering tijdelijk stopt
    Dan ontvangt de aanbieder een 308 zonder retourcodes
    # stap 4: na 2 weken komt de client niet meer thuis; geen levering sinds de tijdelijke stop
    Als de aanbieder 10 werkdagen later de levering definitief stopt op de einddatum van de tijdelijke stop met reden "in overeenstemming voortijdig"
    Dan ontvangt de aanbieder een 308 zonder retourcodes

  @casus @307-308 @OP072 @OP155 @OP272 @OP377 @OP378 @TR414
  Scenario: Casus 3: tijdelijke stop, daarna een definitieve stop met ongelijke einddatum
    # stap 1: de client is opgenomen in het ziekenhuis
    Als de aanbieder de levering tijdelijk stopt
    Dan ontvangt de aanbieder een 308 zonder retourcodes
    # stap 2: na ruim 3 weken is bekend dat de client niet terugkeert: die dag is de einddatum
    Als de aanbieder 14 werkdagen later de levering definitief stopt met reden "in overeenstemming voortijdig"
    Dan ontvangt de aanbieder een 308 zonder retourcodes

  @casus @307-308 @301-302 @305-306 @OP033 @OP033x2 @OP072 @OP155 @OP272 @IV008
  Scenario: Casus 4: de aanbieder corrigeert de reden van een stop
    # stap 3: de zorg eindigt volgens plan, maar de administratie vult de verkeerde reden
    Als de aanbieder de levering definitief stopt met reden "eenzijdig door aanbieder"
    Dan ontvangt de aanbieder een 308 zonder retourcodes
    # stap 4: enkele dagen later: de stop verwijderd en opnieuw gestuurd, in een bericht
    Als de aanbieder 3 werkdagen later de stop corrigeert naar reden "volgens plan"
    Dan ontvangt de aanbieder een 308 zonder retourcodes
