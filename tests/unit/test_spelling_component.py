"""The spelling normaliser as Rasa trains, stores and loads it: the English dictionary travels in the model."""

from __future__ import annotations

from pathlib import Path

from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.spelling_normaliser import SpellingNormaliserComponent


def test_a_loaded_normaliser_corrects_medicines_but_not_real_english_words(tmp_path: Path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("spelling")
    context = ExecutionContext(graph_schema=None, model_id="test")  # type: ignore[arg-type]
    config = SpellingNormaliserComponent.get_default_config()
    examples = [Message(data={TEXT: "can i take nurofen"}), Message(data={TEXT: "a tingle in my leg"})]
    data = TrainingData(examples, lookup_tables=[{"name": "medication", "elements": ["nurofen", "tingle"]}])
    SpellingNormaliserComponent.create(config, storage, resource, context).train(data)
    loaded = SpellingNormaliserComponent.load(config, storage, resource, context)
    message = Message(data={TEXT: "every single sneeze hurts, can i take neurofen"})
    loaded.process([message])
    assert message.get(TEXT) == "every single sneeze hurts, can i take nurofen"
