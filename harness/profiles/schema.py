"""The JSON Schema (draft 2020-12) a regio profile must meet.

Every property carries a `description` that doubles as the "what to do" of an error message,
so a tester who mistypes a key is told what the key wants. Codes come from the release
tables (categories, eenheden, frequenties, redenen), not from copies here.
"""
from __future__ import annotations

from functools import lru_cache

from ..clock import BEVRIJDINGSDAG
from ..standard.registry import names, release, versions

FINANCIERING = ("output", "inspanning", "trajectfinanciering")
BESLUIT = ("toewijzen", "afwijzen")
TOETSING = ("alle_regels", "contract")
STAPELING = ("toegestaan", "verboden")


def _codes(type_name: str, *standards: str) -> list[str]:
    found: list[str] = []
    for name in (n for std in standards for n in names(std)):
        for code in release(name).simple[type_name].codes:
            if code not in found:
                found.append(code)
    return found


def _code(type_name: str, what: str, *standards: str) -> dict:
    codes = _codes(type_name, *standards)
    return {"type": "string", "enum": codes,
            "description": f"{what}: one of {' '.join(codes)}, quoted (\"{codes[0]}\") so "
                           "YAML keeps the leading zero"}


def _werkdagen(what: str) -> dict:
    return {"type": "integer", "minimum": 0, "maximum": 200,
            "description": f"{what}, in werkdagen (a whole number, 0 = the same day)"}


def _verzoek(kind: str) -> dict:
    return {
        "type": "object",
        "description": f"how the gemeente answers a {kind}: besluit toewijzen or afwijzen "
                       "(with reden), optionally in_onderzoek first",
        "additionalProperties": False,
        "required": ["besluit"],
        "properties": {
            "besluit": {"enum": list(BESLUIT),
                        "description": "toewijzen (answer with a 301) or afwijzen (a 319 with "
                                       "VerzoekAntwoord 1 and the reden)"},
            "reden": _code("LDT_RedenAfwijzingVerzoek", "RedenAfwijzingVerzoek (WJ759)",
                           "iwmo", "ijw"),
            "in_onderzoek": {"type": "boolean",
                             "description": "true: first a 319 with VerzoekAntwoord 2 (in "
                                            "onderzoek), the final answer after "
                                            "termijnen.na_onderzoek"},
        },
        # a refusal names its reason; a toewijzing has none
        "if": {"properties": {"besluit": {"const": "afwijzen"}}},
        "then": {"required": ["reden"],
                 "description": "a refusal names its RedenAfwijzingVerzoek (WJ759), e.g. "
                                "reden: \"4\" (past niet binnen contract)"},
        "else": {"not": {"required": ["reden"]},
                 "description": "a toewijzing has no reden: leave reden out, or make besluit "
                                "afwijzen"},
    }


@lru_cache(maxsize=None)
def profile_schema() -> dict:
    product_code = {"type": "string", "pattern": "^[A-Za-z0-9]{5}$",
                    "description": "a ProductCode of the regio: 5 letters or digits, e.g. 07A01"}
    product = {
        "type": "object",
        "description": "a contracted product: categorie, code, tarief, eenheid, frequentie, "
                       "financiering",
        "additionalProperties": False,
        "required": ["categorie", "code", "tarief", "eenheid", "financiering"],
        "properties": {
            "categorie": _code("LDT_ProductCategorie", "ProductCategorie", "iwmo", "ijw"),
            "code": product_code,
            "tarief": {"type": "number", "minimum": 0, "format": "euro",
                       "description": "the tariff per eenheid in euro with at most two "
                                      "decimals, e.g. 68.50"},
            "eenheid": _code("LDT_Eenheid", "Eenheid (WJ756: 01 minuut, 04 uur, 14 etmaal, "
                             "16 dagdeel, 82 stuks output, 83 euro's, 84 stuks inspanning)",
                             "iwmo"),
            "frequentie": _code("LDT_Frequentie", "Frequentie (WMO757: 1 dag, 2 week, "
                                "4 maand, 6 totaal binnen geldigheidsduur)", "iwmo"),
            "financiering": {"enum": list(FINANCIERING),
                             "description": "output, inspanning or trajectfinanciering "
                                            "(trajectfinanciering is in euro's, eenheid 83)"},
        },
        "allOf": [
            # trajectfinanciering is exactly the care in euro's: it has a budget, no frequency
            {"if": {"properties": {"financiering": {"const": "trajectfinanciering"}}},
             "then": {"properties": {"eenheid": {"const": "83", "description":
                      "trajectfinanciering is declared in euro's: eenheid \"83\""}}}},
            {"if": {"properties": {"eenheid": {"const": "83"}}, "required": ["eenheid"]},
             "then": {"properties": {"financiering": {"const": "trajectfinanciering",
                      "description": "eenheid 83 (euro's) is trajectfinanciering"}},
                      "not": {"required": ["frequentie"]},
                      "description": "care in euro's (eenheid 83) has a budget, no "
                                     "frequentie: leave frequentie out"},
             "else": {"required": ["frequentie"],
                      "description": "Frequentie (WMO757: 1 dag, 2 week, 4 maand, 6 totaal "
                                     "binnen geldigheidsduur), quoted: \"2\""}},
            {"if": {"properties": {"eenheid": {"const": "82"}}, "required": ["eenheid"]},
             "then": {"properties": {"financiering": {"const": "output", "description":
                      "eenheid 82 (stuks output) is output financiering"}}}},
            {"if": {"properties": {"eenheid": {"const": "84"}}, "required": ["eenheid"]},
             "then": {"properties": {"financiering": {"const": "inspanning", "description":
                      "eenheid 84 (stuks inspanning) is inspanning financiering"}}}},
        ],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ketentest regio profile",
        "type": "object",
        "description": "a regio profile: naam, release, gemeenten, producten, verzoeken, "
                       "termijnen, and optionally stapelmatrix, declaraties and kalender",
        "additionalProperties": False,
        "required": ["naam", "release", "gemeenten", "producten", "verzoeken", "termijnen"],
        "properties": {
            "basis": {"type": "string", "minLength": 1,
                      "description": "a shipped profile this one extends (its keys, with "
                                     "the ones given here in their place), e.g. "
                                     "regio-accepteert"},
            "naam": {"type": "string", "minLength": 1,
                     "description": "the regio's name, e.g. Regio Holland Rijnland"},
            "release": {"enum": versions(), "description": "the release of iWmo/iJw, quoted: "
                        + " or ".join(f'"{v}"' for v in versions())},
            "gemeenten": {
                "type": "array", "minItems": 1, "uniqueItems": True,
                "description": "the regio's gemeenten as a list of CBS gemeentecodes",
                "items": {"type": "string", "pattern": "^[0-9]{4}$", "format": "cbs",
                          "description": "a CBS gemeentecode of 4 digits, quoted: \"0363\""}},
            "producten": {"type": "array", "minItems": 1, "items": product,
                          "description": "the contracted products (at least one)"},
            "verzoeken": {
                "type": "object", "additionalProperties": False, "required": ["vot", "vow"],
                "description": "the policy for verzoeken: vot (315) and vow (317)",
                "properties": {"vot": _verzoek("VOT (315), per requested product"),
                               "vow": _verzoek("VOW (317), as a whole")}},
            "stapelmatrix": {
                "type": "object", "additionalProperties": False, "required": ["standaard"],
                "description": "which products may run together for one client: standaard "
                               "(toegestaan or verboden) and the pairs that are the exception",
                "properties": {
                    "standaard": {"enum": list(STAPELING),
                                  "description": "toegestaan or verboden, for any pair of "
                                                 "products not listed"},
                    "toegestaan": {"type": "array", "description": "pairs of product codes "
                                   "that may run together, e.g. [07A01, 04A01]",
                                   "items": {"type": "array", "minItems": 2, "maxItems": 2,
                                             "items": product_code}},
                    "verboden": {"type": "array", "description": "pairs of product codes "
                                 "that may not run together, e.g. [07A01, 07B02]",
                                 "items": {"type": "array", "minItems": 2, "maxItems": 2,
                                           "items": product_code}},
                }},
            "termijnen": {
                "type": "object", "additionalProperties": False,
                "required": ["retour", "verzoek", "declaratie"],
                "description": "answer delays in werkdagen after receipt: retour, verzoek, "
                               "declaratie and optionally na_onderzoek",
                "properties": {
                    "retour": _werkdagen("delay of a retour message (302..320)"),
                    "verzoek": _werkdagen("delay of the 301/319 answering a VOT or VOW"),
                    "declaratie": _werkdagen("delay of the 325 answering a 323"),
                    "na_onderzoek": _werkdagen("delay of the final answer after a 319 "
                                               "in onderzoek (default 20)"),
                }},
            "kalender": {
                "type": "object", "additionalProperties": False,
                "description": "the regio's werkdagen: bevrijdingsdag lustrum or jaarlijks",
                "properties": {
                    "bevrijdingsdag": {"enum": list(BEVRIJDINGSDAG),
                                       "description": "lustrum (5 May off in 2025, 2030, ...: "
                                                      "the default) or jaarlijks (every year)"}}},
            "declaraties": {
                "type": "object", "additionalProperties": False,
                "description": "the declaration policy: toetsing alle_regels or contract",
                "properties": {
                    "toetsing": {"enum": list(TOETSING),
                                 "description": "alle_regels (a prestatie breaking any rule is "
                                                "rejected) or contract (only technical errors "
                                                "and the contract rules TR381/TR418 reject)"},
                    "tariefherziening": {
                        "type": "array", "minItems": 1,
                        "description": "products the gemeente now pays at another tariff than "
                                       "the product list's (a contract revised after the "
                                       "aanbieder took it): a line at the list's tarief is "
                                       "rejected with 0611 (TR418), as a list of {product, tarief}",
                        "items": {
                            "type": "object", "additionalProperties": False,
                            "required": ["product", "tarief"],
                            "description": "{product: CODE, tarief: EURO}",
                            "properties": {
                                "product": {"type": "string", "pattern": "^[0-9A-Z]{5}$",
                                            "description": "a product code of producten"},
                                "tarief": {"type": "number", "minimum": 0, "format": "euro",
                                           "description": "the revised tariff in euro per "
                                                          "eenheid, two decimals at most"}}}}}},
        },
    }
