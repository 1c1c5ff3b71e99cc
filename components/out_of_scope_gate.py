"""The out-of-scope gate: after the intent classifier and its fallback, a message the scope model
(`backcare.scope`) reads as out of scope becomes `out_of_scope`, whatever back topic the classifier chose.

Placed before the red-flag safety net, so a red-flag sign the patterns name is still escalated. A red flag only
the classifier heard ("chills and aches all over") can become out_of_scope; that answer sends other health worries
to a pharmacist, GP or NHS 111, and emergencies to 999. Button payloads ("/ask_treatment") are left alone.

A message that names the back ("can I take my leftover tramadol for my back?") is declined only when the scope model
is nearly sure (`back_threshold`), whether the classifier or the scope model read it as off-topic: otherwise it keeps
the classifier's best back reading. Trained on many other conditions' questions, both models learnt that a long
message full of medicine names is off-topic; "pimples on my back" stays out (issue 16, docs/nlu-writers.md).
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.back_words import about_an_animal, names_the_back
from backcare.intent_ranking import NLU_FALLBACK, OUT_OF_SCOPE, first_reading
from backcare.medication.reading import named_medicines
from backcare.scope import ScopeModel
from components.intent_override import override_intent

NOT_A_BACK_READING = {OUT_OF_SCOPE, NLU_FALLBACK}
# The conversation's own moves, never declined: with hundreds of everyday off-topic examples, the scope model came
# to read "hi", "thanks" or "next" as off-topic; the gate is a second opinion on back topics only.
CONVERSATIONAL = {
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "stop",
    "bot_challenge",
    "request_human",
    "start_checkins",
    "stop_checkins",
    "answer_checkin",
    "next_exercise",
    "repeat_exercise",
    "report_exercise_pain",
}
MODEL_FILE = "scope_model.skops"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class OutOfScopeGate(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"threshold": 0.5, "back_threshold": 0.9}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[ScopeModel] = None,
    ) -> None:
        self._threshold = float(config["threshold"])
        self._back_threshold = float(config["back_threshold"])
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
        if (
            self._model is None
            or not text.strip()
            or text.startswith("/")
            or intent == NLU_FALLBACK
            or intent in CONVERSATIONAL
        ):
            return
        if about_an_animal(text):  # a pet's back is a vet's question; the safety net still reads the person's signs
            override_intent(message, OUT_OF_SCOPE, 1.0)
            return
        probability = self._model.probability_out_of_scope(text)
        # A back-pain medicine we give guidance on is ours to answer, like the back itself ("side effects of
        # naproxen"): declined only when the scope model is nearly sure.
        if not (names_the_back(text) or named_medicines(text)):
            if intent != OUT_OF_SCOPE and probability > self._threshold:
                override_intent(message, OUT_OF_SCOPE, probability)
            return
        if probability > self._back_threshold:
            if intent != OUT_OF_SCOPE:
                override_intent(message, OUT_OF_SCOPE, probability)
        elif intent == OUT_OF_SCOPE:
            self._keep_the_back_reading(message)

    @staticmethod
    def _keep_the_back_reading(message: Message) -> None:
        best = first_reading(message.get(INTENT_RANKING_KEY) or [], NOT_A_BACK_READING)
        if best is not None:
            override_intent(message, best.intent, best.confidence)
