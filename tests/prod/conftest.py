"""Real PostgreSQL and Redis for the folder, and two instances of the assistant sharing them, each started once
(starting Rasa servers is the slow part)."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from channels.local_platform import FakePlatform
from tests.prod.cluster import Cluster, Stores, channel_environment, start_cluster


@pytest.fixture(scope="session")
def stores() -> Iterator[Stores]:
    # Not under pytest's own temporary folder: PostgreSQL runs as the `postgres` user, who may not enter it.
    directory = Path(tempfile.mkdtemp(prefix="backspasm-stores-"))
    directory.chmod(0o755)
    running = Stores(directory)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def stores_environment(stores: Stores) -> dict[str, str]:
    """TRACKER_STORE_URL, LOCK_STORE_TYPE and REDIS_* pointing at the running stores."""
    return stores.environment


@pytest.fixture(scope="session")
def platform() -> Iterator[FakePlatform]:
    """A local fake of Twilio's and Telegram's APIs, where both instances send their WhatsApp and Telegram replies."""
    with FakePlatform() as fake:
        yield fake


@pytest.fixture(scope="session")
def cluster(
    model_path: Path, stores: Stores, platform: FakePlatform, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    started = time.monotonic()
    running = start_cluster(
        model_path, tmp_path_factory.mktemp("cluster"), stores, instances=2, env=channel_environment(platform.url)
    )
    print(f"\ncluster of 2 instances ready in {time.monotonic() - started:.0f} s")
    try:
        yield running
    finally:
        running.stop()
