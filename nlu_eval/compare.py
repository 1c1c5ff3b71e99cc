"""`python -m nlu_eval.compare`: train several NLU pipelines on the same data in one run and score each on the
same sets, writing the table to docs/pipeline-comparison.md. CPU heavy (one `rasa train nlu` per pipeline):
run it under the shared heavy lock.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

import yaml

from nlu_eval.evaluate import Evaluation, evaluate
from nlu_eval.parsing import ModelParser
from nlu_eval.report import table
from nlu_eval.sets import ROOT

PIPELINES = Path(__file__).with_name("pipelines")
SPELLING_NORMALISER = "components.spelling_normaliser.SpellingNormaliserComponent"
OUT_OF_SCOPE_GATE = "components.out_of_scope_gate.OutOfScopeGate"
SPACY_CONTEXT_FEATURIZER = {"name": "components.spacy_context_featurizer.SpacyContextFeaturizer", "pooling": "mean"}
RASA = str(Path(sys.executable).with_name("rasa"))


def production_pipeline() -> list[dict[str, Any]]:
    return list(yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"])


def replace_step(pipeline: list[dict[str, Any]], name: str, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`pipeline` with the step called `name` replaced by `steps` (none: removed)."""
    return [new for step in pipeline for new in (steps if step["name"] == name else [step])]


def step_named(pipeline: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(step for step in pipeline if step["name"] == name)


def insert_after(pipeline: list[dict[str, Any]], name: str, step: dict[str, Any]) -> list[dict[str, Any]]:
    return replace_step(pipeline, name, [step_named(pipeline, name), step])


def with_fallback_threshold(pipeline: list[dict[str, Any]], threshold: float) -> list[dict[str, Any]]:
    return [{**step, "threshold": threshold} if step["name"] == "FallbackClassifier" else step for step in pipeline]


def variants() -> dict[str, list[dict[str, Any]]]:
    """config.yml's pipeline, each of its choices undone one at a time, and the alternatives it was chosen
    against, all trained on the same data."""
    chosen = production_pipeline()
    without_gate = replace_step(chosen, OUT_OF_SCOPE_GATE, [])
    return {
        "config.yml (chosen)": chosen,
        "config.yml without the out-of-scope gate": without_gate,
        "config.yml without the spelling normaliser": replace_step(chosen, SPELLING_NORMALISER, []),
        "config.yml, fallback threshold 0.45": with_fallback_threshold(chosen, 0.45),
        "config.yml + spaCy context vectors": insert_after(chosen, "SpacyTokenizer", SPACY_CONTEXT_FEATURIZER),
        "config.yml without spaCy (whitespace tokens)": replace_step(
            replace_step(chosen, "SpacyNLP", []), "SpacyTokenizer", [{"name": "WhitespaceTokenizer"}]
        ),
        "spaCy context vectors + SklearnIntentClassifier": yaml.safe_load(
            (PIPELINES / "spacy_sklearn.yml").read_text()
        )["pipeline"],
        "before this comparison (no normaliser, no gate, fallback 0.45)": with_fallback_threshold(
            replace_step(without_gate, SPELLING_NORMALISER, []), 0.45
        ),
    }


@dataclass(frozen=True)
class Row:
    name: str
    evaluation: Optional[Evaluation]  # None when the pipeline could not be trained
    train_seconds: float
    size_mb: float
    latency_ms: float
    failure: str = ""


def train(name: str, pipeline: list[dict[str, Any]], work: Path) -> tuple[Path, float]:
    """Train once; a model kept from an earlier run (with its recorded training time) is reused."""
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:40]
    model, seconds_file = work / f"{slug}.tar.gz", work / f"{slug}.train-seconds"
    if model.is_file() and seconds_file.is_file():
        return model, float(seconds_file.read_text())
    config = work / f"{slug}.yml"
    config.write_text(
        yaml.safe_dump(
            {"recipe": "default.v1", "assistant_id": "nlu-comparison", "language": "en", "pipeline": pipeline}
        )
    )
    started = time.monotonic()
    result = subprocess.run(
        [
            RASA,
            "train",
            "nlu",
            "--config",
            str(config),
            "--nlu",
            "data/nlu",
            "--out",
            str(work),
            "--fixed-model-name",
            slug,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # One fresh cache for this comparison: nothing comes from earlier trainings, but a pipeline that only
        # adds a step in front of another (the normaliser leaves training data as it is) reuses its classifier.
        env={**os.environ, "RASA_CACHE_DIRECTORY": str(work / "rasa-cache")},
    )
    if result.returncode != 0:
        raise TrainingFailed(result.stderr.strip().splitlines()[-1])
    seconds = time.monotonic() - started
    seconds_file.write_text(f"{seconds:.0f}")
    return model, seconds


FIGURE_COLUMNS = (
    "held-out accuracy",
    "held-out macro-F1",
    "OOS recall",
    "OOS precision",
    "in-scope false rejection",
    "borderline in scope",
    "robustness",
    "real users: back in scope",
    "real users: other topics out",
)


def figures(evaluation: Evaluation) -> tuple[float, ...]:
    """One table row's scores, in the order of FIGURE_COLUMNS."""
    return (
        evaluation.holdout.accuracy,
        evaluation.holdout.macro_f1,
        evaluation.scope.oos_recall,
        evaluation.scope.oos_precision,
        evaluation.scope.in_scope_false_rejection,
        evaluation.borderline.accuracy,
        evaluation.robustness.accuracy,
        evaluation.real_user_share("back_domain"),
        evaluation.real_user_share("out_of_scope"),
    )


class TrainingFailed(Exception):
    pass


def measure(name: str, pipeline: list[dict[str, Any]], work: Path) -> Row:
    try:
        model, seconds = train(name, pipeline, work)
    except TrainingFailed as error:
        return Row(name, None, 0.0, 0.0, 0.0, failure=str(error))
    parser = ModelParser(model)
    evaluation = evaluate(parser.parse, consumer_questions=False)
    return Row(name, evaluation, seconds, model.stat().st_size / 1e6, parser.median_latency_ms())


def render(rows: list[Row], command: str) -> str:
    header = ("pipeline", *FIGURE_COLUMNS, "training s", "model MB", "parse ms (median)")
    trained = [r for r in rows if r.evaluation]
    body = [
        (r.name, *figures(r.evaluation), f"{r.train_seconds:.0f}", f"{r.size_mb:.1f}", f"{r.latency_ms:.1f}")
        for r in trained
        if r.evaluation
    ]
    typo = [
        (
            r.name,
            r.evaluation.robustness.by_group()["typos_and_phonetic"].accuracy,
            r.evaluation.robustness.by_group()["text_speak"].accuracy,
        )
        for r in trained
        if r.evaluation
    ]
    failed = "".join(f"- **{r.name}** could not be trained: `{r.failure}`\n" for r in rows if not r.evaluation)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "# NLU pipeline comparison\n\n"
        f"Generated {stamp} by `{command}`: each pipeline trained with `rasa train nlu` on the same data/nlu, "
        "one after the other on the same 2-core machine, then scored in-process on the same sets (see "
        "docs/nlu-report.md for what each set is; the long consumer-health questions are left out here). Parse time is "
        "the median per message over all sets. Rows that differ from another only after the classifier (fallback "
        "threshold, gate) reuse its trained DIET (Rasa's training cache), so their training time is only the steps "
        "that changed.\n\n"
        f"{table(header, body)}\n\n{failed}\nSpelling (robustness categories):\n\n"
        f"{table(('pipeline', 'typos and phonetic', 'text-speak'), typo)}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=ROOT / "results" / "pipeline-comparison")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "pipeline-comparison.md")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, pipeline in variants().items():
        rows.append(measure(name, pipeline, args.work))
        row = rows[-1]
        print(
            f"{name}: macro-F1 {row.evaluation.holdout.macro_f1:.3f}, {row.train_seconds:.0f} s"
            if row.evaluation
            else f"{name}: not trained ({row.failure})",
            flush=True,
        )
    args.out.write_text(render(rows, " ".join(["python -m nlu_eval.compare", *sys.argv[1:]])))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
