"""Pages for people: the exchange's sessions, a session's chain as a timeline in lanes, a
message with its verdict, and a session's rule coverage. Server-rendered with Flask's Jinja;
one small stylesheet, no script.

Who sees what (the JSON API keeps its bearer tokens; these pages use a cookie instead):
- the **admin** signs in once per browser with the admin token (a form; the browser then holds
  a signed cookie, for 12 hours) and sees every session;
- a **party** signs in with its own token and sees only its own session;
- anyone with a session's **shared link** (made by the admin on the session's page, signed and
  expiring) sees that session, read-only, without a token.
Signed with itsdangerous under a secret the exchange keeps in its database (made at the first
use): every worker signs alike and links stay valid across restarts. Nothing here changes a
session; the pages only read.
"""
from __future__ import annotations

import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from itsdangerous import BadSignature
from lxml import etree
from markupsafe import Markup
from sqlalchemy import func, select

from harness.standard import find_message
from harness.validation.intake import parse
from harness.validation.message import Message as Bericht
from harness.validation.rules import RULES

from .db import ExchangeSession, Message, Party, as_utc, reading, token_hash
from .runtime import exchange
from .signing import cookie_signer, link_signer, share_token
from .views import entry_json

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/web/static")

COOKIE = "ketentest_web"
COOKIE_AGE = 12 * 3600  # a sign-in lasts a working day
SHARE_DAYS = (1, 7, 30)  # what the admin may choose for a shared link
DEFAULT_SHARE_DAYS = 7
MAX_ROWS = 3000  # lines of XML laid out on a message page; the rest is in the raw download
LANES = ("gemeente", "exchange", "aanbieder")


class Refused(Exception):
    """A page the visitor may not see: answered with a page saying why (and how to get in)."""

    def __init__(self, status: int, title: str, text: str):
        super().__init__(text)
        self.status, self.title, self.text = status, title, text


@bp.errorhandler(Refused)
def _refused(e: Refused):
    return render_template("web/refused.html", title=e.title, text=e.text,
                           viewer=_viewer()), e.status


def is_page(path: str) -> bool:
    """A path of these pages (answered with HTML, also when it does not exist)."""
    return path == "/" or path == "/web" or path.startswith("/web/")


def error_page(e):
    """An HTTP error on a page path (a 404, a 405): a page saying so, not JSON."""
    return render_template("web/refused.html", title=e.name, text=e.description,
                           viewer=None), e.code


# -- who is looking ----------------------------------------------------------------------

@dataclass
class Viewer:
    admin: bool = False
    party: tuple[str, str] | None = None  # (session id, role) of a signed-in party
    shared: dict[str, int] = field(default_factory=dict)  # session id -> link expires (unix)

    @property
    def anonymous(self) -> bool:
        return not (self.admin or self.party or self.shared)

    def may_see(self, session_id: str) -> bool:
        if self.admin or (self.party and self.party[0] == session_id):
            return True
        return self.shared.get(session_id, 0) > time.time()

    def payload(self) -> dict:
        out: dict = {}
        if self.admin:
            out["a"] = exchange().admin_hash[:16]
        if self.party:
            out["p"] = list(self.party)
        live = {k: v for k, v in self.shared.items() if v > time.time()}
        if live:
            out["s"] = live
        return out


def _viewer() -> Viewer:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return Viewer()
    try:
        data = cookie_signer().loads(raw, max_age=COOKIE_AGE)
    except BadSignature:
        return Viewer()
    # an admin cookie dies with the admin token it was made for
    admin = isinstance(data.get("a"), str) and hmac.compare_digest(
        data["a"], exchange().admin_hash[:16])
    party = tuple(data["p"]) if isinstance(data.get("p"), list) and len(data["p"]) == 2 else None
    shared = {k: int(v) for k, v in (data.get("s") or {}).items()}
    return Viewer(admin, party, shared)


def _with_cookie(response: Response, viewer: Viewer) -> Response:
    payload = viewer.payload()
    if not payload:
        response.delete_cookie(COOKIE, path="/web")
        return response
    response.set_cookie(COOKIE, cookie_signer().dumps(payload), max_age=COOKIE_AGE,
                        path="/web", httponly=True, samesite="Lax",
                        secure=request.scheme == "https")
    return response


def _sign_in_first() -> Refused:
    return Refused(401, "Sign in", "This page needs the admin token, your party's token, or a "
                   "shared link from the exchange's admin.")


def _require_session(s, session_id: str) -> ExchangeSession:
    viewer = _viewer()
    if viewer.anonymous:
        raise _sign_in_first()
    session = s.get(ExchangeSession, session_id)
    # the same answer for "no such session" and "not yours": ids of others stay invisible
    if session is None or not viewer.may_see(session_id):
        raise Refused(404, "No such session", "There is no session with this id that you may "
                      "see. A party sees only its own session; a shared link only the session "
                      "it was made for, until it expires.")
    if session.lead_id is not None:  # a session of several gemeenten: the others' pages
        g.regio_gemeenten = s.execute(
            select(ExchangeSession.gemeentecode, ExchangeSession.id)
            .where(ExchangeSession.lead_id == session.lead_id)
            .order_by(ExchangeSession.id != session.lead_id, ExchangeSession.created_at)).all()
    return session


@bp.app_context_processor
def _globals():
    return {"lanes": LANES}


# -- sign-in, shared links ---------------------------------------------------------------

@bp.get("/")
def root():
    return redirect(url_for("web.sessions"))


@bp.get("/web/login")
def login_form():
    return render_template("web/login.html", viewer=_viewer(), error=None,
                           next=request.args.get("next", ""))


def _safe_next(target: str) -> str | None:
    # only a path on this exchange's pages: never an address elsewhere
    return target if target.startswith("/web/") and not target.startswith("//") else None


@bp.post("/web/login")
def login():
    token = (request.form.get("token") or "").strip()
    viewer = _viewer()
    target = _safe_next(request.form.get("next", ""))
    if token and hmac.compare_digest(token_hash(token), exchange().admin_hash):
        viewer.admin = True
        return _with_cookie(redirect(target or url_for("web.sessions")), viewer)
    if token:
        with reading(exchange().engine) as s:
            party = s.scalar(select(Party).where(Party.token_hash == token_hash(token)))
        if party is not None:
            viewer.party = (party.session_id, party.role)
            return _with_cookie(redirect(target or url_for("web.session",
                                                           session_id=party.session_id)), viewer)
    page = render_template("web/login.html", viewer=viewer, next=target or "",
                           error="This token is not known to the exchange. Use the admin token "
                                 "(printed by `ketentest serve`) or a party token of a live "
                                 "session.")
    return page, 401


@bp.post("/web/logout")
def logout():
    response = redirect(url_for("web.login_form"))
    response.delete_cookie(COOKIE, path="/web")
    return response


@bp.get("/web/shared/<token>")
def shared(token):
    """A shared read-only link: remembered in the browser's cookie, then the session's page."""
    try:
        data = link_signer().loads(token)
        session_id, expires = str(data["s"]), int(data["e"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise Refused(403, "Link not valid", "This link is not a valid shared link of this "
                      "exchange (it may have been cut off or altered). Ask the exchange's admin "
                      "for a new one.") from None
    if expires <= time.time():
        when = datetime.fromtimestamp(expires, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        raise Refused(403, "Link expired", f"This shared link expired on {when}. Ask the "
                      "exchange's admin for a new one.")
    with reading(exchange().engine) as s:
        found = s.get(ExchangeSession, session_id)
        if found is None:
            raise Refused(404, "Session deleted", "The session this link was made for has "
                          "been deleted.")
        # a session of several gemeenten: the link opens every gemeente's journal
        opened = list(s.scalars(select(ExchangeSession.id).where(
            ExchangeSession.lead_id == session_id))) if found.lead_id == session_id \
            else [session_id]
    viewer = _viewer()
    for one in opened:
        viewer.shared[one] = expires
    target = url_for("web.session", session_id=session_id)
    message_id = request.args.get("m")
    if message_id:  # a certificate links each message through its session's shared link
        with reading(exchange().engine) as s:
            m = s.get(Message, message_id)
            if m is not None and m.session_id in opened:
                target = url_for("web.message", message_id=message_id)
    return _with_cookie(redirect(target), viewer)


# -- pages -------------------------------------------------------------------------------

@bp.get("/web/")
def sessions():
    viewer = _viewer()
    if not viewer.admin:
        if viewer.party:
            return redirect(url_for("web.session", session_id=viewer.party[0]))
        if viewer.shared:
            return render_template("web/shared_list.html", viewer=viewer,
                                   sessions=sorted(viewer.shared))
        return redirect(url_for("web.login_form", next=request.path))
    with reading(exchange().engine) as s:
        counts = dict(s.execute(select(Message.session_id, func.count())
                                .group_by(Message.session_id)).all())
        rows = s.scalars(select(ExchangeSession)
                         .order_by(ExchangeSession.created_at.desc())).all()
        return render_template("web/sessions.html", viewer=viewer, sessions=rows,
                               counts=counts)


def _verdict(m: Message) -> dict:
    return json.loads(m.verdict) if m.verdict else {}


def verdict_class(m: Message) -> str:
    """ok: accepted; rejected: delivered, the receiver answers with retourcodes; refused: the
    exchange refused it (not delivered)."""
    if m.status == "afgekeurd":
        return "refused"
    return "ok" if _verdict(m).get("accepted") else "rejected"


def verdict_text(m: Message) -> str:
    if m.status == "afgekeurd":
        return f"refused by the exchange ({m.refusal_code})"
    v = _verdict(m)
    if v.get("accepted"):
        return "accepted"
    rules = sorted({f["rule"] for f in v.get("findings", [])})
    return "rejected: " + ", ".join(rules) if rules else "rejected"


def termijn_text(termijn: dict | None) -> str:
    if not termijn:
        return ""
    if termijn.get("on_time"):
        return f"on time ({termijn['kind']}, due {termijn['due']})"
    return (f"late by {termijn.get('werkdagen_late', '?')} werkdag(en) ({termijn['kind']}, "
            f"due {termijn['due']})")


@dataclass
class Arrow:
    """One message on the timeline: from its sender's lane to its receiver's (a refused one
    stops at the exchange)."""
    m: Message
    entry: dict
    css: str
    verdict: str
    termijn: str
    late: bool

    @property
    def start(self) -> int:
        return LANES.index(self.m.sender_role)

    @property
    def end(self) -> int:
        return 1 if self.m.status == "afgekeurd" else LANES.index(self.m.receiver_role)

    @property
    def direction(self) -> str:
        return "right" if self.end > self.start else "left"

    @property
    def columns(self) -> str:
        lo, hi = sorted((self.start, self.end))
        return f"{lo + 1} / {hi + 2}"


def _arrows(s, session_id: str) -> list[Arrow]:
    rows = s.scalars(select(Message).where(Message.session_id == session_id)
                     .order_by(Message.seq)).all()
    out = []
    for m in rows:
        entry = entry_json(m)
        t = entry["termijn"]
        out.append(Arrow(m, entry, verdict_class(m), verdict_text(m), termijn_text(t),
                         bool(t and not t.get("on_time"))))
    return out


def _share_links(session_id: str) -> list[tuple[int, str]]:
    return [(d, url_for("web.shared", token=share_token(session_id, d), _external=True))
            for d in SHARE_DAYS]


@bp.get("/web/sessions/<session_id>")
def session(session_id):
    viewer = _viewer()
    with reading(exchange().engine) as s:
        sess = _require_session(s, session_id)
        arrows = _arrows(s, session_id)
    live = request.args.get("live") == "1"
    return render_template("web/session.html", viewer=viewer, session=sess, arrows=arrows,
                           live=live, shares=_share_links(session_id) if viewer.admin else [])


# -- a message ---------------------------------------------------------------------------

@dataclass
class Line:
    depth: int
    kind: str  # open | close | leaf | empty
    name: str
    text: str = ""
    path: str = ""
    hits: list = field(default_factory=list)  # the findings on this element


def xml_lines(content: bytes, findings: list[dict], limit: int = MAX_ROWS) -> tuple[list[Line], bool]:
    """The message laid out one element per line, each element that a finding names marked
    with it. (lines, cut): cut when the message has more than `limit` lines."""
    intake = parse(content)
    if intake.root is None:
        return [], False
    by_path: dict[str, list] = {}
    for f in findings:
        by_path.setdefault(f.get("path") or "/", []).append(f)
    lines: list[Line] = []

    def walk(el, depth: int) -> bool:
        if len(lines) >= limit:
            return False
        name = etree.QName(el).localname
        path = Bericht.path(el)
        hits = by_path.get(path, [])
        if len(el):
            lines.append(Line(depth, "open", name, path=path, hits=hits))
            for child in el:
                if not walk(child, depth + 1):
                    return False
            lines.append(Line(depth, "close", name, path=path))
        else:
            lines.append(Line(depth, "leaf" if el.text else "empty", name, el.text or "", path,
                              hits))
        return True

    complete = walk(intake.root, 0)
    return lines, not complete


def _related(s, m: Message) -> tuple[Message | None, list[Message]]:
    """What `m` answers (from its termijn) and the messages that answer it."""
    termijn = json.loads(m.termijn) if m.termijn else None
    answers = s.get(Message, termijn["answers"]) if termijn and termijn.get("answers") else None
    answered_by = [x for x in s.scalars(
        select(Message).where(Message.session_id == m.session_id, Message.termijn.is_not(None))
        .order_by(Message.seq)) if json.loads(x.termijn).get("answers") == m.id]
    return answers, answered_by


@bp.get("/web/messages/<message_id>")
def message(message_id):
    viewer = _viewer()
    if viewer.anonymous:
        raise _sign_in_first()
    with reading(exchange().engine) as s:
        m = s.get(Message, message_id)
        if m is None or not viewer.may_see(m.session_id):
            raise Refused(404, "No such message", "There is no message with this id that you "
                          "may see.")
        sess = s.get(ExchangeSession, m.session_id)
        verdict = _verdict(m)
        content = m.content
        answers, answered_by = _related(s, m)
        entry = entry_json(m)
    findings = verdict.get("findings", [])
    lines, cut = xml_lines(content, findings) if content else ([], False)
    raw = None
    if content and not lines:  # not XML: shown as text, as far as it is text
        raw = content[:200_000].decode("utf-8", errors="replace")
    return render_template(
        "web/message.html", viewer=viewer, session=sess, m=m, entry=entry, verdict=verdict,
        findings=findings, lines=lines, cut=cut, raw=raw, answers=answers,
        answered_by=answered_by, css=verdict_class(m), verdict_text=verdict_text(m),
        termijn=termijn_text(entry["termijn"]), describe=describe)


@bp.get("/web/messages/<message_id>/xml")
def message_xml(message_id):
    viewer = _viewer()
    with reading(exchange().engine) as s:
        m = s.get(Message, message_id)
        if m is None or not viewer.may_see(m.session_id) or m.content is None:
            raise Refused(404, "No such message", "There is no stored message with this id "
                          "that you may see.")
        content = m.content
    return Response(content, 200, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{m.berichtsoort or "message"}-{m.seq}.xml"'})


def describe(m: Message | None) -> str:
    """One line naming a message, for links."""
    if m is None:
        return ""
    day = m.day.isoformat() if m.day else ""
    return f"{m.berichtsoort or 'unknown message'} #{m.seq} {m.sender_role} → {m.receiver_role} {day}"


# -- rule coverage -----------------------------------------------------------------------

@dataclass
class Coverage:
    rule: str
    category: str
    retourcode: str | None
    judged: int = 0  # messages the rule judged
    found: list = field(default_factory=list)  # (message, finding) it found broken
    not_assessed: int = 0


def coverage(messages: list[Message]) -> list[Coverage]:
    """Per rule: on how many of the session's delivered messages it judged, which it found
    broken, and where it could not judge (no regio profile)."""
    out: dict[str, Coverage] = {}
    for m in messages:
        v = _verdict(m)
        if m.status == "afgekeurd" or not m.berichtsoort or v.get("level") in ("xml", "xsd"):
            continue
        try:
            rel, msg = find_message(m.berichtsoort)
        except (KeyError, ValueError):
            continue
        skipped = set(v.get("not_assessed") or [])
        for r in RULES.values():
            if msg.id not in r.messages or rel.name not in r.releases:
                continue
            c = out.setdefault(r.id, Coverage(r.id, r.category, r.retourcode))
            if r.id in skipped:
                c.not_assessed += 1
            else:
                c.judged += 1
        for f in v.get("findings", []):
            rule = RULES.get(f["rule"])
            c = out.setdefault(f["rule"], Coverage(f["rule"], rule.category if rule else "",
                                                   f.get("retourcode")))
            c.found.append((m, f))
    return sorted(out.values(), key=lambda c: (not c.found, c.rule))


@bp.get("/web/sessions/<session_id>/coverage")
def session_coverage(session_id):
    viewer = _viewer()
    with reading(exchange().engine) as s:
        sess = _require_session(s, session_id)
        messages = s.scalars(select(Message).where(Message.session_id == session_id)
                             .order_by(Message.seq)).all()
        rows = coverage(messages)
    return render_template("web/coverage.html", viewer=viewer, session=sess, rows=rows,
                           total=len(RULES), describe=describe)


@bp.app_template_filter("stamp")
def _stamp(moment) -> str:
    moment = as_utc(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""


@bp.app_template_filter("codes")
def _codes(values) -> Markup:
    return Markup(" ").join(Markup("<code>{}</code>").format(v) for v in values or [])
