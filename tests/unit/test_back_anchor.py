"""A message that names the back keeps the classifier's best guess when the fallback found it only unsure; a short
follow-up mid-conversation that the model took for off-topic is answered as the back question it is."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.out_of_scope import in_scope_reading
from backcare.back_words import names_the_back
from components.back_anchor import BackAnchor

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "text, named",
    [
        ("I have a back pain since I turned 70 years old.", True),
        ("When I play sports I have some burning sensation in my spine", True),
        ("my bak is killin me", True),
        ("the MRI showed a herniated disk", True),
        ("is a disc prolapse the same as a slipped disc", True),
        ("the disc in my car stereo is stuck", False),
        ("back to work with my back pain?", True),
        ("can you call me back", False),
        ("when can I go back to work", False),
        ("tchau, ate logo", False),
        ("my eye keeps twitching, is that a spasm?", False),  # a spasm somewhere else
        ("cramp in my calf at night, a spasm or what", False),
        ("spasms low in my back and down my leg", True),
        ("the back of my hand is itchy", False),
        ("pain at the back of my thigh from my back", True),
        ("my labrador's back seems stiff", False),  # a pet's back
        ("I tripped over the dog and my back went", True),
        ("one of our cows went down and can't get up on her back legs", False),  # a farm animal's
        ("my calves are tight and my lower back is in spasm", True),  # a person's calves
    ],
)
def test_the_back_as_a_body_part_is_told_from_back_as_a_word(text: str, named: bool) -> None:
    assert names_the_back(text) is named


def _unsure(text: str, ranking: list[tuple[str, float]]) -> Message:
    items = [{"name": name, "confidence": score} for name, score in ranking]
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": "nlu_fallback", "confidence": 0.8})
    message.set(INTENT_RANKING_KEY, [{"name": "nlu_fallback", "confidence": 0.8}, *items])
    return message


def test_an_unsure_message_about_the_back_keeps_the_best_guess() -> None:
    message = _unsure("I have a back pain since I turned 70", [("ask_treatment", 0.18), ("ask_recovery", 0.1)])
    BackAnchor({"ambiguity_threshold": 0.02}).process([message])
    assert message.get(INTENT)["name"] == "ask_treatment"


@pytest.mark.parametrize(
    "text, ranking",
    [
        ("what do you think", [("ask_treatment", 0.18), ("ask_recovery", 0.1)]),  # no back named
        ("my back, is it this or that", [("ask_treatment", 0.15), ("ask_recovery", 0.14)]),  # a close call
        ("pimples on my back", [("out_of_scope", 0.19), ("ask_treatment", 0.1)]),  # the guess is off-topic
    ],
)
def test_otherwise_the_fallback_stands(text: str, ranking: list[tuple[str, float]]) -> None:
    message = _unsure(text, ranking)
    BackAnchor({"ambiguity_threshold": 0.02}).process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_the_anchor_uses_the_fallback_classifiers_margin() -> None:
    steps = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    names = [step["name"] for step in steps]
    fallback = steps[names.index("FallbackClassifier")]
    anchor = steps[names.index("components.back_anchor.BackAnchor")]
    assert names.index("components.back_anchor.BackAnchor") == names.index("FallbackClassifier") + 1
    assert anchor["ambiguity_threshold"] == fallback["ambiguity_threshold"]


def test_an_off_topic_reading_of_a_follow_up_gives_the_best_back_question() -> None:
    message = {
        "intent_ranking": [
            {"name": "out_of_scope", "confidence": 0.7},
            {"name": "inform", "confidence": 0.2},
            {"name": "ask_medication", "confidence": 0.1},
        ]
    }
    assert in_scope_reading(message) == "ask_medication"
    assert in_scope_reading({"intent_ranking": [{"name": "out_of_scope"}, {"name": "greet"}]}) is None
