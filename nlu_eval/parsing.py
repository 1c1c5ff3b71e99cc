"""Parse messages with a trained model in this process (no server): fast enough for tests and reports."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlu_eval.metrics import Entity


@dataclass(frozen=True)
class Parse:
    text: str
    intent: str
    confidence: float
    entities: tuple[Entity, ...]


def _to_parse(text: str, result: dict[str, Any]) -> Parse:
    intent = result.get("intent") or {}
    entities = tuple((e["entity"], str(e["value"])) for e in result.get("entities", []))
    return Parse(text, str(intent.get("name")), float(intent.get("confidence") or 0.0), entities)


class ModelParser:
    """One loaded model; `parse` keeps every answer so the same message is parsed once per run."""

    def __init__(self, model: Path) -> None:
        # Imported here: loading TensorFlow is slow and only needed now.
        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)  # otherwise every parse is logged at debug level
        logging.getLogger("rasa").setLevel(logging.WARNING)

        self._loop = asyncio.new_event_loop()
        self._agent = Agent.load(str(model))
        self._cache: dict[str, Parse] = {}
        self.parse_seconds: list[float] = []

    def parse(self, texts: Iterable[str]) -> list[Parse]:
        return [self._parse_one(text) for text in texts]

    def _parse_one(self, text: str) -> Parse:
        if text not in self._cache:
            started = time.perf_counter()
            result = self._loop.run_until_complete(self._agent.parse_message(text))
            self.parse_seconds.append(time.perf_counter() - started)
            self._cache[text] = _to_parse(text, result)
        return self._cache[text]

    def set_fallback(self, threshold: float, ambiguity_threshold: float) -> None:
        """Change the loaded FallbackClassifier's settings in place, and forget the answers given before."""
        from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier

        # Rasa has no public way to reach a loaded component; the graph runner keeps them in its nodes.
        nodes = self._agent.processor.graph_runner._instantiated_nodes.values()
        fallback = next(node._component for node in nodes if isinstance(node._component, FallbackClassifier))
        fallback.component_config.update(threshold=threshold, ambiguity_threshold=ambiguity_threshold)
        self._cache.clear()

    def median_latency_ms(self) -> float:
        ordered: Sequence[float] = sorted(self.parse_seconds)
        return 1000 * ordered[len(ordered) // 2] if ordered else 0.0
