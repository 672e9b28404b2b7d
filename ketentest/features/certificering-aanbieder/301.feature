# language: nl
# Gegenereerd uit de catalogus van regelbrekers (harness/breakers): niet met de hand
# wijzigen, maar `python -m ketentest.certificering` draaien.
@certificering @certificering-aanbieder @301-302 @fout-gemeente
Functionaliteit: Certificering van de aanbieder: elke regel op de 301 toewijzing
  De harness speelt de gemeente en stuurt een 301 die precies één regel breekt,
  na de berichten die daarvoor in de keten nodig zijn. De aanbieder antwoordt met een 302
  met precies die retourcode op de genoemde berichtklasse: 0200 op de andere klassen en
  0233 onder een afgewezen klasse; breekt het bericht een regel uit het bericht zelf,
  dan alleen de header met 0001.

  Niet getoetst:
  - TR056: de uitwisseling weigert een bericht met een BerichtIdentificatie die de afzender al
    gebruikte (BRS20) voordat de ontvanger het ziet
  - TR378: de uitwisseling routeert op de gemeentecode in de header: een code buiten de CBS-
    lijst is geen partij van de sessie en wordt geweigerd (IB213/IB210, BRS02/BRS33) voordat de
    ontvanger het ziet

  Abstract Scenario: De aanbieder wijst een 301 af die regel <regel> breekt
    Gegeven een keten voor regel "<regel>" op de 301
    Als de gemeente een 301 stuurt die regel "<regel>" breekt
    Dan ontvangt de gemeente een 302 met retourcode "<retourcode>" op "<berichtklasse>"

    @CD005 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD005 | 0001       | Header        |

    @CD007 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD007 | 0001       | Header        |

    @CD009 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD009 | 0001       | Header        |

    @CD025 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD025 | 0001       | Header        |

    @CD034 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD034 | 0001       | Header        |

    @CD041 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD041 | 0001       | Header        |

    @CD075 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD075 | 0001       | Header        |

    @CD076 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD076 | 0001       | Header        |

    @CD077 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD077 | 0001       | Header        |

    @CD078 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD078 | 0001       | Header        |

    @CD079 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD079 | 0001       | Header        |

    @CD080 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD080 | 0001       | Header        |

    @CS002 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS002 | 0001       | Header        |

    @CS003 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS003 | 0001       | Header        |

    @CS050 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS050 | 0001       | Header        |

    @CS089 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS089 | 0001       | Header        |

    @CS139 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS139 | 0001       | Header        |

    @CS318 @0001 @ijw-3.2
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS318 | 0001       | Header        |

    @CS335 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS335 | 0001       | Header        |

    @CS336 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS336 | 0001       | Header        |

    @CS338 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS338 | 0001       | Header        |

    @TR002 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR002 | 0001       | Header        |

    @TR006 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR006 | 0001       | Header        |

    @TR061 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR061 | 0001       | Header        |

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

    @TR302 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR302 | 0001       | Header        |

    @TR332 @9332 @keuze
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR332 | 9332       | ToegewezenProduct |

    @TR379 @9379
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR379 | 9379       | ToegewezenProduct |

    @TR381 @S329
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR381 | S329       | ToegewezenProduct |

    @TR385 @9385
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR385 | 9385       | ToegewezenProduct |
