"""Reads recorded conversations from the tracker store named in endpoints.yml through Rasa's own tracker-store
API (TrackerStore.create, keys(), retrieve_full_tracker()), so SQLite, PostgreSQL or any other store Rasa
supports work the same. The events leave here as plain dictionaries for backcare.insight."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any, Iterable, Optional

from backcare.insight.records import Conversation, conversations_of_sender, in_range

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ENDPOINTS = Path(os.environ.get("ENDPOINTS", ROOT / "endpoints.yml"))


class NoTrackerStore(RuntimeError):
    pass


def open_tracker_store(endpoints: Path = DEFAULT_ENDPOINTS) -> Any:
    # Rasa is imported here, not at the top, so `--help` answers at once.
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None:
        raise NoTrackerStore(f"{endpoints} names no tracker_store: conversations are only kept in memory.")
    logging.getLogger("rasa").setLevel(logging.WARNING)
    return TrackerStore.create(config, Domain.load(str(ROOT / "domain.yml")))


async def _conversations(store: Any, senders: Optional[Iterable[str]]) -> list[Conversation]:
    conversations: list[Conversation] = []
    for sender in senders if senders is not None else await store.keys():
        tracker = await store.retrieve_full_tracker(sender)
        if tracker is not None:
            events = [event.as_dict() for event in tracker.events]
            conversations += conversations_of_sender(sender, events)
    return conversations


def load_conversations(endpoints: Path = DEFAULT_ENDPOINTS, since: Optional[dt.datetime] = None,
                       until: Optional[dt.datetime] = None, senders: Optional[Iterable[str]] = None,
                       ) -> list[Conversation]:
    """Every conversation (session) that started in [since, until), oldest first."""
    store = open_tracker_store(endpoints)
    conversations = asyncio.run(_conversations(store, senders))
    return sorted((c for c in conversations if in_range(c, since, until)), key=lambda c: c.started)
