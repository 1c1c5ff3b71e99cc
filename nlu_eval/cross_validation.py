"""`python -m nlu_eval.cross_validation`: 5-fold cross-validation of the production pipeline on data/nlu
(`rasa test nlu --cross-validation`), written as a section that `make eval` appends to docs/nlu-report.md.

Five trainings at the production epochs take about 40 minutes on 2 cores, so DIET trains for CV_EPOCHS unless
`--epochs` says otherwise; at 20 epochs the figure is far below the production model's. CPU heavy.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from nlu_eval.report import table
from nlu_eval.sets import ROOT

CV_EPOCHS = 20
FOLDS = 5
SECTION = ROOT / "docs" / "nlu-cross-validation.md"
RASA = str(Path(sys.executable).with_name("rasa"))


def cross_validation_config(epochs: int = CV_EPOCHS, intents_only: bool = False) -> dict[str, Any]:
    """config.yml's pipeline; with intents_only, without the DIET step that reads entities only: no intent
    component reads its output, so the intent figures are the production pipeline's, in minutes, not 40."""
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    for step in config["pipeline"]:
        if step["name"] == "DIETClassifier":
            step["epochs"] = epochs
    if intents_only:
        config["pipeline"] = [step for step in config["pipeline"] if not _entities_only_diet(step)]
    return {key: config[key] for key in ("recipe", "assistant_id", "language", "pipeline")}


def _entities_only_diet(step: dict[str, Any]) -> bool:
    return step["name"] == "DIETClassifier" and step.get("intent_classification") is False


def render(
    intent_report: dict[str, Any], entity_report: dict[str, Any], seconds: float, command: str, pipeline: str
) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rows = [
        (
            "intents",
            intent_report["accuracy"],
            intent_report["macro avg"]["f1-score"],
            intent_report["weighted avg"]["f1-score"],
        )
    ]
    if entity_report:
        rows.append(
            ("entities (DIET)", "", entity_report["macro avg"]["f1-score"], entity_report["weighted avg"]["f1-score"])
        )
    return (
        f"\n## {FOLDS}-fold cross-validation on the training data\n\n"
        f"Generated {stamp} by `{command}` ({seconds / 60:.0f} min): config.yml's pipeline {pipeline}, "
        "scored on the held-out fold of each split "
        "(Rasa's own report, nlu_fallback counted as a wrong intent).\n\n"
        f"{table(('', 'accuracy', 'macro-F1', 'weighted F1'), rows)}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=ROOT / "results" / "cross-validation")
    parser.add_argument("--epochs", type=int, default=CV_EPOCHS, help="DIET's epochs (config.yml's: about 2x slower)")
    parser.add_argument("--intents-only", action="store_true", help="without the entities-only DIET step: minutes")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    config = args.work / "config.yml"
    config.write_text(yaml.safe_dump(cross_validation_config(args.epochs, args.intents_only)))
    started = time.monotonic()
    subprocess.run(
        [
            RASA,
            "test",
            "nlu",
            "--nlu",
            "data/nlu",
            "--config",
            str(config),
            "--cross-validation",
            "--folds",
            str(FOLDS),
            "--out",
            str(args.work),
            "--no-plot",
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    entity_file = args.work / "DIETClassifier_report.json"
    SECTION.write_text(
        render(
            json.loads((args.work / "intent_report.json").read_text()),
            json.loads(entity_file.read_text()) if entity_file.is_file() else {},
            time.monotonic() - started,
            "make eval-cv" + (f' ARGS="{" ".join(sys.argv[1:])}"' if sys.argv[1:] else ""),
            "without DIET, which reads entities only (intents exactly as in production)"
            if args.intents_only
            else f"with DIET at {args.epochs} epochs",
        )
    )
    print(f"wrote {SECTION}")


if __name__ == "__main__":
    main()
