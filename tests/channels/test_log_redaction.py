"""The servers' real logs (both at debug level, where Rasa logs every message, slot and tracker) hold no phone
number, email address or name of a patient after a booking conversation on the website and WhatsApp messages."""

from __future__ import annotations

import uuid

from backcare.redaction import NOTICE, REDACTED
from channels.local_platform import FakePlatform, WhatsAppPatient
from tests.channels.settings import whatsapp_settings
from tests.model.assistant import RunningAssistant

NAME = "Marigold Featherstone"
PHONE = "07400 271828"
EMAIL = "marigold.featherstone@example.org"
WHATSAPP_NUMBER = "+447400271829"
SECRETS = (
    NAME,
    "Marigold",
    "Featherstone",
    PHONE,
    "07400271828",
    "+447400271828",
    "7400 271828",
    EMAIL,
    WHATSAPP_NUMBER,
    "7400271829",
)


def test_no_phone_email_or_name_reaches_either_servers_log(
    debug_channel_assistant: RunningAssistant, fake: FakePlatform
) -> None:
    sender = f"booking-{uuid.uuid4().hex}"

    def say(message: str) -> str:
        return debug_channel_assistant.texts(debug_channel_assistant.send(message, sender=sender))

    say(f"hello, my name is {NAME} and my email is {EMAIL}")
    say("i'd like to book an appointment for my back")
    say("/affirm")
    assert "phone number" in say(NAME)
    assert "kind of appointment" in say(PHONE)
    say("free assessment")
    say("thursday mornings")
    say("bupa")
    say("not yet")
    say("my lower back keeps going into spasm")
    readback = ""
    for _ in range(6):  # the screening questions, then the read-back of the request
        readback = say("/deny")
        if NAME in readback:
            break
    assert NAME in readback and PHONE in readback  # the details did reach the assistant
    say("/affirm")
    whatsapp = WhatsAppPatient(
        fake, debug_channel_assistant.rasa_url, whatsapp_settings(fake.url), f"whatsapp:{WHATSAPP_NUMBER}"
    )
    assert whatsapp.say(f"I'm {NAME}, call me on {PHONE} or email {EMAIL}")

    logs = {
        name: (debug_channel_assistant.work_dir / name).read_text(encoding="utf-8", errors="replace")
        for name in ("rasa.log", "actions.log")
    }
    # Rasa's debug log repeats every message, slot and tracker, so there redaction must have happened. The action
    # server logs no personal details of its own even at debug level; the notice shows it redacts all the same.
    assert f'"parse_data_text": "{REDACTED}"' in logs["rasa.log"]
    assert NOTICE in logs["actions.log"]
    for name, log in logs.items():
        leaked = [secret for secret in SECRETS if secret in log]
        assert leaked == [], f"{name} contains {leaked}"
