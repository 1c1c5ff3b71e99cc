"""Patients' details never reach the logs: the redaction of one message, and of records in a real logger."""

from __future__ import annotations

import io
import logging
import logging.config
from pathlib import Path

import pytest
import yaml

from backcare import redaction
from backcare.redaction import REDACTED, redact

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("secret", [
    "+44 7700 900123", "+447700900123", "07700 900123", "07700-900-123", "(020) 7946 0871", "020 7946 0871",
    "0044 7700 900123", "jane.doe+back@example.co.uk", "J_Doe@nhs.net",
])
def test_phone_numbers_and_emails_are_redacted_wherever_they_are(secret: str) -> None:
    for line in (f"contact me on {secret} please", f"sender_id=whatsapp:{secret}", f"[{secret}]"):
        assert secret not in redact(line) and REDACTED in redact(line)


@pytest.mark.parametrize("harmless", [
    "2026-11-26 12:55:04 INFO rasa.core - took 0.0123456 s", "rasa 3.6.21 on port 5005", "update 1234567890",
    "prediction 0.98765", "booking reference BK-2F4C7A", "telegram:50000123", "chat 424242",
])
def test_dates_times_versions_and_ids_are_left_alone(harmless: str) -> None:
    assert redact(harmless) == harmless


def test_rasa_debug_lines_lose_the_patients_words_and_slot_values() -> None:
    lines = {
        "Received user message 'Harriet Cole' with intent '{'name': 'inform'}' and entities '[]'": "Harriet Cole",
        "Current slot values: \n\tpatient_name: Harriet Cole\n\tcontact: 07400 314159\n\tconsent: True":
            "Harriet Cole",
        "SlotSet(key: patient_name, value: Harriet Cole)": "Harriet Cole",
        '{"event": "rasa.x", "text": "Harriet \\"H\\" Cole", "slot_values": {"a": 1}}': "Harriet",
        "{'text': 'my name is Harriet', 'intent': None}": "Harriet",
        "user said: My name's Harriet Cole, thanks": "Harriet Cole",
        "BotUttered('Thanks, Harriet Cole.', {}, {'text': 'Thanks, Harriet Cole.'})": "'text': 'Thanks, Harriet",
        "metadata {'typed': 'Harriet Cole'}": "Harriet Cole",
        "[\"BotUttered('Thank you, Harriet. Here's what I'll send', {\\\"buttons\\\": null}, {}, 17.5)\"]":
            "Harriet",
        "BotUttered(text: Thanks, Harriet Cole, data: {}, metadata: {})": "Harriet",
        "UserUttered(text: Harriet, Cole, intent: inform, entities: Harriet Cole (Type: name, Role: None, Group: "
        "None), use_text_for_featurization: False)": "Harriet",
        '{"event": "slot", "name": "patient_name", "value": "Harriet Cole"}': "Harriet",
    }
    for line, secret in lines.items():
        assert secret not in redact(line), line
    assert "consent: True" in redact("Current slot values: \n\tpatient_name: Harriet Cole\n\tconsent: True")
    for kept in ("intent: ask_causes, confidence 0.97", '{"intent": {"name": "inform"}, "confidence": 1.0}',
                 "user intent: inform | previous action name: booking_form"):
        assert redact(kept) == kept


def test_the_project_logging_config_redacts_every_record_even_after_rasa_replaces_the_handler() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogRecordFactory(), redaction._installed
    try:
        logging.config.dictConfig(yaml.safe_load((ROOT / "logging.yml").read_text()))
        # What Rasa's coloured console set-up does after reading the file: a new handler, without our filter.
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        root.addHandler(logging.StreamHandler(stream))
        logger = logging.getLogger("rasa.core.processor")
        logger.warning("Received user message %r from %s", "I'm Jo, email jo@example.org", "whatsapp:+447700900123")
        try:
            raise ValueError("bad phone 07700 900123")
        except ValueError:
            logger.exception("failed for %s", "jo@example.org")
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        logging.setLogRecordFactory(saved[2])
        redaction._installed = saved[3]
    output = stream.getvalue()
    assert "Received user message" in output and "ValueError" in output
    for secret in ("jo@example.org", "+447700900123", "07700 900123", "I'm Jo"):
        assert secret not in output
