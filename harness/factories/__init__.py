"""Realistic iWmo/iJw 3.2 messages for tests: factory-boy factories for all 28 messages.

The data of a message is a dict named after the release tables' elements, e.g.
``{"Header": {...}, "Client": {"Bsn": "123456782", "ToegewezenProducten":
{"ToegewezenProduct": [{...}]}}}``: a dict per group or CDT_ type, a list for a repeated
element, None to leave an optional one out. `render` turns it into XML by walking the tables
(order and namespaces come from there), so whatever a test changes in the data still comes out
as a well-formed message of the right shape.

The values tell a consistent, fictitious story: BSNs pass the elfproef, AGB codes have 8 digits,
gemeentecodes come from the CBS list of 2026, Dagtekening is `today` (2 November 2026 unless
given), dates in the past lie before it, toewijzingen end after they start, a 323 declares the
whole calendar month before its dagtekening with IngediendBedrag = GeleverdVolume x ProductTarief
and the signed sum as TotaalIngediendBedrag, and product categories and codes come from a fixed
product list per standard (`contract(rel)` gives it as a regio profile for the rules).

API
---
``bericht(rel, message, today=TODAY, seed=None, **overrides) -> lxml Element``
``data(...)`` the same arguments, returning the data instead; ``render(rel, message, data)``;
``to_bytes(root)``. `rel` is a release name ('ijw-3.2') or a Release, `message` an id ('301')
or name ('JW301'). The same `seed` gives the same message; without one every build differs.
The class factories (ClientFactory, ToegewezenProductFactory, PrestatieFactory, ...) build one
class on their own, e.g. ``PrestatieFactory(release=rel, GeleverdVolume=3)``.

Overrides are factory-boy keywords on the message's factory (berichten.FACTORIES):

- an element by its path of table names joined by ``__``: ``Client__Bsn="123456782"``,
  ``Client__Naam__Geslachtsnaam__Achternaam="Jansen"``, ``Declaratie__DeclaratieNummer="D1"``;
  a composite or group value is replaced whole: ``Client__Geboortedatum={"Datum": d}``;
- the parties: ``gemeente="0363"``, ``aanbieder="12345678"``;
- repeated classes, as a count or as a list with one dict of overrides per item (``{}``: all
  default): ``producten`` (301, 305, 307, 315), ``contacten`` and ``relaties`` (301),
  ``ongewijzigd``, ``te_wijzigen``, ``nieuw`` (317), ``clienten`` and ``prestaties`` (323:
  prestaties per client; a client's own ``prestaties`` goes in its dict). An item's overrides
  name its elements, or its inputs: ``product`` (a Product of ``catalogus(rel)``), ``credit``
  (a prestatie). Derived values follow: give a prestatie another GeleverdVolume and its
  IngediendBedrag and the declaratie's total change with it;
- 323: ``periode=(begin, end)``; retour messages and the 325: ``heen`` (the data of the message
  answered, or its overrides as ``heen__...``) and, for retours, ``retourcodes`` (codes on
  every berichtklasse, default ["0200"]; [] for a header-only retour).

Examples::

    from datetime import date
    from harness.factories import bericht, data, render, to_bytes
    from harness.standard import release

    # 1. An iJw toewijzing with two products, the second ending at the end of 2026
    root = bericht("ijw-3.2", "301", producten=[{}, {"Einddatum": date(2026, 12, 31)}],
                   Client__Bsn="999993653")

    # 2. A 323 with 2,500 clients of 4 prestaties each, one client's first prestatie in hours;
    #    repeatable with a seed
    xml = to_bytes(bericht("iwmo-3.2", "323", today=date(2026, 12, 3), seed=7, clienten=[
        {"prestaties": [{"Eenheid": "04"}, {}, {}, {}]}, *[{}] * 2499], prestaties=4))

    # 3. A retour 302 on a given 301, with 9069 on every class; or break a value on purpose:
    heen = data("iwmo-3.2", "301")
    retour = bericht("iwmo-3.2", "302", heen=heen, retourcodes=["9069"])
    d = data("ijw-3.2", "323")
    d["Declaratie"]["TotaalIngediendBedrag"]["TotaalBedrag"] += 1  # TR358 must now fail
    root = render(release("ijw-3.2"), "323", d)
"""
from ..standard.sample import to_bytes
from .berichten import FACTORIES, bericht, data
from .declaratie import DeclaratieFactory, PrestatieFactory
from .levering import StartProductFactory, StopProductFactory
from .persoon import ClientFactory, ContactFactory
from .product import Product, catalogus, contract
from .render import RenderError, render
from .toewijzing import ToegewezenProductFactory
from .values import TODAY
from .verzoek import AangevraagdProductFactory, AntwoordFactory, VerzoekFactory

__all__ = ["FACTORIES", "TODAY", "RenderError", "bericht", "data", "render", "to_bytes",
           "contract", "catalogus", "Product",
           "AangevraagdProductFactory", "AntwoordFactory", "ClientFactory", "ContactFactory",
           "DeclaratieFactory", "PrestatieFactory", "StartProductFactory", "StopProductFactory",
           "ToegewezenProductFactory", "VerzoekFactory"]
