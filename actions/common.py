"""What every action adapter shares: content loaded once at start-up, and sending a reply."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from backcare.clinic import ClinicProfile, load_profile
from backcare.clinic_answers import clinic_info, insurance_answer
from backcare.knowledge import KnowledgeBase
from backcare.reply import Reply


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    return KnowledgeBase.load()


@lru_cache(maxsize=1)
def clinic_profile() -> ClinicProfile:
    return load_profile()


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    buttons = [{"title": button.title, "payload": button.payload} for button in reply.buttons]
    dispatcher.utter_message(text=reply.text, buttons=buttons or None)


def entity_values(tracker: Tracker, entity: str, message: Optional[dict[str, Any]] = None) -> list[str]:
    """Values of one entity in the latest message (or the given one), canonical after the synonym mapper, without
    repeats."""
    # Canonical values are lower case; a canonical word typed in capitals ("YOGA") passes the synonym
    # mapper unchanged, so normalise it here.
    found = (message or tracker.latest_message).get("entities") or []
    values = [str(e.get("value")).lower() for e in found if e.get("entity") == entity and e.get("value")]
    return list(dict.fromkeys(values))


def latest_intent(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


def user_messages(tracker: Tracker) -> list[tuple[str, str]]:
    """Every message the person sent in this conversation, as (intent, text), oldest first."""
    return [
        (
            str(((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""),
            str(event.get("text") or ""),
        )
        for event in tracker.events
        if event.get("event") == "user"
    ]


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def slot_list(tracker: Tracker, name: str) -> list[str]:
    value: Optional[Any] = tracker.get_slot(name)
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


# The answers of the intents not answered from the knowledge base, for when an answer is handed on to another
# intent (after a safety question, or a statement read as its next-best intent). Responses are uttered in the
# handing action itself: a FollowupAction to a response leaves the policies in a state no rule covers.
INTENT_RESPONSES = {
    "greet": "utter_greet",
    "thank": "utter_you_are_welcome",
    "goodbye": "utter_goodbye",
    "bot_challenge": "utter_iamabot",
    "out_of_scope": "utter_out_of_scope",
}
BOOKING_FORM = "booking_form"


def answer_as(dispatcher: CollectingDispatcher, intent: str) -> Optional[list[dict[str, Any]]]:
    """Events after answering as one of the intents above (or starting the booking form); None for the others."""
    if intent in INTENT_RESPONSES:
        dispatcher.utter_message(response=INTENT_RESPONSES[intent])
        return []
    if intent == "book_appointment":
        return [FollowupAction(BOOKING_FORM)]
    if intent == "ask_clinic_info":
        send(dispatcher, clinic_info(clinic_profile()))
        return []
    if intent == "ask_insurance":
        send(dispatcher, insurance_answer(clinic_profile(), None))
        return []
    return None
