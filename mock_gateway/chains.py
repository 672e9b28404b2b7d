"""The chain state of each session, stored so that a submission costs what its message costs,
not what the chain holds.

A session's state is a snapshot (`sessions.chain_state`, harness.chain's JSON, at log position
`chain_from`) plus an append-only log (`chain_changes`, positions chain_from+1 .. chain_pos):
one row per delivered message that changed the state, naming the message and what the
receiver processed of it (its receipt). A submission appends one row; nothing is rewritten.

Every COMPACT_EVERY changes the state is written as a new snapshot and the log before it
dropped, so a cold process replays a bounded log.

Each process keeps the decoded states of recently used sessions (`ChainCache`), keyed by
session and log position: a warm worker applies only the changes other workers appended since
(re-reading those messages from the journal, without judging them again); a cold one loads the
snapshot and replays the log once.

Only the holder of the session's lock touches a session's state: `take` hands it out (and
out of the cache) under that lock, and `put` brings it back once the transaction that built
on it committed. A transaction that fails leaves nothing behind: the state it may have
changed is dropped, and the next `take` rebuilds it from the database.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from harness.chain import ChainState
from harness.validation import Verdict, intake

from .db import ChainChange, ExchangeSession, Message, insert_row

_MOVE = (update(ExchangeSession).where(ExchangeSession.id == bindparam("session"))
         .values(chain_pos=bindparam("head")))
_CHANGES = (select(ChainChange.receipt, Message.content)
            .join(Message, Message.id == ChainChange.message_id)
            .where(ChainChange.session_id == bindparam("id"),
                   ChainChange.pos > bindparam("after"), ChainChange.pos <= bindparam("head"))
            .order_by(ChainChange.pos))
_SNAPSHOT = select(ExchangeSession.chain_state).where(ExchangeSession.id == bindparam("id"))
CACHED_SESSIONS = 256
COMPACT_EVERY = 2000  # changes between snapshots


class ChainCache:
    def __init__(self, size: int = CACHED_SESSIONS):
        self.size = size
        self._lock = threading.Lock()
        self._states: OrderedDict[str, tuple[int, ChainState]] = OrderedDict()
        self.replayed = 0  # changes applied from the log (not judged): for tests and benchmarks

    def take(self, s, session: ExchangeSession) -> ChainState:
        """The session's state at its log head. Call while holding the session's lock.
        The snapshot is read only when no cached state serves (`session` need not hold it:
        it grows with the chain)."""
        with self._lock:
            pos, state = self._states.pop(session.id, (None, None))
        if pos is None or not session.chain_from <= pos <= session.chain_pos:
            snapshot = s.connection().scalar(_SNAPSHOT, {"id": session.id})
            pos, state = session.chain_from, ChainState.from_json(snapshot)
        if pos < session.chain_pos:
            rows = s.connection().execute(_CHANGES, {"id": session.id, "after": pos,
                                                     "head": session.chain_pos})
            for receipt, content in rows:
                state.apply(intake.parse(content, len(content)).root, json.loads(receipt))
                self.replayed += 1
        return state

    def put(self, session_id: str, pos: int, state: ChainState) -> None:
        """Keep `state`, the session's state at `pos`, after the transaction committed."""
        with self._lock:
            self._states[session_id] = (pos, state)
            self._states.move_to_end(session_id)
            while len(self._states) > self.size:
                self._states.popitem(last=False)


def record(s, session: ExchangeSession, state: ChainState, verdict: Verdict,
           message_id: str) -> None:
    """The delivered message `message_id` joins the chain if the receiver processes it."""
    taken = state.record(verdict)
    if not taken:
        return
    # Core statements, not the unit of work: this runs for most submissions
    pos = session.chain_pos + 1
    s.connection().execute(_MOVE, {"session": session.id, "head": pos})
    set_committed_value(session, "chain_pos", pos)
    insert_row(s, ChainChange(session_id=session.id, pos=pos, message_id=message_id,
                              receipt=json.dumps(taken, separators=(",", ":"))))
    if session.chain_pos - session.chain_from >= COMPACT_EVERY:
        compact(s, session, state)


def compact(s, session: ExchangeSession, state: ChainState) -> None:
    """A new snapshot at the log's head, and the log before it gone: a cold process then
    replays at most COMPACT_EVERY changes. One rewrite of the whole state per COMPACT_EVERY
    changes; a process whose cached state is older than the snapshot rebuilds from it."""
    snapshot, head = state.to_json(), session.chain_pos
    # Core, like record: `session` may be a row read without the ORM (delivery)
    s.connection().execute(update(ExchangeSession).where(ExchangeSession.id == session.id)
                           .values(chain_state=snapshot, chain_from=head))
    set_committed_value(session, "chain_state", snapshot)
    set_committed_value(session, "chain_from", head)
    s.connection().execute(delete(ChainChange).where(ChainChange.session_id == session.id,
                                                     ChainChange.pos <= head))


def reset(s, session: ExchangeSession) -> None:
    """An empty chain. The position moves on, so no process takes a cached state for it."""
    s.execute(delete(ChainChange).where(ChainChange.session_id == session.id))
    session.chain_state = None
    session.chain_pos += 1
    session.chain_from = session.chain_pos
