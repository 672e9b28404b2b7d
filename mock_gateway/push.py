"""Push delivery to gemeente systems, the GGk way: every message for the gemeente of a session
with a `ggk_url` is POSTed to that URL as a SOAP envelope on the gemeente's own
OntvangAsynchroon (mock_gateway.stuf explains why push and not pull):

- an aanbieder's heen message as a ggk_Di01 with the message's referentienummer,
- an aanbieder's retour message as a ggk_Du01 whose crossRefnummer is the referentienummer of
  the gemeente's heen message,
- the Fo01 refusing an envelope the gemeente posted to /ggk.

An answer 2xx with a Bv03 (or an empty body) is delivery: a message becomes bezorgd. Anything
else (no connection, a time-out, another status, another body) is retried after 1, 2, 4, ... up
to 60 seconds, without end; until then the message stays aangeboden in the gemeente's REST
inbox, so nothing is lost and a gemeente may still fetch it there. Delivery is at least once:
a worker that dies during a push leaves a claim that expires after LEASE, and the message is
pushed again.

One background thread per process, started on the first message to push (and at start-up
when pushes are pending) and woken by `kick()` after each commit that makes one; it never
blocks a request. Claims are taken in a write transaction (PostgreSQL: FOR UPDATE SKIP LOCKED),
so several gunicorn workers never push the same claim twice.
"""
from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from lxml import etree
from sqlalchemy import and_, exists, or_, select

from harness.standard import find_message
from harness.validation import intake

from .db import ExchangeSession, Message, reading, utcnow, writing
from .status import visible_to_receiver
from .stuf import CONTENT_TYPE, wrap_for_gemeente
from .stuf.build import to_bytes
from .stuf.schema import STUF_NS
from .stuf.wsdl import OPERATIONS

log = logging.getLogger("mock_gateway.push")

TIMEOUT = 10.0  # seconds a gemeente endpoint may take to answer one push
POLL = 1.0  # seconds between looks for due retries when idle
BACKOFF_MAX = 60.0
LEASE = timedelta(seconds=TIMEOUT * 6)  # a claim older than this was lost with its worker
BATCH = 20
ERROR_MAX = 1000


def backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: 1, 2, 4, ... at most 60."""
    return min(2.0 ** max(attempts - 1, 0), BACKOFF_MAX)


def _due(now: datetime):
    """Messages waiting for a push to their session's gemeente endpoint."""
    for_gemeente = and_(Message.receiver_role == "gemeente", Message.status != "bezorgd",
                        visible_to_receiver(now))
    fo01 = and_(Message.sender_role == "gemeente", Message.status == "afgekeurd",
                Message.stuf_answer.is_not(None))
    return and_(ExchangeSession.ggk_url.is_not(None), Message.pushed_at.is_(None),
                or_(Message.push_next.is_(None), Message.push_next <= now),
                or_(for_gemeente, fo01))


def pending(engine) -> bool:
    with reading(engine) as s:
        return s.scalar(select(exists().where(
            Message.session_id == ExchangeSession.id, _due(utcnow() + LEASE)))) or False


@dataclass(frozen=True)
class Job:
    message_id: str
    url: str
    body: bytes
    soap_action: str


def envelope_for(m: Message) -> tuple[bytes, str]:
    """The SOAP message that carries `m` to the gemeente, and its SOAPAction."""
    if m.stuf_answer is not None:
        return to_bytes(etree.fromstring(m.stuf_answer)), OPERATIONS["Fo01"][1]
    _, msg = find_message(m.berichtsoort)
    cross_ref = m.cross_ref
    if msg.kind == "retour" and cross_ref is None:
        # the heen message is not in the journal (the aanbieder answered a message nobody
        # sent): the gemeente gets what the chain would give it, a Du01 naming no Di01
        cross_ref = str(uuid.uuid4())
    body = wrap_for_gemeente(m.content, m.sender_code, m.receiver_code, cross_ref=cross_ref,
                             referentienummer=m.referentienummer)
    operation = "ggk_Du01" if msg.kind == "retour" else "ggk_Di01"
    return body, OPERATIONS[operation][1]


def answer_error(response: requests.Response) -> str | None:
    """None when the gemeente's answer is a delivery (2xx with a Bv03 or nothing), else why not."""
    if not 200 <= response.status_code < 300:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    if not response.content.strip():
        return None
    root = intake.parse(response.content).root
    if root is not None and (root.tag == f"{{{STUF_NS}}}Bv03Bericht"
                             or root.find(f".//{{{STUF_NS}}}Bv03Bericht") is not None):
        return None
    return (f"HTTP {response.status_code} without a Bv03 (the WSDL's answer of every "
            f"operation): {response.text[:300]}")


class Pusher:
    def __init__(self, ex, timeout: float = TIMEOUT, poll: float = POLL):
        self.ex, self.timeout, self.poll = ex, timeout, poll
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._http = requests.Session()

    def kick(self) -> None:
        """Something may be due: push it now (starts the thread the first time)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="ketentest-ggk-push",
                                                daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            try:
                worked = self.push_due()
            except Exception:  # the database went away for a moment: try again later
                log.exception("pushing to gemeente endpoints failed")
                worked = 0
            if not worked:
                self._wake.wait(self.poll)
                self._wake.clear()

    def push_due(self) -> int:
        """Push what is due now; how many were tried."""
        jobs = self._claim()
        for job in jobs:
            self._record(job.message_id, self._post(job))
        return len(jobs)

    def _claim(self) -> list[Job]:
        now = utcnow()
        jobs = []
        with writing(self.ex.writer) as s:
            rows = s.execute(
                select(Message, ExchangeSession.ggk_url)
                .join(ExchangeSession, ExchangeSession.id == Message.session_id)
                .where(_due(now)).order_by(Message.received_at, Message.seq).limit(BATCH)
                .with_for_update(of=Message, skip_locked=True)).all()
            for m, url in rows:
                m.push_attempts += 1
                m.push_next = now + LEASE
                if m.referentienummer is None:  # delivered before the exchange gave them one
                    m.referentienummer = str(uuid.uuid4())
                try:
                    jobs.append(Job(m.id, url, *envelope_for(m)))
                except (KeyError, ValueError) as e:  # cannot happen for a delivered message
                    m.push_error = f"no envelope could be built: {e}"
                    m.push_next = now + timedelta(seconds=BACKOFF_MAX)
        return jobs

    def _post(self, job: Job) -> str | None:
        try:
            r = self._http.post(job.url, data=job.body, timeout=self.timeout,
                                headers={"Content-Type": CONTENT_TYPE,
                                         "SOAPAction": f'"{job.soap_action}"'})
        except requests.RequestException as e:
            return f"{type(e).__name__}: {e}"
        return answer_error(r)

    def _record(self, message_id: str, error: str | None) -> None:
        now = utcnow()
        with writing(self.ex.writer) as s:
            m = s.get(Message, message_id, with_for_update=True)
            if m is None:  # its session was deleted meanwhile
                return
            if error is None:
                m.pushed_at, m.push_next, m.push_error = now, None, None
                # a gemeente's Fo01 may have refused it during the push: that stays
                if m.status in ("ontvangen", "aangeboden"):
                    m.status, m.delivered_at = "bezorgd", now
            else:
                m.push_error = error[:ERROR_MAX]
                m.push_next = now + timedelta(seconds=backoff(m.push_attempts))
