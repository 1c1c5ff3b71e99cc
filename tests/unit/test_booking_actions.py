"""The booking and call-back adapters with a real rasa-sdk Tracker and CollectingDispatcher: a small stand-in
for Rasa's form loop (slot mappings read from domain.yml, the validation action, the ask actions) walks
through whole bookings, and the submit action writes to a temporary SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions
from actions.booking import (
    ActionAskBookingConfirmed,
    ActionAskConsent,
    ActionAskContact,
    ActionAskPreferredTime,
    ActionStopBooking,
    ActionSubmitBooking,
    ValidateBookingForm,
)
from actions.handoff import ActionAskCallbackConsent, ActionRequestHuman, ActionSubmitCallback, ValidateCallbackForm
from actions.screening import ActionAskRedFlagScreen
from backcare.booking.store import BookingStore
from backcare.clinic import load_profile
from backcare.triage import screening_questions

if TYPE_CHECKING:
    from tests.fakes.cliniko import ClinikoState

ROOT = Path(__file__).resolve().parents[2]
DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text())
PROFILE = load_profile()
ASK = {
    "consent": "action_ask_booking_form_consent",
    "patient_name": "action_ask_patient_name",
    "contact": "action_ask_contact",
    "appointment_type": "action_ask_appointment_type",
    "preferred_time": "action_ask_preferred_time",
    "payment": "action_ask_payment",
    "authorisation_number": "action_ask_authorisation_number",
    "reason": "action_ask_reason",
    "red_flag_screen": "action_ask_red_flag_screen",
    "booking_confirmed": "action_ask_booking_confirmed",
    "sign_check_answer": "action_ask_sign_check_answer",
    "checkin_email": "action_ask_checkin_email",
}


@pytest.fixture(autouse=True)
def temporary_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[BookingStore]:
    monkeypatch.setenv("BOOKING_DB", str(tmp_path / "bookings.db"))
    for cached in (booking_actions.booking_settings, booking_actions.booking_store, booking_actions.booking_backend):
        cached.cache_clear()
    yield booking_actions.booking_store()
    for cached in (booking_actions.booking_settings, booking_actions.booking_store, booking_actions.booking_backend):
        cached.cache_clear()


def all_actions() -> dict[str, Action]:
    found: dict[str, Action] = {}
    for module in (
        booking_actions,
        __import__("actions.handoff", fromlist=["x"]),
        __import__("actions.screening", fromlist=["x"]),
        __import__("actions.sign_check", fromlist=["x"]),
        __import__("actions.checkins", fromlist=["x"]),
    ):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Action) and value.__module__ == module.__name__:
                try:
                    action = value()
                    found[action.name()] = action
                except (NotImplementedError, TypeError):
                    continue
    return found


ACTIONS = all_actions()


def extracted(slot: str, intent: str, text: str, form: str) -> Optional[Any]:
    """What Rasa's action_extract_slots would fill from this message, by the mappings in domain.yml."""
    for mapping in DOMAIN["slots"][slot]["mappings"]:
        conditions = mapping.get("conditions") or []
        if not any(c.get("active_loop") == form and c.get("requested_slot") == slot for c in conditions):
            continue
        if mapping["type"] == "from_text" and intent not in (mapping.get("not_intent") or []):
            return text
        if mapping["type"] == "from_intent" and mapping["intent"] == intent:
            return mapping["value"]
    return None


class FormRun:
    """Rasa's form loop in miniature: one message in, the validation action and the next question out."""

    def __init__(self, form: str = "booking_form", slots: Optional[dict[str, Any]] = None) -> None:
        self.form = form
        self.slots: dict[str, Any] = {"requested_slot": None, **(slots or {})}
        self.said: list[dict[str, Any]] = []
        self.active = True
        self.validator = ValidateBookingForm() if form == "booking_form" else ValidateCallbackForm()
        self._run_validation(None, "book_appointment", "", [])

    def tracker(self, text: str, intent: str, entities: list[dict[str, Any]], candidates: dict[str, Any]) -> Tracker:
        message = {"intent": {"name": intent, "confidence": 0.9}, "entities": entities, "text": text}
        events = [{"event": "user", "text": text, "parse_data": message}, {"event": "action", "name": self.form}] + [
            {"event": "slot", "name": k, "value": v} for k, v in candidates.items()
        ]
        return Tracker(
            "patient", {**self.slots, **candidates}, message, events, False, None, {"name": self.form}, self.form
        )

    def _run(self, action: Action, state: Tracker) -> list[dict[str, Any]]:
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, state, DOMAIN))
        self.said.extend(dispatcher.messages)
        return events

    def _apply(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]

    def _run_validation(self, requested: Optional[str], intent: str, text: str, entities: list[dict[str, Any]]) -> bool:
        candidates = {}
        if requested:
            value = extracted(requested, intent, text, self.form)
            if value is not None:
                candidates[requested] = value
        events = self._run(self.validator, self.tracker(text, intent, entities, candidates))
        changed = [e for e in events if e.get("event") == "slot" and e["name"] != "requested_slot"]
        if requested and not changed:
            return False  # Rasa rejects the form: a rule answers the message instead
        self._apply(events)
        next_slot = next((e["value"] for e in events if e.get("name") == "requested_slot"), "unset")
        if next_slot == "unset":
            required = DOMAIN["forms"][self.form]["required_slots"]
            next_slot = next((s for s in required if self.slots.get(s) is None), None)
        self.slots["requested_slot"] = next_slot
        if next_slot is None:
            self.active = False
            return True
        ask = (
            f"action_ask_{self.form}_{next_slot}"
            if f"action_ask_{self.form}_{next_slot}" in ACTIONS
            else ASK[next_slot]
        )
        self._apply(self._run(ACTIONS[ask], self.tracker(text, intent, entities, {})))
        return True

    def say(
        self, text: str, intent: str = "inform", entities: Optional[list[dict[str, Any]]] = None
    ) -> list[dict[str, Any]]:
        """Send one message; returns what the assistant said in reply. Raises if the form would reject it."""
        start = len(self.said)
        if not self._run_validation(self.slots["requested_slot"], intent, text, entities or []):
            raise AssertionError(f"the form would reject {text!r} ({intent}) at {self.slots['requested_slot']}")
        return self.said[start:]

    def texts(self, replies: list[dict[str, Any]]) -> str:
        return "\n".join(str(r.get("text") or "") for r in replies)


def finish(run: FormRun, action: Action) -> list[dict[str, Any]]:
    tracker = Tracker(
        "patient", dict(run.slots), {"intent": {"name": "affirm"}, "text": "/affirm"}, [], False, None, {}, run.form
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    run.said.extend(dispatcher.messages)
    return events


def answer_screening(run: FormRun, answers: Optional[dict[str, str]] = None) -> None:
    for question in screening_questions():
        if not run.active or run.slots["requested_slot"] != "red_flag_screen":
            return
        answer = (answers or {}).get(question.id, "/deny")
        intent = {"/affirm": "affirm", "/deny": "deny"}.get(answer, "inform")
        run.say(answer, intent)


def book_until_screening(run: FormRun, payment: str = "pay myself") -> None:
    run.say("/affirm", "affirm")
    run.say("Harriet Cole")
    run.say("07400 314159")
    run.say("free assessment")
    run.say("thursday mornings")
    run.say(payment)


def test_consent_is_explained_and_asked_first_from_the_profile() -> None:
    run = FormRun()
    consent = run.said[-1]
    assert run.slots["requested_slot"] == "consent"
    assert "special category" in consent["text"] and PROFILE.email in consent["text"] and "deleted" in consent["text"]
    assert [b["payload"] for b in consent["buttons"]] == ["/affirm", "/deny"]


def test_refusing_consent_ends_the_form_kindly_with_the_phone_number(temporary_store: BookingStore) -> None:
    run = FormRun()
    reply = run.texts(run.say("/deny", "deny"))
    assert not run.active and PROFILE.phone in reply and "haven't kept anything" in reply
    events = finish(run, ActionSubmitBooking())
    assert (
        not temporary_store.list() and {"event": "slot", "name": "consent", "value": None, "timestamp": None} in events
    )


def test_happy_path_books_and_lands_in_the_sqlite_file(temporary_store: BookingStore) -> None:
    run = FormRun()
    book_until_screening(run, payment="i'm with simply health")
    assert "authorisation" in run.texts(run.said[-2:]).lower() and run.slots["requested_slot"] == "authorisation_number"
    run.say("SH440129")
    run.say("lower back keeps spasming")
    first_question = run.said[-1]
    assert "(1 of 6)" in first_question["text"] and [b["title"] for b in first_question["buttons"]] == [
        "Yes",
        "No",
        "Not sure",
    ]
    answer_screening(run)
    readback = run.said[-1]
    assert run.slots["requested_slot"] == "booking_confirmed"
    for detail in (
        "Harriet Cole",
        "07400 314159",
        "Free assessment",
        "Thursday morning",
        "Simplyhealth (authorisation SH440129)",
        "lower back keeps spasming",
    ):
        assert detail in readback["text"]
    assert readback["buttons"][0]["payload"] == "/affirm" and any("Change" in b["title"] for b in readback["buttons"])
    run.say("/affirm", "affirm")
    assert not run.active
    events = finish(run, ActionSubmitBooking())
    stored = temporary_store.list()
    assert len(stored) == 1
    request = stored[0].request
    assert (request.name, request.phone, request.payment, request.authorisation_number) == (
        "Harriet Cole",
        "+447400314159",
        "simplyhealth",
        "SH440129",
    )
    assert request.screening == "routine" and request.preferred_time == "Thursday morning"
    assert request.screening_answers == tuple((q.id, "no") for q in screening_questions()), "kept for reception"
    handoff = run.texts(run.said[-2:])  # the handoff, then the offer of check-ins (issue 22)
    assert request.reference in handoff and "within one working day" in handoff and "07400 314159" in handoff
    reference = [e["value"] for e in events if e.get("name") == "booking_reference"]
    assert reference == [request.reference]


def test_an_invalid_phone_is_refused_then_a_valid_one_taken() -> None:
    run = FormRun()
    run.say("/affirm", "affirm")
    run.say("Declan Murphy")
    refused = run.texts(run.say("07400 2718"))
    assert "doesn't look like a UK phone number" in refused and run.slots["requested_slot"] == "contact"
    run.say("sorry it's 07400 271828")
    assert run.slots["phone"] == "+447400271828" and run.slots["requested_slot"] == "appointment_type"


def test_two_invalid_answers_in_a_row_explain_the_question() -> None:
    run = FormRun()
    run.say("/affirm", "affirm")
    run.say("Declan Murphy")
    first = run.texts(run.say("12345"))
    assert "07400 123456 or 020 7946 0321" not in first
    second = run.texts(run.say("555 1234"))
    assert "07400 123456 or 020 7946 0321" in second and "Stop booking" in second
    third = run.texts(run.say("99 88"))
    assert "07400 123456 or 020 7946 0321" not in third, "the count starts again after an explanation"


def test_skipping_the_phone_asks_for_an_email_instead() -> None:
    run = FormRun()
    run.say("/affirm", "affirm")
    run.say("Nadia Rahman")
    reply = run.texts(run.say("i'd rather not give my number", "deny"))
    assert "email address" in reply and run.slots["contact_method"] == "email"
    run.say("nadia.r@example.com")
    assert run.slots["email"] == "nadia.r@example.com" and run.slots["phone"] is None


def test_an_insurer_the_clinic_does_not_take_is_said_and_self_pay_or_nhs_offered(tmp_path: Path) -> None:
    run = FormRun()
    run.say("/affirm", "affirm")
    run.say("Nadia Rahman")
    run.say("nadia.r@example.com")
    run.say("sports massage")
    run.say("saturdays")
    refused = run.say("westfield health")
    assert "doesn't work with Westfield Health" in run.texts(refused) and run.slots["payment"] is None
    assert {b["payload"] for b in refused[0]["buttons"]} >= {"pay myself", "/ask_nhs"}
    run.say("pay myself")
    assert run.slots["payment"] == "self_pay" and run.slots["requested_slot"] == "reason"


def test_a_closed_day_is_caught_kindly() -> None:
    run = FormRun()
    run.say("/affirm", "affirm")
    run.say("Nadia Rahman")
    run.say("nadia.r@example.com")
    run.say("physiotherapy")
    reply = run.texts(run.say("sunday morning"))
    assert "closed on Sunday" in reply and run.slots["requested_slot"] == "preferred_time"


def test_a_question_mid_form_is_not_taken_as_an_answer() -> None:
    run = FormRun()
    run.say("/affirm", "affirm")
    with pytest.raises(AssertionError, match="reject"):
        run.say("what time do you close on fridays?", "ask_clinic_info")
    run.say("Ruth Okafor")
    assert run.slots["patient_name"] == "Ruth Okafor"


def test_a_valid_answer_misfiled_as_a_question_is_still_taken() -> None:
    run = FormRun()
    run.say("/affirm", "affirm")
    run.say("Harriet Cole")
    run.say("07400 314159")
    run.say("sports massage", "find_physio")
    assert run.slots["appointment_type"] == "sports massage"


def test_an_emergency_answer_in_the_screen_ends_the_form_without_booking(temporary_store: BookingStore) -> None:
    run = FormRun()
    book_until_screening(run)
    run.say("lower back keeps spasming")
    answer_screening(run, {"bladder_bowel": "/affirm"})
    assert not run.active and run.slots["red_flag_screen"] == "emergency" and run.slots["triage_level"] == "emergency"
    assert "999" in run.said[-1]["text"] and not run.said[-1].get("buttons")
    finish(run, ActionSubmitBooking())
    assert not temporary_store.list()


def test_not_sure_is_never_taken_as_no() -> None:
    run = FormRun()
    book_until_screening(run)
    run.say("lower back keeps spasming")
    answer_screening(run, {"saddle_numbness": "no, not sure really"})
    assert run.slots["screening_answers"]["saddle_numbness"] == "unsure"
    assert run.slots["red_flag_screen"] == "urgent" and "111" in run.texts(run.said)
    assert run.slots["requested_slot"] == "booking_confirmed", "urgent advice, and the booking may go on"


def test_changing_a_field_at_the_readback_asks_it_again_then_reads_back_again() -> None:
    run = FormRun()
    book_until_screening(run)
    run.say("lower back keeps spasming")
    answer_screening(run)
    run.say("change phone or email")
    assert run.slots["requested_slot"] == "contact" and run.slots["phone"] is None
    run.say("07400 141421")
    assert run.slots["requested_slot"] == "booking_confirmed" and "07400 141421" in run.said[-1]["text"]


def test_stop_ends_the_form_and_keeps_nothing() -> None:
    run = FormRun()
    run.say("/affirm", "affirm")
    run.say("Gwen Price")
    with pytest.raises(AssertionError, match="reject"):
        run.say("actually forget it", "stop")
    tracker = Tracker(
        "patient",
        dict(run.slots),
        {"intent": {"name": "stop"}, "text": "stop"},
        [],
        False,
        None,
        {"name": "booking_form"},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionStopBooking().run(dispatcher, tracker, DOMAIN))
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    assert any(e.get("name") == "patient_name" and e.get("value") is None for e in events)
    assert "haven't kept" in dispatcher.messages[0]["text"] and PROFILE.phone in dispatcher.messages[0]["text"]


def test_asking_for_a_person_gives_hours_and_offers_a_call_back_that_lands_in_the_store(
    temporary_store: BookingStore,
) -> None:
    state = Tracker(
        "patient",
        {"consent": False},
        {"intent": {"name": "request_human"}, "text": "a person please"},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionRequestHuman().run(dispatcher, state, DOMAIN))
    text = dispatcher.messages[0]["text"]
    assert PROFILE.phone in text and "Monday to Friday" in text and "999" in text
    assert {"event": "slot", "name": "consent", "value": None, "timestamp": None} in events
    run = FormRun("callback_form")
    assert "call back" in run.said[-1]["text"]
    run.say("/affirm", "affirm")
    run.say("Peter Grant")
    run.say("020 7946 0871")
    assert not run.active
    run.slots["triage_level"] = "urgent"
    finish(run, ActionSubmitCallback())
    stored = temporary_store.list(kind="callback")
    assert len(stored) == 1 and stored[0].request.phone == "+442079460871"
    assert "urgent" in stored[0].request.summary and stored[0].request.screening == "urgent"
    assert stored[0].request.reference in run.said[-1]["text"] and "020 7946 0871" in run.said[-1]["text"]


def test_call_back_summary_redacts_contact_details() -> None:
    from actions.handoff import summary_of

    events = [
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}
        for text, intent in (
            ("why does my back keep locking", "ask_causes"),
            ("my number is 07400 314159", "inform"),
            ("or email harriet@example.com", "inform"),
        )
    ]
    state = Tracker("patient", {}, {}, events, False, None, {}, "action_listen")
    summary = summary_of(state, include_messages=True)
    assert "causes" in summary and "[phone]" in summary and "[email]" in summary
    assert "07400" not in summary and "harriet@" not in summary
    assert "Last messages" not in summary_of(state, include_messages=False)


def test_a_known_contact_is_offered_again_for_the_call_back() -> None:
    state = Tracker("patient", {"phone": "+447400577215"}, {}, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAskCallbackConsent().run(dispatcher, state, DOMAIN))
    assert "07400 577215" in dispatcher.messages[0]["text"]


def test_the_preferred_time_question_is_in_plain_words_without_a_booking_system() -> None:
    state = Tracker("patient", {"appointment_type": "physiotherapy"}, {}, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAskPreferredTime().run(dispatcher, state, DOMAIN))
    assert "Tuesday afternoon" in dispatcher.messages[0]["text"]
    assert events[0]["name"] == "time_offers" and events[0]["value"] == []


def test_every_form_question_has_an_ask_action() -> None:
    for form, spec in DOMAIN["forms"].items():
        for slot in spec["required_slots"]:
            assert f"action_ask_{form}_{slot}" in ACTIONS or ASK[slot] in ACTIONS, (form, slot)
    assert {
        ActionAskConsent().name(),
        ActionAskContact().name(),
        ActionAskRedFlagScreen().name(),
        ActionAskBookingConfirmed().name(),
    } <= set(DOMAIN["actions"])


@contextlib.contextmanager
def cliniko_backend(monkeypatch: pytest.MonkeyPatch, state: ClinikoState) -> Iterator[ClinikoState]:
    """The actions talking to a fake Cliniko: backend chosen by environment, cached settings dropped."""
    from tests.fakes.cliniko import API_KEY, fake_cliniko

    with fake_cliniko(state) as (url, running_state):
        monkeypatch.setenv("BOOKING_BACKEND", "cliniko")
        monkeypatch.setenv("CLINIKO_API_KEY", API_KEY)
        monkeypatch.setenv("CLINIKO_BASE_URL", url)
        for cached in (
            booking_actions.booking_settings,
            booking_actions.booking_store,
            booking_actions.booking_backend,
        ):
            cached.cache_clear()
        yield running_state


def test_with_cliniko_real_free_times_are_offered_as_buttons_and_the_pick_is_booked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datetime as dt

    from tests.fakes.cliniko import ClinikoState

    tomorrow = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
    free = [f"{tomorrow.isoformat()}T10:00:00Z", f"{tomorrow.isoformat()}T15:00:00Z"]
    with cliniko_backend(monkeypatch, ClinikoState(free_times=free)) as state:
        run = FormRun()
        run.say("/affirm", "affirm")
        run.say("Harriet Cole")
        run.say("harriet@example.com")
        run.say("free assessment")
        offer = run.said[-1]
        labels = [b["title"] for b in offer["buttons"]]
        assert len(labels) == 3 and labels[-1] == "None of these" and "with Alex Morgan" in labels[0]
        run.say(labels[1], "ask_clinic_info")  # a tapped time, whatever the classifier makes of it
        assert run.slots["preferred_time"] == labels[1] and run.slots["chosen_time"]["starts_at"] == free[1]
        run.say("pay myself")
        run.say("stiff lower back")
        answer_screening(run)
        run.say("/affirm", "affirm")
        finish(run, ActionSubmitBooking())
        assert len(state.appointments) == 1 and state.appointments[0]["starts_at"] == free[1]
        handoff = run.texts(run.said[-2:])  # the handoff, then the offer of check-ins (issue 22)
        assert "You're booked in" in handoff and labels[1] in handoff


def test_with_cliniko_none_of_these_asks_in_plain_words(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from tests.fakes.cliniko import ClinikoState

    tomorrow = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
    with cliniko_backend(monkeypatch, ClinikoState(free_times=[f"{tomorrow.isoformat()}T10:00:00Z"])):
        run = FormRun()
        for message, intent in (
            ("/affirm", "affirm"),
            ("Harriet Cole", "inform"),
            ("harriet@example.com", "inform"),
            ("free assessment", "inform"),
        ):
            run.say(message, intent)
        reply = run.texts(run.say("none of these"))
        assert "Tuesday afternoon" in reply and run.slots["requested_slot"] == "preferred_time"
        run.say("weekday evenings")
        assert run.slots["preferred_time"] == "Weekdays, evenings" and run.slots["chosen_time"] is None


def test_cliniko_down_still_lets_the_person_book_in_plain_words(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes.cliniko import ClinikoState

    with cliniko_backend(monkeypatch, ClinikoState(fail_with=503)):
        run = FormRun()
        for message, intent in (
            ("/affirm", "affirm"),
            ("Harriet Cole", "inform"),
            ("harriet@example.com", "inform"),
            ("free assessment", "inform"),
        ):
            run.say(message, intent)
        assert "Tuesday afternoon" in run.said[-1]["text"] and not run.said[-1].get("buttons")


def test_an_answer_the_form_refuses_for_a_reason_is_not_mistaken_for_a_greeting() -> None:
    run = FormRun()
    for message, intent in (
        ("/affirm", "affirm"),
        ("Harriet Cole", "inform"),
        ("07400 314159", "inform"),
        ("physiotherapy", "inform"),
    ):
        run.say(message, intent)
    reply = run.texts(run.say("sunday morning", "greet"))
    assert "closed on Sunday" in reply and run.slots["requested_slot"] == "preferred_time"


@pytest.mark.parametrize(
    "form, intent, expected, absent",
    [
        ("booking_form", "stop", "stopped the booking", None),
        ("booking_form", "goodbye", "stopped the booking", "anything else"),
        ("callback_form", "stop", "no call back", None),
    ],
)
def test_stopping_says_what_was_stopped(form: str, intent: str, expected: str, absent: Optional[str]) -> None:
    tracker = Tracker(
        "patient",
        {"patient_name": "Gwen"},
        {"intent": {"name": intent}, "text": "x"},
        [],
        False,
        None,
        {"name": form},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionStopBooking().run(dispatcher, tracker, DOMAIN))
    text = dispatcher.messages[0]["text"]
    assert expected in text and (absent is None or absent not in text)


def test_a_name_only_the_classifier_took_for_a_red_flag_is_still_taken() -> None:
    """An unusual name can look like a symptom to the intent classifier; the safety net names no sign in it."""
    slots = {"requested_slot": "patient_name"}
    message = {
        "intent": {"name": "report_red_flag", "confidence": 0.62},
        "entities": [],
        "text": "Marjorie Quellington",
    }
    tracker = Tracker("patient", slots, message, [], False, None, {"name": "booking_form"}, "action_listen")
    extracted = asyncio.run(ValidateBookingForm().extract_patient_name(CollectingDispatcher(), tracker, DOMAIN))
    assert extracted == {"patient_name": "Marjorie Quellington"}
