"""The out-of-scope gate: after the intent classifier and its fallback, a message the scope model
(`backcare.scope`) reads as out of scope becomes `out_of_scope`, whatever back topic the classifier chose.

Placed before the red-flag safety net, so a red-flag sign the patterns name is still escalated. A red flag only
the classifier heard ("chills and aches all over") can become out_of_scope; that answer sends other health worries
to a pharmacist, GP or NHS 111, and emergencies to 999. Button payloads ("/ask_treatment") are left alone.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.scope import ScopeModel
from components.intent_override import override_intent

OUT_OF_SCOPE = "out_of_scope"
ALREADY_DECLINED = {OUT_OF_SCOPE, "nlu_fallback"}
MODEL_FILE = "scope_model.skops"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class OutOfScopeGate(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"threshold": 0.5}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[ScopeModel] = None,
    ) -> None:
        self._threshold = float(config["threshold"])
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OutOfScopeGate:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> OutOfScopeGate:
        with model_storage.read_from(resource) as directory:
            model = ScopeModel.load(directory / MODEL_FILE)
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        examples = training_data.intent_examples
        self._model = ScopeModel.train(
            [example.get(TEXT) for example in examples], [example.get(INTENT) == OUT_OF_SCOPE for example in examples]
        )
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory / MODEL_FILE)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._decline_if_out_of_scope(message)
        return messages

    def _decline_if_out_of_scope(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if self._model is None or not text.strip() or text.startswith("/") or intent in ALREADY_DECLINED:
            return
        probability = self._model.probability_out_of_scope(text)
        if probability > self._threshold:
            override_intent(message, OUT_OF_SCOPE, probability)
