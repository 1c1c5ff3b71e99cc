"""The plain text classifier behind the intent classifier and the scope model: what a saved model reads after it is
loaded again."""

from __future__ import annotations

from pathlib import Path

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
