"""The message catalogue: 14 messages per release, codes, directions, partners, namespaces."""
import pytest

from harness.standard import RELEASES, all_releases, find_message, identify, release

HEEN_RETOUR = {"301": "302", "305": "306", "307": "308", "315": "316", "317": "318", "319": "320"}
CODES = {  # SPEC: BerichtCode WMO / JW
    "301": (414, 436), "302": (415, 437), "305": (418, 438), "306": (419, 439),
    "307": (420, 440), "308": (421, 441), "315": (444, 446), "316": (445, 447),
    "317": (480, 486), "318": (481, 487), "319": (482, 488), "320": (483, 489),
    "323": (484, 490), "325": (485, 491),
}
SENDER = {"301": "gemeente", "305": "aanbieder", "307": "aanbieder", "315": "aanbieder",
          "317": "aanbieder", "319": "gemeente", "323": "aanbieder", "325": "gemeente"}


def test_both_releases_are_registered():
    assert set(RELEASES) == {"iwmo-3.2", "ijw-3.2"}


@pytest.mark.parametrize("rel", all_releases(), ids=lambda r: r.name)
def test_catalogue_has_all_fourteen_messages_with_codes(rel):
    assert sorted(rel.messages) == sorted(CODES)
    column = 0 if rel.standard == "iwmo" else 1
    for id_, codes in CODES.items():
        assert rel.messages[id_].berichtcode == codes[column], id_
        assert rel.messages[id_].name == f"{rel.prefix}{id_}"


@pytest.mark.parametrize("rel", all_releases(), ids=lambda r: r.name)
def test_directions_and_partners(rel):
    for heen, retour in HEEN_RETOUR.items():
        h, r = rel.messages[heen], rel.messages[retour]
        assert (h.kind, r.kind) == ("heen", "retour")
        assert (h.partner, r.partner) == (retour, heen)
        assert h.sender == SENDER[heen] and r.sender == h.receiver
        # a retour keeps the heen's Afzender/Ontvanger types
        assert [e.type for e in r.header.children[3:5]] == [e.type for e in h.header.children[3:5]]
    assert rel.messages["323"].partner == "325" and rel.messages["325"].partner == "323"
    assert rel.messages["325"].kind == "heen" and rel.messages["325"].sender == "gemeente"


@pytest.mark.parametrize("rel", all_releases(), ids=lambda r: r.name)
def test_retour_adds_retourcodes_to_every_berichtklasse(rel):
    def klassen(el, out):
        if el.klasse:
            out.append(el)
        for c in el.children:
            klassen(c, out)
        return out
    for heen, retour in HEEN_RETOUR.items():
        heen_classes = klassen(rel.messages[heen].body, [])
        retour_classes = klassen(rel.messages[retour].body, [])
        assert heen_classes and len(heen_classes) == len(retour_classes)
        for el in retour_classes:
            assert el.children[-1].name == "RetourCodes" and el.children[-1].min_occurs == 1
        assert rel.messages[retour].body.min_occurs == 0


def test_ijw_only_elements():
    wmo, jw = release("iwmo-3.2"), release("ijw-3.2")
    assert jw.messages["319"].body.child("Woonplaatsbeginsel") is not None
    assert wmo.messages["319"].body.child("Woonplaatsbeginsel") is None
    assert jw.messages["315"].body.child("GezagsdragerBekend") is not None
    assert wmo.messages["315"].body.child("GezagsdragerBekend") is None


def test_identify_by_namespace():
    rel, msg = identify("http://www.istandaarden.nl/ijw/3_2/jw323/schema")
    assert (rel.name, msg.name) == ("ijw-3.2", "JW323")
    assert identify("http://www.istandaarden.nl/iwmo/3_1/wmo301/schema") is None
    assert identify("http://www.istandaarden.nl/iwmo/3_2/wmo399/schema") is None
    assert identify(None) is None


def test_find_message():
    assert find_message("wmo301")[1].berichtcode == 414
    assert find_message("ijw-3.2:325")[1].name == "JW325"
    with pytest.raises(KeyError):
        find_message("WMO399")


def test_release_lookup_error_names_the_known_ones():
    with pytest.raises(KeyError, match="iwmo-3.2"):
        release("iwmo-9.9")
