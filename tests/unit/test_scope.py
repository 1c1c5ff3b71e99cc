"""The scope model (plain scikit-learn) and the out-of-scope gate component that applies it in the NLU pipeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from backcare.scope import ScopeModel
from components.out_of_scope_gate import OutOfScopeGate
from components.red_flag_safety_net import RedFlagSafetyNet

IN_SCOPE = [
    "my back has gone into spasm",
    "what helps a back spasm",
    "can i take ibuprofen for my back",
    "how long does a back spasm last",
    "should i use heat or ice on my back",
    "book me in with a physio",
    "why does my lower back keep locking up",
    "is it safe to stretch my back",
    "yes please",
    "no thanks",
]
OUT_OF_SCOPE = [
    "what's the weather tomorrow",
    "recommend a good film",
    "how do i cook rice",
    "my ear hurts when i swim",
    "spots on my face",
    "what time is the football on",
    "where can i buy cheap flights",
    "my eyes are itchy",
    "tell me a joke",
    "how do i fix my wifi",
]


@pytest.fixture(scope="module")
def model() -> ScopeModel:
    return ScopeModel.train(IN_SCOPE + OUT_OF_SCOPE, [False] * len(IN_SCOPE) + [True] * len(OUT_OF_SCOPE))


def test_off_topic_messages_score_higher_than_back_questions(model: ScopeModel) -> None:
    assert model.probability_out_of_scope("what's the weather like today") > 0.5
    assert model.probability_out_of_scope("my back spasm really hurts") < 0.5
    assert model.probability_out_of_scope("WHAT'S THE WEATHER LIKE TODAY") == pytest.approx(
        model.probability_out_of_scope("what's the weather like today")
    )


def test_a_saved_model_gives_the_same_answers(model: ScopeModel, tmp_path: Path) -> None:
    model.save(tmp_path / "scope.skops")
    loaded = ScopeModel.load(tmp_path / "scope.skops")
    for text in ("how do i cook pasta", "back spasm help"):
        assert loaded.probability_out_of_scope(text) == model.probability_out_of_scope(text)


def test_training_needs_both_kinds_of_example() -> None:
    with pytest.raises(ValueError, match="examples both in and out of scope"):
        ScopeModel.train(IN_SCOPE, [False] * len(IN_SCOPE))


@pytest.fixture
def trained_gate(tmp_path: Path) -> Callable[[dict[str, Any]], OutOfScopeGate]:
    """Trained through the Rasa interface, persisted, and loaded again (with the given settings) as the Rasa server
    does."""
    storage, resource = LocalModelStorage(tmp_path), Resource("gate")
    context = ExecutionContext(graph_schema=None, model_id="test")  # type: ignore[arg-type]
    examples = [Message(data={TEXT: text, INTENT: "ask_treatment"}) for text in IN_SCOPE]
    examples += [Message(data={TEXT: text, INTENT: "out_of_scope"}) for text in OUT_OF_SCOPE]
    OutOfScopeGate.create(OutOfScopeGate.get_default_config(), storage, resource, context).train(TrainingData(examples))
    return lambda settings: OutOfScopeGate.load(
        {**OutOfScopeGate.get_default_config(), **settings}, storage, resource, context
    )


@pytest.fixture
def gate(trained_gate: Callable[[dict[str, Any]], OutOfScopeGate]) -> OutOfScopeGate:
    return trained_gate({})


def classified(text: str, intent: str, confidence: float = 0.8) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence}], add_to_output=True)
    return message


def intent_of(message: Message) -> str:
    return str(message.get(INTENT)["name"])


def test_an_off_topic_message_filed_under_a_back_topic_is_declined(gate: OutOfScopeGate) -> None:
    message = gate.process([classified("what's the weather like today", "ask_recovery")])[0]
    assert intent_of(message) == "out_of_scope"
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "out_of_scope"
    assert message.get(INTENT_RANKING_KEY)[1]["name"] == "ask_recovery"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("my back spasm really hurts", "ask_treatment"),  # in scope
        ("/ask_treatment", "ask_treatment"),  # a button payload
        ("what's the weather like today", "nlu_fallback"),  # already declined: the clarifying answer stays
        ("", "greet"),
    ],
)
def test_other_messages_keep_their_intent(gate: OutOfScopeGate, text: str, intent: str) -> None:
    assert intent_of(gate.process([classified(text, intent)])[0]) == intent


def test_a_red_flag_sign_is_still_escalated_after_the_gate(gate: OutOfScopeGate) -> None:
    text = "i can't feel my bum when i wipe and i can't wee, also what's the weather like"
    message = gate.process([classified(text, "ask_symptoms")])[0]
    assert intent_of(RedFlagSafetyNet().process([message])[0]) == "report_red_flag"


def ranked(text: str, ranking: list[tuple[str, float]]) -> Message:
    message = Message(data={TEXT: text})
    items = [{"name": name, "confidence": score} for name, score in ranking]
    message.set(INTENT, items[0], add_to_output=True)
    message.set(INTENT_RANKING_KEY, items, add_to_output=True)
    return message


def test_a_message_naming_the_back_read_as_off_topic_keeps_its_back_reading(gate: OutOfScopeGate) -> None:
    text = "can i take the tramadol left over from my knee operation for my back"
    message = gate.process([ranked(text, [("out_of_scope", 0.5), ("ask_medication", 0.3), ("inform", 0.1)])])[0]
    assert intent_of(message) == "ask_medication"


def test_a_message_naming_the_back_is_declined_only_past_the_back_threshold(
    trained_gate: Callable[[dict[str, Any]], OutOfScopeGate],
) -> None:
    text = "what's the weather like for my back"
    never, always = trained_gate({"back_threshold": 1.0}), trained_gate({"back_threshold": 0.0})
    assert intent_of(never.process([ranked(text, [("ask_recovery", 0.6), ("out_of_scope", 0.3)])])[0]) == "ask_recovery"
    assert (
        intent_of(always.process([ranked(text, [("ask_recovery", 0.6), ("out_of_scope", 0.3)])])[0]) == "out_of_scope"
    )
    # Without the back, the ordinary threshold applies.
    assert intent_of(never.process([classified("what's the weather like today", "ask_recovery")])[0]) == "out_of_scope"


@pytest.mark.parametrize("intent", ["greet", "thank", "goodbye", "affirm", "next_exercise", "answer_checkin"])
def test_the_conversations_own_moves_are_never_declined(
    trained_gate: Callable[[dict[str, Any]], OutOfScopeGate], intent: str
) -> None:
    always = trained_gate({"threshold": 0.0})
    assert intent_of(always.process([classified("what's the weather like today", intent)])[0]) == intent


@pytest.mark.parametrize(
    "text",
    ["my spaniel's back legs keep shaking, is that a spasm", "our horse has a sore back after the show, physio?"],
)
def test_a_pets_back_is_declined_however_sure_the_classifier_was(gate: OutOfScopeGate, text: str) -> None:
    assert intent_of(gate.process([classified(text, "ask_treatment", 0.99)])[0]) == "out_of_scope"


def test_a_pet_in_a_message_about_the_persons_own_back_is_no_reason_to_decline(gate: OutOfScopeGate) -> None:
    text = "walking the dog's lead pulled and my back went into spasm, what helps"
    assert intent_of(gate.process([classified(text, "ask_treatment", 0.9)])[0]) == "ask_treatment"


def test_a_pets_sign_is_not_the_persons_but_the_persons_own_sign_in_the_same_message_is() -> None:
    message = classified(
        "my dog can't walk on his back legs and I can't feel my own legs since this morning", "ask_treatment"
    )
    assert intent_of(RedFlagSafetyNet().process([message])[0]) == "report_red_flag"


def test_a_medicine_we_advise_on_is_held_to_the_back_threshold(
    trained_gate: Callable[[dict[str, Any]], OutOfScopeGate],
) -> None:
    never = trained_gate({"back_threshold": 1.0, "threshold": 0.0})
    message = never.process([classified("what are the side effects of naproxen", "ask_medication")])[0]
    assert intent_of(message) == "ask_medication"
    other = never.process([classified("what are the side effects of the weather", "ask_medication")])[0]
    assert intent_of(other) == "out_of_scope"
