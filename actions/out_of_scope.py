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
from actions.sign_check import GUIDANCE_INTENTS
from backcare.guidance import MEDICINE_TOPIC

MEDICINE_QUESTION = "ask_medication"
FOLLOW_UP_WORDS = 8  # longer messages carry their own subject, and the model read it as another one
NOT_AN_ANSWER = {"out_of_scope", "nlu_fallback", "report_red_flag", "inform"}


def in_scope_reading(message: dict[str, Any]) -> Optional[str]:
    """The classifier's best intent other than out_of_scope, when it is a guidance question."""
    ranking = [str(item.get("name")) for item in message.get("intent_ranking") or []]
    best = next((name for name in ranking if name not in NOT_AN_ANSWER), None)
    return best if best in GUIDANCE_INTENTS else None


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
