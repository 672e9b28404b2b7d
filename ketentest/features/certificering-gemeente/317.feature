# language: nl
# Gegenereerd uit de catalogus van regelbrekers (harness/breakers): niet met de hand
# wijzigen, maar `python -m ketentest.certificering` draaien.
@certificering @certificering-gemeente @317-318 @fout-aanbieder
Functionaliteit: Certificering van de gemeente: elke regel op de 317 verzoek om wijziging
  De harness speelt de aanbieder en stuurt een 317 die precies één regel breekt,
  na de berichten die daarvoor in de keten nodig zijn. De gemeente antwoordt met een 318
  met precies die retourcode op de genoemde berichtklasse: 0200 op de andere klassen en
  0233 onder een afgewezen klasse; breekt het bericht een regel uit het bericht zelf,
  dan alleen de header met 0001.

  Niet getoetst:
  - TR056: de uitwisseling weigert een bericht met een BerichtIdentificatie die de afzender al
    gebruikte (BRS20) voordat de ontvanger het ziet
  - TR378: de uitwisseling routeert op de gemeentecode in de header: een code buiten de CBS-
    lijst is geen partij van de sessie en wordt geweigerd (IB213/IB210, BRS02/BRS33) voordat de
    ontvanger het ziet

  Abstract Scenario: De gemeente wijst een 317 af die regel <regel> breekt
    Gegeven een keten voor regel "<regel>" op de 317
    Als de aanbieder een 317 stuurt die regel "<regel>" breekt
    Dan ontvangt de aanbieder een 318 met retourcode "<retourcode>" op "<berichtklasse>"

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

    @CD096 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CD096 | 0001       | Header        |

    @CS002 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS002 | 0001       | Header        |

    @CS003 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS003 | 0001       | Header        |

    @CS338 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS338 | 0001       | Header        |

    @TR101 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR101 | 0001       | Header        |

    @TR135 @8848
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR135 | 8848       | Header        |

    @TR304 @8187
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR304 | 8187       | TeWijzigenProduct |

    @TR347 @9347
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR347 | 9347       | Verzoek       |

    @TR349 @9349
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR349 | 9349       | Verzoek       |

    @TR350 @9350
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR350 | 9350       | OngewijzigdProduct |

    @TR351 @9351
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR351 | 9351       | TeWijzigenProduct |

    @TR352 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR352 | 0001       | Header        |

    @TR353 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR353 | 0001       | Header        |

    @TR357 @9357
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR357 | 9357       | TeWijzigenProduct |

    @TR361 @9361
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR361 | 9361       | NieuwProduct  |

    @TR373 @9373
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR373 | 9373       | TeWijzigenProduct |

    @TR374 @9374
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR374 | 9374       | Client        |

    @TR375 @9375
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR375 | 9375       | TeWijzigenProduct |

    @TR380 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR380 | 0001       | Header        |

    @TR381 @S329
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR381 | S329       | NieuwProduct  |

    @TR410 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR410 | 0001       | Header        |

    @TR411 @9411
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR411 | 9411       | TeWijzigenProduct |

    @TR412 @9412
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR412 | 9412       | TeWijzigenProduct |
