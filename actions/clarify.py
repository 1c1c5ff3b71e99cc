"""action_clarify_intent: the answer to `nlu_fallback`. Two close intents get a question with both as buttons
(backcare.clarify). An unsure guess gets the usual "say it another way" (utter_default), unless the message names
a medicine: then it is answered as the medicine question it almost certainly is, cautions included."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import entity_values, latest_text, send
from actions.guidance import give_guidance
from backcare.clarify import clarifying_question, close_pair
from backcare.medication import named_medicines


class ActionClarifyIntent(Action):
    def name(self) -> str:
        return "action_clarify_intent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        message = tracker.latest_message
        pair = close_pair(message.get("intent_ranking") or [])
        if pair is None and (entity_values(tracker, "medication") or named_medicines(latest_text(tracker))):
            return give_guidance(dispatcher, tracker, "ask_medication")
        if pair is None:
            dispatcher.utter_message(response="utter_default")
        else:
            send(dispatcher, clarifying_question(pair, message.get("entities") or []))
        return []
