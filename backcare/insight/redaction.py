"""Masking what identifies a patient before staff see a conversation: phone numbers, emails, postcodes and long
numbers (the same masks as the call-back summary), plus the names and contact details this conversation's
booking slots hold, and every answer to the name, contact and authorisation-number questions as a whole."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from backcare.booking.summary import redact as redact_contact_details
from backcare.booking.validation import clean_name, phone_for_reading
from backcare.insight.records import Conversation, UserMessage

# Answers to these form questions are personal as a whole, whatever shape they take.
PERSONAL_QUESTIONS = {"patient_name": "[name]", "contact": "[contact]", "authorisation_number": "[number]"}
PERSONAL_SLOTS = ("patient_name", "contact", "phone", "email", "authorisation_number")
NAME_MASK = "[name]"
MIN_NAME_PART = 2
# Longer messages are cut before masking: the masks' patterns take time that grows with the square of the
# length on some inputs (a pasted 10,000-character message took seconds), and staff need no more to judge.
MAX_SHOWN = 1000


@dataclass(frozen=True)
class Redactor:
    """Masks one conversation's personal details; built from the conversation itself."""

    personal: tuple[str, ...] = ()  # exact strings to mask (names, name parts, contact details)

    def text(self, text: str) -> str:
        if len(text) > MAX_SHOWN:
            text = text[:MAX_SHOWN] + "…"
        for value in self.personal:
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", NAME_MASK if _is_name(value) else "[contact]",
                          text, flags=re.IGNORECASE)
        return redact_contact_details(text)

    def user_message(self, message: UserMessage) -> str:
        if message.answering in PERSONAL_QUESTIONS:
            return PERSONAL_QUESTIONS[message.answering]
        return self.text(message.text)


def _is_name(value: str) -> bool:
    return not any(ch.isdigit() or ch == "@" for ch in value)


def _name_parts(name: str) -> list[str]:
    cleaned = clean_name(name)  # None for an answer that was not a name ("why do you need it?")
    if not cleaned:
        return []
    return [cleaned, *(part for part in cleaned.split() if len(part) >= MIN_NAME_PART)]


def _contact_forms(value: str) -> list[str]:
    forms = [value]
    if value.startswith("+"):
        forms.append(phone_for_reading(value))  # +447400123456 is read back as 07400 123456
    return forms


def personal_values(slot_values: Iterable[tuple[str, Optional[object]]]) -> tuple[str, ...]:
    values: list[str] = []
    for slot, value in slot_values:
        if not isinstance(value, str) or not value.strip():
            continue
        values += _name_parts(value) if slot == "patient_name" else _contact_forms(value.strip())
    # Longest first, so "Sam Patel" is masked whole before "Sam" alone.
    return tuple(sorted(set(values), key=len, reverse=True))


def redactor_for(conversation: Conversation) -> Redactor:
    slots = [(change.name, change.value) for change in conversation.slot_changes if change.name in PERSONAL_SLOTS]
    answers = [(m.answering, m.text) for m in conversation.user_messages if m.answering == "patient_name"]
    return Redactor(personal_values(slots + answers))
