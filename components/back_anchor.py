"""Keeps the classifier's best guess for a message that names the back (logic in `backcare.back_words`) when the
FallbackClassifier only found it unsure: "I have a back pain since I turned 70" is about what this assistant covers,
and its best guess serves the person better than "I didn't follow". A close call between two intents stays a
fallback, so the person is still asked which was meant.

Place it right after the FallbackClassifier; its `ambiguity_threshold` must equal the FallbackClassifier's (a unit
test checks config.yml).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.back_words import names_the_back
from backcare.clarify import close_pair

FALLBACK = "nlu_fallback"
NOT_A_GUESS = {FALLBACK, "out_of_scope"}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class BackAnchor(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"ambiguity_threshold": 0.02}

    def __init__(self, config: dict[str, Any]) -> None:
        self._margin = float(config["ambiguity_threshold"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> BackAnchor:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._keep_best_guess(message)
        return messages

    def _keep_best_guess(self, message: Message) -> None:
        if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != FALLBACK:
            return
        ranking = [item for item in message.get(INTENT_RANKING_KEY) or [] if item.get("name") != FALLBACK]
        if not ranking or ranking[0].get("name") in NOT_A_GUESS or not names_the_back(message.get(TEXT) or ""):
            return
        # A close call between two questions a person could choose from stays a fallback: they are asked which.
        if close_pair(ranking, self._margin) is None:
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
