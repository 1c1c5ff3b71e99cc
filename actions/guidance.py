"""Topic, treatment and medicine guidance from the knowledge base."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    clinic_profile, entity_values, knowledge_base, latest_intent, latest_text, send, slot_list,
)
from backcare.feedback import FEEDBACK_QUESTION, should_ask_feedback
from backcare.guidance import GuidanceRequest, choose_guidance, profile_fields
from backcare.medication import read_medicine_words


class ActionGiveGuidance(Action):
    def name(self) -> str:
        return "action_give_guidance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return give_guidance(dispatcher, tracker, latest_intent(tracker))


def give_guidance(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> list[dict[str, Any]]:
    """Answer the latest message as `intent`, with its entities and what the conversation already holds."""
    # Words the model may miss ("I'm 72", "allergic to aspirin", "ibuprofen gel") correct what it found.
    text = latest_text(tracker)
    reading = read_medicine_words(text)
    new_conditions = entity_values(tracker, "condition") + list(reading.conditions)
    # Conditions are kept for the whole conversation: a caution must not be forgotten a turn later.
    conditions = list(dict.fromkeys(slot_list(tracker, "conditions") + new_conditions))
    treatments = entity_values(tracker, "treatment")
    request = GuidanceRequest(
        intent=intent,
        treatment=treatments[0] if treatments else None,
        medications=reading.applied_to(entity_values(tracker, "medication")),
        remembered_medications=slot_list(tracker, "medications"),
        conditions=conditions,
        last_topic=tracker.get_slot("topic"),
        profile_fields=profile_fields(clinic_profile()),
        text=text,
    )
    reply = choose_guidance(knowledge_base(), request)
    send(dispatcher, reply)
    if should_ask_feedback(reply.topic, tracker.get_slot("triage_level"), guidance_answers(tracker) + 1,
                           feedback_asked(tracker)):
        send(dispatcher, FEEDBACK_QUESTION)
    return [SlotSet("topic", reply.topic), SlotSet("conditions", conditions or None)]


def guidance_answers(tracker: Tracker) -> int:
    """Guidance answers already given in this conversation (this one not counted)."""
    return sum(1 for event in tracker.events
               if event.get("event") == "action" and event.get("name") == "action_give_guidance")


def feedback_asked(tracker: Tracker) -> bool:
    return any(event.get("event") == "bot" and event.get("text") == FEEDBACK_QUESTION.text
               for event in tracker.events)
