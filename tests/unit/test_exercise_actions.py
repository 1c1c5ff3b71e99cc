"""actions/exercises.py with a real dispatcher and tracker, no server: the image field and its alt text, the slots
that hold the position, the emergency guard and stop."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.exercises import ActionShowExercise, ActionStopExercises
from backcare.exercises import EMERGENCY_TEXT, PAIN_TEXT, STOPPED_TEXT
from scripts.staff_shell import Shell


def tracker(intent: str, text: str = "", **slots: Any) -> Tracker:
    message = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text}
    return Tracker("patient", slots, message, [], False, None, None, "action_listen")


def run(action: Action, state: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture(autouse=True)
def public_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "https://bot.example.org")


def test_the_first_stretch_comes_with_rasas_image_field_and_alt_text() -> None:
    [message], slots = run(ActionShowExercise(), tracker("show_exercises", "show me stretches for a back spasm"))
    assert "1. Lie on your back" in message["text"]
    assert message["image"] == "https://bot.example.org/webhooks/rest/drawings/knee_to_chest.svg"
    assert "stick figure" in message["alt_text"]
    assert slots == {"exercise_step": "knee_to_chest", "in_exercise_routine": True}


def test_next_moves_on_from_the_slot() -> None:
    [message], slots = run(ActionShowExercise(), tracker("next_exercise", "next", exercise_step="knee_to_chest"))
    assert message["image"].endswith("/knee_rolls.svg")
    assert slots["exercise_step"] == "knee_rolls"


def test_that_hurts_gives_the_stop_advice_and_leaves_the_routine() -> None:
    [message], slots = run(ActionShowExercise(), tracker("report_exercise_pain", "ow", exercise_step="knee_rolls"))
    assert message["text"] == PAIN_TEXT and not message.get("image")
    assert {"title": "Check my symptoms", "payload": "/check_symptoms"} in message["buttons"]
    assert slots == {"exercise_step": None, "in_exercise_routine": False}


def test_no_stretches_in_an_emergency() -> None:
    [message], slots = run(ActionShowExercise(), tracker("show_exercises", "stretches", triage_level="emergency"))
    assert message["text"] == EMERGENCY_TEXT
    assert slots["in_exercise_routine"] is False


def test_stop_leaves_the_routine_with_the_999_advice_first_in_an_emergency() -> None:
    messages, slots = run(ActionStopExercises(), tracker("stop", "stop", exercise_step="pelvic_tilt"))
    assert [m.get("text") for m in messages] == [STOPPED_TEXT]
    assert slots == {"exercise_step": None, "in_exercise_routine": False}
    messages, _ = run(ActionStopExercises(), tracker("stop", "stop", triage_level="emergency"))
    assert messages[0]["response"] == "utter_emergency_reminder"


def test_make_shell_prints_the_steps_and_the_image_address() -> None:
    [message], _ = run(ActionShowExercise(), tracker("show_exercises", "show me stretches for a back spasm"))
    replies = [
        {"recipient_id": "s", "text": message["text"], "buttons": message["buttons"]},
        {"recipient_id": "s", "image": message["image"], "alt_text": message["alt_text"]},
    ]
    out = io.StringIO()
    Shell(send=lambda _: replies, out=out).say("show me stretches for a back spasm")
    printed = out.getvalue()
    assert "1. Lie on your back" in printed
    assert "(image: https://bot.example.org/webhooks/rest/drawings/knee_to_chest.svg)" in printed
    assert "stick figure" in printed and "1. Next stretch" in printed


def test_next_with_no_routine_going_asks_for_more() -> None:
    [message], slots = run(ActionShowExercise(), tracker("next_exercise", "the purple one or the other one"))
    assert "tell me a little more" in message["text"] and not message.get("image")
    assert slots == {"exercise_step": None, "in_exercise_routine": False}
