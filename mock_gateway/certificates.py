"""GET /ca.pem: the test CA's certificate (mutual TLS, tlsca.py), for anyone: a system adds it
to its trust store to accept the exchange's server certificate. 404 without TLS."""
from __future__ import annotations

from flask import Blueprint, Response

from .runtime import ApiError, exchange

bp = Blueprint("certificates", __name__)


@bp.get("/ca.pem")
def ca_pem():
    ca = exchange().ca
    if ca is None:
        raise ApiError(404, "NOT_FOUND", "This exchange runs without TLS: it has no CA "
                       "(`ketentest serve --tls`).")
    return Response(ca.ca_pem, 200, mimetype="application/x-pem-file",
                    headers={"Content-Disposition": "attachment; filename=ketentest-ca.pem"})
