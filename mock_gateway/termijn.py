"""The journal's deadlines: each message is stamped with the session's date it was received
on; a delivered one also with its links (``harness.answers.Keys``), and an answer with the
termijn of what it answers (``harness.answers.answered``: the linking itself is pure and lives
in the harness; here only the query for the earlier messages it needs). Runs in delivery's
write transaction, under the session's lock, so earlier means earlier in arrival order."""
from __future__ import annotations

import json

from sqlalchemy import bindparam, select

from harness.answers import Keys, answered, keys, wanted

from .db import ExchangeSession, Message, MessageRef
from .judging import Judgement


def _earlier(s, session_id: str, answer: Keys) -> list[Keys]:
    """The delivered messages of the session the answer may answer, in arrival order."""
    need = wanted(answer)
    if need is None:
        return []
    names, identificatie = need
    values = {"session": session_id, "names": list(names)}
    if identificatie is not None:
        q, values["identificatie"] = _BY_IDENTIFICATIE, identificatie
    else:  # a verzoek answer: what a ReferentieAanbieder's verzoek is depends only on the
        # messages that carry it (harness.answers._open_verzoeken), found by the index
        if not answer.referenties:
            return []
        q, values["referenties"] = _BY_REFERENTIE, list(answer.referenties)
    return [Keys.from_json(links, ref=id_) for id_, links in s.connection().execute(q, values)]


# built once (building a statement costs more than running it): the delivered messages of
# the session of these names, by identificatie or by ReferentieAanbieder
_DELIVERED = select(Message.id, Message.links).where(
    Message.session_id == bindparam("session"), Message.status != "afgekeurd",
    Message.duplicate_of.is_(None), Message.links.is_not(None),
    Message.berichtsoort.in_(bindparam("names", expanding=True)))
_BY_IDENTIFICATIE = _DELIVERED.where(Message.identificatie == bindparam("identificatie")) \
    .order_by(Message.seq)
_BY_REFERENTIE = _DELIVERED.where(Message.id.in_(select(MessageRef.message_id).where(
    MessageRef.session_id == bindparam("session"),
    MessageRef.referentie.in_(bindparam("referenties", expanding=True))))) \
    .order_by(Message.seq)


def stamp(s, session: ExchangeSession, entry: Message, j: Judgement | None) -> None:
    """Set `entry.day`; for a delivered message (judged, not refused) also its links and, when
    it answers an earlier one, its termijn. Call before `entry` joins the session `s`."""
    entry.day = session.clock()
    if j is None or entry.status == "afgekeurd" or j.verdict.view is None:
        return
    k = keys(j.verdict.view, entry.day, ref=entry.id)
    if k is None:
        return
    entry.links = k.to_json()
    kalender = session.kalender()
    link = answered(k, _earlier(s, session.id, k), kalender)
    entry.termijn = json.dumps(link.as_dict(kalender)) if link else None
    # after the query above: its autoflush must not write them before their message
    s.add_all(MessageRef(message_id=entry.id, referentie=ref, session_id=session.id)
              for ref in k.referenties)


def termijn_json(m: Message) -> dict | None:
    return json.loads(m.termijn) if m.termijn else None
