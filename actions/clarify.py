"""action_clarify_intent: the answer to `nlu_fallback`. Two close intents get a question with both as buttons
(backcare.clarify). An unsure guess gets the usual "say it another way" (utter_default), unless the message names
a medicine: then it is answered as the medicine question it almost certainly is, cautions included; or unless it
uses the words of a warning sign (numbness, bladder, legs, chest, fever...): then one safety question comes first
(backcare.sign_check), so an unclear message about a possible emergency never gets a bare "didn't follow"; or an
everyday subject ("is it ok to drive with back pain?"): then that subject's entry answers it."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.checkins import answer_open_checkin
from actions.common import entity_values, knowledge_base, latest_text, send, user_messages
from actions.guidance import give_guidance
from actions.sign_check import ask_sign_check
from backcare.clarify import clarifying_question, close_pair, settled_by_context
from backcare.guidance import GUIDANCE_INTENTS, SUBJECT_FOLLOW_UP
from backcare.medication import named_medicines
from backcare.medication.names import real_medicines
from backcare.sign_check import check_for_words
from backcare.triage.masking import mask_settled_signs

MEDICINE_QUESTION = "ask_medication"
CHOICE = re.compile(r"\bor\b", re.IGNORECASE)

RED_FLAG_INTENT = "report_red_flag"


class ActionClarifyIntent(Action):
    def name(self) -> str:
        return "action_clarify_intent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answered = answer_open_checkin(dispatcher, tracker)  # a reply to a check-in the model did not place
        if answered is not None:
            return answered
        message = tracker.latest_message
        text = latest_text(tracker)
        pair = close_pair(message.get("intent_ranking") or [])
        named = real_medicines(entity_values(tracker, "medication")) or named_medicines(text)
        # A medicine named answers "not sure" and a close call that includes the medicine question ("is panadol
        # any good for back pain?"): the medicine answer carries its cautions. A choice ("nurofen or heat?") is
        # still put back to the person.
        medicine_call = pair is not None and MEDICINE_QUESTION in pair and RED_FLAG_INTENT not in pair
        if named and (pair is None or (medicine_call and not CHOICE.search(text))):
            return give_guidance(dispatcher, tracker, MEDICINE_QUESTION)
        pending = check_for_words(mask_settled_signs(text)) if pair is None else None
        if pending is not None:  # never a bare "didn't follow" for a message about a possible warning sign
            return ask_sign_check(tracker, pending)
        # An everyday subject named in the words answers even a close call between two areas ("is it ok to drive
        # with back pain?"), unless one of them is a warning sign: then the person is asked, as before.
        if knowledge_base().for_subject(text) and (pair is None or RED_FLAG_INTENT not in pair):
            return give_guidance(dispatcher, tracker, SUBJECT_FOLLOW_UP)
        in_context = settled_by_context(pair, previous_intent(tracker), text) if pair else None
        if in_context in GUIDANCE_INTENTS:  # a knowledge answer; booking and the like keep their question
            return give_guidance(dispatcher, tracker, in_context)
        if pair is None:
            dispatcher.utter_message(response="utter_default")
        else:
            send(dispatcher, clarifying_question(pair, message.get("entities") or []))
        return []


def previous_intent(tracker: Tracker) -> str:
    """The intent of the person's message before this one ("" at the start of a conversation)."""
    messages = user_messages(tracker)
    return messages[-2][0] if len(messages) > 1 else ""
