"""The labelled evaluation sets, read into one shape: a list of `Case`s.

None of these files is training data: tests/nlu_holdout.yml, tests/nlu_sets/*.yml (written for issue 8) and
the real-user files in ../shared/eval (public data sets, evaluation only, see their README).
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nlu_eval.metrics import Entity

ROOT = Path(__file__).resolve().parents[1]
SETS = ROOT / "tests" / "nlu_sets"
HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"


def _real_user_dir() -> Path:
    """The shared evaluation folder: BACKSPASM_REAL_USER_DIR, else next to the checkout (../shared/eval), else
    the team machine's /work/shared/eval (a fresh CI clone elsewhere still finds it there)."""
    candidates = [Path(os.environ["BACKSPASM_REAL_USER_DIR"])] if "BACKSPASM_REAL_USER_DIR" in os.environ else []
    candidates += [ROOT.parent / "shared" / "eval", Path("/work/shared/eval")]
    return next((path for path in candidates if path.is_dir()), candidates[0])


REAL_USER_DIR = _real_user_dir()
REAL_USER_PHRASES = REAL_USER_DIR / "real-user-phrases.tsv"
CONSUMER_HEALTH_QUESTIONS = REAL_USER_DIR / "consumer-health-questions.tsv"

IN_SCOPE = "in_scope"  # label of messages where any intent but a rejection is right
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Case:
    text: str
    accepted: frozenset[str]  # intents that count as right; IN_SCOPE / OUT_OF_SCOPE for scope-only sets
    group: str = ""
    entities: tuple[Entity, ...] = field(default=())

    @property
    def label(self) -> str:
        """One gold label for per-intent scores (the first of the accepted intents)."""
        return sorted(self.accepted)[0]


# [text](entity) or [text]{"entity": "...", "value": "..."} in Rasa's YAML training format.
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<entity>[^)]+)\)|(?P<json>\{[^}]+\}))")


def parse_annotated(example: str) -> tuple[str, tuple[Entity, ...]]:
    """Plain text and (entity, value) pairs of one annotated example."""
    entities: list[Entity] = []

    def plain(match: re.Match[str]) -> str:
        if match["entity"]:
            entities.append((match["entity"], match["text"]))
        else:
            spec = json.loads(match["json"])
            entities.append((spec["entity"], spec.get("value", match["text"])))
        return match["text"]

    return _ANNOTATION.sub(plain, example), tuple(entities)


def _examples(block: str) -> list[str]:
    return [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]


def load_holdout(path: Path = HOLDOUT) -> list[Case]:
    cases = []
    for item in yaml.safe_load(path.read_text())["nlu"]:
        if "intent" not in item:
            continue
        for example in _examples(item["examples"]):
            text, entities = parse_annotated(example)
            cases.append(Case(text, frozenset({item["intent"]}), item["intent"], entities))
    return cases


def load_robustness(path: Path = SETS / "robustness.yml") -> list[Case]:
    return [
        Case(text, frozenset(intents.split("|")), category)
        for category, by_intent in yaml.safe_load(path.read_text()).items()
        for intents, texts in by_intent.items()
        for text in texts
    ]


def _load_scope_set(path: Path, label: str) -> list[Case]:
    return [
        Case(text, frozenset({label}), group)
        for group, texts in yaml.safe_load(path.read_text()).items()
        for text in texts
    ]


def load_out_of_scope(path: Path = SETS / "out_of_scope.yml") -> list[Case]:
    return _load_scope_set(path, OUT_OF_SCOPE)


def load_borderline(path: Path = SETS / "borderline.yml") -> list[Case]:
    return _load_scope_set(path, IN_SCOPE)


_EXPECT_TO_LABEL = {"back_domain": IN_SCOPE, "out_of_scope": OUT_OF_SCOPE, "emergency": "report_red_flag"}


def load_real_users(path: Path) -> list[Case]:
    """A ../shared/eval TSV: `text` and `expect` (back_domain, out_of_scope or emergency)."""
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [Case(row["text"].strip(), frozenset({_EXPECT_TO_LABEL[row["expect"]]}), row["expect"]) for row in rows]
