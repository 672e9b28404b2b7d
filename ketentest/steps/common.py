"""What the steps share: the products a phrase names, the scenario's client and toewijzing,
deliberately faulty messages (only a simulated party sends them), and waiting for an answer."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from lxml import etree

from harness.parties.base import Outgoing, Party
from harness.standard.codes import UUR

from ..run.keten import ChainFailure, Keten, carried

ONBEKEND_NUMMER = 999999  # a ToewijzingNummer no gemeente in a run hands out
PARTY = r"(?P<role>gemeente|aanbieder)"


def products(keten: Keten, phrase: str) -> list[str]:
    """'een product in uren en een outputproduct', 'de producten "07A01" en "07B02"',
    'product "02A01"', 'twee producten die niet samen mogen' (per the stapelmatrix) ->
    product codes of the keten's profile and release."""
    quoted = re.findall(r'"([^"]+)"', phrase)
    if quoted:
        return quoted
    producten = keten.profile.producten_van(keten.release)
    if phrase == "twee producten die niet samen mogen":  # the stapelmatrix forbids the pair
        pairs = ((a.code, b.code) for a in producten for b in producten
                 if a.code < b.code and not keten.profile.may_stack(a.code, b.code))
        pair = next(pairs, None)
        if pair is None:
            raise ChainFailure(f"the profile {keten.profile_name} lets every pair of "
                               f"{keten.release} products run together")
        return list(pair)
    kinds = {"een product in uren": lambda p: p.eenheid == UUR,
             "een outputproduct": lambda p: p.financiering == "output",
             "een product in euro's": lambda p: p.financiering == "trajectfinanciering"}
    codes = []
    for part in phrase.split(" en "):
        if part not in kinds:
            raise ChainFailure(f"unknown product phrase {part!r}: write one of "
                               + ", ".join(kinds) + ', or product "CODE"')
        codes.append(next(p.code for p in producten if kinds[part](p)))
    return codes


def faulty(keten: Keten, role: str, what: str) -> None:
    """This step sends a deliberately faulty message: only a simulated party does that."""
    if not keten.simulated(role):
        keten.facts.skipped = True
        pytest.skip(f"this scenario needs a deliberately faulty message from the {role} "
                    f"({what}); the {role} is the system under test")


def send_faulty(keten: Keten, role: str, what: str,
                build: Callable[[Party, date], Outgoing],
                change: Callable[[etree._Element], None] | None = None) -> None:
    """`role` deliberately sends a faulty message (`what`, for the skip reason): `build(party,
    today)` makes it and `change(root)` alters its XML (under a fresh BerichtIdentificatie).
    Only a simulated party does this: with `role` under test the scenario is skipped."""
    faulty(keten, role, what)
    out = build(keten.party(role), keten.today)
    keten.agents[role].send(out if change is None else altered(out, change), today=keten.today)


def altered(out: Outgoing, change) -> Outgoing:
    """`out` with `change(root)` applied to its XML and a fresh BerichtIdentificatie."""
    def compose() -> bytes:
        root = etree.fromstring(out.xml)
        change(root)
        set_text(root, "Header/BerichtIdentificatie/Identificatie", f"K{out.serial:011d}")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return replace(out, compose=compose)


def set_text(root, path: str, value: str) -> None:
    """Set the text of every element at a path of local names below the root."""
    xpath = "/".join(f"*[local-name()='{name}']" for name in path.split("/"))
    for el in root.xpath(xpath) or root.xpath(".//" + xpath):
        el.text = value


def client_bsn(keten: Keten) -> str:
    try:
        return keten.facts.bsn
    except KeyError:
        raise ChainFailure("this step needs a client: start with a toewijzing or a verzoek "
                           "(e.g. 'Gegeven de gemeente heeft een toewijzing gestuurd ...')") from None


def toewijzing_nummer(keten: Keten) -> int:
    nummers = keten.facts.toewijzingen
    if not nummers:
        raise ChainFailure("this step needs a toewijzing: add 'Gegeven de gemeente heeft een "
                           "toewijzing gestuurd voor een product in uren'")
    return nummers[0]


def remember_toewijzing(keten: Keten, data: dict) -> None:
    """The client and ToewijzingNummers of a 301, as the steps refer to them later."""
    client = data["Client"]
    keten.facts.bsn = keten.facts.bsn or client["Bsn"]
    if client["Bsn"] == keten.facts.bsn:
        nummers = keten.facts.toewijzingen
        for t in client["ToegewezenProducten"]["ToegewezenProduct"]:
            if t["ToewijzingNummer"] not in nummers:
                nummers.append(t["ToewijzingNummer"])


def clean_answer(keten: Keten, role: str, code: str, because: str):
    """Wait for the answer and require it without retourcodes: a Gegeven step's outcome."""
    answer = keten.receive(role, code)
    codes = carried(answer.data)
    if codes:
        raise ChainFailure(f"{because} did not go through: the {role} received a {code} with "
                           f"retourcodes {', '.join(codes)} ({answer.permalink})")
    keten.checkpoint()
    return answer


def received(keten: Keten, role: str, code: str):
    """The next `code` delivered to `role`; it must pass the exchange's rules (an answer of
    the system under test is judged like everything else)."""
    got = keten.receive(role, code)
    if got.fault():
        raise ChainFailure(f"the {role} received a {got.name}, but {got.fault()}")
    return got


def termijn_of(got) -> dict:
    termijn = got.entry.get("termijn")
    if not termijn:
        raise ChainFailure(f"the exchange's journal links the {got.name} to no message it "
                           f"answers ({got.permalink})")
    return termijn
