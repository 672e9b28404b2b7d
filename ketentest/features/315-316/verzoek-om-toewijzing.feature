# language: nl
Functionaliteit: Verzoek om toewijzing (315), retour (316) en het antwoord per product
  De aanbieder vraagt zorg aan; de gemeente beantwoordt elk gevraagd product apart: met een
  toewijzing (301) of met een antwoordbericht (319), eventueel eerst "in onderzoek".

  @315-316 @301-302
  Scenario: Een verzoek om toewijzing wordt gehonoreerd
    Gegeven een keten met regioprofiel "regio-accepteert"
    Als de aanbieder een verzoek om toewijzing stuurt voor een product in uren
    Dan ontvangt de aanbieder een 316 zonder retourcodes
    En ontvangt de aanbieder een 301 voor het gevraagde product
    En ontvangt de gemeente een 302 zonder retourcodes

  @315-316 @301-302
  Scenario: Een verzoek om twee producten krijgt een toewijzing per product
    Gegeven een keten met regioprofiel "regio-accepteert"
    Als de aanbieder een verzoek om toewijzing stuurt voor een product in uren en een outputproduct
    Dan ontvangt de aanbieder een 316 zonder retourcodes
    En ontvangt de aanbieder 2 keer een 301

  @315-316 @319-320
  Scenario: Eerst in onderzoek, daarna een toewijzing
    Gegeven een keten met regioprofiel "regio-weigert-vow"
    Als de aanbieder een verzoek om toewijzing stuurt voor een product in uren
    Dan ontvangt de aanbieder een 316 zonder retourcodes
    En ontvangt de aanbieder een 319 met VerzoekAntwoord "2"
    En ontvangt de aanbieder een 301 voor het gevraagde product

  @315-316 @319-320 @6
  Scenario: Producten die niet samen mogen worden geweigerd wegens stapeling
    Gegeven een keten met regioprofiel "regio-accepteert"
    Als de aanbieder een verzoek om toewijzing stuurt voor twee producten die niet samen mogen
    Dan ontvangt de aanbieder een 316 zonder retourcodes
    En ontvangt de aanbieder een 319 met VerzoekAntwoord "1" en reden "6"

  @315-316 @TR374 @9374
  Scenario: Een tweede verzoek terwijl het eerste onderhanden is wordt afgewezen
    Gegeven een keten met regioprofiel "regio-weigert-vow"
    En de aanbieder heeft een verzoek om toewijzing gestuurd voor een product in uren
    Als de aanbieder nog een verzoek om toewijzing stuurt voor dezelfde client
    Dan ontvangt de aanbieder een 316 met retourcode "9374"
