# language: nl
Functionaliteit: Declaratie (323) en declaratie-antwoord (325)
  De aanbieder declareert per maand, per productperiode, client, toewijzing en product één
  regel, in de eenheid van de toewijzing (uren mogen in minuten). De gemeente antwoordt binnen
  10 werkdagen met een 325: 8001 als alles is goedgekeurd, anders de afgewezen prestaties.

  Achtergrond:
    Gegeven een keten met regioprofiel "regio-accepteert"
    En de gemeente heeft een toewijzing gestuurd voor een product in uren
    En de aanbieder heeft de levering gestart
    En de maand is om

  @323-325 @8001
  Scenario: Een declaratie wordt volledig goedgekeurd
    Als de aanbieder de vorige maand declareert
    Dan ontvangt de aanbieder een 325 met retourcode "8001"

  @323-325 @TR341
  Scenario: Uren gedeclareerd in minuten
    Als de aanbieder de vorige maand declareert in minuten
    Dan ontvangt de aanbieder een 325 met retourcode "8001"

  @323-325 @TR341 @9341
  Scenario: Een verkeerde eenheid wordt afgewezen
    Als de aanbieder de vorige maand declareert in etmalen
    Dan ontvangt de aanbieder een 325 die 1 prestatie afwijst met retourcode "9341"

  @323-325 @TR338 @9338
  Scenario: Gedeeltelijke afwijzing: een prestatie zonder toewijzing
    Als de aanbieder de vorige maand declareert met een extra prestatie op een onbekende toewijzing
    Dan ontvangt de aanbieder een 325 die 1 prestatie afwijst met retourcode "9338"
    En is het toegekende bedrag lager dan het ingediende

  @323-325 @TR323 @TR389
  Scenario: Een correctie: credit en een nieuwe debet in de volgende maand
    Gegeven de aanbieder heeft de vorige maand gedeclareerd
    En de maand is om
    Als de aanbieder de vorige declaratie corrigeert
    Dan ontvangt de aanbieder een 325 met retourcode "8001"

  @323-325 @TR318 @8214 @TR389
  Scenario: Een tweede declaratie over dezelfde maand wordt in zijn geheel afgewezen
    Gegeven de aanbieder heeft de vorige maand gedeclareerd
    Als de aanbieder dezelfde maand nog eens declareert
    Dan ontvangt de aanbieder een 325 met retourcode "8214"

  @323-325 @TR333 @9333
  Scenario: Een al gebruikt declaratienummer wordt afgewezen
    Gegeven de aanbieder heeft de vorige maand gedeclareerd
    En de maand is om
    Als de aanbieder declareert met het vorige declaratienummer
    Dan ontvangt de aanbieder een 325 met retourcode "9333"
