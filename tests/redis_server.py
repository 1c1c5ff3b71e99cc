"""A private redis-server for tests that need a real one (the Debian package scripts/services.sh installs), on a
free loopback port, nothing saved to disk."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import redis

from tests.model.assistant import free_port

NOT_INSTALLED = "redis-server is not installed (scripts/services.sh install, or `make store-deps`, installs it)"


def redis_server_binary() -> Optional[str]:
    return shutil.which("redis-server")


@contextlib.contextmanager
def redis_server(directory: Path, password: str = "test-password") -> Iterator[str]:
    """Yields the server's URL (database 1, as the lock store and the channel memory use)."""
    binary = redis_server_binary()
    assert binary, NOT_INSTALLED
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--requirepass",
            password,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://:{password}@127.0.0.1:{port}/1"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    break
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
