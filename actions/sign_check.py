"""One question before escalating (backcare.sign_check): asked by the triage and fallback actions through
`sign_check_form`, answered with yes / no / not sure. Yes or not sure escalates; no answers the person's real
question (or the certain, milder signs of their message)."""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import answer_as, latest_text, send
from actions.forms import PatientFormValidationAction, latest_intent_name
from actions.guidance import give_guidance
from backcare.booking import conversation as talk
from backcare.guidance import ASK_FOR_MORE, GUIDANCE_INTENTS, TOPIC_BUTTONS, with_sources
from backcare.intent_ranking import NLU_FALLBACK, RED_FLAG, first_reading
from backcare.reply import Reply
from backcare.sign_check import PendingCheck, escalation, question
from backcare.triage import Level, detect_red_flags, disposition, highest_level

FORM = "sign_check_form"
PENDING_SLOT = "sign_check"
ANSWER_SLOT = "sign_check_answer"
# A "no" answers the original message as the classifier read it, under the safety net's or the fallback's intent.
NOT_AN_INTENT = {RED_FLAG, NLU_FALLBACK}
DECLINED = "declined"
DECLINED_NOTE = Reply(
    "That's fine. If you get numbness around your bottom or genitals, trouble peeing or pooing, weak or numb legs "
    "or chest pain, call 999 straight away. What else can I help with?",
    TOPIC_BUTTONS,
)


def classifier_intent(message: dict[str, Any]) -> str:
    """What the classifier made of the message before the safety net or the fallback stepped in."""
    reading = first_reading(message.get("intent_ranking") or [], NOT_AN_INTENT)
    return reading.intent if reading else ""


def ask_sign_check(tracker: Tracker, pending: PendingCheck) -> list[dict[str, Any]]:
    """Events that keep the message and start the one-question form (it asks through
    action_ask_sign_check_answer)."""
    message = tracker.latest_message
    remembered = {
        **pending.as_slot(latest_text(tracker), classifier_intent(message)),
        "entities": message.get("entities") or [],
    }
    # The answer slot is not touched here: the form validates every slot set since the message, and an empty
    # answer must not be read (str(None) reads as "no"). action_finish_sign_check leaves it empty.
    return [SlotSet(PENDING_SLOT, remembered), FollowupAction(FORM)]


def pending_check(tracker: Tracker) -> Optional[PendingCheck]:
    remembered = tracker.get_slot(PENDING_SLOT) or {}
    if not remembered.get("check"):
        return None
    return PendingCheck(str(remembered["check"]), tuple(remembered.get("labels") or ()))


class ValidateSignCheckForm(PatientFormValidationAction):
    def name(self) -> str:
        return "validate_sign_check_form"

    def explain(self, slot: str) -> Optional[str]:
        return (
            "I ask because some signs with back pain need help the same day or straight away. Tap Yes, No or "
            "Not sure, or say stop."
        )

    async def validate_sign_check_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {ANSWER_SLOT: None}
        intent = latest_intent_name(tracker)
        answer = talk.screening_answer(str(value), intent)
        if answer is None and intent in ("stop", "goodbye"):
            answer = DECLINED
        check = talk.FieldCheck(value=answer, message=None if answer else "Please answer yes, no or not sure.")
        return self.outcome(ANSWER_SLOT, check, dispatcher, tracker)


class ActionAskSignCheckAnswer(Action):
    def name(self) -> str:
        return "action_ask_sign_check_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        pending = pending_check(tracker) or PendingCheck("any_sign")
        send(dispatcher, question(pending))
        return []


class ActionFinishSignCheck(Action):
    def name(self) -> str:
        return "action_finish_sign_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        pending = pending_check(tracker)
        answer = str(tracker.get_slot(ANSWER_SLOT) or "")
        remembered = dict(tracker.get_slot(PENDING_SLOT) or {})
        events: list[dict[str, Any]] = [SlotSet(PENDING_SLOT, None), SlotSet(ANSWER_SLOT, None)]
        if pending is None:
            return events
        if answer == DECLINED:
            send(dispatcher, DECLINED_NOTE)
            return events
        escalated = escalation(pending, answer)
        if escalated is not None:
            send(dispatcher, Reply(with_sources(escalated.text, escalated.sources), escalated.buttons))
            return events + [SlotSet("triage_level", escalated.level.value), SlotSet("topic", "triage")]
        return events + answer_original(dispatcher, tracker, remembered)


def answer_original(
    dispatcher: CollectingDispatcher, tracker: Tracker, remembered: dict[str, Any]
) -> list[dict[str, Any]]:
    """After a no: the certain signs of the message if it had any, else the question it asked."""
    text = str(remembered.get("text") or "")
    certain = [match for match in detect_red_flags(text) if not match.check]
    if certain:
        outcome = disposition(highest_level(certain), certain)
        send(dispatcher, Reply(with_sources(outcome.text, outcome.sources), outcome.buttons))
        return [SlotSet("triage_level", outcome.level.value)] if outcome.level is not Level.ROUTINE else []
    intent = str(remembered.get("intent") or "")
    if intent in GUIDANCE_INTENTS:
        message = {"text": text, "intent": {"name": intent}, "entities": remembered.get("entities") or []}
        return give_guidance(dispatcher, tracker, intent, message)
    answered = answer_as(dispatcher, intent)
    if answered is not None:
        return answered
    send(dispatcher, Reply(f"Thank you. {ASK_FOR_MORE}", TOPIC_BUTTONS))
    return []
