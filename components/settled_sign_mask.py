"""Lets the intent classifier read a message without the warning signs it only sets aside ("no numbness, bladder
fine, just a spasm: what helps?"), so it answers the real question (logic in `backcare.triage.masking`).

Place it after the spelling normaliser and before SpacyNLP. The blanked clauses keep their length, so entity
positions still fit the text; the whole message is kept under UNMASKED_TEXT, and the red-flag safety net reads it
and puts it back as the message text, so the net, the actions and the tracker all see every word. Training
examples are read the same way, so the classifier learns on what it will see.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.triage.masking import mask_settled_signs

UNMASKED_TEXT = "unmasked_text"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SettledSignMask(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SettledSignMask":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            mask(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            mask(message)
        return messages


def mask(message: Message) -> None:
    text = message.get(TEXT)
    if not text or text.startswith("/"):  # button payloads carry their intent already
        return
    masked = mask_settled_signs(text)
    if masked == text or _blanks_an_entity(message, masked):
        return
    message.set(UNMASKED_TEXT, text)
    message.set(TEXT, masked)


def _blanks_an_entity(message: Message, masked: str) -> bool:
    """A training example whose annotated entity falls in a blanked clause keeps its text (the entity must stay)."""
    return any(not masked[entity["start"]:entity["end"]].strip() for entity in message.get(ENTITIES) or [])


def unmask(message: Message) -> str:
    """The whole message again as its text (the safety net calls this); returns it."""
    text = message.get(UNMASKED_TEXT)
    if text:
        message.set(TEXT, text)
    return str(message.get(TEXT) or "")
