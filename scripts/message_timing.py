"""Time each message of the benchmark's conversations inside one process, and the parts of Rasa that grow with a
conversation (docs/benchmarks.md, "Long conversations and cost per message").

    .venv/bin/python scripts/message_timing.py --model models/<model>.tar.gz --action-url http://127.0.0.1:5055/webhook
        [--short] [--runs 3] [--without past_states,applied_events,tracker_store,tf_prediction]

Needs the action server running (`scripts/run.sh actions`). Loads the agent with the project's fixes to Rasa and its
SQL tracker store on a fresh SQLite file, sends the long conversations of scripts/bench.py (62 messages; --short: its
7-step conversations), and prints the median time of the early and late messages, whole and by part. --without puts
Rasa's own code back for the fixes named, for A/B runs on the same machine state.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rasa_patches
from scripts.bench import EARLY, LATE, LONG_MESSAGES, OURS_LONG, OURS_STEPS, draw

spent: dict[str, float] = {}


def timed(owner: Any, name: str, label: str) -> None:
    """Adds the time spent in owner.name to spent[label]."""
    function = getattr(owner, name)
    if asyncio.iscoroutinefunction(function):

        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

    else:

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

    setattr(owner, name, wrapper)


def rasas_own(fixes: list[str]) -> None:
    """Rasa's code back for the fixes named."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.tensorflow.models import RasaModel

    from rasa_patches import applied_events, past_states, tf_prediction
    from stores.tracker_store import ReconnectingSQLTrackerStore

    originals: dict[str, list[tuple[Any, str, Any]]] = {
        "past_states": [(DialogueStateTracker, "past_states", past_states._RASA_PAST_STATES)],
        "applied_events": [(DialogueStateTracker, "applied_events", applied_events._RASA_APPLIED_EVENTS)],
        "tf_prediction": [(RasaModel, "_rasa_predict", tf_prediction._RASA_PREDICT)],
        # Rasa's reads and saves; the pool of SQLite connections stays
        "tracker_store": [
            (ReconnectingSQLTrackerStore, name, getattr(SQLTrackerStore, name))
            for name in ("retrieve", "save", "_additional_events")
        ],
    }
    for fix in fixes:
        for owner, name, value in originals[fix]:
            setattr(owner, name, value)


async def converse(args: argparse.Namespace, database: Path) -> list[list[tuple[float, dict[str, float]]]]:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from stores.tracker_store import ReconnectingSQLTrackerStore

    agent = Agent.load(str(args.model), action_endpoint=EndpointConfig(args.action_url))
    store = ReconnectingSQLTrackerStore(agent.domain, dialect="sqlite", db=str(database))
    agent.tracker_store = store
    assert agent.processor is not None
    agent.processor.tracker_store = store
    timed(ReconnectingSQLTrackerStore, "retrieve", "read back")
    timed(ReconnectingSQLTrackerStore, "save", "save")
    timed(DialogueStateTracker, "past_states", "dialogue states")
    timed(DialogueStateTracker, "applied_events", "applied events")
    timed(MessageProcessor, "parse_message", "NLU")
    timed(RemoteAction, "run", "action call")
    conversations = []
    for run in range(args.runs):
        sender, rng = f"timing-{run}-{random.random()}", random.Random(1000 + run)
        texts = draw(OURS_STEPS, len(OURS_STEPS), rng) if args.short else draw(OURS_LONG, LONG_MESSAGES, rng)
        timings = []
        for text in texts:
            spent.clear()
            started = time.perf_counter()
            await agent.handle_text(text, sender_id=sender)
            timings.append((time.perf_counter() - started, dict(spent)))
        conversations.append(timings)
    return conversations


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--action-url", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--short", action="store_true", help="the 7-step conversations (cost per message)")
    parser.add_argument("--without", default="", help="comma-separated fixes to leave out")
    args = parser.parse_args()
    logging.getLogger().setLevel(logging.WARNING)
    rasa_patches.apply()
    rasas_own([fix for fix in args.without.split(",") if fix])
    with tempfile.TemporaryDirectory() as work:
        conversations = asyncio.run(converse(args, Path(work) / "tracker.db"))
    early, late = ((1, 2, 3), (5, 6, 7)) if args.short else (EARLY, LATE)

    def median(numbers: tuple[int, ...], part: str = "") -> float:
        values = [c[n - 1][1].get(part, 0.0) if part else c[n - 1][0] for c in conversations for n in numbers]
        return 1000 * statistics.median(values)

    print(f"| part | messages {early} (ms) | messages {late} (ms) |\n|---|---|---|")
    print(f"| whole message | {median(early):.1f} | {median(late):.1f} |")
    for part in sorted({part for conversation in conversations for _, parts in conversation for part in parts}):
        print(f"| {part} | {median(early, part):.1f} | {median(late, part):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
