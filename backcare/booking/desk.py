"""Reception's view of booking and call-back requests, shared by the staff command (scripts/bookings.py) and the
staff console (console/): which requests come first, which are urgent, and each request's details in plain words,
the red-flag screening answers included."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from backcare.booking.settings import BookingSettings, load_booking_settings
from backcare.booking.store import NEW, BookingStore, StoredRequest
from backcare.booking.validation import phone_for_reading
from backcare.clinic import load_profile

URGENT_SCREENING = ("urgent", "emergency")
ANSWER_WORDS = {"yes": "Yes", "no": "No", "unsure": "Not sure"}


@dataclass(frozen=True)
class ScreeningLine:
    question: str
    answer: str  # Yes / No / Not sure
    worrying: bool  # a yes or a not sure


def desk_settings() -> BookingSettings:
    """The clinic's booking settings for reading the local file: no backend secrets are needed for that."""
    profile = load_profile()
    raw = dict(profile.booking)
    raw["backend"] = "sqlite"
    return load_booking_settings(raw, profile.email)


def desk_store() -> BookingStore:
    return BookingStore(desk_settings().db_path)


def contact_of(stored: StoredRequest) -> str:
    request = stored.request
    return phone_for_reading(request.phone) if request.phone else (request.email or "-")


def is_urgent(stored: StoredRequest) -> bool:
    """The red-flag screen (or, for a call-back, the conversation's triage) advised same-day or emergency help."""
    return stored.request.screening in URGENT_SCREENING


def desk_order(requests: Sequence[StoredRequest]) -> list[StoredRequest]:
    """New before handled; among them urgent first, then newest first."""
    newest_first = sorted(requests, key=lambda s: (s.request.created_at, s.request.reference), reverse=True)
    return sorted(newest_first, key=lambda s: (s.status != NEW, not is_urgent(s)))


def what_for(stored: StoredRequest) -> str:
    request = stored.request
    return request.appointment_type if request.kind == "booking" else "call back"


def screening_lines(stored: StoredRequest) -> list[ScreeningLine]:
    """The screening questions as asked, each with the person's answer (questions the person did not reach are
    left out: the screen stops at the first emergency yes)."""
    from backcare.triage import screening_questions  # the red-flag content loads only when a request is read

    texts = {question.id: question.text for question in screening_questions()}
    return [
        ScreeningLine(
            texts.get(question_id, question_id.replace("_", " ")),
            ANSWER_WORDS.get(answer, answer),
            answer in ("yes", "unsure"),
        )
        for question_id, answer in stored.request.screening_answers
    ]


def request_fields(stored: StoredRequest) -> list[tuple[str, str]]:
    """(label, value) for every detail of one request, in the order reception reads them."""
    r = stored.request
    return [
        ("Reference", r.reference),
        ("Kind", r.kind),
        ("Received", r.created_at),
        ("Status", stored.status),
        ("Handled", stored.handled_at or "-"),
        ("Name", r.name),
        ("Phone", phone_for_reading(r.phone) if r.phone else "-"),
        ("Email", r.email or "-"),
        ("Appointment", r.appointment_type or "-"),
        ("When", r.preferred_time or "-"),
        ("Picked time", r.slot.label if r.slot else "-"),
        ("Payment", r.payment_text() or "-"),
        ("Reason", r.reason or "-"),
        ("Red-flag screen", r.screening or "-"),
        ("Conversation", r.summary or "-"),
    ]


def references_to_delete(store: BookingStore, reference: Optional[str], contact: Optional[str]) -> list[str]:
    """What a deletion request covers: one reference, or every request with that phone number or email."""
    if reference:
        return [reference.strip().upper()] if store.get(reference) else []
    return store.references_for_contact(contact or "")


def delete_all(store: BookingStore, references: Sequence[str]) -> int:
    return sum(store.delete(reference) for reference in references)
