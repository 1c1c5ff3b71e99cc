"""Find evaluation messages that are (nearly) the same as a training example, so that none slips in."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from nlu_eval.sets import parse_annotated

# Above this similarity two messages differ by little more than punctuation or a word.
NEAR_DUPLICATE_RATIO = 0.9


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def training_examples(data_dir: Path) -> list[str]:
    texts = []
    for path in sorted(data_dir.rglob("*.yml")):
        for item in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
            if "intent" in item:
                texts += [
                    parse_annotated(line[2:])[0] for line in item["examples"].splitlines() if line.startswith("- ")
                ]
    return texts


def near_duplicates(evaluation: Iterable[str], training: Iterable[str]) -> list[tuple[str, str]]:
    """(evaluation message, training example) pairs at or above NEAR_DUPLICATE_RATIO after normalising."""
    trained = [(normalise(text), text) for text in training]
    pairs = []
    for text in evaluation:
        key = normalise(text)
        matcher = SequenceMatcher(None, b=key)  # caches its analysis of the evaluation message
        for trained_key, trained_text in trained:
            if not _could_be_near(trained_key, key):
                continue
            matcher.set_seq1(trained_key)
            # quick_ratio bounds ratio from above from the characters alone, and skips most pairs cheaply.
            if matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO and matcher.ratio() >= NEAR_DUPLICATE_RATIO:
                pairs.append((text, trained_text))
    return pairs


def _could_be_near(a: str, b: str) -> bool:
    """The similarity bound from the lengths alone (what SequenceMatcher.real_quick_ratio computes), but cheap."""
    return 2 * min(len(a), len(b)) >= NEAR_DUPLICATE_RATIO * (len(a) + len(b))
