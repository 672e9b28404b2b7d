# language: nl
# Gegenereerd uit de catalogus van regelbrekers (harness/breakers): niet met de hand
# wijzigen, maar `python -m ketentest.certificering` draaien.
@certificering @certificering-gemeente @307-308 @fout-aanbieder
Functionaliteit: Certificering van de gemeente: elke regel op de 307 stop levering
  De harness speelt de aanbieder en stuurt een 307 die precies één regel breekt,
  na de berichten die daarvoor in de keten nodig zijn. De gemeente antwoordt met een 308
  met precies die retourcode op de genoemde berichtklasse: 0200 op de andere klassen en
  0233 onder een afgewezen klasse; breekt het bericht een regel uit het bericht zelf,
  dan alleen de header met 0001.

  Niet getoetst:
  - TR056: de uitwisseling weigert een bericht met een BerichtIdentificatie die de afzender al
    gebruikte (BRS20) voordat de ontvanger het ziet
  - TR378: de uitwisseling routeert op de gemeentecode in de header: een code buiten de CBS-
    lijst is geen partij van de sessie en wordt geweigerd (IB213/IB210, BRS02/BRS33) voordat de
    ontvanger het ziet

  Abstract Scenario: De gemeente wijst een 307 af die regel <regel> breekt
    Gegeven een keten voor regel "<regel>" op de 307
    Als de aanbieder een 307 stuurt die regel "<regel>" breekt
    Dan ontvangt de aanbieder een 308 met retourcode "<retourcode>" op "<berichtklasse>"

    @CS002 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS002 | 0001       | Header        |

    @CS058 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS058 | 0001       | Header        |

    @CS139 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | CS139 | 0001       | Header        |

    @TR002 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR002 | 0001       | Header        |

    @TR018 @0001
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR018 | 0001       | Header        |

    @TR019 @9019
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR019 | 9019       | StopProduct   |

    @TR063 @9063 @keuze
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR063 | 9063       | StopProduct   |

    @TR074 @9074 @keuze
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR074 | 9074       | StopProduct   |

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

    @TR381 @S329
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR381 | S329       | StopProduct   |

    @TR382 @9069 @keuze
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR382 | 9069       | StopProduct   |

    @TR413 @9413 @keuze
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR413 | 9413       | StopProduct   |

    @TR414 @9414 @keuze
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR414 | 9414       | StopProduct   |

    @TR415 @9415 @keuze
    Voorbeelden:
      | regel | retourcode | berichtklasse |
      | TR415 | 9415       | StopProduct   |
