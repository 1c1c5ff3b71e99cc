"""Booking end to end with the running assistant over the REST channel: the patient taps and types as on the
website, and the request lands in the SQLite file the action server was given (BOOKING_DB)."""

from __future__ import annotations

import uuid

from backcare.booking.store import BookingStore
from backcare.clinic import load_profile
from backcare.triage import screening_questions
from tests.model.assistant import RunningAssistant

PROFILE = load_profile()


def store(assistant: RunningAssistant) -> BookingStore:
    return BookingStore(assistant.work_dir / "bookings.db")


def test_a_patient_books_end_to_end_and_the_request_is_stored(assistant: RunningAssistant) -> None:
    sender = f"booking-{uuid.uuid4().hex}"

    def say(message: str) -> str:
        return assistant.texts(assistant.send(message, sender=sender))

    consent = say("i'd like to book an appointment for my back")
    assert "UK GDPR" in consent and PROFILE.email in consent
    assert "name" in say("/affirm").lower()
    assert "phone number" in say("Harriet Cole")
    assert "doesn't look like a UK phone number" in say("07400 3141")
    assert "kind of appointment" in say("07400 314159")
    assert "days and times" in say("free assessment")
    assert "pay for yourself" in say("thursday mornings")
    assert "authorisation" in say("bupa")
    assert "what would you like help with" in say("not yet")
    first = say("my lower back keeps going into spasm")
    assert screening_questions()[0].text in first
    for _ in screening_questions()[1:]:
        say("/deny")
    readback = say("/deny")
    for detail in ("Harriet Cole", "07400 314159", "Free assessment", "Thursday morning", "Bupa"):
        assert detail in readback, detail
    handoff = say("/affirm")
    requests = [s.request for s in store(assistant).list() if s.request.name == "Harriet Cole"]
    assert len(requests) == 1
    request = requests[0]
    assert request.reference in handoff and "what happens next" in handoff.lower()
    assert (request.phone, request.appointment_type, request.payment) == ("+447400314159", "free assessment", "bupa")
    assert request.screening == "routine" and request.reason == "my lower back keeps going into spasm"


def test_stopping_halfway_keeps_nothing(assistant: RunningAssistant) -> None:
    sender = f"stop-{uuid.uuid4().hex}"
    assistant.send("can i book in", sender=sender)
    assistant.send("/affirm", sender=sender)
    assistant.send("Gwen Price", sender=sender)
    reply = assistant.texts(assistant.send("oh forget it, i will ring you later", sender=sender))
    assert "stopped the booking" in reply and PROFILE.phone in reply
    assert not [s for s in store(assistant).list() if s.request.name == "Gwen Price"]
    assert "back spasm" in assistant.texts(assistant.send("what is a back spasm?", sender=sender)).lower()


def test_an_emergency_sign_during_booking_gets_999_and_no_booking(assistant: RunningAssistant) -> None:
    sender = f"red-flag-{uuid.uuid4().hex}"
    assistant.send("book me an appointment", sender=sender)
    assistant.send("/affirm", sender=sender)
    assistant.send("Colin Baxter", sender=sender)
    reply = assistant.texts(assistant.send("hang on, i can't feel anything between my legs", sender=sender))
    assert "999" in reply
    assert not [s for s in store(assistant).list() if s.request.name == "Colin Baxter"]


def test_asking_for_a_person_leaves_a_call_back_request(assistant: RunningAssistant) -> None:
    sender = f"person-{uuid.uuid4().hex}"
    first = assistant.texts(assistant.send("can i speak to a real person please", sender=sender))
    assert PROFILE.phone in first and "call back" in first
    assistant.send("/affirm", sender=sender)
    assistant.send("Peter Grant", sender=sender)
    reply = assistant.texts(assistant.send("020 7946 0871", sender=sender))
    callbacks = [s.request for s in store(assistant).list(kind="callback") if s.request.name == "Peter Grant"]
    assert len(callbacks) == 1 and callbacks[0].reference in reply and "020 7946 0871" in reply
