"""Load benchmark: simulated patients hold whole conversations with the assistant over the REST channel, and the
latency of every message, the throughput, the errors and each server process's peak memory are measured.

  .venv/bin/python scripts/bench.py --model models/X.tar.gz --setup single|scaled [--modes paced,saturation]
      [--seconds 60] [--patients N] [--profile results/profile.txt]

Servers are started here through scripts/run.sh exactly as deployed (action server, action gateway, Rasa server),
on free local ports, and stopped at the end:
  single  one Rasa server (one Sanic worker), conversations in a SQLite file, locks in memory: `make run`.
  scaled  one Rasa server with SANIC_WORKERS=2 (one per core), conversations in PostgreSQL and locks in Redis
          (the order-keeping lock store), both started by scripts/services.sh.
Modes:
  paced       patients pause about 2 s (1.5-2.5 s) between messages, as people typing do: ~10 messages/s offered
              by 20 patients.
  saturation  clients send their next message as soon as the answer arrives: what the set-up can take.
Each patient talks as a new sender through CONVERSATION (7 messages: greeting, worry, questions, thanks), then
starts again as a new patient, until the time is up. A message counts as an error when the HTTP status is not 200,
the request fails or times out, or no reply comes back (a lost message).

--profile runs py-spy on the Rasa server (and its workers) during each mode and writes the functions it spent
most time in (results/profile-paced.txt, ...; the raw samples beside it, profile-paced.raw). Prints one Markdown
table row per mode; `make bench` runs both set-ups into results/bench.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.wait_for_port import wait_for_port

RUN = ROOT / "scripts" / "run.sh"
SERVICES = ROOT / "scripts" / "services.sh"
CONVERSATION = (
    "hi",
    "my lower back has gone into spasm and it really hurts",
    "what causes back spasms?",
    "can i take ibuprofen for it?",
    "should i use heat or ice?",
    "how long will it last?",
    "thanks, that helps",
)
PACED_PATIENTS = 20
SATURATION_CLIENTS = 16
PAUSE_SECONDS = (1.5, 2.5)


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return len(self.latencies) + sum(self.errors.values())


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def patient(
    session: aiohttp.ClientSession, url: str, deadline: float, paced: bool, results: Results, rng: random.Random
) -> None:
    while time.monotonic() < deadline:
        sender = f"bench-{uuid.uuid4().hex}"
        for text in CONVERSATION:
            if time.monotonic() >= deadline:
                return
            started = time.monotonic()
            try:
                async with session.post(url, json={"sender": sender, "message": text}) as response:
                    replies = await response.json(content_type=None) if response.status == 200 else None
                    if response.status != 200:
                        results.errors[f"HTTP {response.status}"] += 1
                    elif not replies:
                        results.errors["no reply"] += 1
                    else:
                        results.latencies.append(time.monotonic() - started)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                results.errors[type(error).__name__] += 1
            if paced:
                await asyncio.sleep(rng.uniform(*PAUSE_SECONDS))


async def drive(url: str, seconds: float, paced: bool, patients: int) -> tuple[Results, float]:
    results = Results()
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=patients)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.monotonic()
        deadline = started + seconds
        rngs = [random.Random(number) for number in range(patients)]
        if paced:  # patients arrive spread over the first pause, not all at once
            await asyncio.gather(
                *(
                    delayed(patient(session, url, deadline, paced, results, rng), rng.uniform(0, PAUSE_SECONDS[1]))
                    for rng in rngs
                )
            )
        else:
            await asyncio.gather(*(patient(session, url, deadline, paced, results, rng) for rng in rngs))
        return results, time.monotonic() - started


async def delayed(coroutine: Awaitable[Any], seconds: float) -> None:
    await asyncio.sleep(seconds)
    await coroutine


class MemoryWatch:
    """Samples the resident memory of each server process (with its child processes, e.g. Sanic workers) and keeps
    the peak of each."""

    def __init__(self, processes: dict[str, subprocess.Popen]) -> None:
        self.processes = processes
        self.peaks: dict[str, float] = {name: 0.0 for name in processes}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self, pid: int) -> float:
        try:
            parent = psutil.Process(pid)
            return sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)]) / 2**20
        except psutil.Error:
            return 0.0

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            for name, process in self.processes.items():
                self.peaks[name] = max(self.peaks[name], self._rss(process.pid))

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def stores_environment(directory: Path) -> dict[str, str]:
    """Starts PostgreSQL and Redis (scripts/services.sh) in `directory`; their settings for endpoints-env.yml."""
    settings = {"SERVICES_DIR": str(directory), "PG_PORT": str(free_port()), "REDIS_PORT": str(free_port())}
    output = subprocess.run(
        [str(SERVICES), "start"],
        env={**os.environ, **settings},
        check=True,
        text=True,
        capture_output=True,
        timeout=600,
    ).stdout
    lines = [line.removeprefix("export ") for line in output.splitlines()]
    return {**settings, **dict(line.split("=", 1) for line in lines if "=" in line)}


@contextlib.contextmanager
def servers(model: Path, setup: str, work_dir: Path) -> Iterator[tuple[str, dict[str, subprocess.Popen]]]:
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "GATEWAY_PORT": free_port()}
    env = {
        **os.environ,
        **{name: str(port) for name, port in ports.items()},
        "BOOKING_DB": str(work_dir / "bookings.db"),
        "TRACKER_STORE_URL": f"sqlite:///{work_dir / 'tracker.db'}",
        "LOCK_STORE_TYPE": "in_memory",
        "SANIC_WORKERS": "1",
    }
    if setup == "scaled":
        env.update(stores_environment(work_dir / "stores"), SANIC_WORKERS="2")
    processes: dict[str, subprocess.Popen] = {}
    try:
        for name, args, port in (
            ("action server", ["actions"], "ACTION_PORT"),
            ("action gateway", ["gateway"], "GATEWAY_PORT"),
            ("rasa server", ["rasa", str(model)], "RASA_PORT"),
        ):
            log = (work_dir / f"{args[0]}.log").open("wb")
            processes[name] = subprocess.Popen(
                [str(RUN), *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
            if not wait_for_port("127.0.0.1", ports[port], 600):
                raise RuntimeError(f"{name} did not start; see {log.name}")
        yield f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/webhook", processes
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        if setup == "scaled":
            subprocess.run(
                [str(SERVICES), "stop"],
                env={**os.environ, "SERVICES_DIR": str(work_dir / "stores")},
                check=False,
                capture_output=True,
                timeout=120,
            )


def wait_until_answering(url: str, timeout: float = 300) -> None:
    """The port opens before the model is loaded; wait for a real answer."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.post(url, json={"sender": "bench-warm-up", "message": "hi"}, timeout=30).json():
                return
        time.sleep(1)
    raise RuntimeError("the assistant did not answer within the time allowed")


def start_profile(pid: int, seconds: float, out: Path) -> subprocess.Popen:
    py_spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen(
        [
            str(py_spy),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(seconds)),
            "--subprocesses",
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def top_functions(raw: Path, count: int = 40) -> list[str]:
    """The functions with the most samples anywhere on the stack (inclusive), and the most at the top (self)."""
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        frames = stack.split(";")
        total += int(samples)
        own[frames[-1]] += int(samples)
        for frame in set(frames):
            inclusive[frame] += int(samples)
    lines = [f"{total} samples; most time at the top of the stack (self):"]
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(count)]
    lines += ["anywhere on the stack (inclusive):"]
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(count)]
    return lines


def percentile(values: list[float], fraction: float) -> float:
    return (
        statistics.quantiles(values, n=1000, method="inclusive")[round(fraction * 1000) - 1]
        if len(values) > 1
        else (values[0] if values else float("nan"))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--setup", choices=("single", "scaled"), default="single")
    parser.add_argument(
        "--modes", default="paced,saturation", help="comma-separated, run one after the other against the same servers"
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--patients", type=int)
    parser.add_argument("--profile", type=Path, help="write py-spy's top functions of the Rasa server here")
    args = parser.parse_args()
    modes = args.modes.split(",")
    if not set(modes) <= {"paced", "saturation"}:
        parser.error("--modes takes paced and/or saturation")

    with tempfile.TemporaryDirectory(prefix="backspasm-bench-") as work:
        Path(work).chmod(0o755)  # PostgreSQL runs as the postgres user, who must be able to enter it
        with servers(args.model.resolve(), args.setup, Path(work)) as (url, processes):
            wait_until_answering(url)
            for mode in modes:
                paced = mode == "paced"
                patients = args.patients or (PACED_PATIENTS if paced else SATURATION_CLIENTS)
                profile = (
                    args.profile.with_name(f"{args.profile.stem}-{mode}{args.profile.suffix}") if args.profile else None
                )
                results, elapsed, memory = measure(url, processes, args.seconds, paced, patients, profile)
                report(args.setup, mode, patients, results, elapsed, memory)
    return 0


def measure(
    url: str,
    processes: dict[str, subprocess.Popen],
    seconds: float,
    paced: bool,
    patients: int,
    profile: Optional[Path],
) -> tuple[Results, float, MemoryWatch]:
    raw = profile.with_suffix(".raw") if profile else None
    profiler = start_profile(processes["rasa server"].pid, seconds, raw) if raw else None
    with MemoryWatch(processes) as memory:
        results, elapsed = asyncio.run(drive(url, seconds, paced, patients))
    if profiler and profile and raw:  # all three or none: the profiler only starts when a profile is asked for
        profiler.wait(timeout=120)
        profile.write_text("\n".join(top_functions(raw)) + "\n")
    return results, elapsed, memory


def report(setup: str, mode: str, patients: int, results: Results, elapsed: float, memory: MemoryWatch) -> None:
    paced = mode == "paced"
    latencies = [1000 * latency for latency in results.latencies]
    errors = ", ".join(f"{n} {kind}" for kind, n in results.errors.items()) or "0"
    memory_text = ", ".join(f"{name} {peak:.0f}" for name, peak in memory.peaks.items())
    print(
        f"| {setup} | {mode} ({patients} {'patients' if paced else 'clients'}) | {results.count} | "
        f"{results.count / elapsed:.1f} | {percentile(latencies, 0.50):.0f} | {percentile(latencies, 0.95):.0f} | "
        f"{percentile(latencies, 0.99):.0f} | {errors} | {memory_text} |",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
