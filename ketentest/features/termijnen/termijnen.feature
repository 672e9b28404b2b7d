# language: nl
Functionaliteit: Termijnen in werkdagen
  Retourberichten komen binnen 3 werkdagen, een 301 of 319 op een verzoek binnen 5, een 325
  binnen 10; weekenden en feestdagen tellen niet mee.

  @termijnen @301-302
  Scenario: Het retourbericht op een toewijzing komt binnen 3 werkdagen
    Gegeven een keten met regioprofiel "regio-accepteert"
    Als de gemeente een toewijzing stuurt voor een product in uren
    Dan ontvangt de gemeente een 302 binnen 3 werkdagen

  @termijnen @323-325
  Scenario: Het declaratie-antwoord komt binnen 10 werkdagen
    Gegeven een keten met regioprofiel "regio-weigert-vow"
    En de gemeente heeft een toewijzing gestuurd voor een product in uren
    En de aanbieder heeft de levering gestart
    En de maand is om
    Als de aanbieder de vorige maand declareert
    Dan ontvangt de aanbieder een 325 binnen 10 werkdagen

  @termijnen @315-316
  Scenario: Het antwoord op een verzoek om toewijzing komt binnen 5 werkdagen
    Gegeven een keten met regioprofiel "regio-accepteert"
    Als de aanbieder een verzoek om toewijzing stuurt voor een product in uren
    Dan ontvangt de aanbieder een 301 binnen 5 werkdagen

  @termijnen
  Scenario: Elk antwoord in een hele keten komt op tijd
    Gegeven een keten met regioprofiel "regio-weigert-vow"
    En de gemeente heeft een toewijzing gestuurd voor een product in uren
    En de aanbieder heeft de levering gestart
    Als de aanbieder de levering definitief stopt
    Dan ontvangt de aanbieder een 308 zonder retourcodes
    En kwam elk antwoord binnen zijn termijn
