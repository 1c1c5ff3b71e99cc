"""Red-flag escalation and the end of emergency mode."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text, send
from backcare.guidance import with_sources
from backcare.reply import Reply
from backcare.triage import Level, triage_message


class ActionTriageRedFlag(Action):
    def name(self) -> str:
        return "action_triage_red_flag"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        outcome = triage_message(latest_text(tracker))
        send(dispatcher, Reply(with_sources(outcome.text, outcome.sources), outcome.buttons))
        events: list[dict[str, Any]] = [SlotSet("triage_level", outcome.level.value), SlotSet("topic", "triage")]
        if outcome.level is Level.EMERGENCY:
            # Nothing else (a booking form, say) may carry on as if this were routine.
            events.append(ActiveLoop(None))
        return events


class ActionAcknowledgeSoughtHelp(Action):
    def name(self) -> str:
        return "action_acknowledge_sought_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_glad_you_sought_help")
        return [SlotSet("triage_level", None)]
