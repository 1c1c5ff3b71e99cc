"""`python -m nlu_eval.fallback_grid MODEL`: the FallbackClassifier's two settings side by side on one trained
model, writing docs/fallback-grid.md. Only the fallback changes between rows (DIET, the gate and the safety net
are the model's own), so the grid needs no training: a few minutes of parsing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from itertools import product
from pathlib import Path

from nlu_eval.compare import FIGURE_COLUMNS, figures, production_pipeline, step_named
from nlu_eval.evaluate import evaluate
from nlu_eval.parsing import ModelParser
from nlu_eval.report import table
from nlu_eval.sets import ROOT

THRESHOLDS = (0.15, 0.2, 0.25, 0.3)
AMBIGUITY_THRESHOLDS = (0.02, 0.05)


def production_fallback() -> tuple[float, float]:
    step = step_named(production_pipeline(), "FallbackClassifier")
    return float(step["threshold"]), float(step["ambiguity_threshold"])


def render(model: Path, rows: list[tuple[float, float, tuple[float, ...]]], command: str) -> str:
    chosen = production_fallback()
    body = [
        (f"{threshold:.2f} / {ambiguity:.2f}" + (" (config.yml)" if (threshold, ambiguity) == chosen else ""), *scores)
        for threshold, ambiguity, scores in rows
    ]
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "# Fallback settings\n\n"
        f"Generated {stamp} by `{command}` on `{model.name}`: the same trained model parsed every evaluation set "
        "once per setting of the FallbackClassifier (threshold / ambiguity threshold); everything else is the "
        "model's own. These are the sets the figures are reported on, so the chosen row's figures are "
        "optimistic for new messages.\n\n"
        f"{table(('fallback threshold / ambiguity', *FIGURE_COLUMNS), body)}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "fallback-grid.md")
    args = parser.parse_args()
    model_parser = ModelParser(args.model)
    rows = []
    for threshold, ambiguity in product(THRESHOLDS, AMBIGUITY_THRESHOLDS):
        model_parser.set_fallback(threshold, ambiguity)
        scores = figures(evaluate(model_parser.parse, consumer_questions=False))
        rows.append((threshold, ambiguity, scores))
        print(
            f"{threshold} / {ambiguity}: macro-F1 {scores[FIGURE_COLUMNS.index('held-out macro-F1')]:.3f}", flush=True
        )
    args.out.write_text(render(args.model, rows, " ".join(["python -m nlu_eval.fallback_grid", *sys.argv[1:]])))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
