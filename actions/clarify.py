"""action_clarify_intent: the answer to `nlu_fallback`. Two close intents get a question with both as buttons
(backcare.clarify). An unsure guess gets the usual "say it another way" (utter_default), unless the message names
a medicine: then it is answered as the medicine question it almost certainly is, cautions included; or unless it
uses the words of a warning sign (numbness, bladder, legs, chest, fever...): then one safety question comes first
(backcare.sign_check), so an unclear message about a possible emergency never gets a bare "didn't follow"."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import entity_values, latest_text, send
from actions.guidance import give_guidance
from actions.sign_check import ask_sign_check
from backcare.clarify import clarifying_question, close_pair
from backcare.medication import named_medicines
from backcare.medication.names import real_medicines
from backcare.sign_check import check_for_words
from backcare.triage.masking import mask_settled_signs


class ActionClarifyIntent(Action):
    def name(self) -> str:
        return "action_clarify_intent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        message = tracker.latest_message
        pair = close_pair(message.get("intent_ranking") or [])
        named = real_medicines(entity_values(tracker, "medication")) or named_medicines(latest_text(tracker))
        if pair is None and named:
            return give_guidance(dispatcher, tracker, "ask_medication")
        pending = check_for_words(mask_settled_signs(latest_text(tracker))) if pair is None else None
        if pending is not None:  # never a bare "didn't follow" for a message about a possible warning sign
            return ask_sign_check(tracker, pending)
        if pair is None:
            dispatcher.utter_message(response="utter_default")
        else:
            send(dispatcher, clarifying_question(pair, message.get("entities") or []))
        return []
