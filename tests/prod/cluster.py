"""The production set-up for tests: real PostgreSQL and Redis (scripts/services.sh) on loopback, and instances
of the assistant (action server, action gateway, Rasa server), each process started as containers start it,
through scripts/run.sh, so the tests exercise the same wiring as a deployment."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import requests

from channels.local_platform import (
    LOCAL_ACCOUNT_SID,
    LOCAL_AUTH_TOKEN,
    LOCAL_BOT_TOKEN,
    LOCAL_CLINIC_NUMBER,
    LOCAL_PUBLIC_WEBHOOK_URL,
    LOCAL_SECRET,
)
from tests.model.assistant import ROOT, RunningAssistant, free_port, spawn, wait_until_ready

SERVICES = ROOT / "scripts" / "services.sh"
RUN = str(ROOT / "scripts" / "run.sh")
API_TOKEN = uuid.uuid4().hex
JWT_SECRET = uuid.uuid4().hex
ALLOWED_ORIGIN = "https://www.example-clinic.test"
# Seconds the gateway waits for a frozen action server before apologising to the patient.
ACTION_TIMEOUT = 3


class Stores:
    """PostgreSQL and Redis from Debian's packages, private to one test session."""

    def __init__(self, directory: Path) -> None:
        self.settings = {"SERVICES_DIR": str(directory), "PG_PORT": str(free_port()), "REDIS_PORT": str(free_port())}
        # TRACKER_STORE_URL, LOCK_STORE_TYPE and REDIS_* pointing at the running servers, once started.
        self.environment: dict[str, str] = {}

    def _run(self, command: str) -> str:
        return subprocess.run(
            [str(SERVICES), command],
            env={**os.environ, **self.settings},
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        ).stdout

    def start(self) -> None:
        """Starts both servers (again) and records the environment that points endpoints.yml at them."""
        lines = [line.removeprefix("export ") for line in self._run("start").splitlines()]
        self.environment = dict(line.split("=", 1) for line in lines if "=" in line)

    def stop(self) -> None:
        self._run("stop")


@dataclass
class Process:
    """One server started through scripts/run.sh; it can be stopped, restarted, frozen and thawed."""

    name: str
    args: list[str]
    env: Mapping[str, str]
    health_url: str
    log: Path
    process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.process = spawn(self.args, self.log, self.env)

    def wait_ready(self, timeout: float = 420) -> None:
        assert self.process is not None
        wait_until_ready(self.health_url, self.process, timeout)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            # A frozen process would hold SIGTERM until thawed.
            self.thaw()
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def freeze(self) -> None:
        """Stops the process from running without closing its port: a server that is up but never answers."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


@dataclass
class Instance:
    """One instance of the assistant: its Rasa server talks to its own gateway, which calls its own action server."""

    rasa: Process
    gateway: Process
    actions: Process
    assistant: RunningAssistant

    def say(self, message: str, sender: str) -> str:
        return self.assistant.texts(self.assistant.send(message, sender=sender))

    @property
    def processes(self) -> list[Process]:
        return [self.actions, self.gateway, self.rasa]


@dataclass
class Cluster:
    stores: Stores
    instances: list[Instance] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        """The one instance started with the HTTP API on (token or JWT); the others keep it off."""
        return self.instances[0].assistant.rasa_url

    def tracker(self, sender: str) -> dict[str, Any]:
        response = requests.get(
            f"{self.api_url}/conversations/{sender}/tracker", params={"token": API_TOKEN}, timeout=30
        )
        response.raise_for_status()
        return dict(response.json())

    def stop(self) -> None:
        for instance in self.instances:
            for process in instance.processes:
                process.stop()


# One sender's rate across the instances (channels/memory.py in Redis): a burst well above what any test sends to
# one conversation, refilled slowly enough that the rate test can spend it.
CLUSTER_RATE_LIMITS = {"RATE_LIMIT_PER_MINUTE": "60", "RATE_LIMIT_BURST": "30"}


def channel_environment(platform_url: str) -> dict[str, str]:
    """WhatsApp and Telegram on the made-up accounts, talking to the local fake of both platforms."""
    return {
        "TWILIO_ACCOUNT_SID": LOCAL_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": LOCAL_AUTH_TOKEN,
        "TWILIO_WHATSAPP_NUMBER": LOCAL_CLINIC_NUMBER,
        "TWILIO_WEBHOOK_URL": LOCAL_PUBLIC_WEBHOOK_URL,
        "TWILIO_API_BASE_URL": platform_url,
        "TELEGRAM_BOT_TOKEN": LOCAL_BOT_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": LOCAL_SECRET,
        "TELEGRAM_API_BASE_URL": platform_url,
    }


def instance_processes(model: Path, work_dir: Path, index: int, environment: Mapping[str, str]) -> Instance:
    ports = {name: str(free_port()) for name in ("RASA_PORT", "ACTION_PORT", "GATEWAY_PORT")}
    env = {
        **environment,
        **ports,
        **CLUSTER_RATE_LIMITS,
        "ACTION_TIMEOUT": str(ACTION_TIMEOUT),
        "CORS_ORIGINS": ALLOWED_ORIGIN,
        # Booking requests made by the tests go to a temporary file, never the clinic's bookings.db.
        "BOOKING_DB": str(work_dir / "bookings.db"),
    }
    if index == 0:
        env.update(RASA_API="on", RASA_API_TOKEN=API_TOKEN, RASA_JWT_SECRET=JWT_SECRET)
    local = "http://127.0.0.1:{}".format

    def process(mode: str, health: str, *extra: str) -> Process:
        return Process(f"{mode}-{index}", [RUN, mode, *extra], env, health, work_dir / f"{mode}-{index}.log")

    return Instance(
        rasa=process("rasa", local(ports["RASA_PORT"]) + "/", str(model)),
        gateway=process("gateway", local(ports["GATEWAY_PORT"]) + "/health"),
        actions=process("actions", local(ports["ACTION_PORT"]) + "/health"),
        assistant=RunningAssistant(local(ports["RASA_PORT"]), local(ports["ACTION_PORT"]), work_dir),
    )


def start_cluster(
    model: Path, work_dir: Path, stores: Stores, instances: int, env: Optional[Mapping[str, str]] = None
) -> Cluster:
    """Starts every process of every instance at once, against the running `stores` (and with `env`, e.g. the
    messaging channels' settings), and waits for all of them."""
    cluster = Cluster(stores)
    environment = {**stores.environment, **(env or {})}
    cluster.instances = [instance_processes(model, work_dir, index, environment) for index in range(instances)]
    processes = [process for instance in cluster.instances for process in instance.processes]
    try:
        for process in processes:
            process.start()
        with ThreadPoolExecutor(len(processes)) as pool:
            list(pool.map(Process.wait_ready, processes))
    except BaseException:
        cluster.stop()
        raise
    return cluster
