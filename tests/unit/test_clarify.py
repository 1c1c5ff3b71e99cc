"""The clarifying question for two close intents: plain logic and the action adapter, without Rasa."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import ActionClarifyIntent
from backcare.clarify import AMBIGUITY_MARGIN, INTENT_TITLES, close_pair, payload, settled_by_context

ROOT = Path(__file__).resolve().parents[2]


def ranking(*pairs: tuple[str, float]) -> list[dict[str, Any]]:
    return [{"name": "nlu_fallback", "confidence": 0.45}] + [{"name": n, "confidence": c} for n, c in pairs]


def test_two_close_intents_are_the_pair_to_ask_about() -> None:
    assert close_pair(ranking(("ask_medication", 0.40), ("ask_treatment", 0.39), ("greet", 0.1))) == (
        "ask_medication",
        "ask_treatment",
    )


def test_an_unsure_guess_with_a_clear_runner_up_gap_is_no_question() -> None:
    assert close_pair(ranking(("ask_medication", 0.40), ("ask_treatment", 0.20))) is None


def test_intents_without_a_button_title_are_skipped() -> None:
    assert close_pair(ranking(("greet", 0.40), ("ask_causes", 0.38), ("ask_prevention", 0.37))) == (
        "ask_causes",
        "ask_prevention",
    )


def test_payload_carries_the_entities_of_the_message() -> None:
    entities = [{"entity": "medication", "value": "ibuprofen"}, {"entity": "condition", "value": "asthma"}]
    assert payload("ask_medication", entities) == '/ask_medication{"medication": "ibuprofen", "condition": "asthma"}'
    assert payload("ask_causes", []) == "/ask_causes"


def test_margin_matches_the_fallback_classifier_in_config() -> None:
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    fallback = next(step for step in pipeline if step["name"] == "FallbackClassifier")
    assert fallback["ambiguity_threshold"] == AMBIGUITY_MARGIN


def test_every_titled_intent_exists_in_the_domain() -> None:
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"])
    assert set(INTENT_TITLES) <= intents


def run(message: dict[str, Any]) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    state = Tracker("patient", {}, message, [], False, None, None, "action_listen")
    asyncio.run(ActionClarifyIntent().run(dispatcher, state, {}))
    return dispatcher.messages


def test_the_action_offers_both_intents_as_buttons_and_something_else() -> None:
    messages = run(
        {
            "text": "nurofen or heat?",
            "intent": {"name": "nlu_fallback", "confidence": 0.45},
            "intent_ranking": ranking(("ask_medication", 0.42), ("ask_treatment", 0.40)),
            "entities": [{"entity": "medication", "value": "ibuprofen"}],
        }
    )
    buttons = messages[0]["buttons"]
    assert [b["title"] for b in buttons] == ["Which medicines can I take?", "What can I do for it?", "Something else"]
    assert buttons[0]["payload"].startswith("/ask_medication")
    assert json.loads(buttons[0]["payload"][len("/ask_medication") :]) == {"medication": "ibuprofen"}


def test_the_action_asks_to_rephrase_when_nothing_was_close() -> None:
    messages = run(
        {
            "text": "blah",
            "intent": {"name": "nlu_fallback", "confidence": 0.45},
            "intent_ranking": ranking(("ask_causes", 0.30), ("greet", 0.10)),
            "entities": [],
        }
    )
    assert messages[0]["response"] == "utter_default"


def test_an_unsure_guess_that_names_a_medicine_gets_the_medicine_answer() -> None:
    messages = run(
        {
            "text": "asthmatic here, what about voltarol gel for my back?",
            "intent": {"name": "nlu_fallback", "confidence": 0.45},
            "intent_ranking": ranking(("ask_treatment", 0.30), ("greet", 0.10)),
            "entities": [{"entity": "condition", "value": "asthma"}],
        }
    )
    assert "fewer side effects" in messages[0]["text"] and "asthma" in messages[0]["text"].lower()


def test_a_close_call_with_the_medicine_question_and_a_named_medicine_gets_the_medicine_answer() -> None:
    messages = run(
        {
            "text": "is panadol any use for a bad back",
            "intent": {"name": "nlu_fallback", "confidence": 0.3},
            "intent_ranking": ranking(("ask_treatment", 0.30), ("ask_medication", 0.29)),
            "entities": [],
        }
    )
    assert "buttons" not in messages[0] or "Something else" not in [b["title"] for b in messages[0]["buttons"]]
    assert "paracetamol" in messages[0]["text"].lower()


def test_a_short_follow_up_torn_between_two_areas_takes_the_one_asked_about_just_before() -> None:
    pair = ("ask_treatment", "ask_when_to_seek_help")
    assert settled_by_context(pair, "ask_treatment", "what should I do?") == "ask_treatment"
    assert settled_by_context(pair, "ask_when_to_seek_help", "what should I do?") == "ask_when_to_seek_help"


def test_context_does_not_settle_a_longer_message_an_unrelated_one_or_a_warning_sign() -> None:
    pair = ("ask_treatment", "ask_when_to_seek_help")
    assert settled_by_context(pair, "ask_medication", "what should I do?") is None
    assert (
        settled_by_context(pair, "ask_treatment", "my back went yesterday and I am not sure what I should do") is None
    )
    assert settled_by_context(("ask_treatment", "report_red_flag"), "ask_treatment", "what now?") is None
