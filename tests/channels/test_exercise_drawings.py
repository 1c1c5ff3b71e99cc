"""The stretch drawings on every channel (issue 21). First the connectors alone, in-process with a stand-in dialogue
that answers with an exercise and its drawing (no model needed); then the real assistant: WhatsApp sends the PNG as
media (the fake Twilio records a MediaUrl that answers with a PNG) and Telegram a sendPhoto with the steps as its
caption."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from backcare.exercises import Move as ExerciseMove
from backcare.exercises import drawing_url, reply_for, routine, take_turn
from channels.common import TELEGRAM_MAX_LENGTH, text_length
from channels.local_platform import FakePlatform, TelegramPatient, WhatsAppPatient
from channels.rest import LimitedRestInput
from channels.telegram import CAPTION_MAX_LENGTH, TelegramInput
from channels.whatsapp import WhatsAppInput
from tests.channels.inprocess import StandInDialogue, serve
from tests.channels.settings import telegram_settings, whatsapp_settings
from tests.model.assistant import RunningAssistant

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FIRST_REQUEST = "show me stretches for a back spasm"


def exercise_message(base_url: str) -> dict[str, Any]:
    """The bot message actions/exercises.py sends for the first stretch, as Rasa hands it to a channel."""
    plan = routine()
    reply = reply_for(plan, take_turn(plan, ExerciseMove.START, None, FIRST_REQUEST))
    assert reply.drawing is not None
    return {
        "text": reply.text,
        "buttons": [{"title": b.title, "payload": b.payload} for b in reply.buttons],
        "image": drawing_url(reply.drawing, base_url),
        "alt_text": reply.alt,
    }


@pytest.fixture
def served(fake: FakePlatform, dialogue: StandInDialogue) -> Iterator[str]:
    """REST, WhatsApp and Telegram in one in-process server (as in the Rasa server); the dialogue answers with the
    first stretch, its drawing addressed at this server."""
    channels = [
        LimitedRestInput(),
        WhatsAppInput(whatsapp_settings(fake.url)),
        TelegramInput(telegram_settings(fake.url, limit=TELEGRAM_MAX_LENGTH)),
    ]
    with serve(channels, dialogue) as url:
        dialogue.reply = exercise_message(url)
        yield url


def assert_png(url: str) -> None:
    answer = requests.get(url, timeout=30)
    assert answer.status_code == 200, url
    assert answer.headers["Content-Type"] == "image/png"
    assert answer.content.startswith(PNG_MAGIC)


def test_rest_reply_carries_the_image_and_its_alt_text_and_the_drawings_are_served(served: str) -> None:
    replies = requests.post(
        f"{served}/webhooks/rest/webhook", json={"sender": "a", "message": FIRST_REQUEST}, timeout=10
    ).json()
    [image] = [reply for reply in replies if "image" in reply]
    assert image["image"].endswith("/webhooks/rest/drawings/knee_to_chest.svg")
    assert image["alt_text"] == routine().exercises[0].alt
    assert "1. " in " ".join(reply.get("text", "") for reply in replies)
    svg = requests.get(image["image"], timeout=10)
    assert svg.status_code == 200 and svg.headers["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content and b"<title" in svg.content
    for exercise in routine().exercises:
        assert_png(f"{served}/webhooks/rest/drawings/{exercise.drawing}.png")
    for unknown in ("nothing.png", "knee_to_chest.gif", "knee_to_chest", "..%2Froutine.yml"):
        assert requests.get(f"{served}/webhooks/rest/drawings/{unknown}", timeout=10).status_code == 404


def test_whatsapp_sends_the_png_as_media(served: str, fake: FakePlatform) -> None:
    patient = WhatsAppPatient(fake, served, whatsapp_settings(fake.url), "whatsapp:+447700900901")
    mark = fake.mark()
    bodies = patient.say(FIRST_REQUEST)
    assert any("1. Lie on your back" in body for body in bodies)
    [media] = [form for form in fake.twilio_messages(mark) if "MediaUrl" in form]
    assert media["To"] == patient.sender and media["MediaUrl"].endswith("/knee_to_chest.png")
    assert_png(media["MediaUrl"])


def test_telegram_sends_a_photo_with_the_steps_as_caption(served: str, fake: FakePlatform) -> None:
    patient = TelegramPatient(fake, served, telegram_settings(fake.url, limit=TELEGRAM_MAX_LENGTH), chat_id=70_000_001)
    calls = patient.say(FIRST_REQUEST)
    [photo] = [call for call in calls if call["method"] == "sendPhoto"]
    assert photo["payload"]["photo"].endswith("/knee_to_chest.png")
    assert_png(photo["payload"]["photo"])
    caption = photo["payload"]["caption"]
    assert "1. Lie on your back" in caption and "**" not in caption
    assert text_length(caption) <= CAPTION_MAX_LENGTH
    assert photo["payload"]["caption_entities"][0]["type"] == "bold"
    keyboards = [call for call in calls if "reply_markup" in call["payload"]]
    assert keyboards, "the buttons (next, again, that hurts, stop) are offered"


def test_telegram_caption_keeps_under_1024_characters_and_the_rest_follows(
    served: str, fake: FakePlatform, dialogue: StandInDialogue
) -> None:
    long_text = " ".join(f"Sentence number {n} about the stretch." for n in range(80))
    dialogue.reply = {**exercise_message(served), "text": long_text}
    patient = TelegramPatient(fake, served, telegram_settings(fake.url, limit=TELEGRAM_MAX_LENGTH), chat_id=70_000_002)
    calls = patient.say(FIRST_REQUEST)
    assert calls[0]["method"] == "sendPhoto"
    assert text_length(calls[0]["payload"]["caption"]) <= CAPTION_MAX_LENGTH
    following = [call["payload"]["text"] for call in calls[1:] if call["method"] == "sendMessage"]
    assert following and " ".join([calls[0]["payload"]["caption"], *following]).split() == long_text.split()
    assert "reply_markup" in calls[-1]["payload"]


# The real assistant -------------------------------------------------------------------------------------------


def test_the_assistant_on_whatsapp_sends_a_media_url_that_answers_with_a_png(
    whatsapp: WhatsAppPatient, fake: FakePlatform, channel_assistant: RunningAssistant
) -> None:
    mark = fake.mark()
    bodies = whatsapp.say(FIRST_REQUEST)
    assert any("1. " in body for body in bodies), bodies
    media = [form["MediaUrl"] for form in fake.twilio_messages(mark) if form.get("MediaUrl")]
    assert media and media[0].startswith(channel_assistant.rasa_url) and media[0].endswith(".png")
    assert_png(media[0])


def test_the_assistant_on_telegram_sends_a_photo_with_the_steps(
    telegram: TelegramPatient, channel_assistant: RunningAssistant
) -> None:
    calls = telegram.say(FIRST_REQUEST)
    photos = [call for call in calls if call["method"] == "sendPhoto"]
    assert photos, [call["method"] for call in calls]
    assert "Stretch 1 of 4" in photos[0]["payload"]["caption"]
    assert_png(photos[0]["payload"]["photo"])
