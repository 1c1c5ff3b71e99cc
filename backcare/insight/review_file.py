"""The review file: misunderstood messages that staff have labelled with the right intent, redacted, kept in
Rasa's NLU format in review/misses.yml, outside data/ so that no training (`make train` or a plain `rasa train`,
which reads all of data/) learns from it; `make validate` checks it with the training data. It stays out of the
model until a person has read the file and moved its examples into data/nlu/ (README, "Turning misses into
training data"), so nothing a patient typed reaches the model unchecked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

# The project's review file (scripts/review.py and the staff console; REVIEW_FILE in the environment overrides it).
DEFAULT_REVIEW_FILE = Path(__file__).resolve().parents[2] / "review" / "misses.yml"

HEADER = """\
# Misunderstood messages that staff labelled with the right intent (scripts/review.py add). Redacted.
# Checked by `rasa data validate`, NOT used in training until a person moves the examples they agree with
# into data/nlu/<area>.yml (see README, "Turning misses into training data") and retrains.
"""
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class EntityMark:
    entity: str
    words: str  # as they appear in the message
    value: Optional[str] = None  # the canonical value when it differs ("nurofen" -> ibuprofen)


def plain_text(example: str) -> str:
    """The words of an example without its entity marks: '[nurofen](medication) ok?' -> 'nurofen ok?'."""
    return _ANNOTATION.sub(r"\1", example)


def normalised(text: str) -> str:
    """The form two examples are compared in: case, spacing and end punctuation do not make a new example."""
    return " ".join(plain_text(text).lower().split()).rstrip(" .!?")


def annotate(text: str, marks: Sequence[EntityMark]) -> str:
    """Mark each entity's words in the text, as Rasa's NLU format expects. Raises when the words are absent."""
    for mark in marks:
        match = re.search(rf"(?<!\w){re.escape(mark.words)}(?!\w)", text, flags=re.IGNORECASE)
        if not match:
            raise ValueError(f"'{mark.words}' is not in the message, so it cannot be marked as {mark.entity}")
        found = match.group(0)
        label = (
            f'{{"entity": "{mark.entity}", "value": "{mark.value}"}}'
            if mark.value and mark.value != found
            else f"({mark.entity})"
        )
        text = f"{text[: match.start()]}[{found}]{label}{text[match.end() :]}"
    return text


def examples_by_intent(document: Optional[Mapping[str, Any]]) -> dict[str, list[str]]:
    """{intent: [example, ...]} of one Rasa NLU YAML document (lookups, synonyms and regexes are skipped)."""
    found: dict[str, list[str]] = {}
    for block in (document or {}).get("nlu") or ():
        if "intent" in block:
            lines = str(block.get("examples") or "").splitlines()
            found.setdefault(block["intent"], []).extend(
                line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")
            )
    return found


def read_nlu_file(path: Path) -> dict[str, list[str]]:
    return examples_by_intent(yaml.safe_load(path.read_text(encoding="utf-8"))) if path.is_file() else {}


def known_examples(files: Iterable[Path]) -> set[str]:
    return {normalised(example) for path in files for examples in read_nlu_file(path).values() for example in examples}


def render(examples: Mapping[str, Sequence[str]]) -> str:
    lines = [HEADER, 'version: "3.1"', "", "nlu:"]
    for intent in sorted(examples):
        lines += [f"  - intent: {intent}", "    examples: |"]
        lines += [f"      - {example}" for example in examples[intent]]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def add_example(review_file: Path, intent: str, example: str, other_files: Iterable[Path]) -> bool:
    """Append the (already redacted) example under its intent. False when it is there, or anywhere in the
    training data, already: a message is never added twice."""
    if "\n" in example or not example.strip():
        raise ValueError("an example is one non-empty line")
    examples = read_nlu_file(review_file)
    if normalised(example) in known_examples([review_file, *other_files]):
        return False
    examples.setdefault(intent, []).append(example.strip())
    review_file.parent.mkdir(parents=True, exist_ok=True)
    review_file.write_text(render(examples), encoding="utf-8")
    return True
