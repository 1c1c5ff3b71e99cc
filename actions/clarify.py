"""action_clarify_intent: the answer to `nlu_fallback`. Two close intents get a question with both as
buttons (backcare.clarify); an unsure guess gets the usual "say it another way" (utter_default)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import send
from backcare.clarify import clarifying_question, close_pair


class ActionClarifyIntent(Action):
    def name(self) -> str:
        return "action_clarify_intent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        message = tracker.latest_message
        pair = close_pair(message.get("intent_ranking") or [])
        if pair is None:
            dispatcher.utter_message(response="utter_default")
        else:
            send(dispatcher, clarifying_question(pair, message.get("entities") or []))
        return []
