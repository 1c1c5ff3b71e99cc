"""Follow-up check-ins (issue 22), the thin Rasa side of backcare.checkins: the offer after guidance about a spasm
or a booking request; yes (start_checkins: consent stored with the channel and the sender id); "stop check-ins"
(stop_checkins, or a plain STOP outside a form; inside the booking, call-back and screening forms their stop
actions end the check-ins too, `stop_checkins_too`); on the website, the separate offer of an email when a check-in
is ready (checkin_email_form, its address validated here); and the reply to a check-in (answer_checkin, or a
statement, a fallback or a warning sign while a check-in waits for its answer). Sending is scripts/checkins.py's
job (make check-ins)."""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common import latest_intent, latest_text, send
from backcare.checkins import OFFSETS, CheckinStore, Outcome, load_wording, read_answer, respond
from backcare.checkins.email import DECLINED, address_in, declines
from backcare.checkins.store import WEBSITE
from backcare.triage import Level

log = logging.getLogger(__name__)

CHANNELS = ("telegram", "whatsapp", WEBSITE)
# Guidance on what to do for the spasm and how long it lasts: the answers after which a check-in makes sense.
OFFER_TOPICS = frozenset({"treatment_overview", "recovery"})
NO_OFFER_LEVELS = {Level.EMERGENCY.value, Level.URGENT.value}
STOP_INTENT = "stop"  # "stop" or STOP outside a form: ends check-ins too
DAYS: dict[str, Any] = {"first": OFFSETS[0].days, "second": OFFSETS[1].days}
# STOP or "stop check-ins" inside a form ends the check-ins too (goodbye ends only the form).
STOPS_CHECKINS = frozenset({STOP_INTENT, "stop_checkins"})
EMAIL_FORM = "checkin_email_form"
EMAIL_SLOT = "checkin_email"


@lru_cache(maxsize=1)
def checkin_store() -> CheckinStore:
    return CheckinStore()


def store_or_none() -> Optional[CheckinStore]:
    """The store, or None (logged) when its database cannot be reached: the conversation goes on without it."""
    try:
        return checkin_store()
    except Exception as error:
        log.error("check-in store unavailable: %s", type(error).__name__)
        checkin_store.cache_clear()
        return None


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def channel_of(tracker: Tracker) -> str:
    return str(tracker.get_latest_input_channel() or WEBSITE)


def offered_before(tracker: Tracker) -> bool:
    offer = load_wording()["offer"].text.format(**DAYS)
    return any(event.get("event") == "bot" and event.get("text") == offer for event in tracker.events)


def offer_checkins(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Offers check-ins once per conversation, on a channel that can have them, outside a red flag, and not to
    someone who already has them."""
    if (
        channel_of(tracker) not in CHANNELS
        or tracker.get_slot("triage_level") in NO_OFFER_LEVELS
        or offered_before(tracker)
    ):
        return
    store = store_or_none()
    try:
        if store is None or store.active(tracker.sender_id):
            return
    except Exception as error:
        log.error("check-ins could not be read: %s", type(error).__name__)
        return
    send(dispatcher, load_wording()["offer"].reply(**DAYS))


def answer_open_checkin(
    dispatcher: CollectingDispatcher, tracker: Tracker, always: bool = False
) -> Optional[list[dict[str, Any]]]:
    """When a check-in sent to this person waits for its answer and the latest message reads as one (or
    `always`), answers it and records the outcome; otherwise None and nothing is said."""
    store = store_or_none()
    if store is None:
        return None
    try:
        waiting = store.awaiting_answer(tracker.sender_id)
        if waiting is None:
            return None
        answer = read_answer(latest_text(tracker))
        if not (always or answer.understood):
            return None
        reply = respond(answer, waiting.step, store.next_due(tracker.sender_id))
        if reply.outcome is not Outcome.UNCLEAR:
            trend = answer.trend.value if answer.trend else None
            store.record_answer(waiting, now(), reply.outcome.value, answer.pain, trend, answer.normal_day)
    except Exception as error:
        log.error("check-in answer could not be handled: %s", type(error).__name__)
        return None
    for message in reply.replies:
        send(dispatcher, message)
    events: list[dict[str, Any]] = [SlotSet("topic", "checkins")]
    if reply.triage_level is not None:
        in_emergency = tracker.get_slot("triage_level") == Level.EMERGENCY.value
        events.append(SlotSet("triage_level", Level.EMERGENCY.value if in_emergency else reply.triage_level.value))
        if reply.triage_level is Level.EMERGENCY:
            events.append(ActiveLoop(None))
    return events


def note_escalation(tracker: Tracker, level: Level) -> None:
    """A warning sign answered by the triage action while a check-in waits: recorded as that check-in's outcome."""
    if level is Level.ROUTINE:
        return
    store = store_or_none()
    if store is None:
        return
    try:
        waiting = store.awaiting_answer(tracker.sender_id)
        if waiting is not None:
            answer = read_answer(latest_text(tracker))
            trend = answer.trend.value if answer.trend else None
            store.record_answer(waiting, now(), level.value, answer.pain, trend, answer.normal_day)
    except Exception as error:
        log.error("check-in escalation could not be recorded: %s", type(error).__name__)


class ActionStartCheckins(Action):
    def name(self) -> str:
        return "action_start_checkins"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        wording = load_wording()
        channel = channel_of(tracker)
        store = store_or_none()
        if store is None or channel not in CHANNELS:
            dispatcher.utter_message(response="utter_anything_else")
            return []
        if store.active(tracker.sender_id):
            send(dispatcher, wording["already"].reply())
            return []
        store.start(tracker.sender_id, channel, now())
        send(dispatcher, wording["consent"].reply(**DAYS))
        if channel == WEBSITE:
            send(dispatcher, wording["website_note"].reply(**DAYS))
            if tracker.get_slot("triage_level") not in NO_OFFER_LEVELS:
                send(dispatcher, wording["email_offer"].reply())
        return [SlotSet("topic", "checkins")]


def stop_checkins_too(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """STOP (or "stop check-ins") inside a form: the form's own stop action ends the form, and this ends the
    person's check-ins too, saying so only when there were some."""
    store = store_or_none()
    if store is None:
        return
    try:
        stopped = store.stop(tracker.sender_id, now())
    except Exception as error:
        log.error("check-ins could not be stopped: %s", type(error).__name__)
        return
    if stopped:
        send(dispatcher, load_wording()["stopped_too"].reply())


class ActionStopCheckins(Action):
    def name(self) -> str:
        return "action_stop_checkins"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        in_email_form = tracker.active_loop_name == EMAIL_FORM
        if in_email_form and declines(latest_text(tracker)):
            # "skip" heard as stop while the address is asked: a no to the email, not to the check-ins.
            send(dispatcher, load_wording()["email_declined"].reply())
            return [ActiveLoop(None), SlotSet(EMAIL_SLOT, None), SlotSet("requested_slot", None)]
        store = store_or_none()
        stopped = store.stop(tracker.sender_id, now()) if store is not None else 0
        if stopped:
            send(dispatcher, load_wording()["stopped"].reply())
        elif latest_intent(tracker) == STOP_INTENT:
            # A plain "stop" with no check-ins on is what it always was: nothing more is wanted.
            dispatcher.utter_message(response="utter_anything_else")
        else:
            send(dispatcher, load_wording()["none_to_stop"].reply())
        if in_email_form:
            return [ActiveLoop(None), SlotSet(EMAIL_SLOT, None), SlotSet("requested_slot", None)]
        return []


def email_wanted(tracker: Tracker) -> bool:
    """The email question makes sense: a website visitor with check-ins on, outside a red flag."""
    if channel_of(tracker) != WEBSITE or tracker.get_slot("triage_level") in NO_OFFER_LEVELS:
        return False
    store = store_or_none()
    try:
        return store is not None and bool(store.active(tracker.sender_id))
    except Exception as error:
        log.error("check-ins could not be read: %s", type(error).__name__)
        return False


class ActionAskCheckinEmail(Action):
    def name(self) -> str:
        return "action_ask_checkin_email"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        send(dispatcher, load_wording()["email_ask"].reply())
        return []


class ValidateCheckinEmailForm(FormValidationAction):
    """The address, or "no" / "skip" (kept as DECLINED: the check-ins stay on, without email); anything else is
    asked again, kindly."""

    def name(self) -> str:
        return "validate_checkin_email_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        # A "yes" after the check-ins started on Telegram or WhatsApp has no email question to answer.
        return list(domain_slots) if email_wanted(tracker) else []

    def validate_checkin_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        if declines(text) or (latest_intent(tracker) == "deny" and "@" not in text):
            return {EMAIL_SLOT: DECLINED}
        address = address_in(text)
        if address is None:
            send(dispatcher, load_wording()["email_invalid"].reply())
            return {EMAIL_SLOT: None}
        return {EMAIL_SLOT: address}


class ActionSubmitCheckinEmail(Action):
    """Keeps the address with the check-ins (or notes the "no"); the slot is emptied, the database holds it."""

    def name(self) -> str:
        return "action_submit_checkin_email"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        value = tracker.get_slot(EMAIL_SLOT)
        if not value:  # no question was asked (not the website): the "yes" was a plain yes
            if tracker.get_slot("triage_level") == Level.EMERGENCY.value:
                dispatcher.utter_message(response="utter_emergency_reminder")
            dispatcher.utter_message(response="utter_what_next")
            return []
        wording = load_wording()
        store = store_or_none()
        if value == DECLINED:
            send(dispatcher, wording["email_declined"].reply())
        elif store is None:
            dispatcher.utter_message(response="utter_anything_else")
        else:
            store.set_email(tracker.sender_id, str(value), now())
            send(dispatcher, wording["email_saved"].reply())
        return [SlotSet(EMAIL_SLOT, None), SlotSet("topic", "checkins")]


class ActionStopCheckinsInForm(ActionStopCheckins):
    """STOP or "stop check-ins" while the email address is asked: the same, and the form ends (a separate name,
    as Rasa's rules need an action that always ends the form)."""

    def name(self) -> str:
        return "action_stop_checkins_in_form"


class ActionAnswerCheckin(Action):
    def name(self) -> str:
        return "action_answer_checkin"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answered = answer_open_checkin(dispatcher, tracker, always=True)
        if answered is not None:
            return answered
        # No check-in is waiting: "better now, 3 out of 10" is a statement about the back, answered as one.
        from actions.guidance import STATEMENT, give_guidance

        return give_guidance(dispatcher, tracker, STATEMENT)
