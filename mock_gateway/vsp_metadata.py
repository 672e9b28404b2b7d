"""VECOZO VSP-Koppeling REST as pure functions: the berichtMetadata a system sends with a
payload (read and checked), the metadata the exchange offers with a message to pull, the
berichtstatus of a journal entry with its meldingen, the zoekpaden of a search, and the
problem documents (ValidationProblemDetails) errors are answered with. No Flask, no database:
mock_gateway/vsp.py connects these to the exchange.

How ketentest fills VECOZO's fields (the interface descriptions name them, not their values):

- berichtstroom: berichttype `WMO` (iWmo) or `JW` (iJw), berichtsubtype the message (`WMO305`,
  `JW323`), berichtversie / berichtsubversie the payload's BerichtVersie / BerichtSubversie
  (as the release's name says), actie as the sender names it (free text; for a message that did not
  come in over VSP the exchange says `Heenbericht` or `Retourbericht`).
- afzender / geadresseerden: `rol` `Zorgaanbieder` with the AGB code, or `Gemeente` with the
  CBS gemeentecode (case-insensitive on the way in).
- referentiegegevens: traceerId is the message's referentienummer in the journal (the one the
  GGk envelope to the gemeente carries), so it must be a UUID v4 (CC04) and unique within its
  sender's messages (CC08); alsAntwoordOp of a retour is the traceerId of the heen message it
  answers; a heen message's conversatieId is its own traceerId, a retour joins its heen's.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")

ROL = {"gemeente": "Gemeente", "aanbieder": "Zorgaanbieder"}
BERICHTTYPE = {"iwmo": "WMO", "ijw": "JW"}
ACTIE = {"heen": "Heenbericht", "retour": "Retourbericht"}
MAX_LIMIT = 250

# VECOZO's berichtstatus of a journal entry, by the exchange's status model
STATUS = {"ontvangen": "Ontvangen", "aangeboden": "WordtAangeboden", "bezorgd": "Bezorgd",
          "afgekeurd": "AfgekeurdDoorDienst"}

# the meldingen' omschrijving, per hub code (ketentest's own short wording)
OMSCHRIJVING = {
    "BRS02": "De afzender heeft niet de rol om dit berichttype te versturen.",
    "BRS03": "De afzender in de metadata is niet de indiener (het certificaat of token).",
    "BRS05": "De geadresseerde heeft niet de rol om dit berichttype te ontvangen.",
    "BRS13": "Het bericht voldoet niet aan de XSD.",
    "BRS14": "Het bericht is geen goed gevormde of veilige XML.",
    "BRS20": "De BerichtIdentificatie is niet uniek.",
    "BRS33": "Er is geen route naar de geadresseerde.",
    "CC02": "De berichtMetadata en het bericht spreken elkaar tegen.",
    "CC04": "traceerId of conversatieId is geen UUID v4.",
    "CC08": "De traceerId is niet uniek binnen de berichten van de afzender.",
    "IB007": "Het bericht is groter dan 25 MB.",
    "IB103": "Het berichttype is tijdelijk geblokkeerd (freeze).",
    "StUF055": "De ontvanger heeft het bericht geweigerd (niet conform de XSD).",
}


class Invalid(Exception):
    """A request that does not follow the interface: answered 400 with `errors` per field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Melding:
    code: str
    toelichting: str
    omschrijving: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code,
                "omschrijving": self.omschrijving or OMSCHRIJVING.get(self.code, self.code),
                "toelichting": self.toelichting}


def problem(status: int, title: str, detail: str, *, errors: dict | None = None,
            meldingen: list[Melding] | None = None, **extra) -> dict:
    """A ValidationProblemDetails (RFC 7807 with `errors`); refusals add `meldingen`, the
    hubs' codes, as berichtstatus shows them."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    if meldingen:
        body["meldingen"] = [m.as_dict() for m in meldingen]
    return {**body, **extra}


# -- reading what a system sends ----------------------------------------------------------

class _Reader:
    """Collects every problem of a JSON document at once, by JSON path."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def error(self, where: str, text: str) -> None:
        self.errors.setdefault(where, []).append(text)

    def obj(self, value, where: str, required: tuple, optional: tuple = ()) -> dict:
        if not isinstance(value, dict):
            self.error(where, "must be a JSON object.")
            return {}
        for name in required:
            if name not in value:
                self.error(f"{where}.{name}", "is required.")
        for name in value:
            if name not in required and name not in optional:
                self.error(f"{where}.{name}", "is not a field of this object.")
        return value

    def text(self, value, where: str, maxlength: int, minlength: int = 1) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not minlength <= len(value) <= maxlength:
            self.error(where, f"must be a string of {minlength} to {maxlength} characters.")
            return None
        return value

    def integer(self, value, where: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 999:
            self.error(where, "must be a whole number from 0 to 999.")
            return None
        return value

    def uuid(self, value, where: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not UUID.fullmatch(value):
            self.error(where, "must be a UUID, e.g. 0e09a81f-64a0-4793-b946-d6538fb3f37e.")
            return None
        return value

    def relatie(self, value, where: str) -> dict:
        r = self.obj(value, where, ("rol",), ("code",))
        self.text(r.get("rol"), f"{where}.rol", 100)
        self.text(r.get("code"), f"{where}.code", 100)
        return r


def read_metadata(raw: bytes | str | None) -> dict:
    """The berichtMetadata part of a push, checked against the interface (every problem at
    once); raises Invalid (400)."""
    if raw is None:
        raise Invalid({"berichtMetadata": ["is required: a multipart part with the JSON "
                                           "metadata (Content-Type application/json)."]})
    try:
        meta = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise Invalid({"berichtMetadata": [f"is not JSON: {e}."]}) from None
    r = _Reader()
    m = r.obj(meta, "berichtMetadata", ("routeringgegevens", "referentiegegevens"),
              ("verwerkingscontext",))
    route = r.obj(m.get("routeringgegevens", {}), "berichtMetadata.routeringgegevens",
                  ("afzender", "geadresseerden", "berichtstroom"))
    if "afzender" in route:
        r.relatie(route["afzender"], "berichtMetadata.routeringgegevens.afzender")
    where = "berichtMetadata.routeringgegevens.geadresseerden"
    if "geadresseerden" in route:
        to = route["geadresseerden"]
        if not isinstance(to, list) or len(to) > 100:
            r.error(where, "must be a list of at most 100 relaties.")
        else:
            for i, item in enumerate(to):
                r.relatie(item, f"{where}[{i}]")
    where = "berichtMetadata.routeringgegevens.berichtstroom"
    if "berichtstroom" in route:
        bs = r.obj(route["berichtstroom"], where,
                   ("berichttype", "berichtversie", "berichtsubversie", "actie"),
                   ("berichtsubtype",))
        for name in ("berichttype", "berichtsubtype", "actie"):
            r.text(bs.get(name), f"{where}.{name}", 60)
        for name in ("berichtversie", "berichtsubversie"):
            r.integer(bs.get(name), f"{where}.{name}")
    where = "berichtMetadata.referentiegegevens"
    ref = r.obj(m.get("referentiegegevens", {}), where, ("conversatieId", "traceerId"),
                ("alsAntwoordOp", "referentieId"))
    for name in ("conversatieId", "traceerId", "alsAntwoordOp"):
        r.uuid(ref.get(name), f"{where}.{name}")
    r.text(ref.get("referentieId"), f"{where}.referentieId", 150)
    if "verwerkingscontext" in m:
        where = "berichtMetadata.verwerkingscontext"
        ctx = m["verwerkingscontext"]
        if not isinstance(ctx, list) or not 1 <= len(ctx) <= 100:
            r.error(where, "must be a list of 1 to 100 sleutel-waardeparen.")
        else:
            for i, pair in enumerate(ctx):
                p = r.obj(pair, f"{where}[{i}]", ("sleutel", "waarde"))
                r.text(p.get("sleutel"), f"{where}[{i}].sleutel", 100)
                values = p.get("waarde")
                if not isinstance(values, list) or not 1 <= len(values) <= 100:
                    r.error(f"{where}[{i}].waarde", "must be a list of 1 to 100 strings.")
                else:
                    for k, v in enumerate(values):
                        r.text(v, f"{where}[{i}].waarde[{k}]", 250)
    if r.errors:
        raise Invalid(r.errors)
    return meta


def version_of(release: str) -> tuple[int, int]:
    """BerichtVersie and BerichtSubversie of a release, from its name (iwmo-M.m -> (M, m))."""
    major, minor = release.split("-", 1)[1].split(".")
    return int(major), int(minor)


def berichtstroom(berichtsoort: str, release: str, actie: str) -> dict:
    versie, subversie = version_of(release)
    return {"berichttype": BERICHTTYPE[release.split("-", 1)[0]], "berichtsubtype": berichtsoort,
            "berichtversie": versie, "berichtsubversie": subversie, "actie": actie}


def role_of(rol: str) -> str | None:
    """The exchange's role named by a `rol` (None: not a role of this chain)."""
    for role, name in ROL.items():
        if rol.lower() == name.lower():
            return role
    return None


def sender_meldingen(meta: dict, role: str, code: str) -> list[Melding]:
    """What the metadata says of its sender and references, before the payload is read: the
    afzender must be the indiener (the certificate's or token's party), the ids UUIDs v4."""
    out = []
    afzender = meta["routeringgegevens"]["afzender"]
    where = "routeringgegevens.afzender"
    if role_of(afzender["rol"]) != role:
        out.append(Melding("BRS02", f"{where}.rol is {afzender['rol']!r}; the indiener is a "
                           f"{role}: send rol {ROL[role]!r}."))
    elif afzender.get("code") != code:
        out.append(Melding("BRS03", f"{where}.code is {afzender.get('code')!r}, but the "
                           f"certificate or token belongs to {ROL[role]} {code}. Put {code} "
                           "there (ketentest knows no toestemmingsverklaringen)."))
    ref = meta["referentiegegevens"]
    for name in ("traceerId", "conversatieId", "alsAntwoordOp"):
        value = ref.get(name)
        if value is not None and not UUID4.fullmatch(value):
            out.append(Melding("CC04", f"referentiegegevens.{name} {value!r} is not a UUID v4 "
                               "in lower case (it becomes the GGk referentienummer); make a "
                               "new one with uuid4()."))
    return out


def payload_meldingen(meta: dict, berichtsoort: str, release: str, receiver_role: str,
                      receiver_code: str | None) -> list[Melding]:
    """Where the metadata contradicts the payload (a schema-valid iWmo/iJw message): the
    berichtstroom must name the payload's message and version, the geadresseerde its
    receiver (the Ontvanger of a heen message, the Afzender of a retour)."""
    out = []
    route = meta["routeringgegevens"]
    bs, want = route["berichtstroom"], berichtstroom(berichtsoort, release, "")
    for name in ("berichttype", "berichtsubtype", "berichtversie", "berichtsubversie"):
        if name == "berichtsubtype" and name not in bs:
            continue
        if bs[name] != want[name]:
            out.append(Melding("CC02", f"routeringgegevens.berichtstroom.{name} is "
                               f"{bs[name]!r}, but the payload is a {berichtsoort} of release "
                               f"{release}: {name} {want[name]!r}."))
    to = route["geadresseerden"]
    if len(to) != 1:
        out.append(Melding("CC02", f"routeringgegevens.geadresseerden names {len(to)} "
                           "parties; an iWmo/iJw message has one receiver: its "
                           f"{receiver_role} {receiver_code}."))
    elif role_of(to[0]["rol"]) != receiver_role:
        out.append(Melding("BRS05", f"routeringgegevens.geadresseerden[0].rol is "
                           f"{to[0]['rol']!r}; a {berichtsoort} goes to a {receiver_role}: "
                           f"rol {ROL[receiver_role]!r}."))
    elif to[0].get("code") != receiver_code:
        out.append(Melding("CC02", f"routeringgegevens.geadresseerden[0].code is "
                           f"{to[0].get('code')!r}, but the payload is addressed to "
                           f"{receiver_code}."))
    return out


def kept(meta: dict) -> str:
    """What the journal keeps of a sender's metadata (actie, referentieId, verwerkingscontext,
    as given), as JSON."""
    stroom = meta["routeringgegevens"]["berichtstroom"]
    keep = {"actie": stroom["actie"], "berichtstroom": stroom}
    for name in ("referentieId", "alsAntwoordOp"):
        if name in meta["referentiegegevens"]:
            keep[name] = meta["referentiegegevens"][name]
    if "verwerkingscontext" in meta:
        keep["verwerkingscontext"] = meta["verwerkingscontext"]
    return json.dumps(keep)


# -- what the exchange offers -------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """What the VSP views need of a journal entry."""
    traceer_id: str | None
    conversatie_id: str | None
    als_antwoord_op: str | None
    berichtsoort: str | None
    release: str | None
    kind: str | None  # heen | retour
    sender_role: str
    sender_code: str
    receiver_role: str
    receiver_code: str | None
    status: str  # the exchange's effective status
    received_at: str  # ISO 8601
    changed_at: str
    size: int
    vsp: dict = field(default_factory=dict)  # what a VSP sender gave (kept())
    refusal_code: str | None = None
    refusal_text: str | None = None


def _stroom(e: Entry) -> dict:
    actie = e.vsp.get("actie") or ACTIE.get(e.kind or "", "Onbekend")
    if e.berichtsoort and e.release:
        return berichtstroom(e.berichtsoort, e.release, actie)
    given = e.vsp.get("berichtstroom")
    if given:  # refused before the payload was identified: what the sender said it was
        return {**given, "actie": actie}
    return {"berichttype": "Onbekend", "berichtversie": 0, "berichtsubversie": 0,
            "actie": actie}


def referentiegegevens(e: Entry) -> dict:
    ref = {"conversatieId": e.conversatie_id or e.traceer_id, "traceerId": e.traceer_id}
    answers = e.als_antwoord_op or e.vsp.get("alsAntwoordOp")
    if answers:
        ref["alsAntwoordOp"] = answers
    if e.vsp.get("referentieId"):
        ref["referentieId"] = e.vsp["referentieId"]
    return ref


def pull_metadata(e: Entry, payload_url: str, sha256: str) -> dict:
    """The BerichtMetadata of a message waiting to be pulled."""
    meta = {
        "basisgegevens": {"ontvangenOp": e.received_at,
                          "payload": {"url": payload_url, "grootte": e.size,
                                      "checksum": {"algoritme": "SHA256", "waarde": sha256}}},
        "routeringgegevens": {
            "afzender": {"rol": ROL[e.sender_role], "code": e.sender_code},
            "geadresseerden": [{"rol": ROL[e.receiver_role], "code": e.receiver_code}],
            "berichtstroom": _stroom(e)},
        "referentiegegevens": referentiegegevens(e),
    }
    if e.vsp.get("verwerkingscontext"):
        meta["verwerkingscontext"] = e.vsp["verwerkingscontext"]
    return meta


def berichtstatus(e: Entry) -> dict:
    """BerichtstatusGegevens of a journal entry; a refused one carries its hub code as a
    melding."""
    out = {"referentiegegevens": referentiegegevens(e), "berichtstroom": _stroom(e),
           "berichtstatus": STATUS[e.status], "berichtstatusGewijzigdOp": e.changed_at,
           "berichtOntvangenOp": e.received_at}
    if e.status == "afgekeurd" and e.refusal_code:
        out["meldingen"] = [Melding(e.refusal_code, e.refusal_text or e.refusal_code).as_dict()]
    return out


# -- zoeken -------------------------------------------------------------------------------

ZOEKPADEN = {
    "ZoekpadOpBerichtstroom": (("berichttype",), ("berichtsubtype", "berichtversie",
                               "berichtsubversie", "actie", "geadresseerdeRol",
                               "geadresseerdeCode")),
    "ZoekpadOpConversatieId": (("conversatieId",), ()),
    "ZoekpadOpAlsAntwoordOp": (("alsAntwoordOp",), ()),
}


def read_zoekpad(body) -> dict:
    """A Zoekpad of POST /berichten/zoeken, checked; raises Invalid (400)."""
    r = _Reader()
    kind = body.get("zoekpadType") if isinstance(body, dict) else None
    if kind not in ZOEKPADEN:
        raise Invalid({"zoekpadType": [f"must be one of {', '.join(ZOEKPADEN)}; got {kind!r}."]})
    required, optional = ZOEKPADEN[kind]
    z = r.obj(body, "zoekpad", ("zoekpadType",) + required, optional)
    for name in ("berichttype", "berichtsubtype", "actie"):
        r.text(z.get(name), f"zoekpad.{name}", 60)
    for name in ("geadresseerdeRol", "geadresseerdeCode"):
        r.text(z.get(name), f"zoekpad.{name}", 100)
    for name in ("berichtversie", "berichtsubversie"):
        r.integer(z.get(name), f"zoekpad.{name}")
    for name in ("conversatieId", "alsAntwoordOp"):
        r.uuid(z.get(name), f"zoekpad.{name}")
    if r.errors:
        raise Invalid(r.errors)
    return z


def matches(zoekpad: dict, meta: dict) -> bool:
    """Whether a pull's BerichtMetadata is found by the zoekpad."""
    kind = zoekpad["zoekpadType"]
    ref = meta["referentiegegevens"]
    if kind == "ZoekpadOpConversatieId":
        return ref["conversatieId"] == zoekpad["conversatieId"]
    if kind == "ZoekpadOpAlsAntwoordOp":
        return ref.get("alsAntwoordOp") == zoekpad["alsAntwoordOp"]
    route = meta["routeringgegevens"]
    stroom, to = route["berichtstroom"], route["geadresseerden"][0]
    for name in ("berichttype", "berichtsubtype", "berichtversie", "berichtsubversie", "actie"):
        if name in zoekpad and stroom.get(name) != zoekpad[name]:
            return False
    if "geadresseerdeRol" in zoekpad and to["rol"].lower() != zoekpad["geadresseerdeRol"].lower():
        return False
    return "geadresseerdeCode" not in zoekpad or to["code"] == zoekpad["geadresseerdeCode"]


def read_limit(value: str | None) -> int:
    if value is None:
        return MAX_LIMIT
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid({"limit": [f"must be a whole number from 1 to {MAX_LIMIT}; got {value!r}."]})
    return limit
