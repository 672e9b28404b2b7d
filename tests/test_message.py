"""The Message view's prestatie records and columns against a plain element-by-element reading:
the columns are cut from one flat list of leaves, so a leaf in the wrong column would shift a
whole declaratie. Mixed optional leaves, layout without whitespace, comments and CDATA inside
a value, 323 and 325."""
import copy
from datetime import date

import pytest
from lxml import etree

from harness.factories import contract, data, render, to_bytes
from harness.factories.declaratie import signed, totaal
from harness.standard import release
from harness.validation import Context, intake, judge
from harness.validation.retour import answer
from harness.validation.message import Message, PrestatieRecord

TODAY = date(2026, 11, 2)


def plain_reading(m: Message) -> list[tuple]:
    """Each prestatie read by paths, one element at a time: the slow, obvious way."""
    rows = []
    for client in m.all("Clienten/Client", m.body):
        for p in m.all("Prestaties/Prestatie", client):
            bedrag = int(m.text(p, "IngediendBedrag/Bedrag"))
            debet = m.text(p, "IngediendBedrag/DebetCredit") == "D"
            tarief = m.text(p, "ProductTarief")
            rows.append((
                m.text(client, "Bsn"), m.text(p, "ProductReferentie/ReferentieNummer"),
                m.text(p, "ProductReferentie/VorigReferentieNummer"), m.text(p, "ToewijzingNummer"),
                m.text(p, "ProductCategorie"), m.text(p, "ProductCode"),
                m.text(p, "ProductPeriode/Begindatum"), m.text(p, "ProductPeriode/Einddatum"),
                int(m.text(p, "GeleverdVolume")), m.text(p, "Eenheid"),
                None if tarief is None else int(tarief), bedrag if debet else -bedrag, debet, p,
                client))
    return rows


def message(rel_name: str, xml: bytes, message_id: str) -> Message:
    rel = release(rel_name)
    return Message(intake.parse(xml).root, rel, rel.message(message_id))


def mixed_declaratie(rel_name: str) -> dict:
    """Three clients; some lines credit (with VorigReferentieNummer), some in euro's without
    tariff. Every rule holds."""
    d = data(rel_name, "323", today=TODAY, seed=7, clienten=3, prestaties=3)
    clienten = d["Declaratie"]["Clienten"]["Client"]
    first, second = clienten[0]["Prestaties"]["Prestatie"], clienten[2]["Prestaties"]["Prestatie"]
    first[1]["ProductReferentie"]["VorigReferentieNummer"] = "VORIG1"
    first[1]["IngediendBedrag"]["DebetCredit"] = "C"
    second[2]["ProductReferentie"]["VorigReferentieNummer"] = "VORIG2"
    second[2]["IngediendBedrag"]["DebetCredit"] = "C"
    for p in (first[0], second[1], second[2]):  # care in euro's: no tariff (CD087, CS339)
        p.update(Eenheid="83", ProductTarief=None)
        p["IngediendBedrag"]["Bedrag"] = p["GeleverdVolume"]
    total = sum(signed(p["IngediendBedrag"]) for c in clienten for p in c["Prestaties"]["Prestatie"])
    d["Declaratie"]["TotaalIngediendBedrag"] = totaal(total)
    return d


@pytest.mark.parametrize("rel_name", ["iwmo-3.2", "ijw-3.2"])
def test_records_of_a_mixed_declaratie_match_a_plain_reading(rel_name):
    rel = release(rel_name)
    xml = to_bytes(render(rel, "323", mixed_declaratie(rel_name)))
    assert judge(xml, "323.xml", context=Context(today=TODAY, products=contract(rel))).accepted
    m = message(rel_name, xml, "323")
    expected = plain_reading(m)
    assert [tuple(r) for r in m.prestaties] == expected
    assert [r.vorig for r in m.prestaties].count(None) == 7
    assert [r.tarief for r in m.prestaties].count(None) == 3
    assert all(isinstance(r, PrestatieRecord) for r in m.prestaties)
    assert list(m.prestatie_columns.contents()) == [row[:13] for row in expected]


def test_layout_comments_and_cdata_do_not_shift_columns():
    rel_name = "iwmo-3.2"
    xml = to_bytes(render(release(rel_name), "323", mixed_declaratie(rel_name)))
    root = etree.fromstring(xml)
    for el in root.iter():  # no whitespace between tags at all
        el.tail = None
        if len(el):
            el.text = None
    compact = etree.tostring(root)
    code = next(root.iter("{*}ProductCode")).text
    tricky = compact.replace(f">{code}<".encode(), f">{code[:2]}<!-- x --><![CDATA[{code[2:]}]]><".encode(), 1)
    assert tricky != compact
    for variant in (compact, tricky):
        m = message(rel_name, variant, "323")
        assert [tuple(r) for r in m.prestaties] == plain_reading(m)
        assert m.prestaties[0].code == code


@pytest.mark.parametrize("rel_name", ["iwmo-3.2", "ijw-3.2"])
def test_a_325_is_read_the_same_way(rel_name):
    """A 325 answering a 323 whose tariffs break TR418 lists those prestaties."""
    rel = release(rel_name)
    d = mixed_declaratie(rel_name)
    for client in d["Declaratie"]["Clienten"]["Client"]:
        for p in client["Prestaties"]["Prestatie"]:
            if p.get("ProductTarief") is not None:
                p["ProductTarief"] += 1
                p["IngediendBedrag"]["Bedrag"] = p["GeleverdVolume"] * p["ProductTarief"]
    clienten = d["Declaratie"]["Clienten"]["Client"]
    total = sum(signed(p["IngediendBedrag"]) for c in clienten for p in c["Prestaties"]["Prestatie"])
    d["Declaratie"]["TotaalIngediendBedrag"] = totaal(total)
    verdict = judge(to_bytes(render(rel, "323", d)), "323.xml",
                    context=Context(today=TODAY, products=contract(rel)))
    assert verdict.retourcodes == ["0611"]
    m = message(rel_name, etree.tostring(answer(verdict, rel, TODAY)), "325")
    assert len(m.prestaties) == 6 and [tuple(r) for r in m.prestaties] == plain_reading(m)


def test_messages_without_prestaties_have_empty_columns():
    rel_name = "ijw-3.2"
    m = message(rel_name, to_bytes(render(release(rel_name), "301", data(rel_name, "301", today=TODAY))), "301")
    assert m.prestaties == [] and all(column == [] for column in m.prestatie_columns)


def test_records_compare_by_content_without_elements():
    rel_name = "iwmo-3.2"
    d = data(rel_name, "323", today=TODAY, seed=5, clienten=1, prestaties=1)
    clienten = d["Declaratie"]["Clienten"]["Client"]
    clienten.append(copy.deepcopy(clienten[0]))
    m = message(rel_name, to_bytes(render(release(rel_name), "323", d)), "323")
    a, b = m.prestaties
    assert a.content == b.content and a.element is not b.element and a.client is not b.client


def test_judging_a_large_message_pauses_the_gc_and_restores_it(monkeypatch):
    import gc
    import threading

    from harness.validation import validator

    inside, both_in = [], threading.Barrier(2, timeout=10)
    real = validator._judge

    def probe(data, *args, threads=False):
        inside.append(gc.isenabled())
        if threads:
            both_in.wait()  # the two judgements overlap
        return real(data, *args)

    large = b" " * validator.PAUSE_GC_FROM + b"<x/>"
    monkeypatch.setattr(validator, "_judge", probe)
    assert gc.isenabled()
    validator.judge(b"<x/>")
    validator.judge(large)
    assert inside == [True, False] and gc.isenabled()
    gc.disable()
    try:
        validator.judge(large)
        assert not gc.isenabled()  # a caller's choice stands
    finally:
        gc.enable()
    monkeypatch.setattr(validator, "_judge", lambda *a: probe(*a, threads=True))
    workers = [threading.Thread(target=validator.judge, args=(large,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert inside[-2:] == [False, False] and gc.isenabled()


def plain_path(el) -> str:
    """An element's path the slow, obvious way: up to the root, at each step its siblings of
    the same name listed, an index where there are several."""
    steps = []
    while el.getparent() is not None:
        same = [c for c in el.getparent() if c.tag == el.tag]
        steps.append(etree.QName(el).localname
                     + (f"[{same.index(el) + 1}]" if len(same) > 1 else ""))
        el = el.getparent()
    return "/" + "/".join([etree.QName(el).localname, *reversed(steps)])


def test_where_and_path_name_every_element_as_a_plain_walk_does():
    """`where` keeps each element's path and counts siblings of a name with lxml; `path`
    counts them with lxml too: both name every element as a plain walk does, in any order
    asked (a parent named before or after its children), in a declaratie with 17 clients
    (their parent named once) and repeated prestaties, and with a comment beside them (a
    comment is no sibling of the same name)."""
    rel_name = "iwmo-3.2"
    rel = release(rel_name)
    d = data(rel_name, "323", today=TODAY, seed=3, clienten=17, prestaties=2)
    root = etree.fromstring(to_bytes(render(rel, "323", d)))
    next(root.iter("{*}Prestatie")).addprevious(etree.Comment("x"))
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    for order in (elements, elements[::-1]):
        m = Message(root, rel, rel.message("323"))
        assert [m.where(el) for el in order] == [plain_path(el) for el in order]
    assert [Message.path(el) for el in elements] == [plain_path(el) for el in elements]
    paths = [plain_path(el) for el in elements]
    assert "/Bericht/Declaratie/Clienten/Client[17]/Prestaties/Prestatie[2]" in paths
    assert "/Bericht/Declaratie/Clienten/Client[1]/Bsn" in paths
