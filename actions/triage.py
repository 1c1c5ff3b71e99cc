"""Red-flag escalation and the end of emergency mode."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.checkins import note_escalation
from actions.common import latest_text, send
from actions.sign_check import ask_sign_check
from backcare.guidance import with_sources
from backcare.reply import Reply
from backcare.sign_check import check_for_red_flag_message
from backcare.triage import Level, triage_message


class ActionTriageRedFlag(Action):
    def name(self) -> str:
        return "action_triage_red_flag"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        # A sign that may not be new, or one only the classifier heard: ask first. Not inside a form (booking, the
        # symptom check): its own questions carry on, and the reply below still names the signs.
        pending = check_for_red_flag_message(text) if tracker.active_loop_name is None else None
        if pending is not None:
            return ask_sign_check(tracker, pending)
        outcome = triage_message(text)
        send(dispatcher, Reply(with_sources(outcome.text, outcome.sources), outcome.buttons))
        note_escalation(tracker, outcome.level)  # a sign given in reply to a check-in is its outcome
        # Emergency mode only ends when the person says they have help, never because a later sign is milder.
        in_emergency = tracker.get_slot("triage_level") == Level.EMERGENCY.value
        level = Level.EMERGENCY if in_emergency else outcome.level
        events: list[dict[str, Any]] = [SlotSet("triage_level", level.value), SlotSet("topic", "triage")]
        if outcome.level is Level.EMERGENCY:
            # Nothing else (a booking form, say) may carry on as if this were routine.
            events.append(ActiveLoop(None))
        return events


class ActionEndEmergencyMode(Action):
    """Runs once the person says they have help: answers stop leading with the 999 advice."""

    def name(self) -> str:
        return "action_end_emergency_mode"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return [SlotSet("triage_level", None)]
