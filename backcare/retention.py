"""Deleting conversations older than the clinic keeps them. Works on the events table of Rasa's SQL tracker store
(one row per event: sender_id, type_name, timestamp as Unix seconds, data) on SQLite and PostgreSQL alike, through
SQLAlchemy only; scripts/purge_conversations.py finds the database from endpoints.yml and runs it.

A conversation is deleted whole once its *latest* event is older than the cutoff, so a patient who is still
writing never loses the beginning of their conversation (and the tracker never starts mid-story)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from backcare.checkins.store import checkin_emails

EVENTS_TABLE = "events"
# Senders per DELETE: keeps each statement's parameter list well under SQLite's limit of 999.
BATCH = 500


@dataclass(frozen=True)
class PurgeResult:
    conversations: int
    events: int


def expired_senders(connection: sa.engine.Connection, cutoff: float) -> list[str]:
    """Senders whose latest event is older than `cutoff` (Unix seconds)."""
    rows = connection.execute(
        sa.text(f"SELECT sender_id FROM {EVENTS_TABLE} GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"),
        {"cutoff": cutoff},
    )
    return [row[0] for row in rows]


def purge_conversations(engine: sa.engine.Engine, cutoff: float, dry_run: bool = False) -> PurgeResult:
    """Deletes every conversation whose latest event is older than `cutoff`, in one transaction; with `dry_run`
    only counts them. A database without the events table (no conversation stored yet) has nothing to delete."""
    if not sa.inspect(engine).has_table(EVENTS_TABLE):
        return PurgeResult(0, 0)
    with engine.begin() as connection:
        senders = expired_senders(connection, cutoff)
        events = 0
        for start in range(0, len(senders), BATCH):
            batch = senders[start : start + BATCH]
            table = sa.table(EVENTS_TABLE, sa.column("sender_id"))
            if dry_run:
                query = sa.select(sa.func.count()).select_from(table).where(table.c.sender_id.in_(batch))
                events += int(connection.execute(query).scalar_one())
            else:
                events += connection.execute(sa.delete(table).where(table.c.sender_id.in_(batch))).rowcount
                if sa.inspect(connection).has_table(checkin_emails.name):  # the check-in email address goes too
                    connection.execute(sa.delete(checkin_emails).where(checkin_emails.c.sender_id.in_(batch)))
    return PurgeResult(len(senders), events)
