"""What the web pages sign (itsdangerous): the sign-in cookie and the shared read-only links,
under a secret the exchange keeps in its database (made at the first use), so every worker
signs alike and links stay valid across restarts."""
from __future__ import annotations

import secrets
import time
from datetime import datetime, timezone

from flask import current_app, url_for
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from .db import Setting, writing
from .runtime import exchange

SECRET_SETTING = "web_secret"


def _secret() -> str:
    """The exchange's signing secret: stored once in the database, so every worker and every
    restart signs alike."""
    cached = current_app.extensions.get("ketentest.web_secret")
    if cached:
        return cached
    ex = exchange()
    for _ in range(3):
        try:
            with writing(ex.writer) as s:
                row = s.get(Setting, SECRET_SETTING)
                if row is None:
                    row = Setting(name=SECRET_SETTING, value=secrets.token_urlsafe(32))
                    s.add(row)
                value = row.value
            break
        except IntegrityError:  # another worker made one at the same moment: read that
            continue
    current_app.extensions["ketentest.web_secret"] = value
    return value


def cookie_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_secret(), salt="ketentest-web-cookie")


def link_signer() -> URLSafeSerializer:
    return URLSafeSerializer(_secret(), salt="ketentest-share")


def share_token(session_id: str, days: int, now: float | None = None) -> str:
    """A read-only link's token for one session, valid for `days` days."""
    expires = int((now or time.time()) + days * 86400)
    return link_signer().dumps({"s": session_id, "e": expires})


def share(session_id: str, days: int) -> dict:
    """A shared link (JSON API: POST /api/sessions/{id}/share): its URL and expiry."""
    now = time.time()
    expires = datetime.fromtimestamp(int(now + days * 86400), timezone.utc)
    return {"url": url_for("web.shared", token=share_token(session_id, days, now),
                           _external=True),
            "expires": expires.isoformat()}
