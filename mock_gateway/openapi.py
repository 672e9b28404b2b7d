"""GET /openapi.json: the OpenAPI 3.1 description of the whole API (written by hand, shipped
beside this module)."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from flask import Blueprint, jsonify

bp = Blueprint("openapi", __name__)


@lru_cache(maxsize=1)
def document() -> dict:
    return json.loads((resources.files("mock_gateway") / "openapi.json").read_text("utf-8"))


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())
