"""The one place that masks patients' personal details, for every reader other than the patient:

- logs of both servers: logging.yml names `redacting_filter`, which makes every log record go through `redact`;
- staff review, the weekly report and the console: `Redactor` (built per conversation by
  `backcare.insight.redaction.redactor_for`, from the names and contact details its booking slots hold);
- call-back summaries for reception: `backcare.booking.summary` calls `mask_details`.

What is masked everywhere (`mask_details`):
- phone numbers, found with `phonenumbers`' PhoneNumberMatcher for GB: UK and international numbers written the
  way people dial them (+44 7700 900123, 07700-900123, (020) 7946 0871, 0044..., WhatsApp sender ids
  "whatsapp:+447700900123"). A match must start with +, 0 or a bracket and have 10-15 digits, so dates, times,
  versions, ports and Telegram ids are left alone;
- email addresses; UK postcodes;
- names and contact details given in the booking or call-back slots (`personal_values`), and a name after
  "my name is", "I'm called", "call me", "full name:";
- for staff and reception texts (not logs, which carry Telegram update and chat ids), long numbers such as an
  insurer's authorisation number.
Logs (`redact`) additionally lose the values of keys that hold what a patient typed (text, message, patient_name,
contact, value, ...), the quoted message in "Received user message '...'" and the text and entities of Rasa's
BotUttered / UserUttered event reprs, and use one label, [redacted], for everything.

Why at record creation rather than as an ordinary handler filter: Rasa replaces the console handler (and so its
filters) with its own coloured one after reading the logging file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Optional, Protocol

import phonenumbers

from backcare.booking.validation import clean_name, phone_for_reading

REDACTED = "[redacted]"
NOTICE = "Phone numbers, emails, names and message texts are redacted from this log."
PHONE, EMAIL, POSTCODE, NUMBER, NAME, CONTACT = "[phone]", "[email]", "[postcode]", "[number]", "[name]", "[contact]"

# --- what every reader gets masked -------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_LONG_NUMBER = re.compile(r"\b[A-Z]{0,3}\d{5,}\b", re.IGNORECASE)
_NAME_CUE = re.compile(
    r"(\b(?:my name is|my name's|i'm called|i am called|call me|(?:my|full|patient) name:)\s+)"
    r"([^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,2})",
    re.I,
)
_DIALLED = re.compile(r"[+(0]")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 10, 15
MIN_NAME_PART = 2


def phone_spans(text: str) -> list[tuple[int, int]]:
    """Where the text holds a phone number: (start, end) of each, as PhoneNumberMatcher finds them for GB."""
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        raw = match.raw_string
        dialled = _DIALLED.search(raw)
        if dialled is None or raw[: dialled.start()].strip("[ "):  # digits before the +, 0 or bracket: not dialled
            continue
        if dialled.group() == "(" and not raw[dialled.start() + 1 :].startswith("0"):
            continue
        start = match.start + dialled.start()
        if MIN_PHONE_DIGITS <= sum(ch.isdigit() for ch in text[start : match.end]) <= MAX_PHONE_DIGITS:
            spans.append((start, match.end))
    return spans


def _mask_phones(text: str, label: str) -> str:
    for start, end in reversed(phone_spans(text)):
        text = text[:start] + label + text[end:]
    return text


def _mask_personal(text: str, personal: Iterable[str], label: Optional[str]) -> str:
    for value in personal:
        shown = label or (NAME if _is_name(value) else CONTACT)
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", shown, text, flags=re.IGNORECASE)
    return text


def mask_details(
    text: str, personal: Iterable[str] = (), long_numbers: bool = True, label: Optional[str] = None
) -> str:
    """The text with emails, the given personal values (longest first, see `personal_values`), phone numbers,
    postcodes, a name after a cue and, unless `long_numbers` is False, long numbers masked. Each kind gets its own
    label ([phone], [email], [postcode], [name], [contact], [number]) unless `label` is given."""
    text = _EMAIL.sub(label or EMAIL, text or "")  # first, so a name inside an address leaves no half-address
    text = _mask_personal(text, personal, label)
    text = _mask_phones(text, label or PHONE)
    text = _POSTCODE.sub(label or POSTCODE, text)
    if long_numbers:
        text = _LONG_NUMBER.sub(label or NUMBER, text)
    return _NAME_CUE.sub(lambda match: match.group(1) + (label or NAME), text)


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
    """The strings to mask from (slot, value) pairs of the booking and call-back slots: the name whole and its
    parts for `patient_name`, each contact detail as given and as read back. Longest first, so "Sam Patel" is
    masked whole before "Sam" alone."""
    values: list[str] = []
    for slot, value in slot_values:
        if not isinstance(value, str) or not value.strip():
            continue
        values += _name_parts(value) if slot == "patient_name" else _contact_forms(value.strip())
    return tuple(sorted(set(values), key=len, reverse=True))


# --- staff review ------------------------------------------------------------------------------------------------

# Answers to these form questions are personal as a whole, whatever shape they take.
PERSONAL_QUESTIONS = {"patient_name": NAME, "contact": CONTACT, "authorisation_number": NUMBER, "checkin_email": EMAIL}
PERSONAL_SLOTS = ("patient_name", "contact", "phone", "email", "authorisation_number", "checkin_email")
# Longer texts are cut before masking: staff need no more to judge, and masking time grows with the length.
MAX_SHOWN = 1000


class SaidByPatient(Protocol):
    """A patient's message as staff tools record it (backcare.insight.records.UserMessage)."""

    @property
    def text(self) -> str: ...

    @property
    def answering(self) -> Optional[str]: ...  # the form question it answered, if any


@dataclass(frozen=True)
class Redactor:
    """Masks one conversation's personal details for staff; `personal` from `personal_values`."""

    personal: tuple[str, ...] = ()

    def text(self, text: str) -> str:
        if len(text) > MAX_SHOWN:
            text = text[:MAX_SHOWN] + "…"
        return mask_details(text, self.personal)

    def user_message(self, message: SaidByPatient) -> str:
        """A patient's message; an answer to the name, contact or authorisation question is masked whole."""
        if message.answering in PERSONAL_QUESTIONS:
            return PERSONAL_QUESTIONS[message.answering]
        return self.text(message.text)


# --- logs --------------------------------------------------------------------------------------------------------

_SENSITIVE_KEYS = (
    "text",
    "user_text",
    "parse_data_text",
    "message",
    "user_message",
    "user_uttered",
    "patient_name",
    "contact",
    "full_name",
    "phone",
    "email",
    "checkin_email",
    "slot_values",
    "typed",
    "value",
)  # "value": slot and entity values in event dicts; not plain "name": Rasa logs intent and action names under it
_KEYS = "|".join(_SENSITIVE_KEYS)
# key: 'value' / "key": "value" / key='value' (Python reprs and JSON, escaped quotes allowed inside)
_QUOTED_VALUE = re.compile(rf"""(["']?\b(?:{_KEYS})\b["']?\s*[:=]\s*)(["'])((?:\\.|(?!\2).)*)\2""", re.S)
# key: value up to the end of the line, a comma or a closing bracket (Rasa's "Current slot values" listing)
_PLAIN_VALUE = re.compile(rf"""(\b(?:{_KEYS}):[ \t]+)(?!["'\[{{])([^,\n)}}\]]+)""")
# SlotSet(key: patient_name, value: Jane Doe)
_SLOT_EVENT = re.compile(rf"(key: (?:{_KEYS}), value: )([^)]*)")
# What was said, in Rasa's event reprs (the bot repeats names and numbers back; the text is not escaped there):
# BotUttered('...', {...}, ...), BotUttered(text: ..., data: ...), UserUttered(text: ..., intent: ..., entities: ...)
_UTTERANCES = (
    (re.compile(r"((?:Bot|User)Uttered\()'.*?'(?=, \{)", re.S), r"\1'[redacted]'"),
    (re.compile(r"((?:Bot|User|Agent)Uttered\(text: ).*?(?=, (?:data|intent): )", re.S), r"\1[redacted]"),
    (re.compile(r"(, entities: ).*?(?=, use_text_for_featurization)", re.S), r"\1[redacted]"),
)
# Rasa's own line ends the text at "' with intent"; other lines end it at the closing quote before a space.
_RECEIVED = re.compile(r"(Received user message )(['\"])(?:.*?\2(?= with intent)|.*?\2(?=\s|$))", re.S)


def _keep_key(match: re.Match[str]) -> str:
    quote = match.group(2) if match.re is _QUOTED_VALUE else ""
    return f"{match.group(1)}{quote}{REDACTED}{quote}"


def _keep_quoted(match: re.Match[str]) -> str:
    return f"{match.group(1)}{match.group(2)}{REDACTED}{match.group(2)}"


def redact(text: str) -> str:
    """One log message with personal details and the patient's words replaced by [redacted]."""
    for pattern, replacement in _UTTERANCES:
        text = pattern.sub(replacement, text)
    text = _RECEIVED.sub(_keep_quoted, text)
    for pattern in (_SLOT_EVENT, _QUOTED_VALUE, _PLAIN_VALUE):
        text = pattern.sub(_keep_key, text)
    return mask_details(text, long_numbers=False, label=REDACTED)


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Replaces the record's message (and any traceback text) by its redacted form."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed log call: keep the record as it is; logging reports the error itself
        return record
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


_installed: Optional[Callable[..., logging.LogRecord]] = None


def install() -> None:
    """Every log record created from now on in this process is redacted (calling it again changes nothing)."""
    global _installed
    if _installed is not None:
        return
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(make_record(*args, **kwargs))

    _installed = redacted_record
    logging.setLogRecordFactory(redacted_record)


class RedactingFilter(logging.Filter):
    """For a handler of its own: redacts each record it sees (records made after `install()` already are)."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def redacting_filter() -> RedactingFilter:
    """Factory named in logging.yml: installs redaction for the whole process and returns the handler filter."""
    install()
    logging.getLogger(__name__).info(NOTICE)
    return RedactingFilter()
