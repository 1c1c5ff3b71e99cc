"""Booking, insurance, clinic details and talking to a person: answers drawn from the clinic profile."""

from __future__ import annotations

from typing import Any, Callable

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import clinic_profile, entity_values, send
from backcare.clinic import ClinicProfile
from backcare.clinic_answers import booking_offer, clinic_info, human_handoff, insurance_answer
from backcare.reply import Reply


class ProfileAnswer:
    """Mixin for an action whose whole answer is a function of the clinic profile (not an Action itself, so
    the SDK does not register it)."""

    action_name = ""
    answer: Callable[[ClinicProfile], Reply]

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        send(dispatcher, type(self).answer(clinic_profile()))
        return []


class ActionOfferBooking(ProfileAnswer, Action):
    action_name = "action_offer_booking"
    answer = booking_offer


class ActionGiveClinicInfo(ProfileAnswer, Action):
    action_name = "action_give_clinic_info"
    answer = clinic_info


class ActionRequestHuman(ProfileAnswer, Action):
    action_name = "action_request_human"
    answer = human_handoff


class ActionAnswerInsurance(Action):
    def name(self) -> str:
        return "action_answer_insurance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        insurers = entity_values(tracker, "insurer")
        insurer = insurers[0] if insurers else tracker.get_slot("insurer")
        send(dispatcher, insurance_answer(clinic_profile(), insurer))
        return [SlotSet("insurer", insurer)]
