"""The WhatsApp (Twilio) connector on its own, with a stand-in dialogue: what reaches the dialogue and what the
connector asks Twilio (a local fake) to send. No trained model needed."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from channels.common import BUTTONS_HINT, NO_TEXT_REPLY, SORRY_REPLY, WHATSAPP_TWILIO_MAX_LENGTH, text_length
from channels.limits import RATE_LIMITED_REPLY, LimitSettings, MessageGate
from channels.local_platform import FakePlatform, WhatsAppPatient, twilio_signature
from channels.whatsapp import WhatsAppInput
from tests.channels.inprocess import StandInDialogue, serve
from tests.channels.settings import ACCOUNT_SID, AUTH_TOKEN, CLINIC_NUMBER, PUBLIC_WEBHOOK_URL, whatsapp_settings

YES_NO = {
    "text": "Would you like some tips?",
    "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No thanks", "payload": "/deny"}],
}


def test_a_signed_message_reaches_the_dialogue_and_the_reply_goes_back_through_twilio(
    whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue, fake: FakePlatform
) -> None:
    mark = fake.mark()
    response = whatsapp_alone.post(whatsapp_alone.form("my back hurts"))
    assert response.status_code == 200 and "<Response></Response>" in response.text
    assert dialogue.texts == ["my back hurts"]
    assert dialogue.received[0].sender_id == whatsapp_alone.sender
    assert dialogue.received[0].input_channel == "whatsapp"
    [call] = [call for call in fake.since(mark) if call["platform"] == "twilio"]
    assert call["form"] == {"To": whatsapp_alone.sender, "From": CLINIC_NUMBER, "Body": "Hello. How can I help?"}
    assert call["account_sid"] == ACCOUNT_SID and call["user"] == ACCOUNT_SID


@pytest.mark.parametrize(
    "signature",
    [
        None,  # unsigned
        "",
        "bm90IGEgc2lnbmF0dXJl",  # made up
        "wrong-token",  # signed with another account's token
        "local-url",  # signed over the address the server sees, not the public URL Twilio was given
    ],
)
def test_an_unsigned_or_forged_request_is_refused_and_never_reaches_the_dialogue(
    whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue, fake: FakePlatform, signature: str
) -> None:
    form = whatsapp_alone.form("hello")
    if signature == "wrong-token":
        signature = twilio_signature("another-token", PUBLIC_WEBHOOK_URL, form)
    elif signature == "local-url":
        signature = twilio_signature(AUTH_TOKEN, whatsapp_alone.post_url, form)
    mark = fake.mark()
    assert whatsapp_alone.post(form, signature).status_code == 403
    assert dialogue.received == [] and fake.since(mark) == []


def test_a_body_changed_after_signing_is_refused(whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue) -> None:
    form = whatsapp_alone.form("what can I take?")
    signature = twilio_signature(AUTH_TOKEN, PUBLIC_WEBHOOK_URL, form)
    form["Body"] = "/report_red_flag"
    assert whatsapp_alone.post(form, signature).status_code == 403
    assert dialogue.received == []


def test_a_repeated_delivery_is_answered_once(
    whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue, fake: FakePlatform
) -> None:
    form = whatsapp_alone.form("hello")
    mark = fake.mark()
    assert whatsapp_alone.post(form).status_code == 200
    assert whatsapp_alone.post(form).status_code == 200, "Twilio must not see an error, or it retries again"
    assert dialogue.texts == ["hello"]
    assert len(whatsapp_alone.replies(mark)) == 1


def test_buttons_become_one_numbered_message(whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue) -> None:
    dialogue.reply = YES_NO
    assert whatsapp_alone.say("hi") == [f"Would you like some tips?\n\n1. Yes\n2. No thanks\n{BUTTONS_HINT}"]


@pytest.mark.parametrize(
    "answer, payload", [("1", "/affirm"), ("2", "/deny"), ("2.", "/deny"), ("no thanks", "/deny"), ("YES", "/affirm")]
)
def test_the_number_or_the_words_pick_the_button(
    whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue, answer: str, payload: str
) -> None:
    dialogue.reply = YES_NO
    whatsapp_alone.say("hi")
    whatsapp_alone.say(answer)
    assert dialogue.texts == ["hi", payload]
    assert dialogue.received[1].metadata == {"typed": answer}


def test_a_number_is_plain_text_when_no_buttons_were_offered_last(
    whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue
) -> None:
    dialogue.reply = lambda message: YES_NO if message.text == "hi" else {"text": "How long has it hurt?"}
    whatsapp_alone.say("hi")
    whatsapp_alone.say("1")  # picks "Yes"
    whatsapp_alone.say("2")  # "2" answers the question, there are no buttons now
    assert dialogue.texts == ["hi", "/affirm", "2"]


def test_buttons_are_remembered_per_patient(
    whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue, fake: FakePlatform
) -> None:
    dialogue.reply = YES_NO
    whatsapp_alone.say("hi")
    other = WhatsAppPatient(
        fake, whatsapp_alone.post_url.rsplit("/webhooks", 1)[0], whatsapp_alone.settings, "whatsapp:+447700900999"
    )
    dialogue.reply = {"text": "Hello."}
    other.say("1")
    assert dialogue.texts[-1] == "1", "another patient's buttons do not apply"


def test_a_patient_cannot_type_an_intent(whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue) -> None:
    whatsapp_alone.say('/inform{"conditions": ["asthma"]}')
    assert dialogue.texts == ['inform{"conditions": ["asthma"]}']


def test_a_long_answer_is_split_at_sentence_boundaries_under_twilios_limit(
    whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue
) -> None:
    sentences = [f"This is sentence {number} of a long answer about looking after your back." for number in range(80)]
    dialogue.reply = {**YES_NO, "text": " ".join(sentences)}
    bodies = whatsapp_alone.say("tell me everything")
    assert len(bodies) == 4
    assert all(text_length(body) <= WHATSAPP_TWILIO_MAX_LENGTH for body in bodies)
    assert all(body.endswith("your back.") for body in bodies[:-1])
    assert bodies[-1].endswith(f"1. Yes\n2. No thanks\n{BUTTONS_HINT}"), "the options come last, once"
    assert " ".join(bodies).replace(f"\n\n1. Yes\n2. No thanks\n{BUTTONS_HINT}", "") == " ".join(sentences)


def test_bold_becomes_whatsapp_bold(whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue) -> None:
    dialogue.reply = {"text": "**Please call 999 or go to A&E now.** You told me about numbness."}
    assert whatsapp_alone.say("i cant feel my bum") == [
        "*Please call 999 or go to A&E now.* You told me about numbness."
    ]


@pytest.mark.parametrize("body, media", [(None, 1), ("", 0), ("   ", 0), (None, 0)])
def test_a_message_without_text_is_answered_kindly(
    whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue, body: str, media: int, fake: FakePlatform
) -> None:
    mark = fake.mark()
    assert whatsapp_alone.post(whatsapp_alone.form(body, num_media=media)).status_code == 200
    assert whatsapp_alone.replies(mark) == [NO_TEXT_REPLY]
    assert dialogue.received == []


def test_a_status_callback_about_our_own_message_is_ignored(
    whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue, fake: FakePlatform
) -> None:
    form = {
        "MessageSid": "SM" + "1" * 32,
        "MessageStatus": "delivered",
        "AccountSid": ACCOUNT_SID,
        "From": CLINIC_NUMBER,
        "To": whatsapp_alone.sender,
        "ApiVersion": "2010-04-01",
    }
    mark = fake.mark()
    assert whatsapp_alone.post(form).status_code == 200
    assert dialogue.received == [] and fake.since(mark) == []


def test_a_failing_dialogue_gets_an_apology_not_silence(
    whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue
) -> None:
    dialogue.fail = True
    assert whatsapp_alone.say("hello") == [SORRY_REPLY]


def test_sending_does_not_block_the_server(
    whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue, fake: FakePlatform
) -> None:
    """Twilio's client is synchronous; while one reply waits on a slow Twilio the server keeps answering."""
    fake.delay_seconds = 1.5
    try:
        sending = threading.Thread(target=whatsapp_alone.say, args=("hello",))
        sending.start()
        time.sleep(0.3)
        started = time.monotonic()
        health = requests.get(whatsapp_alone.post_url.removesuffix("webhook"), timeout=10)
        assert health.json() == {"status": "ok"}
        assert time.monotonic() - started < 0.5
        sending.join(10)
    finally:
        fake.delay_seconds = 0.0
    assert dialogue.texts == ["hello"]


def test_without_its_settings_the_channel_is_off(monkeypatch: pytest.MonkeyPatch, dialogue: StandInDialogue) -> None:
    for variable in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_NUMBER", "TWILIO_WEBHOOK_URL"):
        monkeypatch.delenv(variable, raising=False)
    channel = WhatsAppInput.from_credentials(None)
    assert channel.settings is None and channel.get_output_channel() is None
    with serve([channel], dialogue) as url:
        assert requests.get(f"{url}/webhooks/whatsapp/", timeout=10).json() == {"status": "off"}
        assert requests.post(f"{url}/webhooks/whatsapp/webhook", data={"Body": "hi"}, timeout=10).status_code == 503
    assert dialogue.received == []


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TWILIO_WHATSAPP_NUMBER", "+441632960000")
    monkeypatch.setenv("TWILIO_WEBHOOK_URL", PUBLIC_WEBHOOK_URL)
    monkeypatch.delenv("TWILIO_API_BASE_URL", raising=False)
    monkeypatch.delenv("TWILIO_MAX_MESSAGE_LENGTH", raising=False)
    settings = WhatsAppInput.from_credentials(None).settings
    assert settings is not None
    assert settings.whatsapp_number == CLINIC_NUMBER, "the whatsapp: prefix is added"
    assert settings.api_base_url == "https://api.twilio.com"
    assert settings.max_message_length == WHATSAPP_TWILIO_MAX_LENGTH


def test_a_flooding_number_is_told_once_to_slow_down_then_ignored(
    fake: FakePlatform, dialogue: StandInDialogue
) -> None:
    channel = WhatsAppInput(whatsapp_settings(fake.url))
    channel.gate = MessageGate(LimitSettings(per_minute=1, burst=2))
    with serve([channel], dialogue) as url:
        patient = WhatsAppPatient(fake, url, whatsapp_settings(fake.url), "whatsapp:+447700900555")
        mark = fake.mark()
        statuses = [patient.post(patient.form(f"message {n}")).status_code for n in range(5)]
        assert statuses == [200] * 5
        assert dialogue.texts == ["message 0", "message 1"]
        fake.wait_for(3, mark)
        bodies = patient.replies(mark)
    assert bodies.count(RATE_LIMITED_REPLY) == 1 and len(bodies) == 3
