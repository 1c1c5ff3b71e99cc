"""The rasa-sdk adapters with a real dispatcher and tracker, no server: what each action utters and sets."""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic import ActionAnswerInsurance, ActionGiveClinicInfo
from actions.guidance import ActionGiveGuidance
from actions.handoff import ActionRequestHuman
from actions.triage import ActionEndEmergencyMode, ActionTriageRedFlag
from backcare.clinic import load_profile

PROFILE = load_profile()


def tracker(intent: str, text: str = "", entities: Optional[list[dict[str, Any]]] = None, **slots: Any) -> Tracker:
    message = {"intent": {"name": intent, "confidence": 0.9}, "entities": entities or [], "text": text}
    return Tracker("patient", slots, message, [], False, None, None, "action_listen")


def run(action: Action, state: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, {}))
    return dispatcher.messages, events


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def test_guidance_utters_the_entry_with_buttons_and_remembers_the_topic() -> None:
    messages, events = run(ActionGiveGuidance(), tracker("ask_causes", "what causes it"))
    assert "strains a muscle" in messages[0]["text"] and messages[0]["buttons"]
    assert slot_events(events)["topic"] == "causes"


def test_after_a_same_day_sign_every_answer_repeats_it_first() -> None:
    messages, _ = run(ActionGiveGuidance(), tracker("ask_causes", "what causes it", triage_level="urgent"))
    assert messages[0]["text"].startswith("**Please do still get medical help today**")
    assert "strains a muscle" in messages[1]["text"]


def test_without_a_same_day_sign_the_answer_comes_alone() -> None:
    messages, _ = run(ActionGiveGuidance(), tracker("ask_causes", "what causes it", triage_level="routine"))
    assert "medical help today" not in messages[0]["text"]


def test_guidance_keeps_conditions_across_turns() -> None:
    state = tracker(
        "ask_medication",
        "can i take naproxen",
        [{"entity": "medication", "value": "naproxen"}],
        conditions=["asthma"],
        medications=["naproxen"],
    )
    messages, events = run(ActionGiveGuidance(), state)
    assert "asthma" in messages[0]["text"].lower()
    assert slot_events(events)["conditions"] == ["asthma"]


def test_new_condition_is_added_to_the_remembered_ones() -> None:
    state = tracker(
        "inform",
        "i'm on warfarin",
        [{"entity": "condition", "value": "blood_thinner"}],
        conditions=["asthma"],
        medications=["ibuprofen"],
        topic="medicine",
    )
    messages, events = run(ActionGiveGuidance(), state)
    assert slot_events(events)["conditions"] == ["asthma", "blood_thinner"]
    assert "blood thinner" in messages[0]["text"].lower()


def test_emergency_sign_gets_999_without_booking_and_closes_any_form() -> None:
    messages, events = run(ActionTriageRedFlag(), tracker("report_red_flag", "i can't pee and my groin is numb"))
    assert "999" in messages[0]["text"]
    assert not any("book" in button["payload"] for button in messages[0].get("buttons") or [])
    assert slot_events(events)["triage_level"] == "emergency"
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]


def test_urgent_sign_gets_gp_or_111_today() -> None:
    messages, events = run(ActionTriageRedFlag(), tracker("report_red_flag", "back pain and a high temperature"))
    assert "111" in messages[0]["text"] and slot_events(events)["triage_level"] == "urgent"


def test_sought_help_ends_emergency_mode() -> None:
    _, events = run(ActionEndEmergencyMode(), tracker("report_sought_help", "called 999", triage_level="emergency"))
    assert slot_events(events)["triage_level"] is None


def test_insurance_answer_uses_the_entity_and_remembers_it() -> None:
    state = tracker("ask_insurance", "do you take bupa", [{"entity": "insurer", "value": "bupa"}])
    messages, events = run(ActionAnswerInsurance(), state)
    assert messages[0]["text"].startswith("Yes") and slot_events(events)["insurer"] == "bupa"


def test_profile_actions_speak_from_the_clinic_profile() -> None:
    for action in (ActionGiveClinicInfo(), ActionRequestHuman()):
        messages, _ = run(action, tracker("ask_clinic_info"))
        assert PROFILE.phone in messages[0]["text"]


def test_a_milder_sign_after_an_emergency_keeps_emergency_mode() -> None:
    state = tracker("report_red_flag", "it also hurts more when i cough", triage_level="emergency")
    _, events = run(ActionTriageRedFlag(), state)
    assert slot_events(events)["triage_level"] == "emergency"


def test_guidance_reads_an_age_and_a_gel_the_model_missed() -> None:
    state = tracker("ask_medication", "im 72, is ibuprofen gel ok?", [{"entity": "medication", "value": "ibuprofen"}])
    messages, events = run(ActionGiveGuidance(), state)
    assert "fewer side effects" in messages[0]["text"]
    assert slot_events(events)["conditions"] == ["over_65"]


def test_a_remedy_asked_as_a_medicine_gets_its_own_entry() -> None:
    state = tracker(
        "ask_medication", "can i take arnica tablets", [{"entity": "treatment", "value": "natural_remedies"}]
    )
    messages, _ = run(ActionGiveGuidance(), state)
    assert "no NICE advice" in messages[0]["text"] and "pharmacist" in messages[0]["text"]
