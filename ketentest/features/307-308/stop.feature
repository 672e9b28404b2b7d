# language: nl
Functionaliteit: Stop levering (307) en retour (308)
  De aanbieder meldt het einde van de zorg: tijdelijk (reden 20) of definitief. Een stop
  draagt de sleutel van de start; na een tijdelijke stop volgt een herstart of een definitieve
  stop.

  Achtergrond:
    Gegeven een keten met regioprofiel "regio-accepteert"
    En de gemeente heeft een toewijzing gestuurd voor een product in uren
    En de aanbieder heeft de levering gestart

  @307-308
  Scenario: De aanbieder stopt de zorg definitief
    Als de aanbieder de levering definitief stopt
    Dan ontvangt de aanbieder een 308 zonder retourcodes

  @307-308 @TR413 @TR414 @TR415
  Scenario: Eerst een tijdelijke stop, daarna een definitieve
    Als de aanbieder de levering tijdelijk stopt
    Dan ontvangt de aanbieder een 308 zonder retourcodes
    Als de aanbieder de levering definitief stopt
    Dan ontvangt de aanbieder een 308 zonder retourcodes

  @307-308 @TR326
  Scenario: Herstart na een tijdelijke stop
    Als de aanbieder de levering tijdelijk stopt
    Dan ontvangt de aanbieder een 308 zonder retourcodes
    Als de aanbieder de levering herstart
    Dan ontvangt de aanbieder een 306 zonder retourcodes

  @307-308 @TR415 @9415 @fout-aanbieder
  Scenario: Na een definitieve stop volgt geen tweede stop
    Gegeven de aanbieder heeft de levering definitief gestopt
    Als de aanbieder de levering definitief stopt
    Dan ontvangt de aanbieder een 308 met retourcode "9415"

  @307-308 @TR382 @9069
  Scenario: Een stop zonder start wordt afgewezen
    Als de aanbieder een stop stuurt die bij geen start hoort
    Dan ontvangt de aanbieder een 308 met retourcode "9069"

  @307-308 @TR063 @TR071 @9071 @fout-aanbieder
  Scenario: Een gestopte start kan niet verwijderd worden
    Gegeven de aanbieder heeft de levering definitief gestopt
    Als de aanbieder de start verwijdert
    Dan ontvangt de aanbieder een 306 met retourcode "9071"
