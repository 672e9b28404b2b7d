"""Storage: the tables (SQLAlchemy 2 models), the engine, and write transactions.

SQLite (the embedded default) runs in WAL mode with synchronous=FULL, so a message answered
with 202 survives a crash of the server; its write transactions queue on a file lock and start
with BEGIN IMMEDIATE, so concurrent writers (threads and gunicorn workers) wait their turn
instead of failing on a lock upgrade. On
PostgreSQL a write transaction locks its session's row (SELECT ... FOR UPDATE): submissions to
one session are judged and stored one after the other, in the order the chain sees them.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Iterator

from sqlalchemy import (Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String,
                        Text, UniqueConstraint, create_engine, event, insert, inspect)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from harness.clock import KALENDER, Kalender
from harness.profiles import BUILTIN, builtin

from .config import database_url
from .inputs import known_id
from .runtime import not_found


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back naive; they were stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def token_hash(token: str) -> str:
    """Tokens are 256-bit random strings: a plain SHA-256 is a safe, indexable hash for them."""
    return hashlib.sha256(token.encode()).hexdigest()


class Base(DeclarativeBase):
    pass


class ExchangeSession(Base):
    """One certification run: its simulated gemeente and aanbieder, clock and chain state."""
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    release: Mapped[str] = mapped_column(String(16))  # iwmo-3.2 | ijw-3.2
    profile: Mapped[str | None] = mapped_column(String(200))
    gemeentecode: Mapped[str] = mapped_column(String(4), unique=True)
    agb: Mapped[str] = mapped_column(String(8), unique=True)
    today: Mapped[date | None] = mapped_column(Date)  # the simulated date; None: the real one
    # The chain state (mock_gateway.chains): a snapshot (harness.chain's ChainState JSON) at
    # log position chain_from, and the changes since in chain_changes up to chain_pos
    chain_state: Mapped[str | None] = mapped_column(Text)
    chain_from: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    chain_pos: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the gemeente system's own OntvangAsynchroon endpoint: messages for it are pushed there
    ggk_url: Mapped[str | None] = mapped_column(String(500))

    # a registered system playing one role (systems.py): that role's code is the system's
    # (gemeentecode / agb then hold an unused reserved code)
    system_id: Mapped[str | None] = mapped_column(String(32), index=True)
    system_role: Mapped[str | None] = mapped_column(String(9))
    system_code: Mapped[str | None] = mapped_column(String(8))
    # the regio it belongs to: one session per gemeente of a regio, sharing its aanbieder
    regio: Mapped[str | None] = mapped_column(String(100), index=True)
    # a session of several gemeenten (sessions.py): one row per gemeente, each with its own
    # chain, journal and clock, all naming the first gemeente's row (that one too); the shared
    # aanbieder plays the system role (system_id: a registered system's id, or lead_id)
    lead_id: Mapped[str | None] = mapped_column(String(32), index=True)

    parties: Mapped[list["Party"]] = relationship(back_populates="session", cascade="all, delete-orphan",
                                                  passive_deletes=True)

    def clock(self) -> date:
        return self.today or date.today()

    def kalender(self) -> Kalender:
        """The werkdagen of the session's regio: a shipped profile's calendar; a profile the
        exchange does not know (a client's own YAML) counts by the default calendar."""
        return builtin(self.profile).kalender if self.profile in BUILTIN else KALENDER

    def code_of(self, role: str) -> str:
        if role == self.system_role:
            return self.system_code
        return self.gemeentecode if role == "gemeente" else self.agb


class System(Base):
    """A vendor's system registered once with its own identity (role and code) and
    credentials; the sessions it takes part in use them (systems.py)."""
    __tablename__ = "systems"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(9))  # gemeente | aanbieder
    code: Mapped[str] = mapped_column(String(8), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    cert_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    push_url: Mapped[str | None] = mapped_column(String(500))  # a gemeente's GGk endpoint
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Party(Base):
    """A simulated identity of a session, with the hash of its bearer token."""
    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(9))  # gemeente | aanbieder
    code: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # SHA-256 of the DER of its client certificate (mutual TLS, tlsca.py); None: tokens only
    cert_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)

    session: Mapped[ExchangeSession] = relationship(back_populates="parties")


class Message(Base):
    """The journal: every submission, delivered or refused, with its verdict."""
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("session_id", "dedup_key", name="uq_messages_dedup"),
                      Index("ix_messages_referentienummer", "session_id", "referentienummer"),
                      Index("ix_messages_conversatie_id", "session_id", "conversatie_id"),
                      Index("ix_messages_session_seq", "session_id", "seq"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)  # order of arrival within the session
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    sender_role: Mapped[str] = mapped_column(String(9))
    sender_code: Mapped[str] = mapped_column(String(8))
    receiver_role: Mapped[str] = mapped_column(String(9))
    receiver_code: Mapped[str | None] = mapped_column(String(8))  # as the header names it
    berichtsoort: Mapped[str | None] = mapped_column(String(8))  # WMO301, JW325; None: unknown
    release: Mapped[str | None] = mapped_column(String(16))
    identificatie: Mapped[str | None] = mapped_column(String(64))  # BerichtIdentificatie
    # sender code + berichtsoort + identificatie of a delivered message (BRS20); NULL otherwise
    dedup_key: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), index=True)  # ontvangen|aangeboden|bezorgd|afgekeurd
    refusal_code: Mapped[str | None] = mapped_column(String(10))
    refusal_text: Mapped[str | None] = mapped_column(Text)
    verdict: Mapped[str | None] = mapped_column(Text)  # JSON: level, findings, retourcodes
    size: Mapped[int] = mapped_column(Integer)
    # None only for an oversized one; loaded only when asked for (lists stay light)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    duplicate_of: Mapped[str | None] = mapped_column(String(32))  # a copy made by a fault
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    offered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # in the inbox from then
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # acked by the receiver
    day: Mapped[date | None] = mapped_column(Date)  # the session's date when it was received
    # harness.answers.Keys as JSON: what links it to what it answers (delivered messages only)
    links: Mapped[str | None] = mapped_column(Text, deferred=True)
    termijn: Mapped[str | None] = mapped_column(Text)  # JSON: an answer's deadline, judged
    # GGk envelope references: a delivered message's referentienummer (its envelope's, or one
    # the exchange gave it), and for a retour or Fo01 the referentienummer it answers
    referentienummer: Mapped[str | None] = mapped_column(String(40))
    cross_ref: Mapped[str | None] = mapped_column(String(40))
    # the Fo01 the exchange answered a refused GGk envelope with (pushed to the gemeente too)
    stuf_answer: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # push to the session's ggk_url: done at pushed_at; else attempts so far, next try, last error
    pushed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    push_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    push_next: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    push_error: Mapped[str | None] = mapped_column(Text)
    # VECOZO VSP: the conversation (a retour joins its heen message's; else its own
    # referentienummer) and the metadata a VSP sender gave (vsp.py), as JSON
    conversatie_id: Mapped[str | None] = mapped_column(String(40))
    vsp: Mapped[str | None] = mapped_column(Text)


class MessageRef(Base):
    """A ReferentieAanbieder a delivered verzoek or verzoek answer (315, 317, 301, 319)
    carries: the index by which an answer finds what it answers (termijn.py)."""
    __tablename__ = "message_refs"
    __table_args__ = (Index("ix_message_refs_lookup", "session_id", "referentie"),)

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"),
                                            primary_key=True)
    referentie: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))


class ChainChange(Base):
    """One change of a session's chain state: the delivered message and what the receiver
    processed of it (harness.chain.state.receipt, JSON). Appended under the session's lock."""
    __tablename__ = "chain_changes"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"),
                                            primary_key=True)
    pos: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(32))
    receipt: Mapped[str] = mapped_column(Text)


class Freeze(Base):
    """A message type the exchange refuses for a while (IB103), in the session's clock."""
    __tablename__ = "freezes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(8))  # '301' (both standards) or 'WMO301'
    starts: Mapped[date | None] = mapped_column(Date)  # None: open
    until: Mapped[date | None] = mapped_column(Date)  # inclusive; None: until lifted


class Fault(Base):
    """A fault injected into the next `remaining` submissions of a session."""
    __tablename__ = "faults"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # delay | drop | duplicate | http500 | http503
    role: Mapped[str | None] = mapped_column(String(9))  # only this sender; None: both
    remaining: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float | None] = mapped_column(Float)  # delay


class Setting(Base):
    """Exchange-wide settings, e.g. the hash of a generated admin token."""
    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


SQLITE_SYNCHRONOUS = os.environ.get("KETENTEST_SQLITE_SYNCHRONOUS", "FULL").upper()
assert SQLITE_SYNCHRONOUS in ("FULL", "NORMAL"), "KETENTEST_SQLITE_SYNCHRONOUS: FULL or NORMAL"


def make_engine(database: str) -> Engine:
    url = database_url(database)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write")
                             else "BEGIN")

    return engine


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s, s.begin():
        yield s


def writer(engine: Engine) -> Engine:
    """The engine for write transactions (BEGIN IMMEDIATE on SQLite); same connection pool."""
    return engine.execution_options(write=True)


@contextmanager
def _sqlite_write_lock(engine: Engine):
    """Writers of one SQLite file queue on a file lock: the kernel wakes the next one at once,
    where SQLite's own busy handler polls with sleeps of up to 100 ms. A fresh open file per
    transaction, so threads of one process queue as well as processes."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(database + ".write-lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextmanager
def writing(write_engine: Engine) -> Iterator[Session]:
    """A write transaction: committed when the block ends, rolled back on any exception."""
    with _sqlite_write_lock(write_engine), Session(write_engine, expire_on_commit=False) as s, \
            s.begin():
        yield s


def insert_row(s: Session, obj: Base) -> None:
    """INSERT a new object's row at once, with SQLAlchemy Core in `s`'s transaction: on the
    hot path (a journal entry per submission) this costs a fraction of the ORM's unit of
    work. The object stays transient (not in `s`): read it, do not change it for storing."""
    state = inspect(obj)
    columns = state.mapper.columns
    s.connection().execute(insert(type(obj).__table__),
                           {k: v for k, v in state.dict.items() if k in columns})


def find_session(s, session_id: str, lock: bool = False) -> ExchangeSession:
    """The session, locked for writing when `lock`; a 404 when there is none."""
    session = s.get(ExchangeSession, known_id(session_id, "session"), with_for_update=lock)
    if session is None:
        raise not_found("session")
    return session
