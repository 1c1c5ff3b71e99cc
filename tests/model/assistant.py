"""Start the real assistant (action server and Rasa server) for tests and talk to it over the REST channel."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import requests

ROOT = Path(__file__).resolve().parents[2]
RASA = str(Path(sys.executable).with_name("rasa"))
# Rasa's command line with the project's fixes applied first, as scripts/run.sh starts the Rasa server.
RASA_WITH_FIXES = [sys.executable, "-m", "rasa_patches"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_ready(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            command = process.args if isinstance(process.args, (list, tuple)) else [process.args]
            raise RuntimeError(f"{command[:3]} exited with {process.returncode} before it was ready")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).ok:
                return
        time.sleep(0.5)
    raise RuntimeError(f"{url} was not ready within {timeout:.0f} s")


@dataclass
class RunningAssistant:
    rasa_url: str
    action_url: str
    work_dir: Path

    def send(self, message: str, sender: Optional[str] = None) -> list[dict[str, Any]]:
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender or uuid.uuid4().hex, "message": message},
            timeout=30,
        )
        response.raise_for_status()
        return list(response.json())

    @staticmethod
    def texts(replies: list[dict[str, Any]]) -> str:
        return "\n".join(str(reply.get("text", "")) for reply in replies)


def write_endpoints(work_dir: Path, action_port: int) -> Path:
    endpoints = work_dir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{work_dir / "tracker.db"}"\n'
    )
    return endpoints


# Tests drive conversations far faster than a patient types, so the servers they start get a per-sender rate limit
# well above what they send (the limits themselves are tested with their own settings in tests/channels).
TEST_RATE_LIMITS = {"RATE_LIMIT_PER_MINUTE": "6000", "RATE_LIMIT_BURST": "1000"}
# The servers log through the project's logging configuration, as scripts/run.sh starts them (redacted logs).
LOGGING = ["--logging-config-file", str(ROOT / "logging.yml")]


def spawn(args: list[str], log: Path, extra_env: Optional[Mapping[str, str]] = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", **TEST_RATE_LIMITS, **(extra_env or {})}
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


@contextlib.contextmanager
def start_assistant(
    model: Path,
    work_dir: Path,
    timeout: float = 420,
    cors_origins: Optional[Sequence[str]] = None,
    credentials: Optional[Path] = None,
    env: Optional[Mapping[str, str]] = None,
    debug: bool = False,
) -> Iterator[RunningAssistant]:
    """cors_origins: the web pages (origins) whose scripts may call the REST channel, as `rasa run --cors`.
    credentials: a credentials file to use instead of the project's credentials.yml (the channels to serve).
    env: extra environment variables for both processes (e.g. BOOKING_DB, so bookings go to a temporary file).
    debug: both servers log at debug level (Rasa then logs each message, its slots and the trackers)."""
    action_port, rasa_port = free_port(), free_port()
    # The drawings' addresses in replies point at this Rasa server (a test may name another address in `env`).
    env = {"ASSISTANT_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}", **(env or {})}
    cors = ["--cors", *cors_origins] if cors_origins else []
    log_flags = [*LOGGING, *(["--debug"] if debug else [])]
    endpoints = write_endpoints(work_dir, action_port)
    processes = [
        spawn(
            [RASA, "run", "actions", "--actions", "actions", "--port", str(action_port), *log_flags],
            work_dir / "actions.log",
            env,
        )
    ]
    try:
        wait_until_ready(f"http://127.0.0.1:{action_port}/health", processes[0], timeout)
        processes.append(
            spawn(
                [
                    *RASA_WITH_FIXES,
                    "run",
                    "--model",
                    str(model),
                    "--port",
                    str(rasa_port),
                    "--endpoints",
                    str(endpoints),
                    "--credentials",
                    str(credentials or ROOT / "credentials.yml"),
                    *cors,
                    *log_flags,
                ],
                work_dir / "rasa.log",
                env,
            )
        )
        wait_until_ready(f"http://127.0.0.1:{rasa_port}/", processes[1], timeout)
        yield RunningAssistant(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", work_dir)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
