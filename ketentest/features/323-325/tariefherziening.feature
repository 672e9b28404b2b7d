# language: nl
Functionaliteit: Een afwijzing om een reden van de gemeente, en de correctie door de aanbieder
  De gemeente kan een juiste declaratie afwijzen om een reden die de hare is: de regio heeft
  het tarief van een product herzien nadat de aanbieder het contract kreeg (het regioprofiel
  zegt welk product, tegen welk tarief). De 325 wijst de regel af met 0611; de aanbieder
  hoort het nieuwe tarief en declareert de afgewezen regel opnieuw, verbeterd: niet dezelfde
  regel nog eens. Zo krijgt ook een juist systeem een afwijzing van zijn eigen bericht.

  @323-325 @TR418 @0611
  Scenario: Een herzien tarief: de aanbieder declareert de afgewezen prestatie opnieuw
    Gegeven een keten met regioprofiel "regio-herziet-tarief"
    En de gemeente heeft een toewijzing gestuurd voor een product in uren
    En de aanbieder heeft de levering gestart
    En de maand is om
    Als de aanbieder de vorige maand declareert
    Dan ontvangt de aanbieder een 325 die 1 prestatie afwijst met retourcode "0611"
    Als de maand is om
    En de aanbieder de vorige maand declareert met de afgewezen prestaties tegen het herziene tarief
    Dan ontvangt de aanbieder een 325 met retourcode "8001"
