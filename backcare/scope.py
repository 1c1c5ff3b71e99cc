"""Is a message about something this assistant does not cover? A second opinion beside the intent classifier.

The intent classifier has `out_of_scope` as one intent among many, and it filed many everyday or other-health
messages under the nearest back topic ("how many days until easter" as a recovery question). This is a two-class
text classifier (backcare.text_model) trained on the same examples (every out_of_scope example against every other
one), read at its natural threshold of 0.5. Measured in the NLU pipeline comparison (README "NLU pipeline").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from backcare.text_model import TextClassifier

OUT = "out"
IN = "in"


@dataclass(frozen=True)
class ScopeModel:
    classifier: TextClassifier

    @classmethod
    def train(cls, texts: Sequence[str], out_of_scope: Sequence[bool]) -> ScopeModel:
        if len(set(out_of_scope)) < 2:
            raise ValueError("the scope model needs examples both in and out of scope")
        return cls(TextClassifier.train(texts, [OUT if out else IN for out in out_of_scope]))

    def probability_out_of_scope(self, text: str) -> float:
        return self.classifier.probabilities(text)[OUT]

    def save(self, path: Path) -> None:
        self.classifier.save(path)

    @classmethod
    def load(cls, path: Path) -> ScopeModel:
        return cls(TextClassifier.load(path))
