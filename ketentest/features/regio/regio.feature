# language: nl
Functionaliteit: Een regio van meerdere gemeenten bij één aanbieder
  Gemeenten die samen inkopen (een regio, één regioprofiel) werken met dezelfde aanbieder. Elke
  gemeente heeft haar eigen keten met de aanbieder: haar toewijzingen, starts en declaraties
  worden beoordeeld in die keten, en wat de aanbieder terugstuurt gaat naar de gemeente die het
  bericht stuurde. De aanbieder declareert per gemeente.

  @regio
  Scenario: Twee gemeenten van een regio wijzen toe aan één aanbieder, die bij elk declareert
    Gegeven een regio met de gemeenten "Groningen" en "Het Hogeland"
    Als gemeente "Groningen" een toewijzing stuurt voor een product in uren
    En gemeente "Het Hogeland" een toewijzing stuurt voor een product in uren
    Dan ontvangt gemeente "Groningen" een 302 zonder retourcodes
    En ontvangt gemeente "Het Hogeland" een 302 zonder retourcodes
    Als de aanbieder bij gemeente "Groningen" de levering start
    En de aanbieder bij gemeente "Het Hogeland" de levering start
    Dan ontvangt de aanbieder van gemeente "Groningen" een 306 zonder retourcodes
    En ontvangt de aanbieder van gemeente "Het Hogeland" een 306 zonder retourcodes
    En de maand is om
    Als de aanbieder bij gemeente "Groningen" de vorige maand declareert
    En de aanbieder bij gemeente "Het Hogeland" de vorige maand declareert
    Dan ontvangt de aanbieder van gemeente "Groningen" een 325 met retourcode "8001"
    En ontvangt de aanbieder van gemeente "Het Hogeland" een 325 met retourcode "8001"

