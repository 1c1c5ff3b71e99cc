"""Deletes stored conversations older than the retention period (run it daily; see README, "Keeping
conversations"). The database is the tracker store named in endpoints-env.yml, with its environment variables filled
in, exactly as the Rasa server reads it.

  .venv/bin/python scripts/purge_conversations.py [--days N] [--dry-run] [--endpoints endpoints-env.yml]

--days defaults to CONVERSATION_RETENTION_DAYS (90 when unset). Prints what it deleted (or would delete)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backcare.retention import purge_conversations

DEFAULT_DAYS = 90


def tracker_database_url(endpoints: Path) -> str:
    """The SQL tracker store's database URL from an endpoints file, built by Rasa's own code."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None or not is_sql_store(str(config.type)):
        raise SystemExit(f"{endpoints} has no SQL tracker store: nothing this job can purge.")
    settings = config.kwargs
    # The database may be given as `url` or as `host` (both may hold a complete database URL).
    return str(
        SQLTrackerStore.get_db_url(
            dialect=settings.get("dialect", "sqlite"),
            host=config.url or settings.get("host"),
            port=settings.get("port"),
            db=settings.get("db", "rasa.db"),
            username=settings.get("username"),
            password=settings.get("password"),
            login_db=settings.get("login_db"),
            query=settings.get("query"),
        )
    )


def is_sql_store(store_type: str) -> bool:
    """Rasa's SQL tracker store, named `SQL` or by the module path of a class built on it (stores/)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.utils.common import class_from_module_path

    if store_type.lower() == "sql":
        return True
    try:
        store_class = class_from_module_path(store_type)
    except (ImportError, AttributeError):
        return False
    return isinstance(store_class, type) and issubclass(store_class, SQLTrackerStore)


def positive_days(value: str) -> float:
    days = float(value)
    if days <= 0:
        raise argparse.ArgumentTypeError("the retention period must be more than 0 days")
    return days


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--days",
        type=positive_days,
        default=positive_days(os.environ.get("CONVERSATION_RETENTION_DAYS") or str(DEFAULT_DAYS)),
    )
    parser.add_argument("--endpoints", type=Path, default=ROOT / "endpoints-env.yml")
    parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    args = parser.parse_args(argv)

    os.chdir(ROOT)  # a relative SQLite path in the endpoints file means the project folder, as for the server
    engine = sa.create_engine(tracker_database_url(args.endpoints))
    result = purge_conversations(engine, cutoff=time.time() - args.days * 86400, dry_run=args.dry_run)
    verb = "Would delete" if args.dry_run else "Deleted"
    print(
        f"{verb} {result.conversations} conversation(s) ({result.events} events) with no message in the last "
        f"{args.days:g} days."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
