# language: nl
Functionaliteit: Antwoordbericht (319) en retour (320)
  Het antwoordbericht weigert een verzoek of zet het "in onderzoek"; de aanbieder bevestigt
  het met een 320.

  @319-320 @315-316
  Scenario: De aanbieder bevestigt een antwoord "in onderzoek"
    Gegeven een keten met regioprofiel "regio-weigert-vow"
    Als de aanbieder een verzoek om toewijzing stuurt voor een product in uren
    Dan ontvangt de aanbieder een 319 met VerzoekAntwoord "2"
    En ontvangt de gemeente een 320 zonder retourcodes

  @319-320 @TR355 @9355
  Scenario: Een antwoord op een verzoek dat nooit is gestuurd wordt afgewezen
    Gegeven een keten met regioprofiel "regio-accepteert"
    Als de gemeente een antwoordbericht stuurt op verzoek "NOOIT-GESTUURD"
    Dan ontvangt de gemeente een 320 met retourcode "9355"
