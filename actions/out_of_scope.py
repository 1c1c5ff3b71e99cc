"""action_answer_out_of_scope: the answer to `out_of_scope`. Mid-conversation, a short follow-up ("how many days
max?", "what should I do?", "and football?") reads as off-topic to a model that sees one message at a time; when the
conversation already has a back topic, the classifier's best in-scope reading answers it. Anything else gets the kind
"I can only help with back pain" (utter_out_of_scope)."""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text
from actions.guidance import give_guidance
from backcare.guidance import GUIDANCE_INTENTS, MEDICINE_TOPIC, SUBJECT_FOLLOW_UP
from backcare.intent_ranking import NLU_FALLBACK, OUT_OF_SCOPE, RED_FLAG, first_reading

MEDICINE_QUESTION = "ask_medication"
FOLLOW_UP_WORDS = 8  # longer messages carry their own subject, and the model read it as another one
NOT_AN_ANSWER = {OUT_OF_SCOPE, NLU_FALLBACK, RED_FLAG, SUBJECT_FOLLOW_UP}


def in_scope_reading(message: dict[str, Any]) -> Optional[str]:
    """The classifier's best intent other than out_of_scope, when it is a guidance question."""
    best = first_reading(message.get("intent_ranking") or [], NOT_AN_ANSWER)
    return best.intent if best and best.intent in GUIDANCE_INTENTS else None


def follow_up_intent(tracker: Tracker) -> Optional[str]:
    """The back question a short message continues, when the conversation already has a back topic."""
    topic = tracker.get_slot("topic")
    if not topic or len(latest_text(tracker).split()) > FOLLOW_UP_WORDS:
        return None
    # Right after a medicine answer, a short follow-up ("how many days max?") is about that medicine.
    return MEDICINE_QUESTION if topic == MEDICINE_TOPIC else in_scope_reading(tracker.latest_message)


class ActionAnswerOutOfScope(Action):
    def name(self) -> str:
        return "action_answer_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = follow_up_intent(tracker)
        if intent:
            return give_guidance(dispatcher, tracker, intent)
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
