"""Rasa's SQL tracker store, made to survive a restart of its database without losing a patient's conversation.

Rasa 3.6 keeps database connections in a pool and does not test them before use. After PostgreSQL restarts,
the next message gets a dead connection; Rasa's FailSafeTrackerStore then treats the conversation as new (the
patient's history, slots and form are ignored) and keeps that turn only in memory, so it is never stored
(seen in tests/prod/test_faults.py). Testing each connection as it leaves the pool (SQLAlchemy's
`pool_pre_ping`) replaces dead connections with fresh ones, at the cost of one `SELECT 1` per checkout.

endpoints.yml:  tracker_store: {type: stores.tracker_store.ReconnectingSQLTrackerStore, url: DATABASE_URL}
"""

from __future__ import annotations

from typing import Any

import sqlalchemy
import sqlalchemy.orm
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs


class ReconnectingSQLTrackerStore(SQLTrackerStore):
    engine: sqlalchemy.engine.Engine
    sessionmaker: sqlalchemy.orm.sessionmaker

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Rasa's constructor creates the tables (and waits for the database when it must); only the engine it
        # leaves behind is replaced, by one that checks connections before use.
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sqlalchemy.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)
