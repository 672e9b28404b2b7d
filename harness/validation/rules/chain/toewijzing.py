"""Cross-message rules on the toewijzing (301)."""
from __future__ import annotations

from ....standard.codes import VERWIJDERD
from ...message import Message
from .. import rule

ZELFDE_TOEWIJZING = (
    "ketentest reads 'one toegewezen product' as the same client and product (categorie, "
    "code): a 301 may repeat a ToewijzingNummer only for those")


def _toegewezen(m: Message):
    return m.all("ToegewezenProducten/ToegewezenProduct", m.body)


@rule("TR332", "chain", "9332", "301", keuze=ZELFDE_TOEWIJZING)
def tr332(m: Message, ctx):
    """A ToewijzingNummer names one toegewezen product of the gemeente: a 301 may repeat a
    number only for the same client and product (to change or end it), never for another.

    Judged on Bsn and Product (categorie, code); a change of dates keeps the number. Two
    ToegewezenProducts with the same number in one message also break it."""
    bsn = m.text(m.body, "Bsn")
    seen = set()
    for p in _toegewezen(m):
        nummer = m.text(p, "ToewijzingNummer")
        product = (m.text(p, "Product/Categorie"), m.text(p, "Product/Code"))
        earlier = ctx.state.toewijzing(nummer)
        if nummer in seen:
            yield m.get(p, "ToewijzingNummer"), (
                f"ToewijzingNummer {nummer} occurs twice in this toewijzing; give each "
                "toegewezen product its own number.")
        elif earlier is not None and (earlier.bsn, earlier.product) != (bsn, product):
            yield m.get(p, "ToewijzingNummer"), (
                f"ToewijzingNummer {nummer} was already used for product "
                f"{'/'.join(filter(None, earlier.product)) or '(none)'} of client "
                f"{earlier.bsn}; a new toegewezen product needs a new number.")
        seen.add(nummer)


@rule("TR379", "chain", "9379", "301")
def tr379(m: Message, ctx):
    """A ReferentieAanbieder in a toegewezen product names a verzoek (315 or 317) received from
    the aanbieder: it is filled only to honour a VOT or VOW."""
    for p in _toegewezen(m):
        ref = m.text(p, "ReferentieAanbieder")
        if ref and ref not in ctx.state.verzoeken:
            yield m.get(p, "ReferentieAanbieder"), (
                f"ReferentieAanbieder {ref} names no verzoek (315/317) of the aanbieder; leave "
                "it empty unless the toewijzing honours that verzoek.")


@rule("TR385", "chain", "9385", "301")
def tr385(m: Message, ctx):
    """A toewijzing with approved (uncredited) prestaties is not deleted (RedenWijziging 13)."""
    for p in _toegewezen(m):
        nummer = m.text(p, "ToewijzingNummer")
        if m.text(p, "RedenWijziging") == VERWIJDERD and ctx.state.goedgekeurd_op(nummer):
            yield m.get(p, "RedenWijziging"), (
                f"Toewijzing {nummer} has approved declaratie lines; end it with an earlier "
                "Einddatum instead of deleting it, or have the aanbieder credit them first.")
