"""WhatsApp through Twilio with the real assistant: Twilio's signed webhook requests posted to the running Rasa
server, the replies caught by a local fake of Twilio's API."""

from __future__ import annotations

import uuid

import pytest

from backcare.booking.store import BookingStore
from backcare.knowledge import KnowledgeBase
from backcare.triage import screening_questions
from channels.common import BUTTONS_HINT, NO_TEXT_REPLY, WHATSAPP_TWILIO_MAX_LENGTH, numbered_options, text_length
from channels.local_platform import FakePlatform, WhatsAppPatient, twilio_signature
from tests.channels.settings import ACCOUNT_SID, AUTH_TOKEN, CLINIC_NUMBER
from tests.model.assistant import RunningAssistant

KB = KnowledgeBase.load()


def first_sentence(intent_or_payload: str) -> str:
    entry = KB.for_intent(intent_or_payload.lstrip("/").split("{")[0])
    assert entry is not None, f"no knowledge-base answer for {intent_or_payload}"
    return entry.answer.split(". ")[0]


def words(text: str) -> list[str]:
    return text.replace("**", "").replace("*", "").split()


def test_the_greeting_is_one_message_with_numbered_options(
    whatsapp: WhatsAppPatient, channel_assistant: RunningAssistant, fake: FakePlatform
) -> None:
    mark = fake.mark()
    [body] = whatsapp.say("hello")
    [rest] = channel_assistant.send("hello")
    assert body.startswith(rest["text"].strip())
    assert body.endswith(numbered_options(rest["buttons"]))
    assert "1. " in body and body.endswith(BUTTONS_HINT)
    assert "999" in body and "not a diagnosis" in body
    [call] = [call for call in fake.since(mark) if call["platform"] == "twilio"]
    assert call["form"]["From"] == CLINIC_NUMBER and call["form"]["To"] == whatsapp.sender
    assert call["account_sid"] == ACCOUNT_SID and call["user"] == ACCOUNT_SID


def test_a_question_gets_the_same_answer_as_on_the_website(
    whatsapp: WhatsAppPatient, channel_assistant: RunningAssistant
) -> None:
    bodies = whatsapp.say("what causes back spasms?")
    rest = channel_assistant.send("what causes back spasms?")
    assert first_sentence("ask_causes") in bodies[0]
    assert "https://www.nhs.uk/conditions/back-pain/" in " ".join(bodies), "links arrive whole (WhatsApp links them)"
    expected = " ".join(reply["text"] for reply in rest) + " " + numbered_options(rest[-1].get("buttons") or [])
    assert words(" ".join(bodies)) == words(expected)
    assert all(text_length(body) <= WHATSAPP_TWILIO_MAX_LENGTH for body in bodies)


@pytest.mark.parametrize("choose", ["number", "words"])
def test_the_patient_picks_an_option_by_number_or_words(
    whatsapp: WhatsAppPatient, channel_assistant: RunningAssistant, choose: str
) -> None:
    [greeting] = channel_assistant.send("hello", sender=uuid.uuid4().hex)
    whatsapp.say("hello")
    index, button = next(
        (index, button)
        for index, button in enumerate(greeting["buttons"])
        if KB.for_intent(button["payload"].lstrip("/")) and index > 0
    )
    reply = str(index + 1) if choose == "number" else button["title"].lower().rstrip("?")
    assert first_sentence(button["payload"]) in " ".join(whatsapp.say(reply))


def test_a_forged_request_is_refused_and_nothing_is_sent(whatsapp: WhatsAppPatient, fake: FakePlatform) -> None:
    form = whatsapp.form("my back hurts and i cant feel my bum")
    mark = fake.mark()
    assert whatsapp.post(form, signature=None).status_code == 403
    assert (
        whatsapp.post(
            form, signature=twilio_signature("not-our-token", whatsapp.settings.webhook_url, form)
        ).status_code
        == 403
    )
    assert whatsapp.post(form, signature=twilio_signature(AUTH_TOKEN, whatsapp.post_url, form)).status_code == 403
    assert fake.since(mark) == []


def test_a_repeated_delivery_is_answered_once(whatsapp: WhatsAppPatient, fake: FakePlatform) -> None:
    form = whatsapp.form("what is a back spasm?")
    mark = fake.mark()
    assert whatsapp.post(form).status_code == 200
    once = whatsapp.replies(mark)
    assert once and first_sentence("ask_what_is_spasm") in once[0]
    assert whatsapp.post(form).status_code == 200
    assert whatsapp.replies(mark) == once


@pytest.mark.parametrize("body, media", [(None, 1), ("", 1), (None, 0)])
def test_a_photo_or_an_empty_message_is_answered_kindly(
    whatsapp: WhatsAppPatient, fake: FakePlatform, body: str, media: int
) -> None:
    mark = fake.mark()
    assert whatsapp.post(whatsapp.form(body, num_media=media)).status_code == 200
    assert whatsapp.replies(mark) == [NO_TEXT_REPLY]


def option_number(body: str, words_in_title: str) -> str:
    """The number of the option titled with these words (or else containing them), from the numbered list
    ending a message."""
    options = [line.partition(". ") for line in body.splitlines()]
    options = [(number, title.lower()) for number, _, title in options if number.isdigit()]
    for number, title in options:
        if title == words_in_title:
            return number
    for number, title in options:
        if words_in_title in title:
            return number
    raise AssertionError(f"no option about {words_in_title!r} in {body!r}")


def test_a_whole_conversation_over_whatsapp(whatsapp: WhatsAppPatient) -> None:
    """Greeting, a question, a question and its follow-up in context, then red flags."""
    greeting = whatsapp.say("hello")
    assert "not a diagnosis" in greeting[0]
    assert first_sentence("ask_causes") in whatsapp.say("what causes back spasms?")[0]

    heat, yoga = KB.get("heat_and_ice"), KB.get("yoga_pilates")
    assert heat is not None and yoga is not None
    assert heat.answer.split(". ")[0] in " ".join(whatsapp.say("does heat help a back spasm"))
    assert yoga.answer.split(". ")[0] in " ".join(whatsapp.say("and what about yoga?"))

    emergency = " ".join(whatsapp.say("my back hurts and i cant feel my bum and i wet myself"))
    assert "999" in emergency
    assert "**" not in emergency, "bold is WhatsApp's *bold*"


def test_a_patient_books_over_whatsapp_answering_options_by_number_and_by_words(
    whatsapp: WhatsAppPatient, channel_assistant: RunningAssistant
) -> None:
    """The booking form end to end, as a patient on WhatsApp would answer it, and the request it stores."""
    offer = whatsapp.say("i'd like to book an appointment for my back")
    assert "UK GDPR" in offer[-1] and "Reply with the number or the words." in offer[-1]
    assert "name" in " ".join(whatsapp.say(option_number(offer[-1], "yes"))).lower()
    assert "phone number" in " ".join(whatsapp.say("Harriet Cole"))
    kinds = whatsapp.say("07400 314159")[-1]
    assert "kind of appointment" in kinds
    assert "days and times" in " ".join(whatsapp.say(option_number(kinds, "free assessment")))
    assert "pay for yourself" in " ".join(whatsapp.say("thursday mornings"))
    assert "authorisation" in " ".join(whatsapp.say("bupa"))
    assert "what would you like help with" in " ".join(whatsapp.say("not yet"))
    question = whatsapp.say("my lower back keeps going into spasm")[-1]
    assert screening_questions()[0].text in question
    for _ in screening_questions()[1:]:
        question = whatsapp.say(option_number(question, "no"))[-1]  # by number
    readback = whatsapp.say("No")  # by words
    for detail in ("Harriet Cole", "07400 314159", "Free assessment", "Thursday morning", "Bupa"):
        assert detail in " ".join(readback), detail
    handoff = " ".join(whatsapp.say(option_number(readback[-1], "yes")))

    stored = [
        saved.request
        for saved in BookingStore(channel_assistant.work_dir / "bookings.db").list()
        if saved.request.name == "Harriet Cole"
    ]
    assert len(stored) == 1
    request = stored[0]
    assert request.reference in handoff and "what happens next" in handoff.lower()
    assert (request.phone, request.appointment_type, request.payment) == ("+447400314159", "free assessment", "bupa")
    assert request.screening == "routine" and request.reason == "my lower back keeps going into spasm"


def test_the_website_channel_still_works_beside_the_messaging_channels(channel_assistant: RunningAssistant) -> None:
    assert "999" in channel_assistant.texts(channel_assistant.send("hello"))
