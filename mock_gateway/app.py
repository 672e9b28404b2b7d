"""The app factory: `create_app(config)` builds the exchange on a database (migrating it to
the newest schema first) with one blueprint per interface."""
from __future__ import annotations

import logging
import sys

from flask import Flask, jsonify, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from harness.standard import registry

from . import (admin, certificates, ggk, journal, mailbox, openapi, sessions, systems, vsp,
               web)
from .auth import new_token
from .chains import ChainCache
from .config import Config
from .db import Setting, make_engine, token_hash, writer, writing
from .migrate import upgrade
from .push import Pusher, pending
from .runtime import ApiError, Exchange
from .tlsca import TestCA

log = logging.getLogger("mock_gateway")
ADMIN_SETTING = "admin_token_sha256"


def _admin_hash(engine_w, token: str | None) -> tuple[str, str | None]:
    """The admin token's hash, and the token itself when it was generated now.

    A configured token wins (and is remembered for later starts without one); otherwise the
    one generated at the first start stays valid (only its hash is stored)."""
    generated = None
    for _ in range(3):
        try:
            with writing(engine_w) as s:
                row = s.get(Setting, ADMIN_SETTING)
                if token is not None:
                    if row is None:
                        s.add(Setting(name=ADMIN_SETTING, value=token_hash(token)))
                    elif row.value != token_hash(token):
                        row.value = token_hash(token)
                    return token_hash(token), None
                if row is not None:
                    return row.value, None
                generated = new_token()
                s.add(Setting(name=ADMIN_SETTING, value=token_hash(generated)))
            return token_hash(generated), generated
        except IntegrityError:  # another worker stored one at the same moment: use that
            continue
    raise RuntimeError("could not settle the admin token")


def create_app(config: Config | dict | None = None) -> Flask:
    """The mock exchange. `config`: a Config, a dict of its fields, or None to read
    KETENTEST_DATABASE / KETENTEST_ADMIN_TOKEN from the environment (gunicorn)."""
    if config is None:
        config = Config.from_env()
    elif isinstance(config, dict):
        config = Config(**config)
    registry.all_releases()  # read the releases now, not in the first request of a worker
    engine = make_engine(config.database)
    upgrade(engine)
    engine_w = writer(engine)
    admin_hash, generated = _admin_hash(engine_w, config.admin_token)
    if generated and config.admin_token is None:
        print(f"ketentest exchange: generated admin token {generated} (stored hashed; set "
              "KETENTEST_ADMIN_TOKEN to choose one)", file=sys.stderr, flush=True)

    app = Flask(__name__)
    app.json.sort_keys = False
    ex = Exchange(config, engine, engine_w, admin_hash)
    ex.pusher = Pusher(ex)
    if config.tls_dir:
        ex.ca = TestCA.ensure(config.tls_dir)
    ex.chains = ChainCache()
    if pending(engine):  # pushes left over from before a restart
        ex.pusher.kick()
    app.extensions["ketentest"] = ex
    app.extensions["ketentest.generated_admin_token"] = generated
    for blueprint in (sessions.bp, admin.bp, mailbox.bp, journal.bp, ggk.bp, vsp.bp,
                      certificates.bp, systems.bp, openapi.bp, web.bp):
        app.register_blueprint(blueprint)

    @app.errorhandler(ApiError)
    def _api_error(e: ApiError):
        return e.response()

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        if web.is_page(request.path):  # a person's browser: a page, not JSON
            return web.error_page(e)
        code = (e.name or "error").upper().replace(" ", "_")
        return jsonify({"code": code, "message": e.description}), e.code

    @app.errorhandler(Exception)
    def _crash(e: Exception):
        # The write transaction was rolled back: nothing half-stored; the client may resend.
        log.exception("unexpected error")
        return jsonify({"code": "INTERNAL", "message": "Internal error in the exchange; "
                        "nothing was stored. Send the request again, and report it if it "
                        "persists."}), 500

    return app
