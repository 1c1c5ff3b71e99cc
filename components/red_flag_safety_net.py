"""The red-flag safety net: a deterministic check on every message, after the intent classifier.

When a message mentions a red-flag sign (negation-aware patterns in `backcare.triage`), the intent becomes
`report_red_flag` whatever the classifier thought, so the escalation rule fires on the first message, inside
a form or in a message that also asks something routine. Recall therefore does not rest on the classifier.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.triage import names_a_red_flag
from components.intent_override import override_intent

RED_FLAG_INTENT = "report_red_flag"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagSafetyNet(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagSafetyNet:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._escalate_if_red_flag(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    @staticmethod
    def _escalate_if_red_flag(message: Message) -> None:
        text = message.get(TEXT) or ""
        if text.startswith("/") or not names_a_red_flag(text):
            return  # button payloads carry their intent already
        override_intent(message, RED_FLAG_INTENT, 1.0)
