"""Checking and normalising what a patient types into the booking form: UK phone numbers (to E.164), email
addresses, names, a one-line reason and an insurer's authorisation number.

Every function takes the raw text and returns the clean value, or None when the text holds no usable value.
Nothing here logs what it is given: phone numbers and emails must never reach a log.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

import phonenumbers
from phonenumbers import PhoneNumberType

UK_COUNTRY_CODE = 44
# Numbers a patient can be called back on. Premium-rate, shared-cost, pager and "personal" (070) numbers are
# refused: a clinic should never ring those, and 070 numbers are a known route for call-cost scams.
CALLABLE_TYPES = {
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.UAN,
    PhoneNumberType.VOIP,
}
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 80
MAX_REASON_LENGTH = 200

_EMAIL = re.compile(
    r"(?<![\w.+-])"
    r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
    r"(?![\w-])"
)
_EMAIL_ISH = re.compile(r"\S+@\S*|\S*@\S+")
_NAME_LEAD_IN = re.compile(
    r"^\s*(?:(?:hi|hello|hey)[,!\s]+)?(?:(?:my\s+name\s+is|my\s+name'?s|name\s*(?:is|:)|i\s+am|i'?m|it'?s|it\s+is|"
    r"this\s+is|call\s+me|they\s+call\s+me|you\s+can\s+call\s+me)\s+)",
    re.IGNORECASE,
)
_NAME_TAIL = re.compile(r"\s*(?:,?\s*(?:thanks|thank\s+you|cheers|ta|please|pls)\W*)$", re.IGNORECASE)
# Letters of any alphabet, with the spaces, hyphens, apostrophes and full stops names are written with.
_NAME_CHARS = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '\u2019.-])*$")
# Words that show the answer is not a name ("yes", "no idea", "why do you need it?").
_NOT_A_NAME = {
    "yes",
    "yeah",
    "yep",
    "no",
    "nope",
    "nah",
    "ok",
    "okay",
    "sure",
    "fine",
    "hi",
    "hello",
    "hey",
    "thanks",
    "why",
    "what",
    "who",
    "how",
    "idk",
    "dunno",
    "skip",
    "none",
    "nothing",
    "anonymous",
    "stop",
    "cancel",
    "help",
    "back",
    "pain",
    "spasm",
    "physio",
    "book",
    "booking",
    "appointment",
    "test",
    "asdf",
    "na",
    "n/a",
    "bye",
    "goodbye",
    "cheers",
    "thank",
    "sorry",
    "please",
    "pardon",
    "huh",
    "not",
    "maybe",
    "unsure",
    "anon",
}
_AUTH_NUMBER = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{0,4}[-/ ]?\d[\dA-Za-z/-]{3,24})(?![A-Za-z0-9])")


def phone_candidates(text: str) -> list[str]:
    """Every number-like run in the text that could be a phone number (used to tell "wrong" from "absent")."""
    return re.findall(r"\+?\d[\d\s().-]{5,}\d", text or "")


def normalise_uk_phone(text: str) -> Optional[str]:
    """The first callable UK number in the text, in E.164 (+447400123456), or None.

    Accepts the ways people write UK numbers: 07400 123456, 07400-123-456, (020) 7946 0321, +44 (0)20 7946
    0321, 0044 20 7946 0321, 44 7400 123456, and a number inside a sentence ("it's 07400 123456, thanks").
    """
    if not text:
        return None
    candidates = [text] + phone_candidates(text)
    for candidate in candidates:
        number = _parse_uk(candidate)
        if number:
            return number
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.VALID):
        number = _callable_e164(match.number)
        if number:
            return number
    return None


def _parse_uk(candidate: str) -> Optional[str]:
    cleaned = candidate.strip().replace("(0)", "")
    digits = re.sub(r"\D", "", cleaned)
    if digits.startswith("44") and not cleaned.lstrip().startswith(("+", "00")) and len(digits) == 12:
        cleaned = "+" + digits  # "44 7400 123456", typed without the plus
    try:
        number = phonenumbers.parse(cleaned, "GB")
    except phonenumbers.NumberParseException:
        return None
    return _callable_e164(number)


def _callable_e164(number: phonenumbers.PhoneNumber) -> Optional[str]:
    if number.country_code != UK_COUNTRY_CODE or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in CALLABLE_TYPES:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_for_reading(e164: str) -> str:
    """+447400123456 -> 07400 123456, the way a UK reader expects to see their own number."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, "GB"), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def validate_email(text: str) -> Optional[str]:
    """The email address in the text, with its domain in lower case, or None when there is no valid one."""
    if not text:
        return None
    for match in _EMAIL.finditer(text.strip().rstrip(".")):
        local, domain = match.group("local"), match.group("domain").lower()
        address = f"{local}@{domain}"
        if len(address) > MAX_EMAIL_LENGTH or len(local) > 64 or ".." in domain:
            continue
        if any(label.startswith("-") or label.endswith("-") for label in domain.split(".")):
            continue
        return address
    return None


def looks_like_email(text: str) -> bool:
    """True when the person seems to have typed an email address, valid or not (to say what is wrong)."""
    return bool(_EMAIL_ISH.search(text or ""))


def clean_name(text: str) -> Optional[str]:
    """A person's name from "I'm Sam Patel", "sam patel", "It's Siobhán O'Neill-Hughes thanks", or None."""
    value = unicodedata.normalize("NFC", " ".join((text or "").split()))
    value = _NAME_LEAD_IN.sub("", value)
    value = _NAME_TAIL.sub("", value).strip(" .,!")
    if not value or len(value) > MAX_NAME_LENGTH or not _NAME_CHARS.match(value):
        return None
    words = value.split()
    if len(words) > 5 or any(word.lower().strip(".") in _NOT_A_NAME for word in words):
        return None
    if len(value.replace(" ", "")) < 2:
        return None
    # Keep the person's own capitals ("McDonald", "de Souza"); only an all-lower or all-upper name is tidied.
    if value.islower() or value.isupper():
        value = " ".join(_capitalise(word) for word in words)
    return value


def _capitalise(word: str) -> str:
    return "-".join(
        "'".join(part[:1].upper() + part[1:].lower() for part in piece.split("'")) for piece in word.split("-")
    )


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def clean_reason(text: str) -> Optional[str]:
    """A one-line reason for the visit: whitespace folded, at most MAX_REASON_LENGTH characters."""
    value = " ".join((text or "").split()).strip()
    if len(re.sub(r"[^\w]", "", value)) < 3:
        return None
    if value.startswith("/"):  # a button payload, not words
        return None
    if len(value) > MAX_REASON_LENGTH:
        value = value[: MAX_REASON_LENGTH - 1].rsplit(" ", 1)[0] + "\u2026"
    return value


def parse_authorisation_number(text: str) -> Optional[str]:
    """An insurer's authorisation (pre-authorisation) code such as 'AB123456' or '123-456-789', upper-cased."""
    for match in _AUTH_NUMBER.finditer(text or ""):
        code = match.group(1).strip().upper().replace(" ", "")
        if sum(ch.isdigit() for ch in code) >= 4 and not normalise_uk_phone(code):
            return code
    return None
