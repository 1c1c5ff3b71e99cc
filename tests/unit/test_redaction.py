"""The one masking module (backcare/redaction.py) and each of its readers: logs (one message, and records in a
real logger configured by logging.yml), staff review (a recorded conversation) and call-back summaries."""

from __future__ import annotations

import io
import logging
import logging.config
import time
from pathlib import Path

import pytest
import yaml

from backcare import redaction
from backcare.booking.summary import conversation_summary
from backcare.insight.records import conversations_of_sender
from backcare.insight.redaction import redactor_for
from backcare.redaction import REDACTED, mask_details, personal_values, phone_spans, redact
from tests.insight_events import Events, booking_started

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "secret",
    [
        "+44 7700 900123",
        "+447700900123",
        "07700 900123",
        "07700-900-123",
        "(020) 7946 0871",
        "020 7946 0871",
        "0044 7700 900123",
        "jane.doe+back@example.co.uk",
        "J_Doe@nhs.net",
    ],
)
def test_phone_numbers_and_emails_are_redacted_wherever_they_are(secret: str) -> None:
    for line in (f"contact me on {secret} please", f"sender_id=whatsapp:{secret}", f"[{secret}]"):
        assert secret not in redact(line) and REDACTED in redact(line)


@pytest.mark.parametrize(
    "harmless",
    [
        "2026-11-26 12:55:04 INFO rasa.core - took 0.0123456 s",
        "rasa 3.6.21 on port 5005",
        "update 1234567890",
        "prediction 0.98765",
        "booking reference BK-2F4C7A",
        "telegram:50000123",
        "chat 424242",
    ],
)
def test_dates_times_versions_and_ids_are_left_alone(harmless: str) -> None:
    assert redact(harmless) == harmless


def test_rasa_debug_lines_lose_the_patients_words_and_slot_values() -> None:
    lines = {
        "Received user message 'Harriet Cole' with intent '{'name': 'inform'}' and entities '[]'": "Harriet Cole",
        "Current slot values: \n\tpatient_name: Harriet Cole\n\tcontact: 07400 314159\n\tconsent: True": "Harriet Cole",
        "SlotSet(key: patient_name, value: Harriet Cole)": "Harriet Cole",
        '{"event": "rasa.x", "text": "Harriet \\"H\\" Cole", "slot_values": {"a": 1}}': "Harriet",
        "{'text': 'my name is Harriet', 'intent': None}": "Harriet",
        "user said: My name's Harriet Cole, thanks": "Harriet Cole",
        "BotUttered('Thanks, Harriet Cole.', {}, {'text': 'Thanks, Harriet Cole.'})": "'text': 'Thanks, Harriet",
        "metadata {'typed': 'Harriet Cole'}": "Harriet Cole",
        "[\"BotUttered('Thank you, Harriet. Here's what I'll send', {\\\"buttons\\\": null}, {}, 17.5)\"]": "Harriet",
        "BotUttered(text: Thanks, Harriet Cole, data: {}, metadata: {})": "Harriet",
        "UserUttered(text: Harriet, Cole, intent: inform, entities: Harriet Cole (Type: name, Role: None, Group: "
        "None), use_text_for_featurization: False)": "Harriet",
        '{"event": "slot", "name": "patient_name", "value": "Harriet Cole"}': "Harriet",
    }
    for line, secret in lines.items():
        assert secret not in redact(line), line
    assert "consent: True" in redact("Current slot values: \n\tpatient_name: Harriet Cole\n\tconsent: True")
    for kept in (
        "intent: ask_causes, confidence 0.97",
        '{"intent": {"name": "inform"}, "confidence": 1.0}',
        "user intent: inform | previous action name: booking_form",
    ):
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


# --- the masks every reader shares -------------------------------------------------------------------------------


def test_staff_and_reception_texts_get_a_label_for_each_kind_of_detail() -> None:
    assert mask_details("call 07400 123456 or mail jo@example.com, EC1A 1AA, ref 123456") == (
        "call [phone] or mail [email], [postcode], ref [number]"
    )
    assert mask_details("ring +44 20 7946 0871, my name is Jo Bloggs") == "ring [phone], my name is [name]"


def test_phone_numbers_are_found_by_phonenumbers_and_ids_are_not() -> None:
    text = "whatsapp:+447700900123 said 020 7946 0871 at 12:55:04 on 2026-11-26, update 1234567890, v3.6.21"
    assert [text[start:end] for start, end in phone_spans(text)] == ["+447700900123", "020 7946 0871"]


def test_names_and_contacts_from_the_booking_slots_are_masked_as_given_and_as_read_back() -> None:
    personal = personal_values([("patient_name", "I'm Priya Shah"), ("phone", "+447400123456"), ("email", None)])
    assert personal[0] == "+447400123456" and "Priya Shah" in personal and "07400 123456" in personal
    assert mask_details("Priya here, Shah's fine, 07400 123456", personal) == "[name] here, [name]'s fine, [contact]"


# --- staff review --------------------------------------------------------------------------------------------------


def one(events: Events):
    [conversation] = conversations_of_sender("abc", events.events)
    return conversation


def test_names_phones_emails_and_answers_to_personal_questions_are_masked() -> None:
    events = booking_started(Events())
    events.user("it's 07400 123456 or priya.shah@example.com", "inform").slot("phone", "+447400123456")
    events.bot("I'll call Priya on 07400 123456.").slot("requested_slot", None).loop(None)
    events.user("Priya here again, or try 07400 654321 / p.s@example.org", "inform")
    conversation = one(events)
    redactor = redactor_for(conversation)
    said = [redactor.user_message(m) for m in conversation.user_messages]
    shown = " ".join(said + [redactor.text(b.text) for b in conversation.bot_messages])
    for secret in ("Priya", "Shah", "07400", "123456", "priya.shah@example.com"):
        assert secret.lower() not in shown.lower()
    assert said[2] == "[name]" and said[3] == "[contact]", "answers to the name and contact questions go whole"
    assert said[4] == "[name] here again, or try [phone] / [email]"
    assert "I'd like to book" in said[0], "ordinary words stay readable"


def test_a_very_long_message_is_cut_before_masking_and_stays_quick() -> None:
    conversation = one(Events().user("a" * 10_000 + " call 07400 123456", "nlu_fallback", 0.2))
    started = time.monotonic()
    shown = redactor_for(conversation).user_message(conversation.user_messages[0])
    assert time.monotonic() - started < 0.5 and len(shown) == 1001 and shown.endswith("…")


# --- call-back summaries -------------------------------------------------------------------------------------------


def test_the_call_back_summary_masks_contact_details_and_the_name_given_in_the_slots() -> None:
    said = ["why does it lock", "I'm Harriet, call 07400 314159 or harriet@example.com", "Harriet again, SW1A 1AA"]
    summary = conversation_summary(
        ["ask_causes", "inform", "inform"],
        said,
        include_messages=True,
        personal=personal_values([("patient_name", "Harriet Cole")]),
    )
    assert "Asked about: causes." in summary and "[phone]" in summary and "[email]" in summary
    for secret in ("Harriet", "07400", "harriet@", "SW1A"):
        assert secret not in summary
