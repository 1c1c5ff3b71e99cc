"""The plain text classifier behind the intent classifier and the scope model: what a saved model reads after it is
loaded again."""

from __future__ import annotations

from pathlib import Path

import pytest
import skops.io as sio
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from backcare.text_model import TextClassifier

EXAMPLES = {
    "causes": ["what causes a back spasm", "why does my back spasm", "why do back muscles seize up"],
    "medicine": ["can i take ibuprofen", "is paracetamol ok for back pain", "what painkillers can i take"],
    "heat": ["should i use heat or ice", "would an ice pack help", "is a hot water bottle good for it"],
}
MESSAGES = ["why does it spasm?", "ibuprofen or paracetamol", "ice or a hot bath", "hello there", ""]


def test_a_loaded_classifier_gives_exactly_the_trained_probabilities(tmp_path: Path) -> None:
    texts = [text for examples in EXAMPLES.values() for text in examples]
    labels = [label for label, examples in EXAMPLES.items() for _ in examples]
    trained = TextClassifier.train(texts, labels)
    trained.save(tmp_path / "model.skops")
    loaded = TextClassifier.load(tmp_path / "model.skops")
    for message in MESSAGES:
        assert loaded.probabilities(message) == trained.probabilities(message)
    # Laid out so that the transposed weights the prediction multiplies by are read in place, not copied per message.
    assert loaded.pipeline[-1].coef_.T.flags["C_CONTIGUOUS"]


def test_a_file_with_a_type_that_is_not_trusted_is_refused(tmp_path: Path) -> None:
    # A pipeline holding a type skops does not trust by default and the project does not list (a function).
    sio.dump(make_pipeline(FunctionTransformer(str.lower)), tmp_path / "model.skops")
    with pytest.raises(ValueError, match="holds types that are not trusted"):
        TextClassifier.load(tmp_path / "model.skops")
