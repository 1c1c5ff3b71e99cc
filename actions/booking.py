"""The booking form: validation of each answer, the questions that need buttons or the clinic profile, the
hand-off to the booking backend, and stopping politely. The logic and wording live in backcare.booking."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from functools import lru_cache
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.checkins import STOPS_CHECKINS, offer_checkins, stop_checkins_too
from actions.common import clinic_profile, entity_values, send
from actions.forms import PatientFormValidationAction, latest_intent_name
from actions.screening import RedFlagScreenQuestions
from backcare.booking import conversation as talk
from backcare.booking.backends import BookingBackend, make_backend
from backcare.booking.backends.base import Deadline
from backcare.booking.outbox import submit_with_outbox
from backcare.booking.request import BOOKING, SELF_PAY, BookingRequest, SlotChoice, Submission, new_reference
from backcare.booking.settings import BookingSettings, load_booking_settings
from backcare.booking.store import BookingStore
from backcare.reply import Reply
from backcare.triage import Level

log = logging.getLogger(__name__)

# Every slot the booking and call-back forms fill; cleared when a form ends so nothing lingers.
BOOKING_SLOTS = (
    "consent",
    "patient_name",
    "contact",
    "phone",
    "email",
    "contact_method",
    "appointment_type",
    "preferred_time",
    "time_offers",
    "chosen_time",
    "payment",
    "insurer_name",
    "authorisation_number",
    "reason",
    "red_flag_screen",
    "screening_answers",
    "booking_confirmed",
    "invalid_answers",
    "requested_slot",
)


@lru_cache(maxsize=1)
def booking_settings() -> BookingSettings:
    profile = clinic_profile()
    return load_booking_settings(profile.booking, profile.email)


@lru_cache(maxsize=1)
def booking_store() -> BookingStore:
    return BookingStore(booking_settings().db_path)


@lru_cache(maxsize=1)
def booking_backend() -> BookingBackend:
    return make_backend(booking_settings(), booking_store(), clinic_profile().name)


# What the rest of an action and the way back to the patient take, besides talking to the clinic's system.
REPLY_MARGIN_SECONDS = 3.0


def patient_deadline(environ: Any = os.environ) -> Deadline:
    """How long a call to the clinic's system may take while the patient waits: the action gateway's
    ACTION_TIMEOUT (the same variable, default 10 s) less a margin, so the patient always gets this action's
    own answer; what is not done by then waits in the outbox."""
    try:
        gateway_timeout = float(environ.get("ACTION_TIMEOUT") or 10)
    except ValueError:
        gateway_timeout = 10.0
    return Deadline(max(1.0, gateway_timeout - REPLY_MARGIN_SECONDS))


async def hand_over(request: BookingRequest) -> Submission:
    """The request to the backend, or the outbox, in a worker thread: the backends use blocking HTTP (and
    SQLite), which must not hold up the action server's event loop and with it every other patient's actions."""
    return await asyncio.to_thread(
        submit_with_outbox, booking_backend(), booking_store(), request, deadline=patient_deadline()
    )


def recognised(check: talk.FieldCheck) -> bool:
    """The check understood the text as an answer: a valid one, or one it refuses with an explanation."""
    return check.accepted or not check.counted


def clear_booking_slots() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in BOOKING_SLOTS]


def london_now() -> dt.datetime:
    from backcare.booking.backends.cliniko import LONDON

    return dt.datetime.now(LONDON)


# --- validation ------------------------------------------------------------------------------------------


class ValidateBookingForm(RedFlagScreenQuestions, PatientFormValidationAction):
    form = "booking_form"

    def name(self) -> str:
        return "validate_booking_form"

    def explain(self, slot: str) -> Optional[str]:
        return talk.explanation(slot, clinic_profile())

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("consent") is False:
            return ["consent"]  # the form ends; the refusal was answered kindly already
        slots = ["consent", "patient_name", "contact", "appointment_type", "preferred_time", "payment"]
        payment = tracker.get_slot("payment")
        if payment and payment != SELF_PAY:
            slots.append("authorisation_number")
        slots += ["reason", "red_flag_screen"]
        if tracker.get_slot("red_flag_screen") == Level.EMERGENCY.value:
            return slots  # no booking after an emergency answer: the form ends here
        return slots + ["booking_confirmed"]

    async def extract_patient_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._rescue("patient_name", tracker, lambda text: talk.check_name(text).accepted)

    async def extract_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        method = tracker.get_slot("contact_method")
        return self._rescue(
            "contact", tracker, lambda text: recognised(talk.check_contact(text, "", method, clinic_profile()))
        )

    async def extract_appointment_type(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._rescue(
            "appointment_type", tracker, lambda text: recognised(talk.check_appointment_type(text, clinic_profile()))
        )

    async def extract_preferred_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        offers = tracker.get_slot("time_offers") or []
        return self._rescue(
            "preferred_time",
            tracker,
            lambda text: recognised(talk.check_preferred_time(text, clinic_profile(), offers)),
        )

    async def extract_payment(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        insurers = entity_values(tracker, "insurer")
        return self._rescue(
            "payment",
            tracker,
            lambda text: recognised(talk.check_payment(text, insurers, clinic_profile())) or bool(insurers),
        )

    async def extract_booking_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = latest_intent_name(tracker)
        return self._rescue("booking_confirmed", tracker, lambda text: talk.confirmation(text, intent)[0] is not None)

    # -- each answer --

    async def validate_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is False:
            send(dispatcher, talk.consent_refused(clinic_profile()))
            return {"consent": False}
        return {"consent": True if value else None}

    async def validate_patient_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.outcome("patient_name", talk.check_name(str(value)), dispatcher, tracker)

    async def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        check = talk.check_contact(
            str(value), latest_intent_name(tracker), tracker.get_slot("contact_method"), clinic_profile()
        )
        return self.outcome("contact", check, dispatcher, tracker)

    async def validate_appointment_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        check = talk.check_appointment_type(str(value), clinic_profile())
        return self.outcome("appointment_type", check, dispatcher, tracker)

    async def validate_preferred_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        offers = tracker.get_slot("time_offers") or []
        check = talk.check_preferred_time(str(value), clinic_profile(), offers)
        return self.outcome("preferred_time", check, dispatcher, tracker)

    async def validate_payment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        check = talk.check_payment(str(value), entity_values(tracker, "insurer"), clinic_profile())
        return self.outcome("payment", check, dispatcher, tracker)

    async def validate_authorisation_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        check = talk.check_authorisation(str(value), latest_intent_name(tracker))
        return self.outcome("authorisation_number", check, dispatcher, tracker)

    async def validate_reason(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.outcome("reason", talk.check_reason(str(value)), dispatcher, tracker)

    async def validate_booking_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        verdict, field_name = talk.confirmation(str(value), latest_intent_name(tracker))
        if verdict == "yes":
            return {"booking_confirmed": "yes", "invalid_answers": 0.0}
        if verdict == "change" and field_name:
            cleared: dict[str, Any] = {field_name: None, "booking_confirmed": None, "invalid_answers": 0.0}
            if field_name == "contact":
                cleared.update(phone=None, email=None, contact_method=None)
            if field_name == "payment":
                cleared.update(insurer_name=None, authorisation_number=None)
            if field_name in ("appointment_type", "preferred_time"):
                cleared.update(time_offers=None, chosen_time=None, preferred_time=None)
            dispatcher.utter_message(text="Of course.")
            return cleared
        if verdict == "no":
            send(dispatcher, Reply("Which detail would you like to change?", talk.readback({}).buttons[1:]))
            return {"booking_confirmed": None, "invalid_answers": 0.0}
        return self.outcome("booking_confirmed", talk.FieldCheck(), dispatcher, tracker)


# --- questions that need the profile, buttons or the backend -------------------------------------------------


class ActionAskConsent(Action):
    def name(self) -> str:
        return "action_ask_booking_form_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        send(dispatcher, talk.consent_question(clinic_profile()))
        return []


class ActionAskPatientName(Action):
    def name(self) -> str:
        return "action_ask_patient_name"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        send(dispatcher, talk.name_question())
        return []


class ActionAskPayment(Action):
    def name(self) -> str:
        return "action_ask_payment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        send(dispatcher, talk.payment_question())
        return []


class ActionAskReason(Action):
    def name(self) -> str:
        return "action_ask_reason"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        send(dispatcher, talk.reason_question())
        return []


class ActionAskContact(Action):
    def name(self) -> str:
        return "action_ask_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        send(dispatcher, talk.contact_question(tracker.get_slot("contact_method")))
        return []


class ActionAskAppointmentType(Action):
    def name(self) -> str:
        return "action_ask_appointment_type"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        send(dispatcher, talk.appointment_type_question(clinic_profile()))
        return []


class ActionAskPreferredTime(Action):
    """Real free times as buttons when the backend knows them (Cliniko), otherwise a question in plain words."""

    def name(self) -> str:
        return "action_ask_preferred_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        offers = tracker.get_slot("time_offers")
        events: list[dict[str, Any]] = []
        if offers is None:
            offers = await fetch_offers(str(tracker.get_slot("appointment_type") or ""))
            events.append(SlotSet("time_offers", offers))
        send(dispatcher, talk.preferred_time_question(offers))
        return events


async def fetch_offers(appointment_type: str) -> list[dict[str, Any]]:
    """Free times from the backend, read in a worker thread within the patient's deadline; none (and a question
    in words) when it cannot say in time."""
    if not appointment_type:
        return []
    try:
        offers = await asyncio.to_thread(
            booking_backend().offer_times, appointment_type, None, deadline=patient_deadline()
        )
    except Exception as error:  # a slow or broken service must not stop the booking
        log.warning("could not read free times from the booking backend: %s", type(error).__name__)
        return []
    return [
        {
            "starts_at": o.starts_at,
            "label": o.label,
            "appointment_type_id": o.appointment_type_id,
            "practitioner_id": o.practitioner_id,
            "business_id": o.business_id,
        }
        for o in offers
    ]


class ActionAskAuthorisationNumber(Action):
    def name(self) -> str:
        return "action_ask_authorisation_number"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        send(dispatcher, talk.authorisation_question(str(tracker.get_slot("insurer_name") or "your insurer")))
        return []


class ActionAskBookingConfirmed(Action):
    def name(self) -> str:
        return "action_ask_booking_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        details = {slot: tracker.get_slot(slot) for slot in BOOKING_SLOTS}
        send(dispatcher, talk.readback(details))
        return []


# --- the end of the form ----------------------------------------------------------------------------------------


def booking_request(tracker: Tracker) -> BookingRequest:
    chosen = tracker.get_slot("chosen_time")
    authorisation = tracker.get_slot("authorisation_number")
    return BookingRequest(
        reference=new_reference(BOOKING),
        name=str(tracker.get_slot("patient_name") or ""),
        phone=tracker.get_slot("phone"),
        email=tracker.get_slot("email"),
        preferred_time=str(tracker.get_slot("preferred_time") or ""),
        appointment_type=str(tracker.get_slot("appointment_type") or ""),
        payment=str(tracker.get_slot("payment") or ""),
        insurer_name=str(tracker.get_slot("insurer_name") or ""),
        authorisation_number="" if authorisation in (None, talk.NO_AUTHORISATION) else str(authorisation),
        reason=str(tracker.get_slot("reason") or ""),
        screening=str(tracker.get_slot("red_flag_screen") or ""),
        screening_answers=tuple((str(q), str(a)) for q, a in (tracker.get_slot("screening_answers") or {}).items()),
        slot=SlotChoice.from_dict(chosen) if chosen else None,
    )


class ActionSubmitBooking(Action):
    """Runs when the booking form ends: hands a confirmed request to the backend (or the outbox), says what
    happens next; after a refusal or an emergency answer it only clears the form's slots."""

    def name(self) -> str:
        return "action_submit_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        ready = (
            tracker.get_slot("consent") is True
            and tracker.get_slot("booking_confirmed") == "yes"
            and tracker.get_slot("red_flag_screen") in (Level.ROUTINE.value, Level.URGENT.value)
        )
        if not ready:
            return clear_booking_slots()
        profile = clinic_profile()
        try:
            request = booking_request(tracker)
            submission = await hand_over(request)
        except Exception as error:  # even the local file failed: say how to book instead
            log.error("booking request could not be stored: %s", type(error).__name__)
            send(dispatcher, talk.handoff_failed(profile))
            return clear_booking_slots()
        log.info("booking request %s handed to %s (%s)", submission.reference, submission.backend, submission.status)
        send(dispatcher, talk.handoff(submission, request, profile, booking_settings(), london_now()))
        offer_checkins(dispatcher, tracker)
        return clear_booking_slots() + [SlotSet("booking_reference", submission.reference)]


class ActionStopBooking(Action):
    """The person changed their mind: end the form, keep nothing, leave the door open."""

    def name(self) -> str:
        return "action_stop_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.active_loop_name == "callback_form":
            send(dispatcher, talk.callback_stopped(clinic_profile()))
        else:
            leaving = latest_intent_name(tracker) == "goodbye"  # utter_goodbye follows
            send(dispatcher, talk.booking_stopped(clinic_profile(), ask_more=not leaving))
        if latest_intent_name(tracker) in STOPS_CHECKINS:
            stop_checkins_too(dispatcher, tracker)
        return [ActiveLoop(None)] + clear_booking_slots()
