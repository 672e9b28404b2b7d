# language: nl
# Gegenereerd uit de catalogus van regelbrekers (harness/breakers): niet met de hand
# wijzigen, maar `python -m ketentest.certificering` draaien.
@certificering @certificering-gemeente @315-316 @fout-aanbieder
Functionaliteit: Certificering van de gemeente: elke regel op de 315 verzoek om toewijzing
  De harness speelt de aanbieder en stuurt een 315 die precies één regel breekt,
  na de berichten die daarvoor in de keten nodig zijn. De gemeente antwoordt met een 316
  met precies die retourcode op de genoemde berichtklasse: 0200 op de andere klassen en
  0233 onder een afgewezen klasse; breekt het bericht een regel uit het bericht zelf,
  dan alleen de header met 0001.

  Niet getoetst:
  - TR056: de uitwisseling weigert een bericht met een BerichtIdentificatie die de afzender al
    gebruikte (BRS20) voordat de ontvanger het ziet
  - TR378: de uitwisseling routeert op de gemeentecode in de header: een code buiten de CBS-
    lijst is geen partij van de sessie en wordt geweigerd (IB213/IB210, BRS02/BRS33) voordat de
    ontvanger het ziet

  Abstract Scenario: De gemeente wijst een 315 af die regel <regel> breekt
    Gegeven een keten voor regel "<regel>" op de 315
    Als de aanbieder een 315 stuurt die regel "<regel>" breekt
    Dan ontvangt de aanbieder een 316 met retourcode "<retourcode>" op "<berichtklasse>"

    @CD041 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD041 | 0001       | Header        |

    @CD043 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD043 | 0001       | Header        |

    @CD066 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD066 | 0001       | Header        |

    @CD067 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD067 | 0001       | Header        |

    @CD068 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD068 | 0001       | Header        |

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

    @CD095 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD095 | 0001       | Header        |

    @CS002 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS002 | 0001       | Header        |

    @CS003 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS003 | 0001       | Header        |

    @CS139 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS139 | 0001       | Header        |

    @CS343 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS343 | 0001       | Header        |

    @TR002 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR002 | 0001       | Header        |

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

    @TR347 @9347
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR347 | 9347       | AangevraagdProduct |

    @TR374 @9374
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR374 | 9374       | Client        |

    @TR381 @S329
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR381 | S329       | AangevraagdProduct |

    @TR383 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR383 | 0001       | Header        |

    @TR386 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR386 | 0001       | Header        |
