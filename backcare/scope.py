"""Is a message about something this assistant does not cover? A second opinion beside the intent classifier.

The intent classifier has `out_of_scope` as one intent among 28, and it filed many everyday or other-health
messages under the nearest back topic ("how many days until easter" as a recovery question). This is a plain
two-class model trained on the same examples (every out_of_scope example against every other one): word and
character n-grams, TF-IDF, logistic regression with balanced classes, read at its natural threshold of 0.5.
Measured in the NLU pipeline comparison (docs/pipeline-comparison.md, README "NLU pipeline").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import joblib
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

REGULARISATION = 10.0  # inverse strength (scikit-learn's C)


@dataclass(frozen=True)
class ScopeModel:
    pipeline: Pipeline

    @classmethod
    def train(cls, texts: Sequence[str], out_of_scope: Sequence[bool]) -> "ScopeModel":
        if len(set(out_of_scope)) < 2:
            raise ValueError("the scope model needs examples both in and out of scope")
        features = make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                              TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True))
        pipeline = make_pipeline(features, LogisticRegression(C=REGULARISATION, class_weight="balanced",
                                                              max_iter=2000))
        pipeline.fit(list(texts), list(out_of_scope))  # the vectorizers lower-case the text themselves
        return cls(pipeline)

    def probability_out_of_scope(self, text: str) -> float:
        return float(self.pipeline.predict_proba([text])[0][1])

    def save(self, path: Path) -> None:
        joblib.dump(self.pipeline, path)

    @classmethod
    def load(cls, path: Path) -> "ScopeModel":
        return cls(joblib.load(path))
