"""Answers about the clinic itself, built from the clinic profile (never from fixed text in code paths that
name the clinic)."""

from __future__ import annotations

import re
from typing import Optional

from backcare.clinic import ClinicProfile
from backcare.reply import Button, Reply

BOOK_BUTTON = Button("Book an assessment", "/book_appointment")
NHS_BUTTON = Button("NHS options", "/ask_nhs")


def insurance_answer(profile: ClinicProfile, insurer: Optional[str]) -> Reply:
    next_steps = (
        "Insurers usually want you to open a claim with them first and give you an authorisation number. "
        "Some also need a GP referral, so please check your policy."
    )
    if insurer is None:
        names = ", ".join(profile.accepted_insurers.values())
        text = f"{profile.name} works with these insurers: {names}. {next_steps} You can also pay for yourself."
    elif profile.insurer_name(insurer):
        text = f"Yes, {profile.name} accepts {profile.insurer_name(insurer)}. {next_steps}"
    else:
        pretty = insurer.replace("_", " ").title()
        text = (
            f"I'm sorry, {pretty} isn't on our list of insurers. You can still pay for yourself, "
            f"or call {profile.phone} to check. NHS physio is free, and in many areas you can refer yourself."
        )
    return Reply(text, (BOOK_BUTTON, NHS_BUTTON), topic="insurance")


def clinic_info(profile: ClinicProfile) -> Reply:
    services = ", ".join(profile.services)
    text = (
        f"{profile.name}, {profile.address}. Phone {profile.phone}, email {profile.email}. "
        f"Opening hours: {profile.hours_text()}. We offer {services}."
    )
    if profile.prices:
        text += " Prices: " + "; ".join(profile.prices) + "."
    return Reply(text, (BOOK_BUTTON,), topic="clinic_info")


# "How much is an assessment?": read from the words, whatever area the model gave the question.
_PRICE_WORDS = re.compile(r"\bhow much\b|\bcosts?\b|\bprices?\b|\bfees?\b|\bcharges?\b|\bexpensive\b|£")
PRICE_TOPIC = "prices"


# In a question about the back, a price is only the clinic's when the message says so: "a TENS machine for £30"
# or "a private MRI is £300" are about something else.
_CLINIC_WORDS = re.compile(r"\b(?:assessments?|appointments?|sessions?|consult\w*|physio\w*|you|your|clinic|visits?)\b")


def asks_price(text: str) -> bool:
    return bool(_PRICE_WORDS.search(str(text).lower()))


def asks_clinic_price(text: str) -> bool:
    return asks_price(text) and bool(_CLINIC_WORDS.search(str(text).lower()))


def price_text(profile: ClinicProfile) -> str:
    """What seeing the clinic costs, only from the profile: its free services and listed prices, else who to ask."""
    free = [service for service in profile.services if "free" in service.lower()]
    parts = [f"{profile.name} offers a {free[0]}." if free else ""]
    if profile.prices:
        parts.append("Prices: " + "; ".join(profile.prices) + ".")
    else:
        parts.append(f"For the price of treatment, please call {profile.phone}.")
    parts.append(
        "If you have health insurance, it may cover treatment. NHS physio is free, and in many areas "
        "you can refer yourself."
    )
    return " ".join(part for part in parts if part)


def price_answer(profile: ClinicProfile) -> Reply:
    return Reply(
        price_text(profile), (BOOK_BUTTON, Button("Using insurance", "/ask_insurance"), NHS_BUTTON), topic=PRICE_TOPIC
    )


def clinic_reply(profile: ClinicProfile, text: str) -> Reply:
    """A question about the clinic: its prices when the message asks what it costs, else its details."""
    return price_answer(profile) if asks_price(text) else clinic_info(profile)
