"""How the booking conversation reads each answer and what it says, without Rasa."""

from __future__ import annotations

import datetime as dt

import pytest

from backcare.booking import conversation as talk
from backcare.booking.request import BookingRequest, Submission
from backcare.booking.settings import load_booking_settings
from backcare.booking.summary import conversation_summary
from backcare.clinic import load_profile

PROFILE = load_profile()
SETTINGS = load_booking_settings({}, environ={})
THURSDAY_10AM = dt.datetime(2026, 11, 26, 10, 0)


@pytest.mark.parametrize(
    "text, intent, answer",
    [
        ("/affirm", "affirm", "yes"),
        ("/deny", "deny", "no"),
        ("not sure", "inform", "unsure"),
        ("yes", "affirm", "yes"),
        ("no, never", "deny", "no"),
        ("no... maybe a bit?", "deny", "unsure"),
        ("i don't know", "deny", "unsure"),
        ("dunno", "inform", "unsure"),
        ("i have, yes", "affirm", "yes"),
        ("what do you mean", "out_of_scope", None),
    ],
)
def test_screening_answers_and_doubt_is_never_no(text: str, intent: str, answer: str) -> None:
    assert talk.screening_answer(text, intent) == answer


@pytest.mark.parametrize(
    "text, intent, verdict",
    [
        ("/affirm", "affirm", ("yes", None)),
        ("yes that's all correct", "affirm", ("yes", None)),
        ("change phone or email", "inform", ("change", "contact")),
        ("change name", "inform", ("change", "patient_name")),
        ("the day and time is wrong", "inform", ("change", "preferred_time")),
        ("change appointment", "inform", ("change", "appointment_type")),
        ("change payment", "inform", ("change", "payment")),
        ("change reason", "inform", ("change", "reason")),
        ("no", "deny", ("no", None)),
        ("banana", "inform", (None, None)),
    ],
)
def test_confirmation_reads_yes_or_the_field_to_change(text: str, intent: str, verdict: tuple) -> None:
    assert talk.confirmation(text, intent) == verdict


def test_contact_takes_phone_or_email_and_says_what_is_wrong() -> None:
    phone = talk.check_contact("07400 314159", "inform", None, PROFILE)
    assert phone.value == "07400 314159" and phone.extra["phone"] == "+447400314159"
    email = talk.check_contact("me@example.com", "inform", None, PROFILE)
    assert email.value == "me@example.com" and email.extra["contact_method"] == "email"
    assert "name@example.com" in (talk.check_contact("me@example", "inform", None, PROFILE).message or "")
    assert "UK phone number" in (talk.check_contact("0740 12", "inform", None, PROFILE).message or "")
    skip = talk.check_contact("skip", "inform", None, PROFILE)
    assert skip.value is None and not skip.counted and skip.extra["contact_method"] == "email"
    refuse_both = talk.check_contact("no", "deny", "email", PROFILE)
    assert PROFILE.phone in (refuse_both.message or "") and not refuse_both.counted


def test_appointment_types_come_from_the_profile_and_ambiguity_is_asked() -> None:
    assert talk.check_appointment_type("Sports massage", PROFILE).value == "sports massage"
    assert talk.check_appointment_type("just physio", PROFILE).value == "physiotherapy"
    assert talk.check_appointment_type("the free one", PROFILE).value == "free assessment"
    which = talk.check_appointment_type("a massage", PROFILE)
    assert which.value is None and not which.counted and len(which.buttons) == 2
    assert talk.check_appointment_type("x-ray", PROFILE).counted
    question = talk.appointment_type_question(PROFILE)
    assert [b.payload for b in question.buttons] == list(PROFILE.services)


@pytest.mark.parametrize(
    "text, entities, value",
    [
        ("bupa", ["bupa"], "bupa"),
        ("i'm with axa", [], "axa_ppp"),
        ("Simply Health", [], "simplyhealth"),
        ("pru health", [], "vitality"),
        ("pay myself", [], "self_pay"),
        ("no insurance, i'll pay", [], "self_pay"),
    ],
)
def test_payment_accepts_self_pay_and_the_clinics_insurers(text: str, entities: list, value: str) -> None:
    assert talk.check_payment(text, entities, PROFILE).value == value


def test_an_accepted_insurer_says_what_the_insurer_usually_needs() -> None:
    message = talk.check_payment("bupa", ["bupa"], PROFILE).message or ""
    assert "authorisation number" in message and "GP referral" in message


@pytest.mark.parametrize("text", ["benenden", "I'm with Westfield Health", "medicash cash plan"])
def test_insurers_the_clinic_does_not_take_are_named_with_alternatives(text: str) -> None:
    check = talk.check_payment(text, [], PROFILE)
    assert check.value is None and not check.counted and "doesn't work with" in (check.message or "")
    assert {b.payload for b in check.buttons} >= {"pay myself", "/ask_nhs"}


def test_nhs_and_unnamed_insurance_get_their_own_answers() -> None:
    assert "NHS physio is free" in (talk.check_payment("can i get it on the nhs", [], PROFILE).message or "")
    assert "Which insurer" in (talk.check_payment("health insurance", [], PROFILE).message or "")


def test_authorisation_number_or_not_yet() -> None:
    assert talk.check_authorisation("AB123456", "inform").value == "AB123456"
    assert talk.check_authorisation("not yet", "inform").value == talk.NO_AUTHORISATION
    assert talk.check_authorisation("blue", "inform").value is None


def test_readback_lists_every_detail_with_a_change_button_for_each() -> None:
    reply = talk.readback(
        {
            "patient_name": "Sam Patel",
            "contact": "07400 123456",
            "appointment_type": "physiotherapy",
            "preferred_time": "Tuesday afternoon",
            "payment": "bupa",
            "insurer_name": "Bupa",
            "authorisation_number": "none",
            "reason": "stiff back",
        }
    )
    assert "Bupa (no authorisation number yet)" in reply.text and "Physiotherapy" in reply.text
    assert len(reply.buttons) == 1 + len(talk.CHANGEABLE)


def test_handoff_gives_the_reference_what_happens_next_and_when() -> None:
    request = BookingRequest("BK-7KQ2XD", name="Sam Patel", phone="+447400123456", preferred_time="Tuesday afternoon")
    text = talk.handoff(Submission("BK-7KQ2XD", "stored", "sqlite"), request, PROFILE, SETTINGS, THURSDAY_10AM).text
    assert "BK-7KQ2XD" in text and "07400 123456" in text and "within one working day" in text
    assert "open now, until 8pm" in text and "999" in text
    queued = talk.handoff(Submission("BK-7KQ2XD", "queued", "webhook"), request, PROFILE, SETTINGS, THURSDAY_10AM).text
    assert "kept your request safely" in queued and "to confirm" in queued
    booked = talk.handoff(
        Submission("BK-7KQ2XD", "booked", "cliniko", appointment="Tue 1 Dec, 9am with Alex Morgan"),
        request,
        PROFILE,
        SETTINGS,
        THURSDAY_10AM,
    ).text
    assert "You're booked in" in booked and "Tue 1 Dec, 9am" in booked


def test_every_question_can_be_explained_with_the_profile() -> None:
    for slot in talk.FIELDS[1:]:
        assert talk.explanation(slot, PROFILE), slot
    assert PROFILE.hours_text() in (talk.explanation("preferred_time", PROFILE) or "")


def test_summary_masks_what_identifies_a_person() -> None:  # the masks themselves: tests/unit/test_redaction.py
    summary = conversation_summary(
        ["ask_causes", "ask_medication", "inform"],
        ["why", "ibuprofen?", "07400 123456"],
        "urgent",
        include_messages=True,
    )
    assert summary.startswith("Asked about: causes, medicines.") and "urgent" in summary and "[phone]" in summary
