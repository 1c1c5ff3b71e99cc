"""The retention job against Rasa's real SQL tracker store (SQLite here; PostgreSQL in tests/prod): conversations
whose latest message is older than the period are deleted whole, newer ones are kept whole."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

ROOT = Path(__file__).resolve().parents[2]
DAY = 86400.0


def store_conversation(store: SQLTrackerStore, sender: str, *ages_in_days: float) -> None:
    now, events = time.time(), []
    for age in ages_in_days:
        events += [
            UserUttered("hello", {"name": "greet"}, timestamp=now - age * DAY),
            ActionExecuted("utter_greet", timestamp=now - age * DAY + 1),
        ]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))


def stored_conversations(store: SQLTrackerStore, prefix: str) -> dict[str, int]:
    """Event count of each stored conversation whose sender starts with `prefix` (other tests' are left out)."""

    async def count() -> dict[str, int]:
        return {
            sender: len((await store.retrieve(sender)).events)
            for sender in await store.keys()
            if sender.startswith(prefix)
        }

    return asyncio.run(count())


def run_job(database_url: str, tmp_path: Path, *args: str) -> str:
    """scripts/purge_conversations.py with an endpoints file like the project's: the tracker store of stores/,
    its database named through an environment variable."""
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: stores.tracker_store.ReconnectingSQLTrackerStore\n  url: ${TEST_TRACKER_URL}\n"
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/purge_conversations.py"), "--endpoints", str(endpoints), *args],
        env={**os.environ, "TEST_TRACKER_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def check_retention(database_url: str, tmp_path: Path) -> None:
    """The whole behaviour, on any database; other conversations in it must be newer than two days."""
    prefix = f"retention-{uuid.uuid4().hex[:8]}-"
    store = SQLTrackerStore(Domain.empty(), host=database_url)
    store_conversation(store, f"{prefix}old", 200, 120)
    store_conversation(store, f"{prefix}still-writing", 150, 1)  # began long ago, wrote yesterday: kept whole
    store_conversation(store, f"{prefix}recent", 3)
    before = stored_conversations(store, prefix)
    assert len(before) == 3

    assert "Would delete 1 conversation(s) (4 events)" in run_job(database_url, tmp_path, "--days", "90", "--dry-run")
    assert stored_conversations(store, prefix) == before
    assert "Deleted 1 conversation(s) (4 events)" in run_job(database_url, tmp_path, "--days", "90")
    kept = {sender: before[sender] for sender in (f"{prefix}still-writing", f"{prefix}recent")}
    assert stored_conversations(store, prefix) == kept
    assert "Deleted 1 conversation(s)" in run_job(database_url, tmp_path, "--days", "2")
    assert set(stored_conversations(store, prefix)) == {f"{prefix}still-writing"}


def test_only_conversations_quiet_for_longer_than_the_period_are_deleted_whole_on_sqlite(tmp_path: Path) -> None:
    check_retention(f"sqlite:///{tmp_path / 'tracker.db'}", tmp_path)


def test_an_empty_database_and_a_bad_period_are_handled(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert "Deleted 0 conversation(s) (0 events)" in run_job(url, tmp_path, "--days", "30")
    with pytest.raises(subprocess.CalledProcessError) as failure:
        run_job(url, tmp_path, "--days", "0")
    assert "more than 0 days" in failure.value.stderr
