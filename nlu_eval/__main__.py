"""`python -m nlu_eval MODEL [--cross-validation FILE]`: write docs/nlu-report.md for a trained model."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from nlu_eval import report
from nlu_eval.evaluate import evaluate
from nlu_eval.parsing import ModelParser
from nlu_eval.sets import ROOT

REPORT = ROOT / "docs" / "nlu-report.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", type=Path)
    parser.add_argument(
        "--cross-validation",
        type=Path,
        default=ROOT / "docs" / "nlu-cross-validation.md",
        help="markdown section with the last cross-validation run, appended when present",
    )
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args()
    evaluation = evaluate(ModelParser(args.model).parse)
    extra = args.cross_validation.read_text() if args.cross_validation.is_file() else ""
    command = "make eval" if "MAKELEVEL" in os.environ else " ".join(["python -m nlu_eval", *sys.argv[1:]])
    args.out.write_text(report.render(evaluation, args.model, command, extra))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
