"""What a running app holds (engine, configuration, admin token hash), kept on the Flask app
instead of in module globals, and the JSON error every endpoint answers with."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, jsonify
from sqlalchemy.engine import Engine

from .config import Config


@dataclass
class Exchange:
    config: Config
    engine: Engine
    writer: Engine  # write transactions (BEGIN IMMEDIATE on SQLite)
    admin_hash: str
    pusher: Any = None  # push.Pusher: delivers to gemeente endpoints (set by create_app)
    ca: Any = None  # tlsca.TestCA: issues the parties' client certificates (with tls_dir)
    chains: Any = None  # chains.ChainCache: this process's decoded chain states (create_app)
    # One verdict made at a time in this process. Threads are there to wait on slow clients
    # and on the database; judging is CPU-bound, and several threads judging at once only
    # contend for the interpreter lock (README "At scale": ~30 % more CPU a message). Where the
    # database takes one write at a time anyway (SQLite), the whole submission holds it.
    judging: threading.RLock = field(default_factory=threading.RLock)

    @property
    def writes_one_at_a_time(self) -> bool:
        return self.engine.dialect.name == "sqlite"


def exchange() -> Exchange:
    return current_app.extensions["ketentest"]


class ApiError(Exception):
    """Answered as `{"code": ..., "message": ...}` with `status`."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None,
                 extra: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers, self.extra = headers or {}, extra or {}

    def response(self):
        body = {"code": self.code, "message": self.message, **self.extra}
        return jsonify(body), self.status, self.headers


def not_found(what: str = "message") -> ApiError:
    # The same answer for "does not exist" and "not yours": ids of others stay invisible.
    return ApiError(404, "NOT_FOUND", f"No {what} with this id for your token.")

