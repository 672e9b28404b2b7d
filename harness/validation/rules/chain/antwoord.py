"""Cross-message rules on the declaratie-antwoord (325), judged by the aanbieder against the
323 it answers. The 325 has no retour message, so these rules have no retourcode of their own:
a finding tells the aanbieder (and the certificate) that the gemeente answered wrongly."""
from __future__ import annotations

from ...message import Message
from .. import rule


def _declaratie(m: Message, ctx):
    ident = m.get(m.header, "DeclaratieIdentificatie")
    return ident, ctx.state.declaratie(m.text(ident, "Identificatie"),
                                       m.text(ident, "Dagtekening"))


@rule("TR337", "chain", None, "325")
def tr337(m: Message, ctx):
    """DeclaratieIdentificatie equals the BerichtIdentificatie (Identificatie and Dagtekening)
    of a declaratie (323) received before."""
    ident, d = _declaratie(m, ctx)
    if d is None:
        yield ident, (f"No declaratie with BerichtIdentificatie {m.text(ident, 'Identificatie')} "
                      f"of {m.text(ident, 'Dagtekening')} was sent; copy the 323's "
                      "BerichtIdentificatie.")


@rule("TR371", "chain", None, "325")
def tr371(m: Message, ctx):
    """XsdVersieDeclaratie equals the XsdVersie of the declaratie answered."""
    _, d = _declaratie(m, ctx)
    versie = m.get(m.header, "XsdVersieDeclaratie")
    found = (m.text(versie, "BasisschemaXsdVersie"), m.text(versie, "BerichtXsdVersie"))
    if d is not None and found != d.xsd_versie:
        yield versie, (f"XsdVersieDeclaratie {'/'.join(found)} differs from the declaratie's "
                       f"XsdVersie {'/'.join(d.xsd_versie)}.")


@rule("TR376", "chain", None, "325")
def tr376(m: Message, ctx):
    """DeclaratieNummer equals the DeclaratieNummer of the declaratie answered."""
    _, d = _declaratie(m, ctx)
    nummer = m.text(m.body, "DeclaratieNummer") if m.body is not None else None
    if d is not None and nummer is not None and nummer != d.nummer:
        yield m.get(m.body, "DeclaratieNummer"), (
            f"DeclaratieNummer {nummer} differs from {d.nummer} of the declaratie answered.")


def _gedeclareerd(m: Message, ctx):
    """(325 prestatie, the 323's prestatie or None) for every prestatie the 325 lists."""
    _, d = _declaratie(m, ctx)
    if d is None:
        return
    by_ref = {p.referentie: p for p in d.prestaties}
    for p in m.prestaties:
        yield p, by_ref.get(p.referentie)


@rule("TR366", "chain", "9366", "325")
def tr366(m: Message, ctx):
    """Every prestatie of the 325 is one of the declaratie's, by ProductReferentie."""
    for p, heen in _gedeclareerd(m, ctx):
        if heen is None:
            yield p.element, (f"ReferentieNummer {p.referentie} is not a prestatie of the "
                              "declaratie answered.")


COMPARED = ("vorig", "toewijzing", "categorie", "code", "begin", "end", "volume", "eenheid",
            "tarief", "bedrag")


@rule("TR367", "chain", "9367", "325")
def tr367(m: Message, ctx):
    """A prestatie of the 325 repeats the declaratie's prestatie with the same ProductReferentie
    unchanged (its Bsn: TR304)."""
    for p, heen in _gedeclareerd(m, ctx):
        differ = [f for f in COMPARED if heen is not None and getattr(p, f) != getattr(heen, f)]
        if differ:
            yield p.element, (f"Prestatie {p.referentie} differs from the declaratie's in "
                              f"{', '.join(differ)}; copy the prestatie unchanged.")


@rule("TR304", "chain", "8187", "317 323 325")
def tr304(m: Message, ctx):
    """The Bsn of a client matches the client of what it refers to: the toewijzingen of a VOW
    and of declared prestaties, and the declared prestaties a 325 lists."""
    if m.id == "325":
        for p, heen in _gedeclareerd(m, ctx):
            if heen is not None and p.bsn != heen.bsn:
                yield p.client[0], (f"Bsn {p.bsn} differs from client {heen.bsn} of prestatie "
                                    f"{p.referentie} in the declaratie.")
        return
    if m.id == "323":
        refs = [(p.client[0], p.bsn, p.toewijzing) for p in m.prestaties]
    else:
        bsn = m.text(m.body, "Bsn")
        refs = [(el, bsn, m.text(el, "ToewijzingNummer"))
                for path in ("OngewijzigdeProducten/OngewijzigdProduct",
                             "TeWijzigenProducten/TeWijzigenProduct")
                for el in m.all(path, m.get(m.body, "Verzoek"))]
    for el, bsn, nummer in refs:
        t = ctx.state.toewijzing(nummer)
        if t is not None and t.bsn != bsn:
            yield el, (f"Toewijzing {nummer} belongs to client {t.bsn}, not to {bsn}.")
