"""Load benchmark: simulated patients hold whole conversations over the REST channel, with this assistant and, in
the same run, a stock `rasa init` bot served by the project's own Rasa; latency, throughput, errors, each server's
peak memory and start-up time are measured, and this assistant's figures are given as ratios of the stock bot's.

  .venv/bin/python scripts/bench.py --model models/X.tar.gz [--setups stock,single,scaled]
      [--modes unloaded,paced,saturation,long] [--seconds 60] [--patients N] [--profile results/profile.txt]

Set-ups, one after the other, each started, measured and stopped before the next:
  stock   Rasa's own `rasa init` bot (trained once with `rasa init --no-prompt` by the project's Rasa and cached in
          results/stock-bot/, which git ignores), served by plain `rasa run`: in-memory conversations, no actions.
  single  this assistant as `make run` starts it through scripts/run.sh (action server, action gateway, Rasa
          server with one Sanic worker), conversations in a SQLite file, locks in memory.
  scaled  this assistant as `make run-prod` starts it: conversations in PostgreSQL and locks in Redis (the
          order-keeping lock store), both started by scripts/services.sh, and one Sanic worker per core (the
          SANIC_WORKERS default of run-prod: the number of cores this process may use, as `nproc` counts them).
Modes:
  unloaded    one patient at a time, a short pause between messages: the time one message takes.
  paced       patients pause about 2 s (1.5-2.5 s) between messages, as people typing do: ~10 messages/s offered
              by 20 patients.
  saturation  clients send their next message as soon as the answer arrives: what the set-up can take.
  long        LONG_RUNS conversations of LONG_MESSAGES messages each, one patient at a time: the median time of
              the 4th-6th and of the 59th-61st message, so that a cost growing with the conversation shows.
Each patient is a new sender holding one conversation of STEPS messages (greeting, worry, questions, thanks for
this assistant; greeting, mood, answers for the stock bot), each message drawn at random from that step's pool of
wordings, so that neither bot answers the same text over and over; then starts again as a new patient. A message
counts as an error when the HTTP status is not 200, the request fails or times out, or no reply comes back (a lost
message). The REST channel's per-sender rate limit is raised on the bench's servers so that the long conversations
(one sender, 62 messages in a row) are not slowed by it; no other mode comes near even the default limit (a
patient sends 7 messages, under its burst of 10), and checking it costs the same either way.

--profile runs py-spy on this assistant's Rasa server (and its workers) during each mode and writes the functions
it spent most time in (results/profile-single-paced.txt, ...; the raw samples beside it). Prints Markdown tables:
one row per set-up and mode, the ratios this assistant / stock bot, and the long conversations; `make bench`
writes them to results/bench.md.
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
RASA = ROOT / ".venv" / "bin" / "rasa"
# The stock `rasa init` bot, trained once and reused (results/ is git-ignored).
STOCK_DIR = ROOT / "results" / "stock-bot"

# One conversation: one pool of wordings per step, a message drawn from each in turn.
GREETINGS = ("hi", "hello", "hey there", "good morning", "hi, can you help me?")
WORRIES = (
    "my lower back has gone into spasm and it really hurts",
    "my back went into spasm this morning",
    "i have a sudden spasm in my lower back",
    "my lower back muscles keep seizing up",
    "back spasm after lifting a box yesterday",
)
CAUSES = (
    "what causes back spasms?",
    "why does my back spasm?",
    "what causes a back spasm",
    "why do back muscles spasm?",
)
MEDICINES = (
    "can i take ibuprofen for it?",
    "is paracetamol ok for back pain?",
    "can i take ibuprofen?",
    "what painkillers can i take?",
)
HEAT = ("should i use heat or ice?", "heat or ice for a back spasm?", "would an ice pack help?", "is heat good for it?")
DURATION = (
    "how long will it last?",
    "how long do back spasms last?",
    "when will it get better?",
    "how long until it goes away?",
)
THANKS = ("thanks, that helps", "thank you", "thanks a lot", "cheers, that is useful")
OURS_STEPS = (GREETINGS, WORRIES, CAUSES, MEDICINES, HEAT, DURATION, THANKS)
# A long conversation asks these in turn: five steps, so the 4th-6th and the 59th-61st messages are the same kinds.
OURS_LONG = (CAUSES, MEDICINES, HEAT, DURATION, THANKS)

STOCK_GREET = ("hi", "hello", "hey", "good morning", "hey there")
STOCK_MOOD = ("i am sad", "very sad", "i am feeling down", "not good", "i am great", "amazing", "very good")
STOCK_ANSWER = ("yes", "no", "indeed", "not really", "of course", "never")
STOCK_BOT = ("are you a bot?", "am i talking to a human?", "are you human?", "am i talking to a bot?")
STOCK_BYE = ("bye", "goodbye", "see you later", "bye bye", "have a nice day")
STOCK_STEPS = (STOCK_GREET, STOCK_MOOD, STOCK_ANSWER, STOCK_BOT, STOCK_MOOD, STOCK_ANSWER, STOCK_BYE)
STOCK_LONG = (STOCK_GREET, STOCK_MOOD, STOCK_ANSWER, STOCK_BOT, STOCK_BYE)

PACED_PATIENTS = 20
SATURATION_CLIENTS = 16
PAUSE_SECONDS = (1.5, 2.5)
UNLOADED_PAUSE_SECONDS = 0.2
LONG_RUNS = 3
LONG_MESSAGES = 62
EARLY, LATE = (4, 5, 6), (59, 60, 61)  # message numbers (1-based) compared by the long conversations
MODES = ("unloaded", "paced", "saturation", "long")
SETUPS = ("stock", "single", "scaled")


def draw(steps: tuple[tuple[str, ...], ...], count: int, rng: random.Random) -> list[str]:
    """`count` messages of one conversation: message i from pool i (cycling through the pools)."""
    return [rng.choice(steps[number % len(steps)]) for number in range(count)]


def cores() -> int:
    """The cores this process may use, as `nproc` counts them (make run-prod's default number of workers)."""
    return len(os.sched_getaffinity(0))


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


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str, results: Results) -> Optional[float]:
    """Sends one message and records its latency or its error; the latency in seconds when answered."""
    started = time.monotonic()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            replies = await response.json(content_type=None) if response.status == 200 else None
            if response.status != 200:
                results.errors[f"HTTP {response.status}"] += 1
            elif not replies:
                results.errors["no reply"] += 1
            else:
                latency = time.monotonic() - started
                results.latencies.append(latency)
                return latency
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        results.errors[type(error).__name__] += 1
    return None


async def patient(
    session: aiohttp.ClientSession,
    url: str,
    deadline: float,
    pause: tuple[float, float],
    steps: tuple[tuple[str, ...], ...],
    results: Results,
    rng: random.Random,
) -> None:
    while time.monotonic() < deadline:
        sender = f"bench-{uuid.uuid4().hex}"
        for text in draw(steps, len(steps), rng):
            if time.monotonic() >= deadline:
                return
            await send(session, url, sender, text, results)
            if pause[1]:
                await asyncio.sleep(rng.uniform(*pause))


async def drive(
    url: str, seconds: float, mode: str, patients: int, steps: tuple[tuple[str, ...], ...]
) -> tuple[Results, float]:
    results = Results()
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=patients)
    pause = {"paced": PAUSE_SECONDS, "unloaded": (UNLOADED_PAUSE_SECONDS,) * 2}.get(mode, (0.0, 0.0))
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.monotonic()
        deadline = started + seconds
        rngs = [random.Random(number) for number in range(patients)]
        # Paced patients arrive spread over the first pause, not all at once.
        await asyncio.gather(
            *(
                delayed(patient(session, url, deadline, pause, steps, results, rng), rng.uniform(0, pause[1]))
                for rng in rngs
            )
        )
        return results, time.monotonic() - started


async def long_conversations(
    url: str, steps: tuple[tuple[str, ...], ...], runs: int = LONG_RUNS, messages: int = LONG_MESSAGES
) -> tuple[list[list[Optional[float]]], Results]:
    """`runs` conversations of `messages` messages, one patient at a time; each message's latency (None: error)."""
    results = Results()
    conversations: list[list[Optional[float]]] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        for run in range(runs):
            sender = f"bench-long-{uuid.uuid4().hex}"
            latencies = []
            for text in draw(steps, messages, random.Random(1000 + run)):
                latencies.append(await send(session, url, sender, text, results))
                await asyncio.sleep(UNLOADED_PAUSE_SECONDS)
            conversations.append(latencies)
    return conversations, results


def at_messages(conversations: list[list[Optional[float]]], numbers: tuple[int, ...]) -> float:
    """Median latency in ms of the messages with these numbers (1-based) over all conversations, errors left out."""
    values = [latency for c in conversations for n in numbers if len(c) >= n and (latency := c[n - 1]) is not None]
    values = [1000 * value for value in values]
    return statistics.median(values) if values else float("nan")


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


def stock_model() -> Path:
    """The stock `rasa init` bot's model, trained by the project's Rasa the first time and then reused."""
    models = sorted((STOCK_DIR / "models").glob("*.tar.gz"))
    if not models:
        STOCK_DIR.mkdir(parents=True, exist_ok=True)
        print("Training the stock `rasa init` bot once, into results/stock-bot (a few minutes)", file=sys.stderr)
        subprocess.run(
            [str(RASA), "init", "--no-prompt", "--init-dir", str(STOCK_DIR)],
            cwd=STOCK_DIR,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=3600,
        )
        models = sorted((STOCK_DIR / "models").glob("*.tar.gz"))
    return models[-1]


@dataclass
class Launch:
    url: str
    processes: dict[str, subprocess.Popen]
    rasa_started: float  # time.monotonic() when the Rasa server's process was started


BENCH_LIMITS = {"RATE_LIMIT_PER_MINUTE": "6000", "RATE_LIMIT_BURST": "100"}  # see the module's notes


@contextlib.contextmanager
def servers(model: Path, setup: str, work_dir: Path) -> Iterator[Launch]:
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "GATEWAY_PORT": free_port()}
    env = {
        **os.environ,
        **{name: str(port) for name, port in ports.items()},
        **BENCH_LIMITS,
        "BOOKING_DB": str(work_dir / "bookings.db"),
        "TRACKER_STORE_URL": f"sqlite:///{work_dir / 'tracker.db'}",
        "LOCK_STORE_TYPE": "in_memory",
        "SANIC_WORKERS": "1",
    }
    if setup == "scaled":  # as `make run-prod`: its stores and one Sanic worker per core
        env.update(stores_environment(work_dir / "stores"), SANIC_WORKERS=str(cores()))
    commands = [
        ("action server", [str(RUN), "actions"], ROOT, "ACTION_PORT"),
        ("action gateway", [str(RUN), "gateway"], ROOT, "GATEWAY_PORT"),
        ("rasa server", [str(RUN), "rasa", str(model)], ROOT, "RASA_PORT"),
    ]
    if setup == "stock":  # plain `rasa run` in the stock bot's folder: its own endpoints.yml and credentials.yml
        port = ["--port", str(ports["RASA_PORT"]), "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]
        commands = [("rasa server", [str(RASA), "run", "--model", str(model), *port], STOCK_DIR, "RASA_PORT")]
    processes: dict[str, subprocess.Popen] = {}
    rasa_started = 0.0
    try:
        for name, args, cwd, port_name in commands:
            log = (work_dir / f"{setup}-{name.replace(' ', '-')}.log").open("wb")
            rasa_started = time.monotonic()
            processes[name] = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
            if not wait_for_port("127.0.0.1", ports[port_name], 600):
                raise RuntimeError(f"{name} did not start; see {log.name}")
        yield Launch(f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/webhook", processes, rasa_started)
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


@dataclass
class Row:
    setup: str
    mode: str
    clients: int
    results: Results
    elapsed: float

    @property
    def rate(self) -> float:
        return self.results.count / self.elapsed

    def latency(self, fraction: float) -> float:
        return percentile([1000 * latency for latency in self.results.latencies], fraction)


@dataclass
class SetupFigures:
    setup: str
    startup: float = float("nan")
    memory: dict[str, float] = field(default_factory=dict)
    rows: dict[str, Row] = field(default_factory=dict)
    long: list[list[Optional[float]]] = field(default_factory=list)
    long_errors: int = 0

    @property
    def total_memory(self) -> float:
        return sum(self.memory.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--setups", "--setup", default=",".join(SETUPS), help="comma-separated: stock,single,scaled")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated, run one after the other")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--patients", type=int)
    parser.add_argument("--profile", type=Path, help="write py-spy's top functions of the Rasa server here")
    args = parser.parse_args()
    modes, setups = args.modes.split(","), args.setups.split(",")
    if not set(modes) <= set(MODES):
        parser.error(f"--modes takes {', '.join(MODES)}")
    if not set(setups) <= set(SETUPS):
        parser.error(f"--setups takes {', '.join(SETUPS)}")

    figures = [run_setup(args, setup, modes) for setup in setups]
    print_tables(figures, modes, os.getloadavg())
    return 0


def run_setup(args: argparse.Namespace, setup: str, modes: list[str]) -> SetupFigures:
    model = stock_model() if setup == "stock" else args.model.resolve()
    steps, long_steps = (STOCK_STEPS, STOCK_LONG) if setup == "stock" else (OURS_STEPS, OURS_LONG)
    figures = SetupFigures(setup)
    with tempfile.TemporaryDirectory(prefix="backspasm-bench-") as work:
        Path(work).chmod(0o755)  # PostgreSQL runs as the postgres user, who must be able to enter it
        with servers(model, setup, Path(work)) as launch, MemoryWatch(launch.processes) as memory:
            wait_until_answering(launch.url)
            figures.startup = time.monotonic() - launch.rasa_started
            for mode in modes:
                if mode == "long":
                    figures.long, results = asyncio.run(long_conversations(launch.url, long_steps))
                    figures.long_errors = sum(results.errors.values())
                    continue
                clients = args.patients or {"paced": PACED_PATIENTS, "saturation": SATURATION_CLIENTS}.get(mode, 1)
                profile = (
                    args.profile.with_name(f"{args.profile.stem}-{setup}-{mode}{args.profile.suffix}")
                    if args.profile and setup != "stock"
                    else None
                )
                results, elapsed = measure(launch, args.seconds, mode, clients, steps, profile)
                figures.rows[mode] = Row(setup, mode, clients, results, elapsed)
            figures.memory = dict(memory.peaks)
    return figures


def measure(
    launch: Launch,
    seconds: float,
    mode: str,
    clients: int,
    steps: tuple[tuple[str, ...], ...],
    profile: Optional[Path],
) -> tuple[Results, float]:
    raw = profile.with_suffix(".raw") if profile else None
    profiler = start_profile(launch.processes["rasa server"].pid, seconds, raw) if raw else None
    results, elapsed = asyncio.run(drive(launch.url, seconds, mode, clients, steps))
    if profiler and profile and raw:  # all three or none: the profiler only starts when a profile is asked for
        profiler.wait(timeout=120)
        profile.write_text("\n".join(top_functions(raw)) + "\n")
    return results, elapsed


NAMES = {
    "stock": "stock `rasa init`",
    "single": "this assistant, `make run`",
    "scaled": "this assistant, `make run-prod`",
}
MODE_NAMES = {"unloaded": "unloaded (1 patient)", "paced": "paced", "saturation": "saturation"}


def ratio(ours: float, stock: float) -> str:
    return f"{ours / stock:.2f}" if stock and stock == stock and ours == ours else "n/a"


def print_tables(figures: list[SetupFigures], modes: list[str], load: tuple[float, float, float]) -> None:
    print(f"Load average when the run ended (1, 5, 15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    print("| set-up | mode | messages | messages/s | p50 | p95 | p99 | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for setup in figures:
        for mode, row in setup.rows.items():
            errors = ", ".join(f"{n} {kind}" for kind, n in row.results.errors.items()) or "0"
            clients = f"{row.clients} {'patients' if mode == 'paced' else 'clients'}" if mode != "unloaded" else ""
            print(
                f"| {NAMES[setup.setup]} | {MODE_NAMES[mode]}{f' ({clients})' if clients else ''} | "
                f"{row.results.count} | {row.rate:.1f} | {row.latency(0.50):.0f} | {row.latency(0.95):.0f} | "
                f"{row.latency(0.99):.0f} | {errors} |"
            )
    print("\n| set-up | start-up to first answer (s) | peak resident memory (MiB) |")
    print("|---|---|---|")
    for setup in figures:
        memory = ", ".join(f"{name} {peak:.0f}" for name, peak in setup.memory.items())
        print(f"| {NAMES[setup.setup]} | {setup.startup:.1f} | {memory} (total {setup.total_memory:.0f}) |")
    stock = next((setup for setup in figures if setup.setup == "stock"), None)
    if stock:
        print(
            "\nRatios, this assistant / stock bot (below 1 is better for times and memory, above 1 for messages/s):\n"
        )
        print("| set-up | unloaded p50 | paced p95 | saturation messages/s | memory | start-up |")
        print("|---|---|---|---|---|---|")
        for ours in (setup for setup in figures if setup.setup != "stock"):
            cells = [
                ratio(ours.rows[m].latency(f), stock.rows[m].latency(f))
                if m in ours.rows and m in stock.rows
                else "n/a"
                for m, f in (("unloaded", 0.50), ("paced", 0.95))
            ]
            saturation = (
                ratio(ours.rows["saturation"].rate, stock.rows["saturation"].rate)
                if "saturation" in ours.rows and "saturation" in stock.rows
                else "n/a"
            )
            print(
                f"| {NAMES[ours.setup]} | {' | '.join(cells)} | {saturation} | "
                f"{ratio(ours.total_memory, stock.total_memory)} | {ratio(ours.startup, stock.startup)} |"
            )
    if "long" in modes:
        early, late = "-".join(map(str, EARLY[::2])), "-".join(map(str, LATE[::2]))
        print(f"\nLong conversations ({LONG_RUNS} of {LONG_MESSAGES} messages, one patient at a time; median ms):\n")
        print(f"| set-up | messages {early} | messages {late} | later / earlier | errors |")
        print("|---|---|---|---|---|")
        for setup in figures:
            first, last = at_messages(setup.long, EARLY), at_messages(setup.long, LATE)
            print(f"| {NAMES[setup.setup]} | {first:.0f} | {last:.0f} | {ratio(last, first)} | {setup.long_errors} |")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
