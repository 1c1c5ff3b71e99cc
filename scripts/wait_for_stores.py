"""Waits until the tracker database and the Redis lock store named by the environment accept connections.

Rasa 3.6's SQL tracker store does not wait for its database (it logs "Could not create tables" and goes on
without them), so the Rasa server must only start once the database is up. Used by scripts/run.sh; the
SQLite default and the in-memory lock store need no waiting.
    python scripts/wait_for_stores.py [TIMEOUT_SECONDS]
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping

import redis
import sqlalchemy


def database_ready(url: str) -> bool:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("SELECT 1"))
        return True
    except sqlalchemy.exc.OperationalError:
        return False
    finally:
        engine.dispose()


def redis_ready(environ: Mapping[str, str]) -> bool:
    client = redis.Redis(
        host=environ["REDIS_HOST"],
        port=int(environ["REDIS_PORT"]),
        password=environ.get("REDIS_PASSWORD") or None,
        socket_timeout=2,
    )
    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False
    finally:
        client.close()


def checks(environ: Mapping[str, str]) -> dict[str, Callable[[], bool]]:
    """The stores that run as servers, by name; SQLite and the in-memory lock store are always ready."""
    pending: dict[str, Callable[[], bool]] = {}
    url = environ.get("TRACKER_STORE_URL", "")
    if url and not url.startswith("sqlite"):
        pending["tracker database"] = lambda: database_ready(url)
    if environ.get("LOCK_STORE_TYPE", "in_memory") != "in_memory":
        pending["Redis lock store"] = lambda: redis_ready(environ)
    return pending


def wait_for_stores(environ: Mapping[str, str], timeout: float) -> list[str]:
    """Returns the names of the stores still not answering after `timeout` seconds (empty when all are up)."""
    pending = checks(environ)
    deadline = time.monotonic() + timeout
    while pending:
        pending = {name: ready for name, ready in pending.items() if not ready()}
        if not pending or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    return sorted(pending)


if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    if missing := wait_for_stores(os.environ, seconds):
        sys.exit(f"Not reachable within {seconds:.0f} s: {', '.join(missing)} (check TRACKER_STORE_URL and REDIS_*)")
