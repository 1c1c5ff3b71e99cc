"""The warning-sign questions on their own (screening_form): one question a turn, the disposition at the end."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.screening import (
    ActionAskRedFlagScreen,
    ActionFinishScreening,
    ActionStopScreening,
    ValidateScreeningForm,
)
from backcare.triage import screening_questions

QUESTIONS = screening_questions()


def form_tracker(text: str, intent: str = "inform", answers: dict[str, str] | None = None) -> Tracker:
    slots = {"requested_slot": "red_flag_screen", "screening_answers": answers or {}, "red_flag_screen": None}
    message = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text}
    return Tracker("patient", slots, message, [], False, None, {"name": "screening_form"}, "action_listen")


def answer(text: str, answers: dict[str, str] | None = None, intent: str = "inform") -> tuple[str, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    form = ValidateScreeningForm()
    values = asyncio.run(form.validate_red_flag_screen(text, dispatcher, form_tracker(text, intent, answers), {}))
    said = "\n".join(str(m.get("text") or "") for m in dispatcher.messages)
    return said, values


def test_a_no_moves_to_the_next_question_without_a_verdict() -> None:
    said, values = answer("no")
    assert said == "" and values["red_flag_screen"] is None
    assert values["screening_answers"] == {QUESTIONS[0].id: "no"}


def test_an_emergency_yes_ends_the_questions_with_999_advice() -> None:
    said, values = answer("yes", {QUESTIONS[0].id: "no"})
    assert QUESTIONS[1].level.value == "emergency"
    assert "999" in said and values["triage_level"] == "emergency" and values["red_flag_screen"] == "emergency"


def test_all_no_is_routine_and_not_an_escalation() -> None:
    answers = {q.id: "no" for q in QUESTIONS[:-1]}
    said, values = answer("no", answers)
    assert "none of those suggests" in said and values["red_flag_screen"] == "routine"
    assert "triage_level" not in values


def test_not_sure_about_an_emergency_sign_is_sent_to_111_today_without_the_booking_note() -> None:
    answers = {QUESTIONS[0].id: "unsure", **{q.id: "no" for q in QUESTIONS[1:-1]}}
    said, values = answer("no", answers)
    assert values["triage_level"] == "urgent" and "111" in said
    assert "carry on" not in said  # "I'll carry on with the booking" belongs to the booking form only


def test_an_unreadable_answer_asks_again() -> None:
    said, values = answer("my cat is called Bob")
    assert "yes, no or not sure" in said and values["red_flag_screen"] is None


def test_the_questions_are_introduced_for_a_symptom_check() -> None:
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAskRedFlagScreen().run(dispatcher, form_tracker(""), {}))
    text = dispatcher.messages[0]["text"]
    assert "warning signs" in text and "(1 of 6)" in text and "physio is the right person" not in text
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny", "not sure"]


def test_a_routine_result_offers_self_care_and_booking_and_clears_the_answers() -> None:
    tracker = form_tracker("no")
    tracker.slots["red_flag_screen"] = "routine"
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFinishScreening().run(dispatcher, tracker, {}))
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == ["/ask_treatment", "/book_appointment"]
    assert {e["name"]: e["value"] for e in events}["screening_answers"] is None


def test_an_escalated_result_adds_nothing_after_the_advice() -> None:
    tracker = form_tracker("yes")
    tracker.slots["red_flag_screen"] = "emergency"
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFinishScreening().run(dispatcher, tracker, {}))
    assert dispatcher.messages == []


def test_stopping_closes_the_form() -> None:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionStopScreening().run(dispatcher, form_tracker("stop", "stop"), {}))
    assert events[0] == {"event": "active_loop", "name": None, "timestamp": None}
    assert "stop the questions" in dispatcher.messages[0]["text"]


def extract(text: str, intent: str) -> dict[str, Any]:
    form = ValidateScreeningForm()
    return asyncio.run(form.extract_red_flag_screen(CollectingDispatcher(), form_tracker(text, intent), {}))


def test_a_no_the_classifier_alone_took_for_a_red_flag_is_still_an_answer() -> None:
    assert extract("never had cancer", "report_red_flag") == {"red_flag_screen": "never had cancer"}


def test_a_sign_the_safety_net_names_is_left_to_the_escalation_rule() -> None:
    assert extract("no, but i can't feel my bum when i wipe", "report_red_flag") == {}
