"""Rasa's SQL tracker store, made to survive a restart of its database without losing a patient's conversation,
and to read back a growing conversation without decoding all of it again for every message.

Reconnecting: Rasa 3.6 keeps database connections in a pool and does not test them before use. After PostgreSQL
restarts, the next message gets a dead connection; Rasa's FailSafeTrackerStore then treats the conversation as new
(the patient's history, slots and form are ignored) and keeps that turn only in memory, so it is never stored (seen
in tests/prod/test_faults.py). Testing each connection as it leaves the pool (SQLAlchemy's `pool_pre_ping`)
replaces dead connections with fresh ones, at the cost of one `SELECT 1` per checkout.

A SQLite file is read and written through a pool of open connections (`engine_kwargs`).

Kept conversations: Rasa reads every event of the conversation's session back from the database and decodes it
for each message (ORM rows, JSON, event objects): at the 60th message of a conversation about 8 ms more than at the
5th (in-process timing, docs/benchmarks.md). So the events this process read or saved are kept, and a conversation
is rebuilt from them when the database still holds exactly what was kept: the same number of rows for the sender
and the same last row (its stored JSON carries the event's time to the microsecond). Anything else (another Sanic
worker or instance answered in between, `make erase` or the retention job deleted rows, a new session began) reads
the database as Rasa does. The events kept are always objects decoded from the JSON Rasa stores (for events this
process saved, decoded from the JSON it wrote), so a conversation rebuilt from them is the one Rasa would read. The
same event objects from one message to the next also let the dialogue states be built on from where they stopped
(rasa_patches/past_states.py).
Conversations are kept for a short while only (rasa_patches/recent.py), so that the messages of someone erased do
not stay in the server's memory for long.

endpoints.yml:  tracker_store: {type: stores.tracker_store.ReconnectingSQLTrackerStore, url: DATABASE_URL}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, Optional

import sqlalchemy
import sqlalchemy.orm
import sqlalchemy.pool
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches.recent import Recent


@dataclass
class Kept:
    """A conversation's latest session as the database holds it."""

    events: list[Event]
    rows: int  # the sender's rows in the table, every session
    last_row: Optional[str]  # the stored JSON of the sender's last row


def stored_json(event: Event) -> str:
    """What Rasa's SQLTrackerStore writes in an event's `data` column."""
    return json.dumps(event.as_dict())


def read_back(stored: list[str]) -> list[Event]:
    """The events Rasa's read gives for these stored rows."""
    events: list[Event] = deserialise_events([json.loads(data) for data in stored])
    return events


def session_start(events: list[Event]) -> Optional[float]:
    """Rasa reads a session back as the rows at or after the time of the sender's latest SessionStarted."""
    return max((event.timestamp for event in events if isinstance(event, SessionStarted)), default=None)


def engine_kwargs(url: sqlalchemy.engine.URL) -> dict[str, Any]:
    """Rasa's settings for the database, and for a SQLite file a pool of open connections. SQLAlchemy 1.4 opens a
    new connection to a SQLite file for every session (its `NullPool`), two or three times a message: a saved
    message took 3.3 ms that way and 1.1 ms with the pool (SQLAlchemy 2's default for files). A connection may then
    serve another thread than the one that opened it, one thread at a time, which SQLite allows once told."""
    kwargs: dict[str, Any] = create_engine_kwargs(url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        kwargs["poolclass"] = sqlalchemy.pool.QueuePool
        kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "check_same_thread": False}
    return kwargs


class ReconnectingSQLTrackerStore(SQLTrackerStore):
    engine: sqlalchemy.engine.Engine
    sessionmaker: sqlalchemy.orm.sessionmaker

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Rasa's constructor creates the tables (and waits for the database when it must); only the engine it
        # leaves behind is replaced, by one that checks connections before use.
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sqlalchemy.create_engine(url, pool_pre_ping=True, **engine_kwargs(url))
        self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)
        self.kept: Recent[str, Kept] = Recent()

    def _stored(self, session: sqlalchemy.orm.Session, sender_id: str) -> tuple[int, Optional[str]]:
        """The sender's number of rows and the data of the last one (one query on the sender's index)."""
        event = self.SQLEvent
        last = (
            session.query(event.data)
            .filter(event.sender_id == sender_id)
            .order_by(event.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        rows, last_row = session.query(sqlalchemy.func.count(event.id), last).filter(event.sender_id == sender_id).one()
        return int(rows or 0), last_row

    def _still_stored(self, session: sqlalchemy.orm.Session, sender_id: str, kept: Kept) -> bool:
        return self._stored(session, sender_id) == (kept.rows, kept.last_row)

    @staticmethod
    def _continues(kept: Kept, tracker: DialogueStateTracker) -> bool:
        """Whether the tracker is the kept conversation with events added (the same event objects)."""
        return len(tracker.events) >= len(kept.events) and all(
            ours is theirs for ours, theirs in zip(kept.events, tracker.events, strict=False)
        )

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        kept = self.kept.take(sender_id)
        # Counted before reading: a row stored in between makes the next count differ, never a stale hit.
        with self.session_scope() as session:
            rows, last_row = self._stored(session, sender_id)
        if kept is not None and (kept.rows, kept.last_row) == (rows, last_row):
            tracker = DialogueStateTracker.from_events(sender_id, kept.events, self.domain.slots)
        else:
            tracker = await super().retrieve(sender_id)
            if tracker is None:
                return None
            kept = Kept(list(tracker.events), rows, last_row)
        self.kept.keep(sender_id, kept)
        return tracker

    def _additional_events(self, session: sqlalchemy.orm.Session, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events to add to the database: after the kept ones when the database still holds exactly those (the
        rows of the session Rasa would count), else after as many as Rasa counts in the session."""
        kept = self.kept.peek(tracker.sender_id)
        if kept is not None and self._continues(kept, tracker) and self._still_stored(session, tracker.sender_id, kept):
            return islice(tracker.events, len(kept.events), len(tracker.events))
        events: Iterator[Event] = super()._additional_events(session, tracker)
        return events

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await super().save(tracker)  # Rasa's, adding what `_additional_events` gives
        finally:
            kept = self.kept.take(tracker.sender_id)
        if kept is None or not self._continues(kept, tracker):
            return  # not a continuation of what was read: the next read goes to the database
        new = list(tracker.events)[len(kept.events) :]
        start = session_start(kept.events)
        if any(isinstance(event, SessionStarted) for event in new) or (
            start is not None and any(event.timestamp < start for event in new)
        ):
            return  # Rasa's read would start elsewhere: let it
        if new:
            stored = [stored_json(event) for event in new]
            kept.events.extend(read_back(stored))
            kept.rows += len(new)
            kept.last_row = stored[-1]
        self.kept.keep(tracker.sender_id, kept)
