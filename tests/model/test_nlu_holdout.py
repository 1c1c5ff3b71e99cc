"""The trained model on the held-out NLU file (written separately, never trained on)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.model.assistant import RASA, ROOT

MIN_INTENT_MACRO_F1 = 0.90
MIN_ENTITY_MACRO_F1 = 0.75


@pytest.fixture(scope="module")
def holdout_results(model_path: Path) -> Path:
    out = ROOT / "results" / "holdout"
    subprocess.run(
        [RASA, "test", "nlu", "--model", str(model_path), "--nlu", "tests/nlu_holdout.yml", "--out", str(out),
         "--no-plot"],
        cwd=ROOT, check=True, capture_output=True,
    )
    return out


def read_report(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


def confusion_pairs(results: Path, top: int = 10) -> list[tuple[str, str, int]]:
    errors = json.loads((results / "intent_errors.json").read_text())
    counts: dict[tuple[str, str], int] = {}
    for error in errors:
        pair = (error["intent"], error["intent_prediction"]["name"])
        counts[pair] = counts.get(pair, 0) + 1
    return sorted(((gold, guess, n) for (gold, guess), n in counts.items()), key=lambda row: -row[2])[:top]


def test_intent_macro_f1_on_holdout(holdout_results: Path) -> None:
    report = read_report(holdout_results / "intent_report.json")
    macro_f1 = report["macro avg"]["f1-score"]
    pairs = confusion_pairs(holdout_results)
    print(f"\nheld-out intent macro-F1 {macro_f1:.3f}; top confusions (gold -> predicted, count): {pairs}")
    assert macro_f1 >= MIN_INTENT_MACRO_F1, f"macro-F1 {macro_f1:.3f}; confusions: {pairs}"


def test_every_intent_is_recognised_on_holdout(holdout_results: Path) -> None:
    report = read_report(holdout_results / "intent_report.json")
    weak = {name: round(scores["f1-score"], 2) for name, scores in report.items()
            if isinstance(scores, dict) and "support" in scores and name not in ("macro avg", "weighted avg", "micro avg")
            and scores["f1-score"] < 0.7}
    assert not weak, f"intents with F1 below 0.7 on the held-out set: {weak}"


def test_entities_on_holdout(holdout_results: Path) -> None:
    report = read_report(holdout_results / "DIETClassifier_report.json")
    macro_f1 = report["macro avg"]["f1-score"]
    print(f"\nheld-out entity macro-F1 (DIET) {macro_f1:.3f}")
    assert macro_f1 >= MIN_ENTITY_MACRO_F1
