"""What the booking conversation says and how it reads each answer: plain functions of text and the clinic
profile, so the form's logic is tested without Rasa. The rasa-sdk adapters in actions/booking.py only read
the tracker, call these, and send the result.

Each `check_*` function returns a FieldCheck: the clean value (None when the answer cannot be used), what to
say, and whether a refused answer counts towards "explain the question" (after two in a row).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

from backcare.booking.request import SELF_PAY, BookingRequest, Submission
from backcare.booking.settings import BookingSettings
from backcare.booking.times import OpeningTimes, parse_preferred_time
from backcare.booking.validation import (
    clean_name,
    clean_reason,
    first_name,
    looks_like_email,
    normalise_uk_phone,
    parse_authorisation_number,
    phone_candidates,
    phone_for_reading,
    validate_email,
)
from backcare.clinic import ClinicProfile
from backcare.reply import Button, Reply

# The form's slots in the order they are asked. authorisation_number only when an insurer pays; the screen is
# one slot asked once per question.
FIELDS = (
    "consent",
    "patient_name",
    "contact",
    "appointment_type",
    "preferred_time",
    "payment",
    "authorisation_number",
    "reason",
    "red_flag_screen",
    "booking_confirmed",
)
CHANGEABLE = {
    "patient_name": "name",
    "contact": "phone or email",
    "appointment_type": "appointment",
    "preferred_time": "day and time",
    "payment": "payment",
    "reason": "reason",
}
NO_AUTHORISATION = "none"
STOP_BUTTON = Button("Stop booking", "/stop")
YES, NO, UNSURE = "yes", "no", "unsure"

_YES = re.compile(
    r"^\W*(?:/affirm\b|y|yes|yeah|yep|yup|aye|correct|right|that'?s\s+(?:right|correct|fine|it)|"
    r"all\s+(?:good|correct|fine)|looks\s+(?:good|right|fine)|perfect|confirm\w*|send\s+it|go\s+ahead|"
    r"ok(?:ay)?|sure|i\s+do|i\s+have|i\s+am|definitely|certainly)\b",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^\W*(?:/deny\b|n|no|nope|nah|not\s+at\s+all|none|never|i\s+don'?t|i\s+haven'?t|i'?m\s+not|"
    r"i\s+have\s+not|i\s+do\s+not|negative)\b",
    re.IGNORECASE,
)
_UNSURE = re.compile(
    r"\b(?:not\s+(?:sure|certain)|unsure|don'?t\s+know|dont\s+know|do\s+not\s+know|dunno|no\s+idea|"
    r"maybe|might\s+(?:be|have)|possibly|perhaps|can'?t\s+(?:tell|say|remember)|not\s+100|idk|"
    r"hard\s+to\s+say|sort\s+of|kind\s+of|a\s+bit)\b",
    re.IGNORECASE,
)
_SKIP_PHONE = re.compile(
    r"\b(?:skip|rather\s+not|prefer\s+not|no\s+phone|don'?t\s+have\s+a\s+phone|email\s+instead|"
    r"use\s+(?:my\s+)?email|by\s+email|e-?mail\s+(?:is\s+)?better|no\s+number|not\s+giving)\b",
    re.IGNORECASE,
)
_PHONE_INSTEAD = re.compile(
    r"\b(?:phone|call|number|mobile|text)\s+(?:me\s+)?instead\b|\bgive\s+(?:you\s+)?(?:a|my)\s+(?:phone|number)",
    re.IGNORECASE,
)
_SELF_PAY = re.compile(
    r"\b(?:self[\s-]*pay\w*|pay(?:ing)?\s+(?:for\s+)?(?:it\s+)?(?:myself|my\s*self|me)|"
    r"(?:i'?ll|i\s+will|i\s+can|happy\s+to)\s+pay|private(?:ly)?|no\s+insurance|not\s+insured|"
    r"don'?t\s+have\s+(?:any\s+)?insurance|no\s+cover|cash|card|out\s+of\s+pocket|myself)\b",
    re.IGNORECASE,
)
_NHS = re.compile(r"\bnhs\b|\bon\s+the\s+nhs\b|\bfree\b", re.IGNORECASE)
_INSURANCE_WORDS = re.compile(
    r"\b(?:insur\w*|cover(?:ed)?|policy|health\s*plan|cash\s*plan|through\s+work|work\s+scheme)\b", re.IGNORECASE
)
_NOT_YET = re.compile(
    r"\b(?:not\s+yet|no\s+(?:number|code)|don'?t\s+have|haven'?t\s+got|have\s+not|not\s+got|"
    r"no\b|nope|none|later|will\s+get|waiting|n/?a|dunno|don'?t\s+know|not\s+sure|/deny)",
    re.IGNORECASE,
)
_FIELD_WORDS = (
    ("preferred_time", re.compile(r"\b(?:time|times|day|days|date|when|slot)\b", re.IGNORECASE)),
    ("contact", re.compile(r"\b(?:phone|number|mobile|email|e-mail|contact|landline)\b", re.IGNORECASE)),
    ("patient_name", re.compile(r"\bname\b", re.IGNORECASE)),
    ("payment", re.compile(r"\b(?:pay\w*|insur\w*|self[\s-]*pay|authori[sz]ation|auth)\b", re.IGNORECASE)),
    ("reason", re.compile(r"\b(?:reason|problem|why)\b", re.IGNORECASE)),
    (
        "appointment_type",
        re.compile(r"\b(?:appointment|type|service|treatment|massage|assessment|physio\w*)\b", re.IGNORECASE),
    ),
)
_CHANGE = re.compile(
    r"\b(?:change|edit|fix|wrong|update|incorrect|correction|different|not\s+right|mistake|actually)\b", re.IGNORECASE
)
# UK insurers and cash plans a person may name that are not on every clinic's list; used to say "not accepted"
# rather than "I didn't catch that".
OTHER_UK_INSURERS = {
    "benenden": "Benenden Health",
    "westfield": "Westfield Health",
    "medicash": "Medicash",
    "sovereign": "Sovereign Health Care",
    "cs healthcare": "CS Healthcare",
    "national friendly": "National Friendly",
    "hospital saturday fund": "Hospital Saturday Fund",
    "hsf": "HSF",
    "unum": "Unum",
    "legal & general": "Legal & General",
    "legal and general": "Legal & General",
    "general medical": "General & Medical",
    "vhi": "Vhi",
    "bupa": "Bupa",
    "axa": "AXA Health",
    "vitality": "Vitality",
    "aviva": "Aviva",
    "cigna": "Cigna",
    "simplyhealth": "Simplyhealth",
    "simply health": "Simplyhealth",
    "healix": "Healix",
    "aetna": "Aetna",
    "allianz": "Allianz",
    "wpa": "WPA",
    "saga": "Saga",
    "exeter": "The Exeter",
    "nuffield": "Nuffield Health",
    "paycare": "Paycare",
    "bhsf": "BHSF",
    "health shield": "Health Shield",
    "healthshield": "Health Shield",
    "freedom": "Freedom Healthcare",
    "the phc": "The PHC",
    "pru health": "Vitality",
    "prudential": "Vitality",
}
_ALIASES = {
    "axa": "axa_ppp",
    "axa health": "axa_ppp",
    "pru health": "vitality",
    "pruhealth": "vitality",
    "prudential": "vitality",
    "nuffield": "nuffield_health",
    "simply health": "simplyhealth",
    "healthshield": "health_shield",
    "exeter": "the_exeter",
    "phc": "the_phc",
    "freedom": "freedom_healthcare",
}
_SERVICE_ALIASES = {
    "physio": "physiotherapy",
    "physiotherapist": "physiotherapy",
    "assessment": "assessment",
    "sports": "sports",
    "deep": "deep",
    "tissue": "tissue",
    "massage": "massage",
    "free": "free",
}


@dataclass(frozen=True)
class FieldCheck:
    value: Any = None
    message: Optional[str] = None
    counted: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)
    buttons: tuple[Button, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.value is not None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9&']+", (text or "").lower())


# --- questions --------------------------------------------------------------------------------------------


def consent_question(profile: ClinicProfile) -> Reply:
    text = (
        f"I can send a booking request to {profile.name}. I'll ask for your name, a phone number or email, "
        "the kind of appointment, when suits you, how you'll pay and a line about your back, then a few "
        "safety questions. Details about your health are special category data under UK GDPR, so I need your "
        "permission to keep them and pass them to the clinic team, only to arrange your appointment. "
        f"You can ask for a copy of them, or for them to be deleted, at any time: email {profile.email} or call "
        f"{profile.phone}. "
        "Is that OK?"
    )
    return Reply(text, (Button("Yes, that's fine", "/affirm"), Button("No thanks", "/deny")))


def name_question() -> Reply:
    return Reply("What name should I give the team? Your first and last name is fine.")


def contact_question(method: Optional[str]) -> Reply:
    if method == "email":
        return Reply(
            "What email address should the clinic use to get in touch?",
            (Button("Give a phone number instead", "phone instead"), STOP_BUTTON),
        )
    return Reply(
        "What's the best phone number for the clinic to call you on? If you'd rather, type an email address instead.",
        (Button("Use email instead", "email instead"), STOP_BUTTON),
    )


def appointment_type_question(profile: ClinicProfile) -> Reply:
    buttons = tuple(Button(service[:1].upper() + service[1:], service) for service in profile.services)
    return Reply("What kind of appointment would you like?", buttons)


def preferred_time_question(offers: Sequence[Mapping[str, Any]] = ()) -> Reply:
    if offers:
        buttons = tuple(Button(str(offer["label"]), str(offer["label"])) for offer in offers)
        return Reply(
            "These times are free in the next few days. Would one of them suit you?",
            buttons + (Button("None of these", "none of these"),),
        )
    return Reply(
        'Which days and times usually suit you? Say it in your own words, for example "Tuesday afternoon", '
        '"after 5 any weekday" or "mornings".'
    )


def payment_question() -> Reply:
    return Reply(
        "Will you pay for yourself, or use health insurance? If it's insurance, tell me the insurer's name.",
        (Button("I'll pay myself", "pay myself"), Button("Health insurance", "health insurance")),
    )


def reason_question() -> Reply:
    return Reply('In a line, what would you like help with? For example "lower back spasm since Monday".')


def authorisation_question(insurer_name: str) -> Reply:
    return Reply(
        f"Do you have an authorisation (pre-authorisation) number from {insurer_name} for this treatment? "
        "If so, type it in. If not, that's fine.",
        (Button("Not yet", "not yet"),),
    )


SCREENING_INTROS = {
    "booking": "Now a few safety questions, to check that a physio is the right person to see. ",
    "check": "I'll ask you a few quick questions about warning signs. Answer yes, no or not sure. ",
}


def screening_question(question_text: str, number: int, total: int, purpose: str = "booking") -> Reply:
    intro = SCREENING_INTROS[purpose] if number == 1 else ""
    return Reply(
        f"{intro}({number} of {total}) {question_text}",
        (Button("Yes", "/affirm"), Button("No", "/deny"), Button("Not sure", "not sure")),
    )


def readback(details: Mapping[str, Any]) -> Reply:
    """Everything collected, to confirm or change one field."""
    lines = [
        "Here's what I'll send to the clinic:",
        f"- Name: {details.get('patient_name') or ''}",
        f"- Contact: {details.get('contact') or ''}",
        f"- Appointment: {str(details.get('appointment_type') or '').capitalize()}",
        f"- When: {details.get('preferred_time') or ''}",
        f"- Payment: {payment_text(details)}",
        f"- Reason: {details.get('reason') or ''}",
        "Is that all correct?",
    ]
    buttons = (Button("Yes, send it", "/affirm"),) + tuple(
        Button(f"Change {label}", f"change {label}") for label in CHANGEABLE.values()
    )
    return Reply("\n".join(lines), buttons)


def payment_text(details: Mapping[str, Any]) -> str:
    payment = details.get("payment")
    if payment == SELF_PAY:
        return "Paying for yourself"
    if not payment:
        return ""
    name = str(details.get("insurer_name") or str(payment).replace("_", " ").title())
    code = details.get("authorisation_number")
    if code and code != NO_AUTHORISATION:
        return f"{name} (authorisation {code})"
    return f"{name} (no authorisation number yet)"


# --- checks -------------------------------------------------------------------------------------------------


def check_name(text: str) -> FieldCheck:
    name = clean_name(text)
    if name:
        return FieldCheck(name)
    return FieldCheck(message="Sorry, I didn't catch your name. Your first and last name is all I need.")


def check_contact(text: str, intent: str, method: Optional[str], profile: ClinicProfile) -> FieldCheck:
    email = validate_email(text)
    if email:
        return FieldCheck(email, extra={"email": email, "phone": None, "contact_method": "email"})
    phone = normalise_uk_phone(text)
    if phone:
        return FieldCheck(phone_for_reading(phone), extra={"phone": phone, "email": None, "contact_method": "phone"})
    if method != "email" and (_SKIP_PHONE.search(text) or intent == "deny"):
        return FieldCheck(counted=False, extra={"contact_method": "email"})
    if method == "email" and _PHONE_INSTEAD.search(text):
        return FieldCheck(counted=False, extra={"contact_method": "phone"})
    if method == "email" and (intent == "deny" or _SKIP_PHONE.search(text) or _NO.match(text)):
        return FieldCheck(
            counted=False,
            message=(
                "The clinic needs one way to reach you to confirm the appointment, and uses it for nothing else. "
                f"If you'd rather not share it here, you can book by phone on {profile.phone}."
            ),
            buttons=(Button("Give a phone number", "phone instead"), STOP_BUTTON),
        )
    if looks_like_email(text):
        return FieldCheck(message="That email address doesn't look complete. It should look like name@example.com.")
    if phone_candidates(text) or re.search(r"\d{3,}", text):
        return FieldCheck(
            message=(
                "That doesn't look like a UK phone number. It should have 11 digits and start with 0, like "
                "07400 123456, or start with +44."
            )
        )
    return FieldCheck(message="Sorry, I didn't catch a phone number or an email address there.")


def check_preferred_time(text: str, profile: ClinicProfile, offers: Sequence[Mapping[str, Any]] = ()) -> FieldCheck:
    chosen = next((offer for offer in offers if _same(str(offer.get("label", "")), text)), None)
    if chosen:
        return FieldCheck(str(chosen["label"]), extra={"chosen_time": dict(chosen)})
    if offers and re.search(
        r"\bnone\b|\bneither\b|\bno\b|\bother\b|\bdifferent\b|\bnot\s+(?:these|those)\b", text, re.I
    ):
        return FieldCheck(counted=False, extra={"time_offers": []})
    preference = parse_preferred_time(text)
    if preference is None:
        return FieldCheck(
            message=(
                'Sorry, I didn\'t catch a day or time there. You could say "Tuesday afternoon", '
                '"after 5 any weekday" or "any time".'
            )
        )
    opening = OpeningTimes.from_profile((slot.days, slot.hours) for slot in profile.opening_hours)
    conflict = opening.conflict(preference)
    if conflict:
        return FieldCheck(
            counted=False, message=f"{conflict} Opening hours: {profile.hours_text()}. Which other time suits you?"
        )
    return FieldCheck(preference.describe(), extra={"chosen_time": None})


def _same(label: str, text: str) -> bool:
    return _words(label) == _words(text) and bool(label)


def check_appointment_type(text: str, profile: ClinicProfile) -> FieldCheck:
    service = match_service(text, profile.services)
    if isinstance(service, str):
        return FieldCheck(service, extra={"time_offers": None, "chosen_time": None})
    if service:
        names = " or ".join(service)
        return FieldCheck(
            counted=False,
            message=f"Did you mean {names}?",
            buttons=tuple(Button(s[:1].upper() + s[1:], s) for s in service),
        )
    return FieldCheck(message=f"Sorry, I didn't catch which one. We offer {', '.join(profile.services)}.")


def match_service(text: str, services: Sequence[str]) -> Any:
    """The one service the text names (str), the tied candidates (list), or None."""
    words = {_SERVICE_ALIASES.get(word, word) for word in _words(text)}
    if not words:
        return None
    lowered = " ".join(_words(text))
    exact = [service for service in services if service.lower() in lowered]
    if exact:
        return max(exact, key=len)
    scores = {}
    for service in services:
        service_words = {_SERVICE_ALIASES.get(word, word) for word in _words(service)}
        overlap = len(words & service_words)
        if overlap:
            scores[service] = overlap
    if not scores:
        return None
    best = max(scores.values())
    top = [service for service, score in scores.items() if score == best]
    return top[0] if len(top) == 1 else top


def _insurer_in_text(text: str, profile: ClinicProfile) -> Optional[str]:
    lowered = " ".join(_words(text))
    candidates: dict[str, str] = {}
    for insurer_id, name in profile.accepted_insurers.items():
        base = name.split("(")[0].strip().lower()
        for alias in {insurer_id.replace("_", " "), base, base.removeprefix("the ")}:
            candidates[alias] = insurer_id
    for alias, insurer_id in _ALIASES.items():
        if insurer_id in profile.accepted_insurers:
            candidates[alias] = insurer_id
    for alias in sorted(candidates, key=len, reverse=True):
        if re.search(rf"\b{re.escape(alias)}\b", lowered):
            return candidates[alias]
    return None


def _other_insurer(text: str) -> Optional[str]:
    lowered = " ".join(_words(text))
    for alias in sorted(OTHER_UK_INSURERS, key=len, reverse=True):
        if re.search(rf"\b{re.escape(alias)}\b", lowered):
            return OTHER_UK_INSURERS[alias]
    return None


def check_payment(text: str, insurer_entities: Sequence[str], profile: ClinicProfile) -> FieldCheck:
    accepted = next((i for i in insurer_entities if profile.insurer_name(i)), None) or _insurer_in_text(text, profile)
    if accepted:
        name = str(profile.insurer_name(accepted)).split("(")[0].strip()
        return FieldCheck(
            accepted,
            extra={"insurer_name": name},
            message=(
                f"Thanks. {name} usually wants you to contact them before your first session to get an "
                "authorisation number, and some policies need a GP referral first, so it's worth checking your policy."
            ),
        )
    if _SELF_PAY.search(text) and not _INSURANCE_WORDS.search(text.replace("no insurance", "")):
        message = ("Prices: " + "; ".join(profile.prices) + ".") if profile.prices else None
        return FieldCheck(SELF_PAY, extra={"insurer_name": None, "authorisation_number": None}, message=message)
    alternatives = (Button("I'll pay myself", "pay myself"), Button("NHS options", "/ask_nhs"), STOP_BUTTON)
    other = _other_insurer(text) or next(iter(insurer_entities), None)
    if other:
        pretty = other.replace("_", " ").title() if "_" in other else other
        return FieldCheck(
            counted=False,
            buttons=alternatives,
            message=(
                f"I'm sorry, {profile.name} doesn't work with {pretty}. You could pay for yourself instead. "
                "Or NHS physio is free, and in many areas you can refer yourself."
            ),
        )
    if _NHS.search(text):
        return FieldCheck(
            counted=False,
            buttons=alternatives,
            message=(
                f"{profile.name} is a private clinic, so appointments here are paid for by you or your insurer. "
                "NHS physio is free: in many areas you can refer yourself, or ask your GP."
            ),
        )
    if _INSURANCE_WORDS.search(text):
        names = ", ".join(name.split("(")[0].strip() for name in profile.accepted_insurers.values())
        return FieldCheck(
            counted=False,
            buttons=alternatives,
            message=(
                f"Which insurer is it? The clinic works with {names}. If yours isn't on that list, it isn't one the "
                "clinic can bill, but you can pay for yourself."
            ),
        )
    return FieldCheck(message="Sorry, I didn't catch that. Will you pay for yourself, or which insurer is it?")


def check_authorisation(text: str, intent: str) -> FieldCheck:
    code = parse_authorisation_number(text)
    if code:
        return FieldCheck(code)
    if intent == "deny" or _NOT_YET.search(text):
        return FieldCheck(
            NO_AUTHORISATION, message="That's fine. Please ask your insurer for one before your first appointment."
        )
    return FieldCheck(
        message="Sorry, that doesn't look like an authorisation number. It's usually letters and numbers, "
        'like AB123456. If you don\'t have one yet, just say "not yet".'
    )


def check_reason(text: str) -> FieldCheck:
    reason = clean_reason(text)
    if reason:
        return FieldCheck(reason)
    return FieldCheck(message='Could you tell me in a few words what\'s wrong, like "lower back spasm since Monday"?')


def screening_answer(text: str, intent: str) -> Optional[str]:
    """yes / no / unsure from a typed or tapped answer. Doubt wins over yes and no: "no, not sure" is unsure,
    because an emergency sign the person cannot rule out must not be taken as a "no"."""
    raw = (text or "").strip()
    if raw.startswith("/affirm"):
        return YES
    if raw.startswith("/deny"):
        return NO
    if _UNSURE.search(raw):
        return UNSURE
    if _NO.match(raw):
        return NO
    if _YES.match(raw):
        return YES
    if intent == "affirm":
        return YES
    if intent == "deny":
        return NO
    return None


def confirmation(text: str, intent: str) -> tuple[Optional[str], Optional[str]]:
    """("yes", None), ("change", field), ("no", None) or (None, None) when the answer cannot be read."""
    raw = (text or "").strip()
    if raw.startswith("/affirm"):
        return YES, None
    wants_change = bool(_CHANGE.search(raw)) or raw.startswith("/deny") or intent == "deny" or bool(_NO.match(raw))
    for field_name, pattern in _FIELD_WORDS:
        if pattern.search(raw) and (wants_change or len(_words(raw)) <= 3):
            return "change", field_name
    if wants_change:
        return NO, None
    if intent == "affirm" or _YES.match(raw):
        return YES, None
    return None, None


# --- explanations after two refused answers in a row ------------------------------------------------------


def explanation(slot: str, profile: ClinicProfile) -> Optional[str]:
    services = ", ".join(profile.services)
    insurers = ", ".join(name.split("(")[0].strip() for name in profile.accepted_insurers.values())
    leave = 'If you\'d rather stop, tap "Stop booking" or say "stop".'
    texts = {
        "patient_name": (
            "I ask for your name so the clinic knows who to expect. Your first and last name is enough, like "
            f'"Sam Patel". You can also book by phone on {profile.phone}. {leave}'
        ),
        "contact": (
            "The clinic needs one way to reach you to confirm the time, and will use it only for this booking. "
            "A UK phone number looks like 07400 123456 or 020 7946 0321 (or starts with +44). An email address "
            f"looks like name@example.com. {leave}"
        ),
        "preferred_time": (
            "Tell me which days and times usually suit you, in your own words, and the team will find the nearest "
            'free appointment. For example "Tuesday afternoon", "after 5 any weekday", "Saturday morning" or '
            f'"any time". The clinic is open {profile.hours_text()}.'
        ),
        "appointment_type": (
            f"We offer {services}. Tap the one you'd like."
            + (
                " If you're not sure, the free assessment is a good start: a physio checks your back and suggests "
                "what will help."
                if any("assessment" in s.lower() for s in profile.services)
                else ""
            )
        ),
        "payment": (
            "If you'll pay for the appointment yourself, say \"I'll pay myself\". If health insurance will pay, tell "
            f"me the insurer's name. The clinic works with {insurers}."
        ),
        "authorisation_number": (
            "Insurers usually give you an authorisation (or pre-authorisation) number when you tell them you need "
            "treatment. It's on their email or letter, often letters and numbers. If you haven't got one yet, say "
            '"not yet": you can give it to the clinic later.'
        ),
        "reason": 'Just a few words about your back, like "spasm in my lower back since the weekend". It helps the '
        "physio prepare. " + leave,
        "red_flag_screen": (
            "Please answer yes, no or not sure. These questions check for rare but serious problems that need a "
            "doctor straight away rather than a physio."
        ),
        "booking_confirmed": 'Tap "Yes, send it" if everything is right, or tap the detail you\'d like to change.',
    }
    return texts.get(slot)


# --- endings --------------------------------------------------------------------------------------------------


def consent_refused(profile: ClinicProfile) -> Reply:
    return Reply(
        f"That's absolutely fine, I haven't kept anything. You can book by phone on {profile.phone} "
        f"({profile.hours_text()}). I'm still here if you have questions about your back."
    )


def booking_stopped(profile: ClinicProfile, ask_more: bool = True) -> Reply:
    more = " Is there anything else about your back I can help with?" if ask_more else ""
    return Reply(
        "No problem, I've stopped the booking and haven't kept the details you gave. If you'd like to book "
        f"later, just say so, or call {profile.phone}.{more}"
    )


def callback_stopped(profile: ClinicProfile) -> Reply:
    return Reply(
        f"No problem, no call back then, and I haven't kept any details. You can reach the team on {profile.phone}."
    )


def urgent_screen_note() -> str:
    return "If you'd still like to book with the clinic as well, I'll carry on."


def handoff(
    submission: Submission, request: BookingRequest, profile: ClinicProfile, settings: BookingSettings, now: dt.datetime
) -> Reply:
    """What happens next and when, with the reference."""
    opening = OpeningTimes.from_profile((slot.days, slot.hours) for slot in profile.opening_hours)
    when_open = opening.next_open_text(now)
    how = f"call you on {phone_for_reading(request.phone)}" if request.phone else f"email you at {request.email}"
    name = first_name(request.name)
    ref = f"Your reference is **{submission.reference}**."
    safety = "If your back gets much worse before then, call NHS 111, or 999 in an emergency."
    if submission.status == "booked":
        text = (
            f"You're booked in, {name}: {submission.appointment}. {ref} The clinic will send you a "
            f"confirmation. To change or cancel, call {profile.phone}. {safety}"
        )
    elif submission.status == "queued":
        text = (
            f"Thank you, {name}. The clinic's booking system isn't answering just now, so I've kept your request "
            f"safely and it will be passed on automatically. {ref} The clinic will {how} to confirm your "
            f"appointment, usually within {settings.reply_within}. {when_open} {safety}"
        )
    else:
        text = (
            f"Thank you, {name}. Your request is with the team at {profile.name}. {ref} What happens next: they'll "
            f"{how} within {settings.reply_within} to offer a time that suits you ({request.preferred_time}). "
            f"{when_open} {safety}"
        )
        if submission.booking_link:
            text += f" If you'd like to pick a time yourself now, you can book online: {submission.booking_link}"
    return Reply(" ".join(text.split()), (), topic="booking")


def handoff_failed(profile: ClinicProfile) -> Reply:
    return Reply(
        f"I'm sorry, something went wrong and I couldn't save your request. Please call {profile.phone} "
        f"({profile.hours_text()}) or email {profile.email}, and the team will book you in."
    )


def callback_reply(
    reference: Optional[str],
    request: Optional[BookingRequest],
    profile: ClinicProfile,
    settings: BookingSettings,
    now: dt.datetime,
) -> Reply:
    opening = OpeningTimes.from_profile((slot.days, slot.hours) for slot in profile.opening_hours)
    hours = f"The clinic is open {profile.hours_text()}. {opening.next_open_text(now)}"
    if reference and request and request.contact:
        how = (
            f"call you back on {phone_for_reading(request.phone)}"
            if request.phone
            else f"get back to you at {request.email}"
        )
        text = (
            f"Of course. I've asked the team to {how}, with a short note of what we talked about "
            f"(reference **{reference}**). {hours} If it's an emergency, call 999."
        )
    else:
        noted = (
            f" I've passed a short note of what we talked about to the team (reference **{reference}**)."
            if reference
            else ""
        )
        text = (
            f"Of course.{noted} To talk to someone, call {profile.phone} or email {profile.email}. {hours} "
            "If it's an emergency, call 999."
        )
    return Reply(" ".join(text.split()), (Button("Book an assessment", "/book_appointment"),), topic="human")


# --- talking to a person ------------------------------------------------------------------------------------


def how_to_reach_us(profile: ClinicProfile, now: dt.datetime) -> Reply:
    """The first answer to "can I speak to a person": the phone, the email and when someone is there."""
    opening = OpeningTimes.from_profile((slot.days, slot.hours) for slot in profile.opening_hours)
    # "Am I talking to a real person?" often lands here too, so the answer also says what this chat is.
    text = (
        f"I'm the clinic's automated assistant, not a person. You can talk to the team at {profile.name} on "
        f"{profile.phone}, or email {profile.email}. "
        f"Opening hours: {profile.hours_text()}. {opening.next_open_text(now)} If it's an emergency, call 999."
    )
    return Reply(" ".join(text.split()), topic="human")


def callback_consent_question(known_contact: Optional[str] = None) -> Reply:
    if known_contact:
        text = (
            f"Or I can ask the team to get back to you on {known_contact}, with a short note of what we talked "
            "about. It's kept only to arrange that; ask the clinic for a copy or to delete it whenever you like. "
            "Would you like that?"
        )
    else:
        text = (
            "Or I can ask the team to call you back. I'd need your name and a phone number (or email), kept only "
            "to arrange the call with a short note of what we talked about; ask the clinic for a copy or to "
            "delete it whenever you like. "
            "Would you like a call back?"
        )
    return Reply(
        text,
        (Button("Yes, call me back", "/affirm"), Button("No thanks", "/deny")),
    )
