"""Insurance and clinic details: answers drawn from the clinic profile. (Booking is in actions/booking.py,
talking to a person in actions/handoff.py.)"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import clinic_profile, entity_values, latest_text, send
from backcare.clinic_answers import clinic_reply, insurance_answer


class ActionGiveClinicInfo(Action):
    def name(self) -> str:
        return "action_give_clinic_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        send(dispatcher, clinic_reply(clinic_profile(), latest_text(tracker)))
        return []


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
