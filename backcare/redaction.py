"""Keeps patients' phone numbers, email addresses, names and message texts out of the logs of both servers.

`redact(text)` rewrites one log message; `install()` makes every log record of the process go through it. The
logging configuration file (logging.yml, given to `rasa run` and `rasa run actions` with --logging-config-file)
installs it through `redacting_filter`. Why at record creation rather than as an ordinary handler filter: Rasa
replaces the console handler (and so its filters) with its own coloured one after reading that file.

What is redacted, wherever it appears in a message (Rasa's debug log repeats the user's text, the slots and the
sender id in several forms: plain text, Python reprs and JSON):
- email addresses; phone numbers written the UK or international way (+44 7700 900123, 07700-900123,
  (020) 7946 0871, 0044...), including WhatsApp sender ids ("whatsapp:+447700900123");
- the values of keys that hold what a patient typed or told us: text, user_text, message, patient_name,
  contact, phone, email, value (slot and entity values), ... ("patient_name: Jane Doe", "'text': '...'", '"contact": "..."');
- the quoted message in "Received user message '...'"; the text and entities of BotUttered / UserUttered events;
- a name after "my name is", "I'm called", "call me", "full name:".
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Optional

REDACTED = "[redacted]"
NOTICE = "Phone numbers, emails, names and message texts are redacted from this log."

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Starts like a UK or international number (+, 00 or 0) and has 10-15 digits, with single spaces, dashes or
# brackets between groups. Dates, times, versions and ports do not start that way or have too few digits.
_PHONE = re.compile(r"(?<![\w+])(?:\+|\(?0)[\d()\- ]{8,22}\d(?!\w)")
_SENSITIVE_KEYS = (
    "text", "user_text", "parse_data_text", "message", "user_message", "user_uttered", "patient_name", "contact",
    "full_name", "phone", "email", "slot_values", "typed", "value",
)  # "value": slot and entity values in event dicts; not plain "name": Rasa logs intent and action names under it
_KEYS = "|".join(_SENSITIVE_KEYS)
# key: 'value' / "key": "value" / key='value' (Python reprs and JSON, escaped quotes allowed inside)
_QUOTED_VALUE = re.compile(rf"""(["']?\b(?:{_KEYS})\b["']?\s*[:=]\s*)(["'])((?:\\.|(?!\2).)*)\2""", re.S)
# key: value up to the end of the line, a comma or a closing bracket (Rasa's "Current slot values" listing)
_PLAIN_VALUE = re.compile(rf"""(\b(?:{_KEYS}):[ \t]+)(?!["'\[{{])([^,\n)}}\]]+)""")
# SlotSet(key: patient_name, value: Jane Doe)
_SLOT_EVENT = re.compile(rf"(key: (?:{_KEYS}), value: )([^)]*)")
# Rasa's own line ends the text at "' with intent"; other lines end it at the closing quote before a space.
# What was said, in Rasa's event reprs (the bot repeats names and numbers back; the text is not escaped there):
# BotUttered('...', {...}, ...), BotUttered(text: ..., data: ...), UserUttered(text: ..., intent: ..., entities: ...)
_UTTERANCES = (
    (re.compile(r"((?:Bot|User)Uttered\()'.*?'(?=, \{)", re.S), r"\1'[redacted]'"),
    (re.compile(r"((?:Bot|User|Agent)Uttered\(text: ).*?(?=, (?:data|intent): )", re.S), r"\1[redacted]"),
    (re.compile(r"(, entities: ).*?(?=, use_text_for_featurization)", re.S), r"\1[redacted]"),
)
_RECEIVED = re.compile(r"(Received user message )(['\"])(?:.*?\2(?= with intent)|.*?\2(?=\s|$))", re.S)
_NAME_CUE = re.compile(r"(\b(?:my name is|my name's|i'm called|i am called|call me|(?:my|full|patient) name:)\s+)"
                       r"([^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,2})", re.I)


def _phone(match: re.Match) -> str:
    digits = sum(char.isdigit() for char in match.group())
    return REDACTED if 10 <= digits <= 15 else match.group()


def _keep_key(match: re.Match) -> str:
    quote = match.group(2) if match.re is _QUOTED_VALUE else ""
    return f"{match.group(1)}{quote}{REDACTED}{quote}"


def redact(text: str) -> str:
    """The text with personal details replaced by [redacted]."""
    for pattern, replacement in _UTTERANCES:
        text = pattern.sub(replacement, text)
    text = _RECEIVED.sub(_keep_quoted, text)
    for pattern in (_SLOT_EVENT, _QUOTED_VALUE, _PLAIN_VALUE):
        text = pattern.sub(_keep_key, text)
    text = _EMAIL.sub(REDACTED, text)
    text = _PHONE.sub(_phone, text)
    return _NAME_CUE.sub(lambda match: match.group(1) + REDACTED, text)


def _keep_quoted(match: re.Match) -> str:
    return f"{match.group(1)}{match.group(2)}{REDACTED}{match.group(2)}"


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
