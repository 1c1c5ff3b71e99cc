"""A plain text classifier: word and character n-grams, TF-IDF, logistic regression with balanced classes.

Two models of the NLU use it: the intent classifier (every intent) and the out-of-scope gate (out of scope or
not). On messages from writers it was never trained on it read the right intent far more often than DIET did
(docs/nlu-report.md, "Independent writers"), because character n-grams carry typos, text-speak and word forms
that a small transformer trained on two thousand examples does not.

Stored with skops rather than pickle: loading checks every type in the file against the short list below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import skops.io as sio
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from skops.io.exceptions import UntrustedTypesFoundException

from backcare.triage.masking import mask_settled_signs

REGULARISATION = 10.0  # inverse strength (scikit-learn's C)
# The one type skops does not trust by default: the TF-IDF weights are kept as a scipy sparse matrix.
TRUSTED_TYPES = ["scipy.sparse._csr.csr_matrix"]


@dataclass(frozen=True)
class TextClassifier:
    """Reads every text without the warning signs it only sets aside (backcare.triage.masking), in training and
    after: "no numbness, bladder fine, what helps?" is a question about what helps."""

    pipeline: Pipeline

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str]) -> TextClassifier:
        if len(set(labels)) < 2:
            raise ValueError("a text classifier needs examples of at least two labels")
        features = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        )
        pipeline = make_pipeline(features, LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=3000))
        pipeline.fit([mask_settled_signs(text) for text in texts], list(labels))  # lower-cased by the vectorizers
        return cls(pipeline)

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.pipeline.classes_]

    def probabilities(self, text: str) -> dict[str, float]:
        """Every label with its probability, most likely first."""
        scores = self.pipeline.predict_proba([mask_settled_signs(text)])[0]
        ranked = sorted(zip(self.labels, scores, strict=True), key=lambda item: -item[1])
        return {label: float(score) for label, score in ranked}

    def save(self, path: Path) -> None:
        sio.dump(self.pipeline, path)

    @classmethod
    def load(cls, path: Path) -> TextClassifier:
        # skops checks every type in the file against the trusted ones as it loads (and refuses the file when one is
        # not); listing them first as well read the whole file twice (0.6 s a model at every start).
        try:
            pipeline = sio.load(path, trusted=TRUSTED_TYPES)
        except UntrustedTypesFoundException:
            untrusted = [name for name in sio.get_untrusted_types(file=path) if name not in TRUSTED_TYPES]
            raise ValueError(f"{path.name} holds types that are not trusted: {untrusted}") from None
        # The same weights laid out column by column: scipy multiplies the message's sparse features by the
        # transposed weights, and copied all of them (35 x 49,000 numbers for the intents) for every message when
        # the transpose was not contiguous. Same numbers, same order of sums, same probabilities.
        classifier = pipeline[-1]
        classifier.coef_ = np.asfortranarray(classifier.coef_)
        return cls(pipeline)
