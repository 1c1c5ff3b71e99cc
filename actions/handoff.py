"""Talking to a person: say how and when to reach the clinic, and (with consent) leave a call-back request
with a short, redacted summary of the conversation through the booking backend."""

from __future__ import annotations

import logging
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking import ValidateBookingForm, booking_settings, clear_booking_slots, hand_over, london_now
from actions.common import clinic_profile, send, user_messages
from backcare.booking import conversation as talk
from backcare.booking.request import CALLBACK, BookingRequest, new_reference
from backcare.booking.summary import conversation_summary
from backcare.booking.validation import phone_for_reading
from backcare.redaction import PERSONAL_SLOTS, personal_values

log = logging.getLogger(__name__)


class ActionRequestHuman(Action):
    """'I want to speak to a person': the clinic's phone, email and hours (open now or when next open). The
    call-back form follows, which asks first whether the person wants a call back."""

    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        send(dispatcher, talk.how_to_reach_us(clinic_profile(), london_now()))
        # A call back is a new purpose, so the call-back form always asks for consent, even when a booking
        # already had it (the name and contact given there are offered again, not asked again).
        return [SlotSet("consent", None)]


class ValidateCallbackForm(ValidateBookingForm):
    form = "callback_form"

    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("consent") is False:
            return ["consent"]
        return ["consent", "patient_name", "contact"]

    async def validate_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is False:
            dispatcher.utter_message(text="No problem. Is there anything else about your back I can help with?")
            return {"consent": False}
        return {"consent": True if value else None}


class ActionAskCallbackConsent(Action):
    def name(self) -> str:
        return "action_ask_callback_form_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        phone, email = tracker.get_slot("phone"), tracker.get_slot("email")
        send(dispatcher, talk.callback_consent_question(phone_for_reading(phone) if phone else email))
        return []


def summary_of(tracker: Tracker, include_messages: bool) -> str:
    messages = user_messages(tracker)
    intents, texts = [intent for intent, _ in messages], [text for _, text in messages]
    personal = personal_values((slot, tracker.get_slot(slot)) for slot in PERSONAL_SLOTS)
    return conversation_summary(
        intents, texts, tracker.get_slot("triage_level"), include_messages=include_messages, personal=personal
    )


class ActionSubmitCallback(Action):
    def name(self) -> str:
        return "action_submit_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        phone, email = tracker.get_slot("phone"), tracker.get_slot("email")
        if tracker.get_slot("consent") is not True or not (phone or email):
            return clear_booking_slots()
        profile = clinic_profile()
        reference: Optional[str] = None
        request: Optional[BookingRequest] = None
        try:
            request = BookingRequest(
                reference=new_reference(CALLBACK),
                kind=CALLBACK,
                name=str(tracker.get_slot("patient_name") or ""),
                phone=phone,
                email=email,
                summary=summary_of(tracker, include_messages=True),
                screening=str(tracker.get_slot("triage_level") or ""),
            )
            reference = (await hand_over(request)).reference
            log.info("call-back request %s handed over", reference)
        except Exception as error:
            log.error("call-back request could not be stored: %s", type(error).__name__)
            send(dispatcher, talk.handoff_failed(profile))
            return clear_booking_slots()
        send(dispatcher, talk.callback_reply(reference, request, profile, booking_settings(), london_now()))
        return clear_booking_slots() + [SlotSet("booking_reference", reference)]
