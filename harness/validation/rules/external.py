"""Rules on external data (category externe bron): the system date, the CBS list of
gemeentecodes, and a regio's product list and tariffs. A break gives the rule's own code."""
from __future__ import annotations

from ...standard.codes import EURO, MINUUT, UUR
from ..message import Message, digits
from . import rule

HEEN = "301 305 307 315 317 319 323 325"


@rule("TR135", "extern", "8848", HEEN)
def tr135(m: Message, ctx):
    """The Dagtekening of the message is not after today (the receiver's system date); the
    dates compare on their digits, so a date Python cannot hold is judged too."""
    if m.digits(m.header, "BerichtIdentificatie/Dagtekening") > digits(ctx.today.isoformat()):
        yield m.header, (f"Dagtekening {m.dagtekening_text} lies after today ({ctx.today}); "
                         "date the message on or before the day it is sent.")


@rule("TR378", "extern", "S300", HEEN)
def tr378(m: Message, ctx):
    """Every gemeentecode is in the CBS list (header Afzender/Ontvanger, Woonplaatsbeginsel)."""
    header = m.definition.header
    roles = [e.name for e in header.children if e.type == "LDT_Gemeente"]
    places = [(m.header, m.text(m.header, name), name) for name in roles]
    if m.body is not None and m.get(m.body, "Woonplaatsbeginsel") is not None:
        wpb = m.get(m.body, "Woonplaatsbeginsel")
        places.append((wpb, m.text(wpb, "Gemeente"), "Woonplaatsbeginsel/Gemeente"))
    for el, code, name in places:
        if code not in ctx.gemeentecodes:
            yield el, f"{name} {code} is not a gemeentecode in the CBS list."


def _products(m: Message):
    """(element, categorie, code) of every product named in the message."""
    c = m.prestatie_columns
    if c.element:
        return zip(c.element, c.categorie, c.code)
    if m.body is None:
        return []
    return [(el, m.text(el, "Categorie"), m.text(el, "Code"))
            for el in m.body.iter(f"{{{m.definition.namespace}}}Product")]


@rule("TR381", "extern", "S329", "301 305 307 315 317 323", needs="profile")
def tr381(m: Message, ctx):
    """The ProductCode fits its ProductCategorie in the regio's product list."""
    named = {(categorie, code) for _, categorie, code in _products(m) if code is not None}
    if named <= ctx.products.keys():
        return  # the common case, decided on the few distinct products
    for el, categorie, code in _products(m):
        if code is not None and (categorie, code) not in ctx.products:
            yield el, (f"ProductCode {code} is not a product of categorie {categorie} in the "
                       "regio's product list.")


@rule("TR418", "extern", "0611", "323", needs="profile")
def tr418(m: Message, ctx):
    """The ProductTarief of a prestatie equals the contract tariff of its product.

    The published table files this rule as berichtoverstijgend; it needs only the contract
    (the regio profile), so ketentest judges it with the external-data rules. An hour product
    declared in minutes (TR341 allows it) carries a tariff per minute: the contract's hourly
    tariff divided by 60, rounded down or up to whole cents."""
    wrong = {}  # (categorie, code, eenheid, tarief) -> the tariffs allowed; few distinct ones
    c = m.prestatie_columns
    for key in set(zip(c.categorie, c.code, c.eenheid, c.tarief)):
        categorie, code, eenheid, tarief = key
        product = ctx.products.get((categorie, code))
        if not product or product.tarief is None or tarief is None:
            continue
        allowed = {product.tarief}
        if (eenheid, product.eenheid) == (MINUUT, UUR):
            allowed = {product.tarief // 60, -(-product.tarief // 60)}
        if tarief not in allowed:
            wrong[key] = sorted(allowed)
    for p in m.prestaties if wrong else ():
        allowed = wrong.get((p.categorie, p.code, p.eenheid, p.tarief))
        if allowed:
            yield m.get(p.element, "ProductTarief"), (
                f"ProductTarief {p.tarief} differs from the contract tariff "
                f"{' or '.join(map(str, allowed))} of product {p.code}"
                f"{' per minute' if p.eenheid == MINUUT else ''}.")


def minute_amount(volume: int, hourly: int) -> int:
    """The amount of `volume` minutes of a product contracted per hour: hourly tariff x minutes
    / 60, rounded to whole cents half up (the standard's rounding rule for minutes)."""
    return (2 * volume * hourly + 60) // 120


@rule("TR346", "extern", "9346", "323")
def tr346(m: Message, ctx):
    """IngediendBedrag = GeleverdVolume x ProductTarief, unless the Eenheid is 83 (euro's).

    The rule multiplies by the unrounded tariff (its retourcode says so). That matters for an
    hour product declared in minutes: ProductTarief carries hourly / 60 rounded to cents, while
    the amount is hourly x minutes / 60, rounded to cents. With a regio profile ketentest knows
    the hourly tariff and requires exactly that amount; without one, it accepts every amount
    that some per-minute tariff rounding to ProductTarief gives (never a wrong reject). A
    prestatie without ProductTarief cannot be judged by this rule and is left alone."""
    c = m.prestatie_columns
    for i, (eenheid, volume, tarief, bedrag) in enumerate(zip(c.eenheid, c.volume, c.tarief,
                                                                c.bedrag)):
        if eenheid == EURO or tarief is None:
            continue
        amount, exact = abs(bedrag), volume * tarief
        if eenheid == MINUUT:
            product = (ctx.products or {}).get((c.categorie[i], c.code[i]))
            if product and product.eenheid == UUR and product.tarief is not None:
                exact = minute_amount(volume, product.tarief)
            elif abs(2 * amount - 2 * exact) <= volume + 1:
                continue  # within what a tariff rounded to ProductTarief gives
        if amount != exact:
            yield m.get(c.element[i], "IngediendBedrag"), (
                f"IngediendBedrag {amount} is not GeleverdVolume {volume} x ProductTarief "
                f"{tarief} = {exact}"
                f"{' (the hourly tariff / 60, unrounded)' if exact != volume * tarief else ''}.")
