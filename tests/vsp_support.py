"""A VECOZO VSP-Koppeling REST client for the tests: every request and response is checked
against VECOZO's own OpenAPI documents in ../shared/reference/vecozo (read as an oracle, with
their servers moved to the exchange under test); tests skip where they are absent."""
from __future__ import annotations

import json
import uuid
from functools import lru_cache
from urllib.parse import urlsplit

import jsonschema
import pytest
import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from .conftest import REFERENCE

VECOZO = REFERENCE / "vecozo"
DOCUMENTS = {
    "push": "vspkoppeling-berichtuitwisseling-rest-push-v1.json",
    "pull": "vspkoppeling-berichtuitwisseling-rest-pull-v1.json",
    "status": "vspkoppeling-berichtstatus-rest-pull-v3.json",
}


def documents_present() -> bool:
    return all((VECOZO / name).is_file() for name in DOCUMENTS.values())


@lru_cache(maxsize=None)
def document(kind: str) -> dict:
    return json.loads((VECOZO / DOCUMENTS[kind]).read_text("utf-8"))


def base_path(kind: str) -> str:
    """The path below the host of VECOZO's production server of this interface."""
    return urlsplit(document(kind)["servers"][0]["url"]).path


@lru_cache(maxsize=None)
def spec(kind: str, host: str) -> OpenAPI:
    doc = json.loads(json.dumps(document(kind)))
    doc["servers"] = [{"url": host + base_path(kind)}]
    return OpenAPI.from_dict(doc)


def _kind(path: str) -> str:
    for kind in DOCUMENTS:
        if path.startswith(base_path(kind)):
            return kind
    raise AssertionError(f"{path} is not below a VSP base path")


def check(response: requests.Response, *_args, **_kwargs):
    """A requests hook: the response agrees with VECOZO's document (401/403 are refusals of
    the credentials, which VECOZO refuses at the TLS level: not in its documents), and so does
    every request the exchange did not answer 400."""
    if response.status_code in (401, 403):
        return
    parts = urlsplit(response.request.url)
    api = spec(_kind(parts.path), f"{parts.scheme}://{parts.netloc}")
    request = RequestsOpenAPIRequest(response.request)
    if response.status_code != 400:
        if parts.path.endswith("/berichten/zoeken"):
            check_zoekpad(json.loads(response.request.body))
        else:
            api.validate_request(request)
    api.validate_response(request, RequestsOpenAPIResponse(response))


def check_zoekpad(body: dict) -> None:
    """A Zoekpad against the concrete zoekpad its zoekpadType names. The published document
    cannot be used as it is: the base Zoekpad forbids additional properties and every concrete
    zoekpad includes it (allOf), so no zoekpad with a search field passes it; here the concrete
    schema is taken with the base's one property (zoekpadType) in place of the allOf."""
    schemas = document("pull")["components"]["schemas"]
    mapping = schemas["Zoekpad"]["discriminator"]["mapping"]
    concrete = dict(schemas[mapping[body["zoekpadType"]].rsplit("/", 1)[1]])
    concrete.pop("allOf")
    concrete["properties"] = {"zoekpadType": {"type": "string"}, **concrete["properties"]}
    jsonschema.validate(body, concrete, format_checker=jsonschema.FormatChecker())


def new_id() -> str:
    return str(uuid.uuid4())


def metadata(afzender: str, geadresseerde: str, berichtsubtype: str, *, traceer_id=None,
             conversatie_id=None, actie="Indienen", **overrides) -> dict:
    """berichtMetadata of an aanbieder's message (overrides: berichtstroom fields)."""
    traceer_id = traceer_id or new_id()
    stroom = {"berichttype": berichtsubtype.rstrip("0123456789"), "berichtsubtype": berichtsubtype,
              "berichtversie": 3, "berichtsubversie": 2, "actie": actie, **overrides}
    return {"routeringgegevens": {"afzender": {"rol": "Zorgaanbieder", "code": afzender},
                                  "geadresseerden": [{"rol": "Gemeente", "code": geadresseerde}],
                                  "berichtstroom": stroom},
            "referentiegegevens": {"conversatieId": conversatie_id or traceer_id,
                                   "traceerId": traceer_id}}


class Vsp:
    """One party's VSP-Koppeling client on the exchange at `url` (bearer token, or a client
    certificate through `session`)."""

    def __init__(self, url: str, token: str | None = None, session: requests.Session | None = None,
                 checked: bool = True):
        if not documents_present():
            pytest.skip("../shared/reference/vecozo is absent: no VSP documents to check against")
        self.url = url
        self.http = session or requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"
        if checked:
            self.http.hooks["response"].append(check)

    def path(self, kind: str, rest: str) -> str:
        return self.url + base_path(kind) + rest

    def push(self, meta: dict | str, payload: bytes | None) -> requests.Response:
        files = {"berichtMetadata": (None, meta if isinstance(meta, str) else json.dumps(meta),
                                     "application/json")}
        if payload is not None:
            files["payload"] = ("bericht.xml", payload, "application/octet-stream")
        return self.http.post(self.path("push", "/berichten"), files=files)

    def pull(self, **params) -> requests.Response:
        return self.http.get(self.path("pull", "/berichten"), params=params)

    def waiting(self, **params) -> list[dict]:
        r = self.pull(**params)
        assert r.status_code == 200, r.text
        return r.json()

    def zoeken(self, zoekpad: dict, **params) -> requests.Response:
        return self.http.post(self.path("pull", "/berichten/zoeken"), json=zoekpad,
                              params=params)

    def payload(self, traceer_id: str) -> requests.Response:
        return self.http.get(self.path("pull", f"/berichten/{traceer_id}/payload"))

    def confirm(self, traceer_id: str) -> requests.Response:
        return self.http.delete(self.path("pull", f"/berichten/{traceer_id}"))

    def status(self, **params) -> requests.Response:
        return self.http.get(self.path("status", "/berichtstatussen"), params=params)

    def statuses(self, **params) -> list[dict]:
        r = self.status(**params)
        assert r.status_code == 200, r.text
        return r.json()
