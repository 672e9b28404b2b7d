# language: nl
# Gegenereerd uit de catalogus van regelbrekers (harness/breakers): niet met de hand
# wijzigen, maar `python -m ketentest.certificering` draaien.
@certificering @certificering-gemeente @323-325 @fout-aanbieder
Functionaliteit: Certificering van de gemeente: elke regel op de 323 declaratie
  De harness speelt de aanbieder en stuurt een 323 die precies één regel breekt,
  na de berichten die daarvoor in de keten nodig zijn. De gemeente antwoordt met een 325
  met precies die retourcode op de genoemde berichtklasse: 0200 op de andere klassen en
  0233 onder een afgewezen klasse; breekt het bericht een regel uit het bericht zelf,
  dan alleen de header met 0001.

  Niet getoetst:
  - CS319: the 323's schema holds CS319's pattern (letters and digits), so a DeclaratieNummer
    that breaks it is refused at level xsd (StUF055 / BRS13) before any rule is judged
  - TR056: de uitwisseling weigert een bericht met een BerichtIdentificatie die de afzender al
    gebruikte (BRS20) voordat de ontvanger het ziet
  - TR319 (9319): what one 323 shows of TR319 (a ProductPeriode after its DeclaratiePeriode) is
    judged in the message, as the official XSLT does (TR319 at level xslt, 0001), before the
    chain; the chain reading (9319) has nothing beyond it
  - TR378: de uitwisseling routeert op de gemeentecode in de header: een code buiten de CBS-
    lijst is geen partij van de sessie en wordt geweigerd (IB213/IB210, BRS02/BRS33) voordat de
    ontvanger het ziet

  Abstract Scenario: De gemeente wijst een 323 af die regel <regel> breekt
    Gegeven een keten voor regel "<regel>" op de 323
    Als de aanbieder een 323 stuurt die regel "<regel>" breekt
    Dan ontvangt de aanbieder een 325 met retourcode "<retourcode>" op "<berichtklasse>"

    @CD060 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD060 | 0001       | Header        |

    @CD087 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD087 | 0001       | Header        |

    @CS002 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS002 | 0001       | Header        |

    @CS100 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS100 | 0001       | Header        |

    @CS325 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS325 | 0001       | Header        |

    @CS337 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS337 | 0001       | Header        |

    @CS339 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS339 | 0001       | Header        |

    @CS340 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS340 | 0001       | Header        |

    @TR101 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR101 | 0001       | Header        |

    @TR134 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR134 | 0001       | Header        |

    @TR135 @8848
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR135 | 8848       | Header        |

    @TR137 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR137 | 0001       | Header        |

    @TR304 @8187
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR304 | 8187       | Client        |

    @TR307 @9307
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR307 | 9307       | Prestatie     |

    @TR308 @9308
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR308 | 9308       | Prestatie     |

    @TR314 @8021
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR314 | 8021       | Prestatie     |

    @TR315 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR315 | 0001       | Header        |

    @TR316 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR316 | 0001       | Header        |

    @TR318 @8214 @keuze
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR318 | 8214       | Declaratie    |

    @TR319 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR319 | 0001       | Header        |

    @TR321 @9321 @keuze
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR321 | 9321       | Prestatie     |

    @TR322 @9322 @keuze
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR322 | 9322       | Prestatie     |

    @TR323 @8017
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR323 | 8017       | Prestatie     |

    @TR333 @9333
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR333 | 9333       | Declaratie    |

    @TR335 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR335 | 0001       | Header        |

    @TR338 @9338
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR338 | 9338       | Prestatie     |

    @TR339 @9339
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR339 | 9339       | Prestatie     |

    @TR340 @9340
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR340 | 9340       | Prestatie     |

    @TR341 @9341
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR341 | 9341       | Prestatie     |

    @TR346 @9346
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR346 | 9346       | Prestatie     |

    @TR358 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR358 | 0001       | Header        |

    @TR369 @9369
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR369 | 9369       | Prestatie     |

    @TR381 @S329
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR381 | S329       | Prestatie     |

    @TR384 @9384
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR384 | 9384       | Prestatie     |

    @TR387 @9387 @keuze
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR387 | 9387       | Prestatie     |

    @TR388 @9388 @keuze
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR388 | 9388       | Prestatie     |

    @TR389 @9389
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR389 | 9389       | Prestatie     |

    @TR390 @9390
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR390 | 9390       | Prestatie     |

    @TR416 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR416 | 0001       | Header        |

    @TR418 @0611
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR418 | 0611       | Prestatie     |
