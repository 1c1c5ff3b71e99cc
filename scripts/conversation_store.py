"""Reads recorded conversations from the tracker store named in endpoints-env.yml through Rasa's own tracker-store
API (TrackerStore.create, keys(), retrieve_full_tracker()), so SQLite, PostgreSQL or any other store Rasa
supports work the same. The events leave here as plain dictionaries for backcare.insight.

For Rasa's SQL store (SQLite, PostgreSQL) the events of all wanted senders are read in one query through the
store's own session and table model: retrieve_full_tracker() rebuilds a full tracker per sender (about 11 ms
each here), too slow for a week of a busy clinic (10,000 conversations in well under 30 s is the target)."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import logging
import os
import warnings
from collections.abc import Iterable
from operator import itemgetter
from pathlib import Path
from typing import Any, Optional

from backcare.insight.records import Conversation, conversations_of_sender, in_range

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ENDPOINTS = Path(os.environ.get("ENDPOINTS", ROOT / "endpoints-env.yml"))
# SQLAlchemy's warning about its 2.0 API is for Rasa's developers; it is read once, when SQLAlchemy is imported.
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")


class NoTrackerStore(RuntimeError):
    pass


def open_tracker_store(endpoints: Path = DEFAULT_ENDPOINTS) -> Any:
    # Rasa is imported here, not at the top, so `--help` answers at once. Its imports raise deprecation notes
    # meant for its developers; Sanic (imported on the way) turns them back on, so it goes first, then they
    # are silenced again. The filters are restored afterwards.
    with warnings.catch_warnings():
        import sanic.app  # noqa: F401

        warnings.simplefilter("ignore")
        from rasa.core.tracker_store import TrackerStore
        from rasa.shared.core.domain import Domain
        from rasa.utils.endpoints import read_endpoint_config

        config = read_endpoint_config(str(endpoints), "tracker_store")
        if config is None:
            raise NoTrackerStore(f"{endpoints} names no tracker_store: conversations are only kept in memory.")
        logging.getLogger("rasa").setLevel(logging.ERROR)
        return TrackerStore.create(config, Domain.load(str(ROOT / "domain.yml")))


async def _events_one_by_one(store: Any, senders: Optional[Iterable[str]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for sender in senders if senders is not None else await store.keys():
        tracker = await store.retrieve_full_tracker(sender)
        if tracker is not None:
            found[sender] = [event.as_dict() for event in tracker.events]
    return found


def _events_in_one_query(
    store: Any, since: Optional[dt.datetime], until: Optional[dt.datetime], senders: Optional[Iterable[str]]
) -> dict[str, list[dict[str, Any]]]:
    """Every event of the senders who said or did anything in [since, until), oldest first per sender."""
    table = store.SQLEvent
    with store.session_scope() as session:
        query = session.query(table.sender_id, table.data)
        if senders is not None:
            query = query.filter(table.sender_id.in_(list(senders)))
        if since or until:
            active = session.query(table.sender_id).distinct()
            if since:
                active = active.filter(table.timestamp >= since.timestamp())
            if until:
                active = active.filter(table.timestamp < until.timestamp())
            query = query.filter(table.sender_id.in_(active.subquery().select()))
        rows = query.order_by(table.sender_id, table.id).yield_per(10_000)
        return {
            sender: [json.loads(data) for _, data in group]
            for sender, group in itertools.groupby(rows, key=itemgetter(0))
        }


def load_conversations(
    endpoints: Path = DEFAULT_ENDPOINTS,
    since: Optional[dt.datetime] = None,
    until: Optional[dt.datetime] = None,
    senders: Optional[Iterable[str]] = None,
) -> list[Conversation]:
    """Every conversation (session) that started in [since, until), oldest first."""
    store = open_tracker_store(endpoints)
    from rasa.core.tracker_store import SQLTrackerStore

    if isinstance(store, SQLTrackerStore):
        events = _events_in_one_query(store, since, until, senders)
    else:
        events = asyncio.run(_events_one_by_one(store, senders))
    conversations = [
        c for sender, sender_events in events.items() for c in conversations_of_sender(sender, sender_events)
    ]
    return sorted((c for c in conversations if in_range(c, since, until)), key=lambda c: c.started)


def load_conversation(conversation_id: str, endpoints: Path = DEFAULT_ENDPOINTS) -> Optional[Conversation]:
    """One conversation by its id (the sender id, with ~N for the sender's later sessions), or None."""
    sender = conversation_id.split("~")[0]
    return next((c for c in load_conversations(endpoints, senders=[sender]) if c.id == conversation_id), None)
