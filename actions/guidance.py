"""Topic, treatment and medicine guidance from the knowledge base."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.checkins import OFFER_TOPICS, answer_open_checkin, offer_checkins
from actions.common import (
    answer_as,
    clinic_profile,
    entity_values,
    knowledge_base,
    latest_intent,
    latest_text,
    send,
    slot_list,
)
from backcare.feedback import FEEDBACK_QUESTION, should_ask_feedback
from backcare.guidance import ASK_FOR_MORE, GuidanceRequest, choose_guidance, profile_fields
from backcare.intent_ranking import NLU_FALLBACK, RED_FLAG, first_reading
from backcare.medication import read_medicine_words
from backcare.medication.names import named_conditions, real_medicines
from backcare.question_cues import question_asked
from backcare.reply import Reply
from backcare.treatment_names import is_treatment_name
from backcare.triage import Level
from backcare.triage.advice import load_advice

STATEMENT = "inform"
NOT_AN_ANSWER = {STATEMENT, NLU_FALLBACK, RED_FLAG, "affirm", "deny", "stop"}
RUNNER_UP_CONFIDENCE = 0.15
WHO_TO_SEE = "ask_which_professional"
TREATMENT_QUESTION = "ask_treatment"


class ActionGiveGuidance(Action):
    def name(self) -> str:
        return "action_give_guidance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        # The wording may name the question the classifier only caught the area of ("why would his back just go?").
        intent = latest_intent(tracker)
        intent = question_asked(intent, latest_text(tracker)) or intent
        # "Is a chiropractor a good idea?" names one kind of care: its entry answers, not the who-to-see one.
        named = [t for t in entity_values(tracker, "treatment") if knowledge_base().for_treatment(t)]
        if intent == WHO_TO_SEE and len(named) == 1:
            intent = TREATMENT_QUESTION
        return give_guidance(dispatcher, tracker, intent)


def give_guidance(
    dispatcher: CollectingDispatcher, tracker: Tracker, intent: str, message: Optional[dict[str, Any]] = None
) -> list[dict[str, Any]]:
    """Answer the latest message (or an earlier one, after a safety question) as `intent`, with its entities and
    what the conversation already holds."""
    if message is None and intent == STATEMENT:
        # A statement while a check-in waits for its answer ("much better, 2 out of 10") is that answer.
        answered = answer_open_checkin(dispatcher, tracker)
        if answered is not None:
            return answered
    message = message or tracker.latest_message
    # Words the model may miss ("I'm 72", "allergic to aspirin", "ibuprofen gel") correct what it found.
    text = str(message.get("text") or "")
    reading = read_medicine_words(text)
    new_conditions = entity_values(tracker, "condition", message) + list(reading.conditions) + named_conditions(text)
    # Conditions are kept for the whole conversation: a caution must not be forgotten a turn later.
    conditions = list(dict.fromkeys(slot_list(tracker, "conditions") + new_conditions))
    # Only real names are named back: "I can't advise on mum" came from an extractor that tagged "mum".
    treatments = [t for t in entity_values(tracker, "treatment", message) if is_treatment_name(t, knowledge_base())]
    request = GuidanceRequest(
        intent=intent,
        treatment=treatments[0] if treatments else None,
        medications=reading.applied_to(real_medicines(entity_values(tracker, "medication", message))),
        remembered_medications=slot_list(tracker, "medications"),
        conditions=conditions,
        last_topic=tracker.get_slot("topic"),
        profile_fields=profile_fields(clinic_profile()),
        text=text,
    )
    reply = choose_guidance(knowledge_base(), request)
    if reply.text == ASK_FOR_MORE and intent == STATEMENT:
        # A statement no entry answers ("day 5, about 50% better, is that normal?") is read as the classifier's
        # next-best intent, rather than asking the person to say it again.
        runner_up = next_best_intent(message)
        answered = answer_as(dispatcher, runner_up)
        if answered is not None:
            return answered
        if runner_up:
            reply = choose_guidance(knowledge_base(), replace(request, intent=runner_up))
    if tracker.get_slot("triage_level") == Level.URGENT.value:
        # A same-day sign was named earlier in this chat: it is repeated before the answer, as 999 advice is.
        send(dispatcher, Reply(load_advice().dispositions[Level.URGENT].reminder))
    send(dispatcher, reply)
    if should_ask_feedback(
        reply.topic, tracker.get_slot("triage_level"), guidance_answers(tracker) + 1, feedback_asked(tracker)
    ):
        send(dispatcher, FEEDBACK_QUESTION)
    elif reply.topic in OFFER_TOPICS and guidance_answers(tracker) == 0:
        offer_checkins(dispatcher, tracker)  # after the first answer about the spasm itself, once
    events = [SlotSet("topic", reply.topic), SlotSet("conditions", conditions or None)]
    if request.medications:  # remembered for a follow-up ("how many days max?"), found by the model or the words
        events.append(SlotSet("medications", list(request.medications)))
    return events


def next_best_intent(message: dict[str, Any]) -> str:
    """The classifier's second choice, when it is an intent with an answer of its own and a real contender (a
    vague "the purple one or the other one" has none, and gets asked for more)."""
    # Only the second place: when it is not an answer, nothing further down is.
    runner_up = first_reading((message.get("intent_ranking") or [])[1:2], NOT_AN_ANSWER, RUNNER_UP_CONFIDENCE)
    return runner_up.intent if runner_up else ""


def guidance_answers(tracker: Tracker) -> int:
    """Guidance answers already given in this conversation (this one not counted)."""
    return sum(
        1 for event in tracker.events if event.get("event") == "action" and event.get("name") == "action_give_guidance"
    )


def feedback_asked(tracker: Tracker) -> bool:
    return any(event.get("event") == "bot" and event.get("text") == FEEDBACK_QUESTION.text for event in tracker.events)
