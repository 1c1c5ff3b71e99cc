#!/usr/bin/env python3
"""How long `make report` takes on many conversations: copies the recorded conversations of a tracker store
(FROM, a SQLite tracker file such as tracker.db after `make run`) under new sender ids and times, spread over
the last 6 days, into a temporary SQLite tracker store, then times scripts/report.py on it end to end (a fresh
Python process: imports, reading through Rasa's tracker-store API, figures, charts, HTML).

  scripts/benchmark_report.py [--from tracker.db] [--conversations 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
# Within the report's default 7 days (today and the 6 before), whatever the time of day.
SPREAD_SECONDS = 6 * 24 * 3600
COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")


def recorded_conversations(source: Path) -> list[list[tuple]]:
    with sqlite3.connect(source) as db:
        rows = db.execute(f"SELECT {', '.join(COLUMNS)} FROM events ORDER BY sender_id, id").fetchall()
    return [list(group) for _, group in itertools.groupby(rows, key=lambda row: row[0])]


def copies(conversations: list[list[tuple]], count: int, now: float) -> list[tuple]:
    """`count` conversations cycled from the recorded ones, each moved to a random moment of the last 6 days."""
    randomness = random.Random(7)
    rows: list[tuple] = []
    for number, original in zip(range(count), itertools.cycle(conversations)):
        sender = f"bench-{number:06d}"
        shift = now - randomness.uniform(60, SPREAD_SECONDS) - original[0][2]
        for _, type_name, timestamp, intent, action, data in original:
            event = json.loads(data)
            event["timestamp"] = timestamp + shift
            rows.append((sender, type_name, timestamp + shift, intent, action, json.dumps(event)))
    return rows


def make_store(directory: Path, rows: list[tuple]) -> Path:
    """A SQLite tracker store with Rasa's own schema (created by Rasa), filled with the rows."""
    from rasa.core.tracker_store import SQLTrackerStore

    db = directory / "tracker.db"
    SQLTrackerStore(dialect="sqlite", db=str(db)).engine.dispose()
    with sqlite3.connect(db) as connection:
        connection.executemany(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)", rows)
    endpoints = directory / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{db}"\n')
    return endpoints


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source", type=Path, default=ROOT / "tracker.db")
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="keep the store and report in this folder")
    args = parser.parse_args(argv)
    recorded = recorded_conversations(args.source)
    if not recorded:
        print(f"{args.source} holds no conversations: have a few with `make run` first.")
        return 1
    directory = args.keep or Path(tempfile.mkdtemp(prefix="report-benchmark-"))
    directory.mkdir(parents=True, exist_ok=True)
    rows = copies(recorded, args.conversations, time.time())
    endpoints = make_store(directory, rows)
    print(f"{args.conversations} conversations ({len(rows)} events) from {len(recorded)} recorded ones")
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "report.py"),
            "--endpoints",
            str(endpoints),
            "--out",
            str(directory / "report.html"),
        ],
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    print(f"report.py took {time.monotonic() - started:.1f} s wall clock (limit 30 s); files in {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
