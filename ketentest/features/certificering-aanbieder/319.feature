# language: nl
# Gegenereerd uit de catalogus van regelbrekers (harness/breakers): niet met de hand
# wijzigen, maar `python -m ketentest.certificering` draaien.
@certificering @certificering-aanbieder @319-320 @fout-gemeente
Functionaliteit: Certificering van de aanbieder: elke regel op de 319 antwoordbericht
  De harness speelt de gemeente en stuurt een 319 die precies één regel breekt,
  na de berichten die daarvoor in de keten nodig zijn. De aanbieder antwoordt met een 320
  met precies die retourcode op de genoemde berichtklasse: 0200 op de andere klassen en
  0233 onder een afgewezen klasse; breekt het bericht een regel uit het bericht zelf,
  dan alleen de header met 0001.

  Niet getoetst:
  - TR056: de uitwisseling weigert een bericht met een BerichtIdentificatie die de afzender al
    gebruikte (BRS20) voordat de ontvanger het ziet
  - TR378: de uitwisseling routeert op de gemeentecode in de header: een code buiten de CBS-
    lijst is geen partij van de sessie en wordt geweigerd (IB213/IB210, BRS02/BRS33) voordat de
    ontvanger het ziet

  Abstract Scenario: De aanbieder wijst een 319 af die regel <regel> breekt
    Gegeven een keten voor regel "<regel>" op de 319
    Als de gemeente een 319 stuurt die regel "<regel>" breekt
    Dan ontvangt de gemeente een 320 met retourcode "<retourcode>" op "<berichtklasse>"

    @CD085 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD085 | 0001       | Header        |

    @CD086 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD086 | 0001       | Header        |

    @TR135 @8848
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR135 | 8848       | Header        |

    @TR355 @9355
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR355 | 9355       | Antwoord      |

    @TR359 @9359
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR359 | 9359       | Antwoord      |

    @TR360 @9360
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR360 | 9360       | Antwoord      |

    @TR365 @9365
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR365 | 9365       | Antwoord      |

    @TR377 @0001 @ijw-3.2
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR377 | 0001       | Header        |

    @TR409 @0001 @ijw-3.2
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR409 | 0001       | Header        |
