#!/usr/bin/env python3
"""Staff command: a person's requests about their data (UK GDPR). WHO is a conversation id, a phone number or an
email address (or a booking reference).

  scripts/privacy.py export WHO [--out FILE]   everything held about them, as one JSON file (subject access);
                                               default exports/subject-access-<time>.json
  scripts/privacy.py erase WHO [--staff NAME]  delete it all: conversations (with their check-ins and the
                                               email address given for them), booking and call-back requests,
                                               outbox entries, reports and review examples naming them, their
                                               identifiers in the logs, their keys in Redis; prints what went and
                                               records the erasure (logs/erasures.log) without personal data

The stores are those the servers use: the tracker store of endpoints-env.yml with its environment (`make erase`
and `make export` source scripts/endpoints-env.sh), BOOKING_DB, REPORTS_DIR (reports/), REVIEW_FILE,
REVIEW_AUDIT_LOG and the logs/ folder (LOGS_DIR), and Redis when it is configured (REDIS_URL or the lock store's
settings).
Requests already handed to Cliniko or a webhook must be erased there too: the command says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa

from backcare import privacy
from backcare.booking.settings import DEFAULT_DB
from backcare.booking.store import BookingStore
from backcare.insight.audit import audit_log_path
from backcare.shared_redis import redis_url


def stores_from_environment(endpoints: Path) -> privacy.Stores:
    from scripts.purge_conversations import tracker_database_url

    # Rasa reads the endpoints file; its imports raise deprecation notes meant for its developers (Sanic, imported on
    # the way, turns them back on, so it goes first), not for staff.
    with warnings.catch_warnings():
        import sanic.app  # noqa: F401

        warnings.simplefilter("ignore")
        database_url = tracker_database_url(endpoints)
    os.chdir(ROOT)  # a relative SQLite path in endpoints.yml means the project folder, as for the server
    engine = sa.create_engine(database_url)
    booking_db = Path(os.environ.get("BOOKING_DB") or DEFAULT_DB)
    files = privacy.StaffFiles(
        reports=[Path(os.environ.get("REPORTS_DIR") or ROOT / "reports")],
        review_file=Path(os.environ.get("REVIEW_FILE") or ROOT / "data" / "review" / "misses.yml"),
        logs=[Path(os.environ.get("LOGS_DIR") or ROOT / "logs"), audit_log_path()],
    )
    client = None
    url = redis_url(os.environ)
    if url:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    return privacy.Stores(engine, BookingStore(booking_db) if booking_db.is_file() else None, files, client)


def booking_backend() -> str:
    from backcare.clinic import load_profile

    return str(os.environ.get("BOOKING_BACKEND") or (load_profile().booking or {}).get("backend") or "sqlite")


def erasure_log() -> Path:
    return Path(os.environ.get("ERASURE_LOG") or Path(os.environ.get("LOGS_DIR") or ROOT / "logs") / "erasures.log")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=Path, default=ROOT / "endpoints-env.yml")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="everything held about the person, as one JSON file")
    export.add_argument("who")
    export.add_argument("--out", type=Path)
    erase = commands.add_parser("erase", help="delete everything held about the person")
    erase.add_argument("who")
    erase.add_argument("--staff", default="", help="who runs it (default: your login)")
    args = parser.parse_args(argv)
    if not args.who.strip():
        parser.error('say whose data: WHO="conversation id | phone | email"')
    endpoints = args.endpoints.resolve()
    stores = stores_from_environment(endpoints)
    try:
        if args.command == "export":
            document = privacy.subject_access(stores, args.who)
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            out = args.out or ROOT / "exports" / f"subject-access-{stamp}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            out.chmod(0o600)
            print(
                f"Wrote {out}: {len(document['conversations'])} conversation(s), {len(document['requests'])} "
                f"booking/call-back request(s), {len(document['outbox'])} outbox entr(y/ies), "
                f"{len(document['staff_files'])} staff file(s) naming them. Send it to the person securely, "
                f"then delete it."
            )
        else:
            result = privacy.erase(stores, args.who, erasure_log(), staff=args.staff or getpass.getuser())
            for line in result.summary_lines():
                print(line)
        if booking_backend() != "sqlite":
            print("Requests handed to Cliniko or a webhook are kept there too: deal with them in that system.")
    except ValueError as error:
        print(error)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
